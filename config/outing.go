package config

// Outing is the [outing] section: outing notices (外出, 篇10). The class
// teacher is reminded at remind_at on the working day before an outing to
// notify the guardians; at overdue_at the office gets the notices not yet
// confirmed with 已通知 O<n>. An outing must be registered before its
// reminder (remind_at on the working day before it) unless marked 紧急.
type Outing struct {
	RemindAt  ClockTime `toml:"remind_at"`  // default 15:00
	OverdueAt ClockTime `toml:"overdue_at"` // default 18:00
}

func defaultOuting() Outing {
	return Outing{RemindAt: ClockTime{Hour: 15}, OverdueAt: ClockTime{Hour: 18}}
}

func (c *Config) validateOuting(add func(string, ...any)) {
	o := c.Outing
	o.RemindAt.check("[outing] remind_at", add)
	o.OverdueAt.check("[outing] overdue_at", add)
	if o.RemindAt.Hour*60+o.RemindAt.Minute >= o.OverdueAt.Hour*60+o.OverdueAt.Minute {
		add("[outing] remind_at %s 应早于 overdue_at %s", o.RemindAt, o.OverdueAt)
	}
}
