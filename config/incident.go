package config

import (
	"fmt"
	"strings"
	"time"
)

// Incident is the [incident] section (篇4, 篇5, 篇9).
type Incident struct {
	Reporters        []string            `toml:"reporters"`           // roles that may report
	AckWithin        Duration            `toml:"ack_within"`          // default 10m
	RepeatEvery      Duration            `toml:"repeat_every"`        // default 10m
	MaxRepeats       int                 `toml:"max_repeats"`         // default 6
	WrittenWithin    Duration            `toml:"written_within"`      // default 2h
	MajorLossYuan    float64             `toml:"major_loss_yuan"`     // 重大 from this loss, default 500
	ReportUpLossYuan float64             `toml:"report_up_loss_yuan"` // 须报上级 from this loss, default 3000
	Categories       map[string][]string `toml:"categories"`          // extra keywords per category
	Levels           []IncidentLevel     `toml:"level"`
}

// IncidentLevel is one [[incident.level]] of escalation.
type IncidentLevel struct {
	Members []string `toml:"members"`
	Groups  []string `toml:"groups"`
}

func defaultIncident() Incident {
	return Incident{
		Reporters:        []string{"teacher", "officer", "office", "leader", "cadre"},
		AckWithin:        Duration{Duration: 10 * time.Minute},
		RepeatEvery:      Duration{Duration: 10 * time.Minute},
		MaxRepeats:       6,
		WrittenWithin:    Duration{Duration: 2 * time.Hour},
		MajorLossYuan:    500,
		ReportUpLossYuan: 3000,
	}
}

func (c *Config) validateIncident(add func(string, ...any)) {
	in := c.Incident
	in.AckWithin.check("[incident] ack_within", add)
	in.RepeatEvery.check("[incident] repeat_every", add)
	in.WrittenWithin.check("[incident] written_within", add)
	for _, r := range in.Reporters {
		if !contains(Roles, r) {
			add("[incident] reporters 中的角色 %q 未知", r)
		}
	}
	if in.AckWithin.Duration <= 0 || in.RepeatEvery.Duration <= 0 || in.WrittenWithin.Duration <= 0 {
		add("[incident] ack_within、repeat_every、written_within 必须大于 0")
	}
	if in.MaxRepeats < 0 {
		add("[incident] max_repeats 不能为负数")
	}
	if in.MajorLossYuan <= 0 || in.ReportUpLossYuan < in.MajorLossYuan {
		add("[incident] 应满足 0 < major_loss_yuan ≤ report_up_loss_yuan")
	}
	if len(in.Levels) == 0 {
		add("[[incident.level]] 至少需要一级（第 0 级：接收急报的领导）")
	}
}

// Schedule is the [schedule] section: the cron jobs of SPEC §6. Deadlines
// that fall on a non-working day move by [org] holiday_policy; see package
// scheduler for every job and its rule.
type Schedule struct {
	Catchup Duration `toml:"catchup"` // missed firings younger than this are sent late, default 2h
	// CatchupMerge: a missed reminder is not caught up when the next
	// reminder of its family about the same deadline is due within this
	// (it says the same, later); default 10m, 0 turns the merging off.
	CatchupMerge Duration `toml:"catchup_merge"`
	// Off lists jobs switched off by name (see `baosong schedule` and ScheduleJobs for the names).
	Off []string `toml:"off"`
	// SummaryAt is when the monthly attendance summary goes out on the 1st; default 08:00.
	SummaryAt ClockTime `toml:"summary_at"`
	// RemindAt is the time of the day-based reminders and lists (summary
	// confirmation, the 15th, the 28th, quarterly research and ranking); default 09:00.
	RemindAt ClockTime `toml:"remind_at"`
	// InfoRemindDays: reminders this many working days before the monthly
	// information deadline ([submission] due_day); default [5, 1].
	InfoRemindDays []int `toml:"info_remind_days"`
	// MediaRemindDays: reminders this many working days before the media
	// summary deadline ([submission] media_due_day); default [3, 1].
	MediaRemindDays []int `toml:"media_remind_days"`
	// ResearchRemindDays: the quarterly research reminder this many calendar
	// days before the quarter ends (earlier when that is not a working day); default 14.
	ResearchRemindDays int `toml:"research_remind_days"`
}

