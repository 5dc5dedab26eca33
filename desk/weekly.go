package desk

// Weekly department reports (周报, W<n>; 篇8): each department's officer
// reports the past week's main events and attendance, due on [weekly]
// weekday (Monday) at due_at (12:00), moved off a non-working day by
// holiday_policy. A report covers the week before its nominal due day
// (type Weeks, which the scheduler's reminders ask too): a report due Monday
// 2026-11-30 covers the week starting Monday 2026-11-23. When two weeks'
// due times fall together (both moved onto one working day), one report
// covers both and is filed under the earlier week, as the reminder names it.
//
// A report is for the week the reminder names: the week whose due time is
// the next one, on time. Only before the day of that due time, while the
// week before is still missing for its unit, does a report complete that
// week late (a Tuesday report after a missed Monday). So on the due day a
// report is always the one due, even when older weeks were never reported.
// Departments are the units of kind dept that have an officer.

import (
	"context"
	"fmt"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Weekly is a weekly department report (W<n>).
type Weekly struct {
	ID            string    `json:"id"`
	Unit          string    `json:"unit"`
	UnitName      string    `json:"unit_name,omitempty"`
	Submitter     string    `json:"submitter"`
	SubmitterName string    `json:"submitter_name,omitempty"`
	Text          string    `json:"text"`
	At            time.Time `json:"at"`
	Week          string    `json:"week"` // Monday of the week covered: 2026-11-23
	Due           time.Time `json:"due"`
	Late          bool      `json:"late"`
}

// Weeks is the rule of when weekly reports are due (see the file comment):
// the desk files reports by it and the scheduler reminds by it. It is
// immutable and safe for concurrent use.
type Weeks struct {
	policy org.WeeklyPolicy
	cal    *org.Calendar
	loc    *time.Location
}

// NewWeeks binds the weekly-report policy to the calendar.
func NewWeeks(p org.WeeklyPolicy, cal *org.Calendar) *Weeks {
	return &Weeks{policy: p, cal: cal, loc: cal.Location()}
}

// monday is the Monday starting t's week (midnight).
func (w *Weeks) monday(t time.Time) time.Time { return w.cal.Monday(t) }

// due is the due time of the report covering the week starting on monday,
// after the holiday policy, with its nominal day and why it moved ("" when
// it did not).
func (w *Weeks) due(monday time.Time) (due, nominal time.Time, reason string) {
	nominal = w.monday(monday).AddDate(0, 0, 1)
	for nominal.Weekday() != time.Weekday(w.policy.Weekday) {
		nominal = nominal.AddDate(0, 0, 1)
	}
	due, reason = w.cal.Deadline(w.policy.DueAt.On(nominal, w.loc))
	return due, nominal, reason
}

// WeekDue is one weekly report owed by each department: the Monday of the
// week it covers (the earlier week when two share the due time), the
// Sunday ending the last week it covers, when it is due, and the nominal
// due days the holiday policy moved onto that time, in order.
type WeekDue struct {
	Monday, Sunday, Due time.Time
	Moves               []org.Move
}

// Of is the report covering the week of t.
func (w *Weeks) Of(t time.Time) WeekDue {
	monday := w.monday(t)
	due, _, _ := w.due(monday)
	for prev := monday.AddDate(0, 0, -7); ; prev = prev.AddDate(0, 0, -7) {
		if d, _, _ := w.due(prev); !d.Equal(due) {
			break
		}
		monday = prev
	}
	wd := WeekDue{Monday: monday, Due: due}
	for m := monday; ; m = m.AddDate(0, 0, 7) {
		d, nominal, reason := w.due(m)
		if !d.Equal(due) {
			break
		}
		wd.Sunday = m.AddDate(0, 0, 6)
		if reason != "" {
			wd.Moves = append(wd.Moves, org.Move{Nominal: nominal, Reason: reason})
		}
	}
	return wd
}

// Between lists the reports due in [from, to), in order.
func (w *Weeks) Between(from, to time.Time) []WeekDue {
	var out []WeekDue
	// A due time lies within three weeks of its week, holidays included.
	for m := w.monday(from).AddDate(0, 0, -21); !m.After(to); m = m.AddDate(0, 0, 7) {
		wd := w.Of(m)
		if wd.Monday.Equal(m) && !wd.Due.Before(from) && wd.Due.Before(to) {
			out = append(out, wd)
		}
	}
	return out
}

// Label names the week(s) the report covers, as the reminder does:
// "10月26日—11月1日这一周", "11月30日—12月13日这两周".
func (wd WeekDue) Label() string {
	n := "一"
	if wd.Sunday.Sub(wd.Monday) > 7*24*time.Hour {
		n = "两"
	}
	return fmt.Sprintf("%d月%d日—%d月%d日这%s周", wd.Monday.Month(), wd.Monday.Day(), wd.Sunday.Month(), wd.Sunday.Day(), n)
}

// WeeksDue lists the reports due in [from, to), in order.
func (d *Service) WeeksDue(from, to time.Time) []WeekDue { return d.Weeks.Between(from, to) }

// WeekLabel names the week(s) a report starting on monday covers, as the
// reminder does: "10月26日—11月1日这一周".
func (d *Service) WeekLabel(monday time.Time) string { return d.Weeks.Of(monday).Label() }

// weekOf attributes a report of unit sent at t (see the file comment).
func (d *Service) weekOf(unit string, t time.Time, prior []*Weekly) (w WeekDue, late bool) {
	m := d.Weeks.monday(t).AddDate(0, 0, -21)
	next := d.Weeks.Of(m)
	for next.Due.Before(t) {
		m = m.AddDate(0, 0, 7)
		next = d.Weeks.Of(m)
	}
	prev := d.Weeks.Of(next.Monday.AddDate(0, 0, -7))
	t = t.In(d.Policy.Loc)
	due := next.Due.In(d.Policy.Loc)
	dueDay := d.Weeks.cal.Midnight(due)
	if t.Before(dueDay) && !reported(prior, unit, prev.Monday) {
		return prev, true
	}
	return next, false
}

// Departments lists the units that owe weekly reports: departments with an
// officer, in configuration order.
func (d *Service) Departments() []*org.Unit {
	var out []*org.Unit
	for _, u := range d.Dir.Units() {
		if u.Kind == org.Dept && len(d.Dir.InUnit(u.ID, org.Officer)) > 0 {
			out = append(out, u)
		}
	}
	return out
}

// SubmitWeekly records an officer's weekly report.
func (d *Service) SubmitWeekly(ctx context.Context, m *org.Member, text string, at time.Time) (*Weekly, error) {
	at = d.at(at)
	unit := officerUnit(m, d.Dir)
	if unit == "" {
		return nil, ErrNoDeptUnit
	}
	var out *Weekly
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		prior, err := tx.Weeklies()
		if err != nil {
			return err
		}
		id, err := tx.NewID("W")
		if err != nil {
			return err
		}
		week, late := d.weekOf(unit, at, prior)
		w := &Weekly{ID: id, Unit: unit, UnitName: d.Dir.UnitName(unit), Submitter: m.ID, SubmitterName: m.Name,
			Text: text, At: at, Week: week.Monday.Format(time.DateOnly), Due: week.Due, Late: late}
		action := "周报"
		if late {
			action = "周报（逾期补报）"
		}
		if err := tx.PutWeekly(w, action); err != nil {
			return err
		}
		out = w
		return nil
	})
	return out, err
}

