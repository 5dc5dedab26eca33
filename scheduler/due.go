package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

// Occasion is what one firing of a default job is about: the period, the
// deadline after the holiday policy, and why that date moved.
type Occasion struct {
	// Period names the instance in idempotency keys and in `baosong
	// schedule`: "2026-11-26" (the attendance form due that day), "2026-11"
	// (a month), "2026-W47" (the week a weekly report covers), "2026Q4".
	Period string
	// Label is the period as people read it: "11月26日（周四）", "2026年11月".
	Label string
	// Start is the first day of a month, quarter or week period (zero for
	// an attendance form: its window belongs to the attendance domain).
	Start time.Time
	// Deadline is the deadline the firing is about, after holiday_policy.
	// When AllDay, it is midnight starting the last day ("by the 15th"):
	// the deadline is the end of that day.
	Deadline time.Time
	AllDay   bool
	// Reason says why the deadline is not on its nominal date, e.g.
	// "2026-11-15 is 周日: deadline moved to 2026-11-13"; "" when it is.
	// Note says the same in Chinese for the texts people get.
	Reason, Note string
}

// DeadlineText is the deadline as `baosong schedule` prints it:
// "2026-11-26 17:00", or "2026-11-13" for a whole-day deadline.
func (o Occasion) DeadlineText() string {
	if o.AllDay {
		return o.Deadline.Format("2006-01-02")
	}
	return o.Deadline.Format("2006-01-02 15:04")
}

// Rules decide, for every default job, whether a firing at a given instant
// has anything to do and what about. They are pure — the configuration
// and the working-day calendar in, occasions out — so `baosong schedule`,
// the running jobs and the tests share them. Each rule answers for the
// calendar day of its argument in the organisation's time zone.
//
// The rules, all on the working-day calendar of package org:
//   - Attendance: the days the attendance domain's forms are due
//     (attendance.Schedule: [attendance] due_time on each due weekday, not
//     in a school vacation, moved by holiday_policy).
//   - Monthly summary: the 1st covers the month before; the grade leads
//     confirm by [attendance] confirm_due_day of the month (moved by the
//     policy, never earlier than the 2nd); the reminder goes out the
//     working day before that deadline, the overdue list the working day
//     after.
//   - Monthly information (the 15th) and media summary (the 28th): the
//     deadline moves by the policy; reminders go out the configured numbers
//     of working days before it, the shortfall or overdue list the working
//     day after it. A due day past the month's end means its last day.
//   - Quarterly research: the reminder goes out research_remind_days
//     before the quarter's last day, on the working day before when that
//     is not one. Ranking: the first working day after the quarter.
//   - Weekly department report: the reports the desk files (desk.Weeks:
//     due on [weekly] weekday at due_at for the week before, moved by the
//     policy); the reminder and the overdue list go out on the day it is
//     due.
type Rules struct {
	att   org.AttendancePolicy
	sub   org.SubmissionPolicy
	out   org.OutingPolicy
	sch   org.SchedulePolicy
	forms *attendance.Schedule
	weeks *desk.Weeks
	cal   *org.Calendar
	loc   *time.Location
}

// NewRules binds the organisation's (validated) policies to its calendar.
// The attendance and weekly due days are the domains' own rules, built
// from the same policies, so a reminder is always about a form or report
// the domain has (planning needs no store).
func NewRules(p org.Policies, cal *org.Calendar) *Rules {
	return &Rules{att: p.Attendance, sub: p.Submission, out: p.Outing, sch: p.Schedule,
		forms: attendance.NewSchedule(p.Attendance, cal), weeks: desk.NewWeeks(p.Weekly, cal), cal: cal, loc: cal.Location()}
}

// Calendar is the working-day calendar the rules use.
func (r *Rules) Calendar() *org.Calendar { return r.cal }

// AttendanceDue is the attendance form due on at's day, if any.
func (r *Rules) AttendanceDue(at time.Time) (Occasion, bool) {
	due, ok := r.forms.On(at)
	if !ok {
		return Occasion{}, false
	}
	o := Occasion{Period: due.At.Format("2006-01-02"), Label: dayLabel(due.At), Deadline: due.At}
	o.Reason, o.Note = r.moved(due.Moves, due.At)
	return o, true
}

// SummaryMonth: on the 1st, the monthly summary of the month before, with
// its confirmation deadline.
func (r *Rules) SummaryMonth(at time.Time) (Occasion, bool) {
	day := r.midnight(at)
	if day.Day() != 1 {
		return Occasion{}, false
	}
	return r.confirmDeadline(day.AddDate(0, -1, 0)), true
}

