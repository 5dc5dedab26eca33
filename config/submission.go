package config

import (
	"time"

	"github.com/baosong/baosong/org"
)

func defaultSubmission() org.SubmissionPolicy {
	return org.SubmissionPolicy{
		DueDay:           15,
		MediaDueDay:      28,
		Quota:            map[string]int{"机关": 2, "司法所": 4, "公共法律服务中心": 2},
		QuarterResearch:  1,
		Reward:           map[string]int{"内刊": 0, "县级": 20, "市级": 50, "区级": 80, "省级": 80, "国家级": 150},
		Penalty:          20,
		StatisticsWithin: org.Duration{Duration: 24 * time.Hour},
		StatisticsRemind: org.Duration{Duration: 18 * time.Hour},
	}
}

func (c *Config) validateSubmission(add func(string, ...any)) {
	s := c.Submission
	if s.DueDay < 1 || s.DueDay > 28 {
		add("[submission] due_day %d 应在 1 到 28 之间", s.DueDay)
	}
	if s.MediaDueDay < 1 || s.MediaDueDay > 31 {
		add("[submission] media_due_day %d 应在 1 到 31 之间", s.MediaDueDay)
	}
	for k, v := range s.Quota {
		if v < 0 {
			add("[submission.quota] %s 不能为负数", k)
		}
	}
	for k, v := range s.Reward {
		switch k {
		case "内刊", "县级", "市级", "区级", "省级", "国家级":
		default:
			add("[submission.reward] 未知的级别 %q（内刊、县级、市级、区级、省级、国家级）", k)
		}
		if v < 0 {
			add("[submission.reward] %s 不能为负数", k)
		}
	}
	if s.PointsFrom != "" {
		if _, err := time.Parse("2006-01", s.PointsFrom); err != nil {
			add("[submission] points_from %q 格式错误（示例：2026-09）", s.PointsFrom)
		}
	}
	checkDuration(s.StatisticsWithin, "[submission] statistics_within", add)
	checkDuration(s.StatisticsRemind, "[submission] statistics_remind", add)
	if s.StatisticsWithin.Duration < time.Hour || s.StatisticsRemind.Duration <= 0 ||
		s.StatisticsRemind.Duration >= s.StatisticsWithin.Duration {
		add("[submission] 应满足 0 < statistics_remind < statistics_within，且 statistics_within 至少 1h（现为 %s、%s）",
			s.StatisticsRemind.Duration, s.StatisticsWithin.Duration)
	}
	if s.Penalty < 0 || s.QuarterResearch < 0 {
		add("[submission] penalty 和 quarter_research 不能为负数")
	}
}

func defaultWeekly() org.WeeklyPolicy {
	return org.WeeklyPolicy{Weekday: 1, RemindAt: org.ClockTime{Hour: 9, Minute: 0}, DueAt: org.ClockTime{Hour: 12, Minute: 0}, OverdueAt: org.ClockTime{Hour: 12, Minute: 5}}
}

func (c *Config) validateWeekly(add func(string, ...any)) {
	w := c.Weekly
	checkClock(w.RemindAt, "[weekly] remind_at", add)
	checkClock(w.DueAt, "[weekly] due_at", add)
	checkClock(w.OverdueAt, "[weekly] overdue_at", add)
	if c.Weekly.Weekday < 0 || c.Weekly.Weekday > 6 {
		add("[weekly] weekday %d 无效（0=周日 … 6=周六）", c.Weekly.Weekday)
	}
}
