package desk

// Good deeds (好人好事, G<n>; 篇11 (三)): any member reports one; it goes to
// the office at once and is counted per unit and month in the statistics.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

// ErrEmptyText refuses a report without text.
var ErrEmptyText = errors.New("desk: empty text")

// GoodDeed is a good-deed report (G<n>).
type GoodDeed struct {
	ID           string    `json:"id"`
	Reporter     string    `json:"reporter"`
	ReporterName string    `json:"reporter_name,omitempty"`
	Unit         string    `json:"unit"` // the class named in the text, else the reporter's unit
	UnitName     string    `json:"unit_name,omitempty"`
	Text         string    `json:"text"`
	At           time.Time `json:"at"`
	Month        string    `json:"month"` // 2026-11
	Notified     []string  `json:"notified,omitempty"`
}

// ReportGoodDeed records a good deed of unit ("" for the reporter's own) and
// pushes it to the office in the same transaction.
func (d *Service) ReportGoodDeed(ctx context.Context, m *org.Member, unit, text string, at time.Time) (*GoodDeed, error) {
	if text == "" {
		return nil, ErrEmptyText
	}
	at = d.at(at)
	if unit == "" && len(m.Units) > 0 {
		unit = m.Units[0]
	}
	var out *GoodDeed
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		id, err := tx.NewID("G")
		if err != nil {
			return err
		}
		g := &GoodDeed{ID: id, Reporter: m.ID, ReporterName: m.Name, Unit: unit, UnitName: d.Dir.UnitName(unit),
			Text: text, At: at, Month: d.Policy.monthOf(at)}
		where := g.UnitName
		if where == "" {
			where = "未注明单位"
		}
		pushes := d.officeNotices(id, sprintf(pushGoodDeed, m.Name, where, text, id))
		g.Notified = recipients(pushes)
		if err := tx.PutGoodDeed(g, "好人好事"); err != nil {
			return err
		}
		if err := tx.Enqueue(pushes...); err != nil {
			return err
		}
		out = g
		return nil
	})
	return out, err
}

// GoodDeedsOf lists the good deeds of month ("2026-11") in id order.
func (d *Service) GoodDeedsOf(month string) ([]*GoodDeed, error) {
	var out []*GoodDeed
	err := d.Store.ViewDesk(func(tx Tx) error {
		all, err := tx.GoodDeeds()
		for _, g := range all {
			if g.Month == month {
				out = append(out, g)
			}
		}
		return err
	})
	return out, err
}

// DeedLines lists good deeds for the monthly summary (篇11 (三), SPEC §5.3):
// a count, then one line per class of classes that has any, in their
// order, and — when others — one line per other unit (departments, or no
// unit named) in the order of their first deed. Nothing when there are none.
func DeedLines(deeds []*GoodDeed, classes []*org.Unit, others bool) []string {
	byUnit := map[string][]*GoodDeed{}
	for _, g := range deeds {
		byUnit[g.Unit] = append(byUnit[g.Unit], g)
	}
	var lines []string
	n := 0
	line := func(name string, gs []*GoodDeed) {
		items := make([]string, len(gs))
		for i, g := range gs {
			items[i] = fmt.Sprintf("%s %s（%s报，%s）", g.ID, g.Text, g.ReporterName, g.At.Format("01-02"))
		}
		lines = append(lines, fmt.Sprintf("  %s %d 件：%s", name, len(gs), strings.Join(items, "；")))
		n += len(gs)
	}
	for _, c := range classes {
		if gs := byUnit[c.ID]; len(gs) > 0 {
			line(c.Name, gs)
			delete(byUnit, c.ID)
		}
	}
	if others {
		for _, g := range deeds {
			if gs, ok := byUnit[g.Unit]; ok {
				name := g.UnitName
				if name == "" {
					name = "未注明单位"
				}
				line(name, gs)
				delete(byUnit, g.Unit)
			}
		}
	}
	if n == 0 {
		return nil
	}
	return append([]string{fmt.Sprintf("好人好事（%d 件，请表彰）：", n)}, lines...)
}