func defaultSchedule() Schedule {
	return Schedule{
		Catchup:            Duration{Duration: 2 * time.Hour},
		CatchupMerge:       Duration{Duration: 10 * time.Minute},
		SummaryAt:          ClockTime{Hour: 8},
		RemindAt:           ClockTime{Hour: 9},
		InfoRemindDays:     []int{5, 1},
		MediaRemindDays:    []int{3, 1},
		ResearchRemindDays: 14,
	}
}

// Names of the scheduled jobs that do not depend on the configuration.
// Package scheduler names its jobs the same way (its tests check it).
var scheduleFixedJobs = []string{
	"attendance-overdue", "monthly-summary", "monthly-confirm-remind", "monthly-confirm-overdue",
	"info-shortfall", "media-overdue", "quarterly-research", "quarterly-ranking",
	"weekly-remind", "weekly-overdue", "outing-remind", "outing-overdue", "incident-clock", "absence-clock",
	"statistics-remind", "statistics-overdue",
}

// ScheduleJobs lists the names of every scheduled job this configuration
// has, whether switched off or not: the fixed ones, one attendance reminder
// per [attendance] reminders time ("attendance-remind-1630") and one reminder
// per day count before the monthly deadlines ("info-remind-5d", "media-remind-3d").
func (c *Config) ScheduleJobs() []string {
	var names []string
	for _, r := range c.Attendance.Reminders {
		names = append(names, fmt.Sprintf("attendance-remind-%02d%02d", r.Hour, r.Minute))
	}
	for _, d := range c.Schedule.InfoRemindDays {
		names = append(names, fmt.Sprintf("info-remind-%dd", d))
	}
	for _, d := range c.Schedule.MediaRemindDays {
		names = append(names, fmt.Sprintf("media-remind-%dd", d))
	}
	return append(names, scheduleFixedJobs...)
}

func (c *Config) validateSchedule(add func(string, ...any)) {
	s := c.Schedule
	s.Catchup.check("[schedule] catchup", add)
	s.SummaryAt.check("[schedule] summary_at", add)
	s.RemindAt.check("[schedule] remind_at", add)
	if s.Catchup.Duration < time.Minute {
		add("[schedule] catchup 至少为 1m（现为 %s）", s.Catchup.Duration)
	}
	s.CatchupMerge.check("[schedule] catchup_merge", add)
	if m := s.CatchupMerge.Duration; m < 0 || m > s.Catchup.Duration {
		add("[schedule] catchup_merge %s 应在 0 到 catchup（%s）之间", m, s.Catchup.Duration)
	}
	days := func(key string, list []int) {
		seen := map[int]bool{}
		for _, d := range list {
			if d < 1 || d > 20 {
				add("[schedule] %s 中的 %d 应在 1 到 20 个工作日之间", key, d)
			}
			if seen[d] {
				add("[schedule] %s 中的 %d 重复", key, d)
			}
			seen[d] = true
		}
	}
	days("info_remind_days", s.InfoRemindDays)
	days("media_remind_days", s.MediaRemindDays)
	if s.ResearchRemindDays < 1 || s.ResearchRemindDays > 60 {
		add("[schedule] research_remind_days %d 应在 1 到 60 天之间", s.ResearchRemindDays)
	}
	// Times that would make a job never fire. (A reminder at or after
	// due_time is not an error: it reminds of nothing and never fires.)
	minutes := func(t ClockTime) int { return t.Hour*60 + t.Minute }
	att, week := c.Attendance, c.Weekly
	seen := map[string]bool{}
	for _, r := range att.Reminders {
		name := r.String()
		if seen[name] {
			add("[attendance] reminders 中的 %s 重复", name)
		}
		seen[name] = true
	}
	if minutes(att.OverdueAt) < minutes(att.DueTime) {
		add("[attendance] overdue_at %s 不应早于 due_time %s", att.OverdueAt, att.DueTime)
	}
	if !(minutes(week.RemindAt) < minutes(week.DueAt) && minutes(week.DueAt) <= minutes(week.OverdueAt)) {
		add("[weekly] 应满足 remind_at < due_at ≤ overdue_at（现为 %s、%s、%s）", week.RemindAt, week.DueAt, week.OverdueAt)
	}
	known := c.ScheduleJobs()
	for _, name := range s.Off {
		if !contains(known, name) {
			add("[schedule] off 中的 %q 不是任务名（可用：%s）", name, strings.Join(known, "、"))
		}
	}
}
