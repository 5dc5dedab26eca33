package incident

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/baosong/baosong/org"
)

// Level is one escalation level: the leaders paged at that level and the
// groups (robot webhooks) where they are @mentioned.
type Level struct {
	Members []string
	Groups  []string
	Names   string // the members' names and the groups, for the texts (set by NewService)
}

// Policy holds every configurable rule of urgent incidents ([incident] in
// the configuration).
type Policy struct {
	// AckWithin is how long level 0 has to acknowledge before the first
	// escalation round; RepeatEvery spaces the following rounds; MaxRepeats
	// is the number of rounds after the first push (0: never escalate).
	// Round r (1 ≤ r ≤ MaxRepeats) pushes to level min(r, len(Levels)-1) and
	// re-notifies every level below it.
	AckWithin   time.Duration
	RepeatEvery time.Duration
	MaxRepeats  int
	Levels      []Level
	// CheckAfter is how long after a round the reporter is told which of
	// its first pushes are still not delivered (0: never).
	CheckAfter time.Duration

	// WrittenWithin is the written-report deadline after the first report.
	// Reminders are offsets for a 2-hour window (ReminderBase); they are
	// scaled in proportion to the actual window, so 90m/115m become
	// 45m/57m30s for a one-hour window.
	WrittenWithin time.Duration
	Reminders     []time.Duration

	// Severity thresholds (SPEC §7 item 2).
	MajorLossYuan    int64    // property loss that makes an incident 重大 (篇4: 500)
	ReportUpLossYuan int64    // loss that makes it 须报上级 (篇9: 3000)
	MajorCategories  []string // categories that are 重大 by themselves (篇4)
	// SeriousCategories are 重大 only "with serious consequence" (篇4 六,
	// 体罚): someone seriously injured or the text saying 严重后果.
	SeriousCategories []string
}

// ReminderBase is the written-report window the Reminders offsets are
// written for.
const ReminderBase = 2 * time.Hour

// Categories known to the defaults (篇4, 篇9).
const (
	CatCampusHarm   = "校园伤害"
	CatStudentDeath = "学生死亡"
	CatPropertyLoss = "财产丢失"
	CatFood         = "食品卫生"
	CatHiredVehicle = "租用车辆隐患"
	CatCorporal     = "体罚"
	CatTraffic      = "交通"
	CatFire         = "消防"
	CatEpidemic     = "传染病疫情"
	CatBuilding     = "校舍"
	CatDisaster     = "自然灾害"
	CatPublicOrder  = "治安"
	CatOther        = "其他"
)

// DefaultPolicy returns the defaults taken from the regulations: 10 minutes
// to acknowledge, re-notify every 10 minutes three times, the reporter told
// of a first push still undelivered after 2 minutes, written report
// within 2 hours with reminders at 90 and 115 minutes, 重大 from 500 yuan,
// 须报上级 from 3000 yuan. It has no levels: they come from the configuration.
func DefaultPolicy() Policy {
	return Policy{
		AckWithin:         10 * time.Minute,
		RepeatEvery:       10 * time.Minute,
		MaxRepeats:        3,
		CheckAfter:        2 * time.Minute,
		WrittenWithin:     2 * time.Hour,
		Reminders:         []time.Duration{90 * time.Minute, 115 * time.Minute},
		MajorLossYuan:     500,
		ReportUpLossYuan:  3000,
		MajorCategories:   []string{CatStudentDeath, CatFood, CatHiredVehicle},
		SeriousCategories: []string{CatCorporal},
	}
}

// PolicyFrom maps the organisation's incident policy onto a Policy: the
// timings, the loss thresholds and the levels come from it, the rest
// (reminder offsets, the categories that are 重大 by themselves) from
// DefaultPolicy.
func PolicyFrom(c org.IncidentPolicy) Policy {
	p := DefaultPolicy()
	p.AckWithin = c.AckWithin.Duration
	p.RepeatEvery = c.RepeatEvery.Duration
	p.MaxRepeats = c.MaxRepeats
	p.WrittenWithin = c.WrittenWithin.Duration
	p.MajorLossYuan = int64(math.Ceil(c.MajorLossYuan))
	p.ReportUpLossYuan = int64(math.Ceil(c.ReportUpLossYuan))
	p.Levels = make([]Level, len(c.Levels))
	for i, l := range c.Levels {
		p.Levels[i] = Level{Members: l.Members, Groups: l.Groups}
	}
	return p
}

// Validate lists every problem of the policy at once.
func (p Policy) Validate() error {
	var errs []error
	if p.AckWithin <= 0 {
		errs = append(errs, errors.New("ack_within must be positive"))
	}
	if p.MaxRepeats < 0 {
		errs = append(errs, errors.New("max_repeats must not be negative"))
	}
	if p.MaxRepeats > 1 && p.RepeatEvery <= 0 {
		errs = append(errs, errors.New("repeat_every must be positive"))
	}
	if p.WrittenWithin <= 0 {
		errs = append(errs, errors.New("written_within must be positive"))
	}
	for i, r := range p.Reminders {
		if r <= 0 || r >= ReminderBase {
			errs = append(errs, fmt.Errorf("reminder %d (%v) must lie inside the %v window", i+1, r, ReminderBase))
		}
		if i > 0 && r <= p.Reminders[i-1] {
			errs = append(errs, fmt.Errorf("reminders must increase (%v after %v)", r, p.Reminders[i-1]))
		}
	}
	if p.MajorLossYuan <= 0 || p.ReportUpLossYuan < p.MajorLossYuan {
		errs = append(errs, errors.New("loss thresholds must be positive and report_up ≥ major"))
	}
	for i, l := range p.Levels {
		if len(l.Members) == 0 && len(l.Groups) == 0 {
			errs = append(errs, fmt.Errorf("level %d has neither members nor groups", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("incident: policy: %w", err)
	}
	return nil
}

func (p Policy) major(category string) bool { return slices.Contains(p.MajorCategories, category) }

func (p Policy) seriousOnly(category string) bool {
	return slices.Contains(p.SeriousCategories, category)
}
