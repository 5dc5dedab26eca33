package config

import "time"

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

// Schedule is the [schedule] section: the cron jobs of SPEC §6.
type Schedule struct {
	Catchup Duration `toml:"catchup"` // missed firings younger than this are sent late, default 2h
	// Off lists jobs switched off by name (see `baosong schedule` for the names).
	Off []string `toml:"off"`
}

func defaultSchedule() Schedule { return Schedule{Catchup: Duration{Duration: 2 * time.Hour}} }

func (c *Config) validateSchedule(add func(string, ...any)) {
	c.Schedule.Catchup.check("[schedule] catchup", add)
}
