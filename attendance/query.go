package attendance

import (
	"context"
	"fmt"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Entry loads one entry.
func (a *Service) Entry(id string) (*Entry, error) {
	var e *Entry
	err := a.Store.ViewAttendance(func(tx Tx) error {
		var err error
		e, err = tx.Entry(id)
		return err
	})
	return e, err
}

// Recent lists the entries a member submitted, newest first.
func (a *Service) Recent(member string, limit int) ([]*Entry, error) {
	var out []*Entry
	err := a.Store.ViewAttendance(func(tx Tx) error {
		var err error
		out, err = tx.MemberEntries(member, limit)
		return err
	})
	return out, err
}

// FormsDue returns the form due at due of each class, in the given order,
// its entries without their rows (states only):
// the scheduler's reminders (Lacking) and overdue lists (Missing) and 未交
// read them. due should be a due time of the schedule (Schedule.Next/Prev).
func (a *Service) FormsDue(classes []*org.Unit, due time.Time) ([]*Form, error) {
	ids := unitIDs(classes)
	entries, err := a.formEntries(ids, []time.Time{due})
	if err != nil {
		return nil, err
	}
	forms := BuildForms(a.Schedule, ids, []time.Time{due}, entries)
	start, _ := a.Schedule.Prev(due)
	for _, f := range forms {
		f.Start = start
	}
	return forms, nil
}

// Summary builds the 《日常信息月度汇总表》 of the classes over a period (see
// Summarize), judging form states at now, with the grade leads'
// confirmations when the period is a month.
func (a *Service) Summary(p org.Period, classes []*org.Unit, now time.Time) (*Summary, error) {
	ids := unitIDs(classes)
	var entries []*Entry
	conf := map[string]*Confirmation{}
	err := a.Store.ViewAttendance(func(tx Tx) error {
		for _, u := range ids {
			es, err := tx.UnitEntries(u, p.From, p.To)
			if err != nil {
				return err
			}
			entries = append(entries, es...)
		}
		if !isMonth(p) {
			return nil
		}
		for _, u := range classes {
			if _, done := conf[u.Grade]; done {
				continue
			}
			c, err := tx.Confirmation(p.Name, u.Grade)
			if err != nil {
				return err
			}
			conf[u.Grade] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	forms := BuildForms(a.Schedule, ids, a.Schedule.Between(p.From, p.To), entries)
	s := Summarize(p, classes, forms, a.Thresholds, now)
	for _, g := range s.Grades {
		g.Confirmed = conf[g.Grade]
	}
	return s, nil
}

// FormLine is one class's attendance forms over the period, counted for the
// information desk's circular (篇1 第九条 counts them per unit).
type FormLine struct {
	Unit, UnitName        string
	OnTime, Late, Missing int
}

// FormLines counts, per class of the directory, the forms due in the period
// by their state at now: the attendance lines of the unit statistics and the
// circular (篇1 第九条, SPEC §8; Stats.Forms). Forms not yet due and without
// an entry are not counted, nor is a class with nothing counted (a period
// inside a vacation). Only the form index is read, never the entries' rows.
func (a *Service) FormLines(p org.Period, now time.Time) ([]FormLine, error) {
	classes := a.Dir.Classes()
	ids := unitIDs(classes)
	dues := a.Schedule.Between(p.From, p.To)
	entries, err := a.formEntries(ids, dues)
	if err != nil {
		return nil, err
	}
	byUnit := map[string]*FormLine{}
	for _, f := range BuildForms(a.Schedule, ids, dues, entries) {
		l := byUnit[f.Unit]
		if l == nil {
			l = &FormLine{Unit: f.Unit, UnitName: a.Dir.UnitName(f.Unit)}
			byUnit[f.Unit] = l
		}
		switch f.State(now) {
		case FormOnTime:
			l.OnTime++
		case FormLate:
			l.Late++
		case FormMissing:
			l.Missing++
		}
	}
	var out []FormLine
	for _, u := range ids {
		if l := byUnit[u]; l != nil && l.OnTime+l.Late+l.Missing > 0 {
			out = append(out, *l)
		}
	}
	return out, nil
}

func isMonth(p org.Period) bool { return p.To.Equal(p.From.AddDate(0, 1, 0)) && p.From.Day() == 1 }

func unitIDs(units []*org.Unit) []string {
	out := make([]string, 0, len(units))
	for _, u := range units {
		if u.Kind == org.Class {
			out = append(out, u.ID)
		}
	}
	return out
}

// Confirm records a grade lead's confirmation of the grade's summary for a
// month that is over, and tells the office. already is true (and nothing
// changes) when the grade's month was confirmed before.
func (a *Service) Confirm(ctx context.Context, m *org.Member, p org.Period, grade string, at time.Time) (c *Confirmation, already bool, err error) {
	at = a.at(at)
	if at.Before(p.To) {
		return nil, false, ErrMonthOpen
	}
	err = a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		old, err := tx.Confirmation(p.Name, grade)
		if err != nil {
			return err
		}
		if old != nil {
			c, already = old, true
			return nil
		}
		c, already = &Confirmation{Period: p.Name, Grade: grade, By: m.ID, At: at}, false
		if err := tx.PutConfirmation(c); err != nil {
			return err
		}
		text := fmt.Sprintf(confirmText, m.Name, grade, org.MonthLabel(p.Name), at.In(a.Location()).Format("01-02 15:04"))
		var pushes []bot.Notification
		for _, o := range a.Dir.WithRole(org.Office) {
			key := "confirm|" + p.Name + "|" + grade + "|" + o.ID
			if tx.Queued(key) { // confirmed again after 重开汇总
				key += "|" + at.Format(time.RFC3339)
			}
			pushes = append(pushes, bot.Notification{Key: key, To: bot.Recipient{Member: o.ID}, Title: confirmTitle, Text: text})
		}
		return tx.Enqueue(pushes...)
	})
	if err != nil {
		return nil, false, err
	}
	return c, already, nil
}

// Reopen removes the grades' confirmations of a month (重开汇总, by the
// office), so that its forms may be completed and corrected again, and tells
// the grades' leads to confirm again. It returns the confirmations removed,
// in the grades' order; grades not confirmed are skipped.
func (a *Service) Reopen(ctx context.Context, m *org.Member, p org.Period, grades []string, at time.Time) ([]*Confirmation, error) {
	at = a.at(at)
	var out []*Confirmation
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		out = out[:0]
		var pushes []bot.Notification
		for _, g := range grades {
			c, err := tx.Confirmation(p.Name, g)
			if err != nil {
				return err
			}
			if c == nil {
				continue
			}
			if err := tx.DeleteConfirmation(p.Name, g, at); err != nil {
				return err
			}
			out = append(out, c)
			text := fmt.Sprintf(reopenText, m.Name, g, org.MonthLabel(p.Name), int(p.From.Month()))
			for _, l := range a.Dir.GradeLeads(g) {
				pushes = append(pushes, bot.Notification{Key: "reopen|" + p.Name + "|" + g + "|" + l.ID + "|" + at.Format(time.RFC3339),
					To: bot.Recipient{Member: l.ID}, Title: reopenTitle, Text: text})
			}
		}
		return tx.Enqueue(pushes...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Confirmations lists, per grade, the confirmation of a month (nil when not
// confirmed yet): the scheduler chases the missing ones.
func (a *Service) Confirmations(month string, grades []string) (map[string]*Confirmation, error) {
	out := map[string]*Confirmation{}
	err := a.Store.ViewAttendance(func(tx Tx) error {
		for _, g := range grades {
			c, err := tx.Confirmation(month, g)
			if err != nil {
				return err
			}
			out[g] = c
		}
		return nil
	})
	return out, err
}

// formEntries reads the entries of the forms of the classes due at the
// given times, in one read transaction.
func (a *Service) formEntries(ids []string, dues []time.Time) ([]*Entry, error) {
	var entries []*Entry
	err := a.Store.ViewAttendance(func(tx Tx) error {
		for _, u := range ids {
			for _, due := range dues {
				es, err := tx.FormEntries(u, due)
				if err != nil {
					return err
				}
				entries = append(entries, es...)
			}
		}
		return nil
	})
	return entries, err
}
