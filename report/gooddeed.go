package report

// Good deeds (好人好事, G<n>; 篇11 (三)): any member reports one; it goes to
// the office at once and is counted per unit and month in the statistics.

import (
	"context"
	"errors"
	"time"

	"github.com/baosong/baosong/org"
)

// ErrEmptyText refuses a report without text.
var ErrEmptyText = errors.New("report: empty text")

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
func (d *Desk) ReportGoodDeed(ctx context.Context, m *org.Member, unit, text string, at time.Time) (*GoodDeed, error) {
	if text == "" {
		return nil, ErrEmptyText
	}
	at = d.at(at)
	if unit == "" && len(m.Units) > 0 {
		unit = m.Units[0]
	}
	var out *GoodDeed
	err := d.Store.UpdateDesk(ctx, func(tx DeskTx) error {
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
