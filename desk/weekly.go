package desk

// Weekly department reports (周报, W<n>; 篇8): each department's officer
// reports the past week's main events and attendance, due on [weekly]
// weekday (Monday) at due_at (12:00), moved off a non-working day by
// holiday_policy. A report covers the week before its nominal due day
// (the same rule as scheduler.Rules.WeeklyDue): a report due Monday
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

// weekMonday is the Monday starting t's week (midnight).
func (p *InfoPolicy) weekMonday(t time.Time) time.Time {
	t = t.In(p.Loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, p.Loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// WeeklyDue is the due time of the report covering the week starting on
// monday, after the holiday policy.
func (d *Service) WeeklyDue(monday time.Time) time.Time {
	monday = d.Policy.weekMonday(monday)
	nominal := monday.AddDate(0, 0, 1)
	for nominal.Weekday() != time.Weekday(d.Week.Weekday) {
		nominal = nominal.AddDate(0, 0, 1)
	}
	due, _ := d.Policy.Cal.Deadline(d.Week.DueAt.On(nominal, d.Policy.Loc))
	return due
}

// WeekDue is one weekly report owed by each department: the Monday of the
// week it covers (the earlier week when two share the due time) and when
// it is due.
type WeekDue struct {
	Monday, Due time.Time
}

// weekDue is the report covering the week of t.
func (d *Service) weekDue(t time.Time) WeekDue {
	monday := d.Policy.weekMonday(t)
	due := d.WeeklyDue(monday)
	for prev := monday.AddDate(0, 0, -7); d.WeeklyDue(prev).Equal(due); prev = prev.AddDate(0, 0, -7) {
		monday = prev
	}
	return WeekDue{Monday: monday, Due: due}
}

// WeeksDue lists the reports due in [from, to), in order.
func (d *Service) WeeksDue(from, to time.Time) []WeekDue {
	var out []WeekDue
	// A due time lies within three weeks of its week, holidays included.
	for m := d.Policy.weekMonday(from).AddDate(0, 0, -21); !m.After(to); m = m.AddDate(0, 0, 7) {
		w := d.weekDue(m)
		if w.Monday.Equal(m) && !w.Due.Before(from) && w.Due.Before(to) {
			out = append(out, w)
		}
	}
	return out
}

// WeekLabel names the week(s) a report starting on monday covers, as the
// reminder does: "10月26日—11月1日这一周".
func (d *Service) WeekLabel(monday time.Time) string {
	w := d.weekDue(monday)
	last, n := w.Monday.AddDate(0, 0, 6), "一"
	for d.WeeklyDue(last.AddDate(0, 0, 1)).Equal(w.Due) {
		last, n = last.AddDate(0, 0, 7), "两"
	}
	return fmt.Sprintf("%d月%d日—%d月%d日这%s周", w.Monday.Month(), w.Monday.Day(), last.Month(), last.Day(), n)
}

// weekOf attributes a report of unit sent at t (see the file comment).
func (d *Service) weekOf(unit string, t time.Time, prior []*Weekly) (w WeekDue, late bool) {
	m := d.Policy.weekMonday(t).AddDate(0, 0, -21)
	next := d.weekDue(m)
	for next.Due.Before(t) {
		m = m.AddDate(0, 0, 7)
		next = d.weekDue(m)
	}
	prev := d.weekDue(next.Monday.AddDate(0, 0, -7))
	t = t.In(d.Policy.Loc)
	due := next.Due.In(d.Policy.Loc)
	dueDay := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, d.Policy.Loc)
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
	return WeeklyMissingOf(d.Departments(), weeks, d.weekDue(monday).Monday), nil
}

// officeNotices builds one push per office member.
func (d *Service) officeNotices(key, text string) []bot.Notification {
	var out []bot.Notification
	for _, m := range d.Dir.WithRole(org.Office) {
		out = append(out, bot.Notification{Key: key + "|" + m.ID, To: bot.Recipient{Member: m.ID}, Title: "信息报送", Text: text})
	}
	return out
}