// reported reports whether unit has a report for the week starting on monday.
func reported(weeks []*Weekly, unit string, monday time.Time) bool {
	key := monday.Format(time.DateOnly)
	for _, w := range weeks {
		if w.Unit == unit && w.Week == key {
			return true
		}
	}
	return false
}

// WeeklyMissingOf lists the departments (unit ids) without a report for the
// week starting on monday. Pure.
func WeeklyMissingOf(depts []*org.Unit, weeks []*Weekly, monday time.Time) []string {
	var out []string
	for _, u := range depts {
		if !reported(weeks, u.ID, monday) {
			out = append(out, u.ID)
		}
	}
	return out
}

// WeeklyMissing lists the departments without a report for the week
// starting on monday (the scheduler's weekly overdue list and reminder).
func (d *Service) WeeklyMissing(_ context.Context, monday time.Time) ([]string, error) {
	var weeks []*Weekly
	err := d.Store.ViewDesk(func(tx Tx) error {
		var err error
		weeks, err = tx.Weeklies()
		return err
	})
	if err != nil {
		return nil, err
	}
	return WeeklyMissingOf(d.Departments(), weeks, d.Weeks.Of(monday).Monday), nil
}

// officeNotices builds one push per office member.
func (d *Service) officeNotices(key, text string) []bot.Notification {
	var out []bot.Notification
	for _, m := range d.Dir.WithRole(org.Office) {
		out = append(out, bot.Notification{Key: key + "|" + m.ID, To: bot.Recipient{Member: m.ID}, Title: "信息报送", Text: text})
	}
	return out
}
