package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

func defaultIncident() org.IncidentPolicy {
	return org.IncidentPolicy{
		Reporters:        []string{"teacher", "officer", "office", "leader", "cadre"},
		AckWithin:        org.Duration{Duration: 10 * time.Minute},
		RepeatEvery:      org.Duration{Duration: 10 * time.Minute},
		MaxRepeats:       6,
		WrittenWithin:    org.Duration{Duration: 2 * time.Hour},
		MajorLossYuan:    500,
		ReportUpLossYuan: 3000,
	}
}

func (c *Config) validateIncident(add func(string, ...any)) {
	in := c.Incident
	checkDuration(in.AckWithin, "[incident] ack_within", add)
	checkDuration(in.RepeatEvery, "[incident] repeat_every", add)
	checkDuration(in.WrittenWithin, "[incident] written_within", add)
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

func defaultSchedule() org.SchedulePolicy {
	return org.SchedulePolicy{
		Catchup:            org.Duration{Duration: 2 * time.Hour},
		CatchupMerge:       org.Duration{Duration: 10 * time.Minute},
		SummaryAt:          org.ClockTime{Hour: 8},
		RemindAt:           org.ClockTime{Hour: 9},
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
	checkDuration(s.Catchup, "[schedule] catchup", add)
	checkClock(s.SummaryAt, "[schedule] summary_at", add)
	checkClock(s.RemindAt, "[schedule] remind_at", add)
	if s.Catchup.Duration < time.Minute {
		add("[schedule] catchup 至少为 1m（现为 %s）", s.Catchup.Duration)
	}
	checkDuration(s.CatchupMerge, "[schedule] catchup_merge", add)
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
	minutes := func(t org.ClockTime) int { return t.Hour*60 + t.Minute }
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
