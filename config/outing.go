package config

import "github.com/baosong/baosong/org"

func defaultOuting() org.OutingPolicy {
	return org.OutingPolicy{RemindAt: org.ClockTime{Hour: 15}, OverdueAt: org.ClockTime{Hour: 18}}
}

func (c *Config) validateOuting(add func(string, ...any)) {
	o := c.Outing
	checkClock(o.RemindAt, "[outing] remind_at", add)
	checkClock(o.OverdueAt, "[outing] overdue_at", add)
	if o.RemindAt.Hour*60+o.RemindAt.Minute >= o.OverdueAt.Hour*60+o.OverdueAt.Minute {
		add("[outing] remind_at %s 应早于 overdue_at %s", o.RemindAt, o.OverdueAt)
	}
}
