package config

import "time"

// Submission is the [submission] section (篇1, 篇6, 篇7).
type Submission struct {
	DueDay          int            `toml:"due_day"`          // monthly deadline, default 15
	MediaDueDay     int            `toml:"media_due_day"`    // media summary deadline, default 28
	Quota           map[string]int `toml:"quota"`            // items per officer per month by unit category
	QuarterResearch int            `toml:"quarter_research"` // 调研 items per officer per quarter, default 1
	Reward          map[string]int `toml:"reward"`           // yuan per adopted item by its highest level
	Penalty         int            `toml:"penalty"`          // yuan per item below the monthly quota, default 20
	PointsFrom      string         `toml:"points_from"`      // first month penalties apply ("2026-09"); "" = month of the first item
	// StatisticsWithin: a 统计 item must reach the office this long after its
	// data came out (篇7 四, "数据出来的24小时内"); default 24h.
	StatisticsWithin Duration `toml:"statistics_within"`
	// StatisticsRemind: the holder of a 统计 item not yet at the office is
	// reminded this long after the data came out; default 18h.
	StatisticsRemind Duration `toml:"statistics_remind"`
}

func defaultSubmission() Submission {
	return Submission{
		DueDay:           15,
		MediaDueDay:      28,
		Quota:            map[string]int{"机关": 2, "司法所": 4, "公共法律服务中心": 2},
		QuarterResearch:  1,
		Reward:           map[string]int{"内刊": 0, "县级": 20, "市级": 50, "区级": 80, "省级": 80, "国家级": 150},
		Penalty:          20,
		StatisticsWithin: Duration{Duration: 24 * time.Hour},
		StatisticsRemind: Duration{Duration: 18 * time.Hour},
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
	s.StatisticsWithin.check("[submission] statistics_within", add)
	s.StatisticsRemind.check("[submission] statistics_remind", add)
	if s.StatisticsWithin.Duration < time.Hour || s.StatisticsRemind.Duration <= 0 ||
		s.StatisticsRemind.Duration >= s.StatisticsWithin.Duration {
		add("[submission] 应满足 0 < statistics_remind < statistics_within，且 statistics_within 至少 1h（现为 %s、%s）",
			s.StatisticsRemind.Duration, s.StatisticsWithin.Duration)
	}
	if s.Penalty < 0 || s.QuarterResearch < 0 {
		add("[submission] penalty 和 quarter_research 不能为负数")
	}
}

// Weekly is the [weekly] section: the department report due Monday noon (篇8).
type Weekly struct {
	Weekday   int       `toml:"weekday"`    // default 1 (Monday)
	RemindAt  ClockTime `toml:"remind_at"`  // default 09:00
	DueAt     ClockTime `toml:"due_at"`     // default 12:00
	OverdueAt ClockTime `toml:"overdue_at"` // default 12:05
}

func defaultWeekly() Weekly {
	return Weekly{Weekday: 1, RemindAt: ClockTime{Hour: 9, Minute: 0}, DueAt: ClockTime{Hour: 12, Minute: 0}, OverdueAt: ClockTime{Hour: 12, Minute: 5}}
}

func (c *Config) validateWeekly(add func(string, ...any)) {
	w := c.Weekly
	w.RemindAt.check("[weekly] remind_at", add)
	w.DueAt.check("[weekly] due_at", add)
	w.OverdueAt.check("[weekly] overdue_at", add)
	if c.Weekly.Weekday < 0 || c.Weekly.Weekday > 6 {
		add("[weekly] weekday %d 无效（0=周日 … 6=周六）", c.Weekly.Weekday)
	}
}
