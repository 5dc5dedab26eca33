package desk

import (
	"time"

	"github.com/baosong/baosong/org"
)

// InfoPolicy is the organisation's submission policy on its working-day
// calendar: the monthly deadlines, quotas, rewards and penalty. It is
// immutable.
//
// A monthly deadline is the due day of the month (a day past the month's end
// means its last day), moved off a non-working day by holiday_policy; the
// whole deadline day counts. The scheduler's reminders find the same day (org.DayOfMonth
// moved by the calendar).
type InfoPolicy struct {
	org.SubmissionPolicy
	Cal *org.Calendar
	Loc *time.Location
}

// NewInfoPolicy binds the submission policy to the calendar.
func NewInfoPolicy(s org.SubmissionPolicy, cal *org.Calendar) *InfoPolicy {
	return &InfoPolicy{SubmissionPolicy: s, Cal: cal, Loc: cal.Location()}
}

// monthStart is the first instant of month "2026-11" (zero when malformed).
func (p *InfoPolicy) monthStart(month string) time.Time {
	t, err := time.ParseInLocation("2006-01", month, p.Loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// monthOf names t's month.
func (p *InfoPolicy) monthOf(t time.Time) string { return t.In(p.Loc).Format("2006-01") }

// nextMonth names the month after month.
func (p *InfoPolicy) nextMonth(month string) string {
	return p.monthStart(month).AddDate(0, 1, 0).Format("2006-01")
}

// deadlineDay is the deadline day on dueDay of month, after the holiday
// policy (midnight starting it), and the calendar's reason when it moved.
func (p *InfoPolicy) deadlineDay(month string, dueDay int) (time.Time, string) {
	return p.Cal.Deadline(org.DayOfMonth(p.monthStart(month), dueDay, p.Loc))
}

// InfoDeadline is the information deadline day of month (midnight starting
// it) and why it moved; items count for month up to the end of that day.
func (p *InfoPolicy) InfoDeadline(month string) (day time.Time, reason string) {
	return p.deadlineDay(month, p.DueDay)
}

// MediaDeadline is the media summary deadline day of month (篇6, the 28th).
func (p *InfoPolicy) MediaDeadline(month string) (day time.Time, reason string) {
	return p.deadlineDay(month, p.MediaDueDay)
}

// infoEnd is the instant the month's information deadline day ends.
func (p *InfoPolicy) infoEnd(month string) time.Time {
	d, _ := p.InfoDeadline(month)
	return d.AddDate(0, 0, 1)
}

// Close is the instant month is settled: the end of the later of its
// information and media deadline days. Until then its ledger is provisional;
// after it nothing that happens changes the month.
func (p *InfoPolicy) Close(month string) time.Time {
	info, _ := p.InfoDeadline(month)
	media, _ := p.MediaDeadline(month)
	if media.After(info) {
		info = media
	}
	return info.AddDate(0, 0, 1)
}

// CountedMonth is the month an item first submitted at t counts for, and
// whether it is late (延期: after its own month's deadline).
func (p *InfoPolicy) CountedMonth(t time.Time) (month string, late bool) {
	m := p.monthOf(t)
	if t.Before(p.infoEnd(m)) {
		return m, false
	}
	return p.nextMonth(m), true
}

// settleMonth is the first month whose Close is after t: the month an
// adoption made at t is settled in.
func (p *InfoPolicy) settleMonth(t time.Time) string {
	m := p.monthOf(t)
	if t.Before(p.Close(m)) {
		return m
	}
	return p.nextMonth(m)
}

// QuotaOf is the monthly quota of an officer of a unit (by its category,
// 机关 by default); 0 for everyone else.
func (p *InfoPolicy) QuotaOf(m *org.Member, dir *org.Directory) int {
	if !m.Has(org.Officer) {
		return 0
	}
	u, ok := dir.Unit(officerUnit(m, dir))
	if !ok {
		return 0
	}
	cat := u.Category
	if cat == "" {
		cat = "机关"
	}
	return p.Quota[cat]
}

// RewardOf is the reward of an item adopted at level.
func (p *InfoPolicy) RewardOf(level string) int {
	if level == "" {
		return 0
	}
	return p.Reward[level]
}

// officerUnit is the unit an officer reports for: the first department among
// their units, else their first unit, else "".
func officerUnit(m *org.Member, dir *org.Directory) string {
	for _, id := range m.Units {
		if u, ok := dir.Unit(id); ok && u.Kind == org.Dept {
			return id
		}
	}
	if len(m.Units) > 0 {
		return m.Units[0]
	}
	return ""
}
