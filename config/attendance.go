package config

import (
	"fmt"
	"time"
)

// Attendance is the [attendance] section (篇2, 篇3, 篇10).
type Attendance struct {
	DueWeekdays []int       `toml:"due_weekdays"` // 0=Sunday … 6=Saturday; default Monday and Thursday
	DueTime     ClockTime   `toml:"due_time"`     // default 17:00
	Reminders   []ClockTime `toml:"reminders"`    // reminder times on due days; default 15:00, 16:30
	OverdueAt   ClockTime   `toml:"overdue_at"`   // overdue list; default 17:05
	// Thresholds per student per month (篇2 第四条).
	YellowHours     int `toml:"yellow_hours"`     // 黄牌警示, default 8
	CriticizeHours  int `toml:"criticize_hours"`  // 通报批评, default 12
	DisciplineHours int `toml:"discipline_hours"` // 纪律处分, default 15
	DisciplineDays  int `toml:"discipline_days"`  // 擅自离校 more than this many days → 纪律处分, default 3
	ConfirmDueDay   int `toml:"confirm_due_day"`  // grade leads confirm the monthly summary by this day, default 5
	// DayHours is how many class hours one school day counts: a leave or an
	// absence given in days covers or counts that many hours. Default 8.
	DayHours int `toml:"day_hours"`
	// MaxHoursPerForm is the most class hours one item of a form may count
	// (旷课 in days counts days × DayHours); beyond it the form is asked
	// back, never stored (SPEC §5.1). Default 16.
	MaxHoursPerForm int `toml:"max_hours_per_form"`
	// ExplainWithin is how long the class teacher has to answer the cause of
	// an abnormal absence (旷课, 夜不归宿, 擅自离校) with 查明 or 未查明 before
	// it is reported to the office and the leaders as unexplained (篇3).
	// Default 4h; 10m to 72h.
	ExplainWithin Duration `toml:"explain_within"`
	// AbsenceLeaders are the leaders (分管领导, member ids with the leader
	// role) told of an absence whose cause is not found; empty: every leader.
	AbsenceLeaders []string `toml:"absence_leaders"`
	// CadresSeeLevels lets class cadres see classmates' discipline levels
	// (黄牌警示, 通报批评, 纪律处分) in replies and 统计. Default false: the
	// levels are for teachers and above; cadres see forms and counts.
	CadresSeeLevels bool `toml:"cadres_see_levels"`
}

func defaultAttendance() Attendance {
	return Attendance{
		DueWeekdays:     []int{1, 4},
		DueTime:         ClockTime{Hour: 17, Minute: 0},
		Reminders:       []ClockTime{{Hour: 15}, {Hour: 16, Minute: 30}},
		OverdueAt:       ClockTime{Hour: 17, Minute: 5},
		YellowHours:     8,
		CriticizeHours:  12,
		DisciplineHours: 15,
		DisciplineDays:  3,
		ConfirmDueDay:   5,
		DayHours:        8,
		MaxHoursPerForm: 16,
		ExplainWithin:   Duration{Duration: 4 * time.Hour},
	}
}

func (c *Config) validateAttendance(add func(string, ...any)) {
	a := c.Attendance
	a.DueTime.check("[attendance] due_time", add)
	a.OverdueAt.check("[attendance] overdue_at", add)
	for _, r := range a.Reminders {
		r.check("[attendance] reminders", add)
	}
	if len(a.DueWeekdays) == 0 {
		add("[attendance] due_weekdays 不能为空")
	}
	seen := map[int]bool{}
	for _, d := range a.DueWeekdays {
		if d < 0 || d > 6 {
			add("[attendance] due_weekdays 中的 %d 无效（0=周日 … 6=周六）", d)
		}
		if seen[d] {
			add("[attendance] due_weekdays 中的 %d 重复", d)
		}
		seen[d] = true
	}
	if !(0 < a.YellowHours && a.YellowHours <= a.CriticizeHours && a.CriticizeHours <= a.DisciplineHours) {
		add("[attendance] 阈值应满足 0 < yellow_hours ≤ criticize_hours ≤ discipline_hours（现为 %d、%d、%d）",
			a.YellowHours, a.CriticizeHours, a.DisciplineHours)
	}
	if a.DisciplineDays < 0 {
		add("[attendance] discipline_days 不能为负数")
	}
	if a.DayHours < 1 || a.DayHours > 16 {
		add("[attendance] day_hours %d 应在 1 到 16 之间", a.DayHours)
	}
	if a.MaxHoursPerForm < 1 || a.MaxHoursPerForm > 200 {
		add("[attendance] max_hours_per_form %d 应在 1 到 200 之间", a.MaxHoursPerForm)
	}
	a.ExplainWithin.check("[attendance] explain_within", add)
	if w := a.ExplainWithin.Duration; w < 10*time.Minute || w > 72*time.Hour {
		add("[attendance] explain_within %s 应在 10m 到 72h 之间", w)
	}
	for _, id := range a.AbsenceLeaders {
		if m, ok := c.member(id); !ok {
			add("[attendance] absence_leaders 中的成员 %q 不存在", id)
		} else if !contains(m.Roles, "leader") {
			add("[attendance] absence_leaders 中的成员 %q 不是领导（leader）", id)
		}
	}
	if a.ConfirmDueDay < 1 || a.ConfirmDueDay > 28 {
		add("[attendance] confirm_due_day %s", fmt.Sprintf("%d 应在 1 到 28 之间", a.ConfirmDueDay))
	}
}

// member finds a [[member]] by id.
func (c *Config) member(id string) (*Member, bool) {
	for i := range c.Members {
		if c.Members[i].ID == id {
			return &c.Members[i], true
		}
	}
	return nil, false
}
