package report

// Weekly department reports (周报, W<n>; 篇8): each department's officer
// reports the past week's main events and attendance, due on [weekly]
// weekday (Monday) at due_at (12:00), moved off a non-working day by
// holiday_policy. A report covers the week before its nominal due day
// (the same rule as scheduler.Rules.WeeklyDue): a report due Monday
// 2026-11-30 covers the week starting Monday 2026-11-23.
//
// A report sent after a due time while that week's report of its unit is
// still missing completes it late; otherwise it belongs to the week whose
// due time is the next one. Departments are the units of kind dept that
// have an officer.

import (
	"context"
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
func (d *Desk) WeeklyDue(monday time.Time) time.Time {
	monday = d.Policy.weekMonday(monday)
	nominal := monday.AddDate(0, 0, 1)
	for nominal.Weekday() != time.Weekday(d.Week.Weekday) {
		nominal = nominal.AddDate(0, 0, 1)
	}
	due, _ := d.Policy.Cal.Deadline(d.Week.DueAt.On(nominal, d.Policy.Loc))
	return due
}

// weekOf attributes a report of unit sent at t (see the file comment).
func (d *Desk) weekOf(unit string, t time.Time, prior []*Weekly) (week time.Time, due time.Time, late bool) {
	monday := d.Policy.weekMonday(t).AddDate(0, 0, -14)
	for i := 0; i < 5; i++ {
		if due := d.WeeklyDue(monday); !due.Before(t) {
			break
		}
		monday = monday.AddDate(0, 0, 7)
	}
	prev := monday.AddDate(0, 0, -7)
	key := prev.Format(time.DateOnly)
	for _, w := range prior {
		if w.Unit == unit && w.Week == key {
			return monday, d.WeeklyDue(monday), false
		}
	}
	return prev, d.WeeklyDue(prev), true
}

// Departments lists the units that owe weekly reports: departments with an
// officer, in configuration order.
func (d *Desk) Departments() []*org.Unit {
	var out []*org.Unit
	for _, u := range d.Dir.Units() {
		if u.Kind == org.Dept && len(d.Dir.InUnit(u.ID, org.Officer)) > 0 {
			out = append(out, u)
		}
	}
	return out
}

// SubmitWeekly records an officer's weekly report.
func (d *Desk) SubmitWeekly(ctx context.Context, m *org.Member, text string, at time.Time) (*Weekly, error) {
	at = d.at(at)
	unit := officerUnit(m, d.Dir)
	if unit == "" {
		return nil, ErrNoDeptUnit
	}
	var out *Weekly
	err := d.Store.UpdateDesk(ctx, func(tx DeskTx) error {
		prior, err := tx.Weeklies()
		if err != nil {
			return err
		}
		id, err := tx.NewID("W")
		if err != nil {
			return err
		}
		week, due, late := d.weekOf(unit, at, prior)
		w := &Weekly{ID: id, Unit: unit, UnitName: d.Dir.UnitName(unit), Submitter: m.ID, SubmitterName: m.Name,
			Text: text, At: at, Week: week.Format(time.DateOnly), Due: due, Late: late}
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

// WeeklyMissingOf lists the departments (unit ids) without a report for the
// week starting on monday. Pure.
func WeeklyMissingOf(depts []*org.Unit, weeks []*Weekly, monday time.Time) []string {
	key := monday.Format(time.DateOnly)
	have := map[string]bool{}
	for _, w := range weeks {
		if w.Week == key {
			have[w.Unit] = true
		}
	}
	var out []string
	for _, u := range depts {
		if !have[u.ID] {
			out = append(out, u.ID)
		}
	}
	return out
}

// WeeklyMissing lists the departments without a report for the week
// starting on monday (the scheduler's weekly overdue list and reminder).
func (d *Desk) WeeklyMissing(_ context.Context, monday time.Time) ([]string, error) {
	var weeks []*Weekly
	err := d.Store.ViewDesk(func(tx DeskTx) error {
		var err error
		weeks, err = tx.Weeklies()
		return err
	})
	if err != nil {
		return nil, err
	}
	return WeeklyMissingOf(d.Departments(), weeks, d.Policy.weekMonday(monday)), nil
}

// officeNotices builds one push per office member.
func (d *Desk) officeNotices(key, text string) []bot.Notification {
	var out []bot.Notification
	for _, m := range d.Dir.WithRole(org.Office) {
		out = append(out, bot.Notification{Key: key + "|" + m.ID, To: bot.Recipient{Member: m.ID}, Title: "信息报送", Text: text})
	}
	return out
}