// ConfirmRemind: the working day before the confirmation deadline of a
// monthly summary (the deadline's day when that comes before the summary
// itself), that summary.
func (r *Rules) ConfirmRemind(at time.Time) (Occasion, bool) {
	return r.confirmAround(at, -1)
}

// ConfirmOverdue: the working day after the confirmation deadline of a
// monthly summary, that summary.
func (r *Rules) ConfirmOverdue(at time.Time) (Occasion, bool) {
	return r.confirmAround(at, 1)
}

func (r *Rules) confirmAround(at time.Time, n int) (Occasion, bool) {
	day := r.midnight(at)
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, r.loc)
	for i := -3; i <= 1; i++ {
		o := r.confirmDeadline(first.AddDate(0, i, 0))
		on := r.cal.AddWorkdays(o.Deadline, n)
		if on.Before(o.Start.AddDate(0, 1, 0)) {
			// A reminder before the summary goes out (a holiday right
			// after the 1st) goes on the deadline's day instead.
			on = o.Deadline
		}
		if sameDay(on, day) {
			return o, true
		}
	}
	return Occasion{}, false
}

// confirmDeadline is the occasion of the summary of month (its 1st): due by
// confirm_due_day of the next month, moved by the policy but never before
// the 2nd, the day after the summary goes out.
func (r *Rules) confirmDeadline(month time.Time) Occasion {
	next := month.AddDate(0, 1, 0)
	nominal := time.Date(next.Year(), next.Month(), r.att.ConfirmDueDay, 0, 0, 0, 0, r.loc)
	moved, reason, note := r.dayDeadline(nominal, next.AddDate(0, 0, 1))
	return Occasion{Period: month.Format("2006-01"), Label: monthLabel(month), Start: month, Deadline: moved,
		AllDay: true, Reason: reason, Note: note}
}

// InfoRemind: n working days before the monthly information deadline.
func (r *Rules) InfoRemind(at time.Time, n int) (Occasion, bool) {
	return r.monthlyAround(at, r.sub.DueDay, -n)
}

// InfoShortfall: the working day after the monthly information deadline.
func (r *Rules) InfoShortfall(at time.Time) (Occasion, bool) {
	return r.monthlyAround(at, r.sub.DueDay, 1)
}

// MediaRemind: n working days before the media summary deadline.
func (r *Rules) MediaRemind(at time.Time, n int) (Occasion, bool) {
	return r.monthlyAround(at, r.sub.MediaDueDay, -n)
}

// MediaOverdue: the working day after the media summary deadline.
func (r *Rules) MediaOverdue(at time.Time) (Occasion, bool) {
	return r.monthlyAround(at, r.sub.MediaDueDay, 1)
}

// monthlyAround finds the month whose deadline on dueDay lies n working
// days from at's day.
func (r *Rules) monthlyAround(at time.Time, dueDay, n int) (Occasion, bool) {
	day := r.midnight(at)
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, r.loc)
	for i := -1; i <= 2; i++ {
		o := r.monthlyDeadline(first.AddDate(0, i, 0), dueDay)
		if sameDay(r.cal.AddWorkdays(o.Deadline, n), day) {
			return o, true
		}
	}
	return Occasion{}, false
}

// MonthlyDeadline is the deadline on dueDay of month (any instant in it),
// moved by the policy; a day past the month's end means its last day.
func (r *Rules) monthlyDeadline(month time.Time, dueDay int) Occasion {
	moved, reason, note := r.dayDeadline(org.DayOfMonth(month, dueDay, r.loc), time.Time{})
	first := org.DayOfMonth(month, 1, r.loc)
	return Occasion{Period: first.Format("2006-01"), Label: monthLabel(first), Start: first, Deadline: moved,
		AllDay: true, Reason: reason, Note: note}
}

// ResearchRemind: research_remind_days before the quarter's last day (the
// working day before when that is not one), the quarter.
func (r *Rules) ResearchRemind(at time.Time) (Occasion, bool) {
	day := r.midnight(at)
	for i := 0; i <= 1; i++ {
		q := r.quarter(day, i)
		remind := q.Start.AddDate(0, 3, -1-r.sch.ResearchRemindDays)
		if !r.cal.IsWorkday(remind) {
			remind = r.cal.AddWorkdays(remind, -1)
		}
		if sameDay(remind, day) {
			return q, true
		}
	}
	return Occasion{}, false
}

// Ranking: the first working day after a quarter, the quarter just ended.
func (r *Rules) Ranking(at time.Time) (Occasion, bool) {
	day := r.midnight(at)
	for i := -1; i <= 0; i++ {
		q := r.quarter(day, i)
		if sameDay(r.cal.NextWorkday(q.Start.AddDate(0, 3, -1)), day) {
			return q, true
		}
	}
	return Occasion{}, false
}

