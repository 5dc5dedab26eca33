package config

import (
	"fmt"
	"time"

	"github.com/baosong/baosong/org"
)

func defaultAttendance() org.AttendancePolicy {
	return org.AttendancePolicy{
		DueWeekdays:     []int{1, 4},
		DueTime:         org.ClockTime{Hour: 17, Minute: 0},
		Reminders:       []org.ClockTime{{Hour: 15}, {Hour: 16, Minute: 30}},
		OverdueAt:       org.ClockTime{Hour: 17, Minute: 5},
		YellowHours:     8,
		CriticizeHours:  12,
		DisciplineHours: 15,
		DisciplineDays:  3,
		ConfirmDueDay:   5,
		DayHours:        8,
		MaxHoursPerForm: 16,
		ExplainWithin:   org.Duration{Duration: 4 * time.Hour},
	}
}

func (c *Config) validateAttendance(add func(string, ...any)) {
	a := c.Attendance
	checkClock(a.DueTime, "[attendance] due_time", add)
	checkClock(a.OverdueAt, "[attendance] overdue_at", add)
	for _, r := range a.Reminders {
		checkClock(r, "[attendance] reminders", add)
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
	checkDuration(a.ExplainWithin, "[attendance] explain_within", add)
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
func (c *Config) member(id string) (*org.Member, bool) {
	for i := range c.Members {
		if c.Members[i].ID == id {
			return &c.Members[i], true
		}
	}
	return nil, false
}
