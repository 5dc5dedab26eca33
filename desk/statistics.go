package desk

// Statistics items (统计信息, 篇7 四: "必须在数据出来的24小时内…上报送"). An
// item of category 统计 carries the time its data came out (数据时间; else
// the time it was first sent) and must reach the office within [submission]
// statistics_within (24h) of it. It reaches the office when its unit head
// approves it (通过) or, in a unit without a head, when it is sent complete
// (直送); that first arrival decides on time or late for good. While it has
// not arrived, whoever holds it (the submitter of a draft or returned item,
// the unit head of a submitted one) is reminded at statistics_remind (18h;
// by day, see scheduler.remindAt),
// and at the due time the office is told it is overdue (package scheduler,
// jobs statistics-remind and statistics-overdue).

import (
	"context"
	"time"

	"github.com/baosong/baosong/org"
)

// StatCategory is the category of statistics items.
const StatCategory = "统计"

// Where a statistics item stands against its due time (Article.StatStateAt).
const (
	StatPending = "pending" // not at the office yet, due time not passed
	StatOverdue = "overdue" // not at the office yet, due time passed
	StatOnTime  = "on_time" // reached the office by its due time
	StatLate    = "late"    // reached the office after it
)

// Arrived is when the item first reached the office (its first step to
// approved), if it has.
func (a *Article) Arrived() (time.Time, bool) {
	for _, s := range a.Steps {
		if s.Status == Approved {
			return s.At, true
		}
	}
	return time.Time{}, false
}

// StatStateAt is where a statistics item stands at now; "" for other items.
func (a *Article) StatStateAt(now time.Time) string {
	if a.StatDue == nil {
		return ""
	}
	if at, ok := a.Arrived(); ok {
		if at.After(*a.StatDue) {
			return StatLate
		}
		return StatOnTime
	}
	if now.Before(*a.StatDue) {
		return StatPending
	}
	return StatOverdue
}

// setStat gives a statistics item its data time (dataAt when typed, else
// the time the item was first sent) and due time; other items have none.
func (p *InfoPolicy) setStat(a *Article, dataAt *time.Time) {
	if a.Category != StatCategory {
		a.DataAt, a.StatDue = nil, nil
		return
	}
	switch {
	case dataAt != nil:
		a.DataAt = dataAt
	case a.DataAt == nil:
		t := a.CreatedAt
		a.DataAt = &t
	}
	due := a.DataAt.Add(p.StatisticsWithin.Duration)
	a.StatDue = &due
}

// Holders are who must act for an item to move on: the unit heads while it
// awaits their review, else its submitter.
func (d *Service) Holders(a *Article) []string {
	if a.Status == Submitted {
		if heads := d.Dir.InUnit(a.Unit, org.UnitHead); len(heads) > 0 {
			return ids(heads)
		}
	}
	return []string{a.Submitter}
}

// StatisticsOpen lists the statistics items that have not reached the
// office, in id order.
func (d *Service) StatisticsOpen(_ context.Context) ([]*Article, error) {
	var out []*Article
	err := d.Store.ViewDesk(func(tx Tx) error {
		var err error
		out, err = tx.StatisticsOpen()
		return err
	})
	return out, err
}