// quarter is the quarter offset quarters from day's, with its last day as
// the (whole-day) deadline, moved by the policy. Start is its first day.
func (r *Rules) quarter(day time.Time, offset int) Occasion {
	q := (int(day.Month())-1)/3 + offset
	first := time.Date(day.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, r.loc)
	last := first.AddDate(0, 3, -1)
	moved, reason, note := r.dayDeadline(last, time.Time{})
	qn := (int(first.Month())-1)/3 + 1
	return Occasion{
		Period: fmt.Sprintf("%dQ%d", first.Year(), qn),
		Label:  fmt.Sprintf("%d年第%s季度", first.Year(), []string{"一", "二", "三", "四"}[qn-1]),
		Start:  first, Deadline: moved, AllDay: true, Reason: reason, Note: note,
	}
}

// WeeklyDue is the weekly department report due on at's day, if any,
// named by the first week it covers.
func (r *Rules) WeeklyDue(at time.Time) (Occasion, bool) {
	day := r.midnight(at)
	weeks := r.weeks.Between(day, day.AddDate(0, 0, 1))
	if len(weeks) == 0 {
		return Occasion{}, false
	}
	w := weeks[0]
	year, week := w.Monday.ISOWeek()
	o := Occasion{Period: fmt.Sprintf("%d-W%02d", year, week), Label: w.Label(), Start: w.Monday, Deadline: w.Due}
	o.Reason, o.Note = r.moved(w.Moves, w.Due)
	return o, true
}

// moved says why the nominal deadlines of moves lie on moved: the
// calendar's reasons and the Chinese note.
func (r *Rules) moved(moves []org.Move, moved time.Time) (reason, note string) {
	nominals := make([]time.Time, len(moves))
	for i, m := range moves {
		reason = join(reason, m.Reason, "; ")
		nominals[i] = m.Nominal
	}
	return reason, r.moveNote(nominals, moved)
}

// deadline moves a deadline by the policy, saying why in English (the
// calendar's words) and in Chinese.
func (r *Rules) deadline(nominal time.Time) (moved time.Time, reason, note string) {
	moved, reason = r.cal.Deadline(nominal)
	if reason != "" {
		note = r.moveNote([]time.Time{nominal}, moved)
	}
	return moved, reason, note
}

// dayDeadline moves a whole-day deadline by the policy; a move before
// notBefore (when set) goes to the first working day from notBefore on
// instead.
func (r *Rules) dayDeadline(nominal, notBefore time.Time) (moved time.Time, reason, note string) {
	moved, reason, note = r.deadline(nominal)
	if notBefore.IsZero() || !moved.Before(notBefore) {
		return moved, reason, note
	}
	moved = notBefore
	if !r.cal.IsWorkday(moved) {
		moved = r.cal.NextWorkday(moved)
	}
	return moved, fmt.Sprintf("%s is %s: deadline moved to %s", nominal.Format("2006-01-02"), r.cal.DayName(nominal),
		moved.Format("2006-01-02")), r.moveNote([]time.Time{nominal}, moved)
}

// moveNote says why deadlines moved onto moved, once: "11月15日为周日，截止日期
// 调整为11月13日"; several days moved together are named together, by their
// day's name: "10月1日、10月5日为国庆节，截止日期调整为9月30日". "" when none moved.
func (r *Rules) moveNote(nominals []time.Time, moved time.Time) string {
	var names []string
	days := map[string][]string{}
	for _, d := range nominals {
		name := r.cal.DayName(d)
		if _, ok := days[name]; !ok {
			names = append(names, name)
		}
		days[name] = append(days[name], fmt.Sprintf("%d月%d日", d.Month(), d.Day()))
	}
	if len(names) == 0 {
		return ""
	}
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = strings.Join(days[name], "、") + "为" + name
	}
	return fmt.Sprintf("%s，截止日期调整为%d月%d日", strings.Join(parts, "，"), moved.Month(), moved.Day())
}

// midnight is the start of t's day in the organisation's zone.
func (r *Rules) midnight(t time.Time) time.Time { return r.cal.Midnight(t) }

func sameDay(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

func join(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// dayLabel is "11月26日（周四）".
func dayLabel(t time.Time) string {
	return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), weekdayNames[t.Weekday()])
}

// monthLabel is "2026年11月".
func monthLabel(t time.Time) string { return fmt.Sprintf("%d年%d月", t.Year(), t.Month()) }
