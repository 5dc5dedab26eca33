package org

import (
	"strings"
	"testing"
	"time"
)

var calendarTestZone = mustLoadCalendarZone("Asia/Shanghai")

func mustLoadCalendarZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// calendarTestTime parses "2026-10-01" or "2026-10-01 17:00" in Asia/Shanghai.
func calendarTestTime(t *testing.T, s string) time.Time {
	t.Helper()
	layout := "2006-01-02"
	if len(s) > len(layout) {
		layout = "2006-01-02 15:04"
	}
	v, err := time.ParseInLocation(layout, s, calendarTestZone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newTestCalendar(t *testing.T, c CalendarConfig) *Calendar {
	t.Helper()
	if c.Location == nil {
		c.Location = calendarTestZone
	}
	cal, err := NewCalendar(c)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestHolidayDataCovers2026(t *testing.T) {
	if got := HolidayDataThrough(); got < 2026 {
		t.Fatalf("HolidayDataThrough() = %d, want at least 2026", got)
	}
}

// The 2026 schedule published by the State Council in November 2025.
func TestCalendarDays2026(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{})
	tests := []struct {
		day  string
		work bool
		name string
	}{
		{"2026-01-01", false, "元旦节"},
		{"2026-01-02", false, "元旦节"},
		{"2026-01-04", true, DayNameMakeUp}, // Sunday
		{"2026-01-05", true, ""},
		{"2026-02-13", true, ""},
		{"2026-02-14", true, DayNameMakeUp}, // Saturday before the Spring Festival
		{"2026-02-15", false, "春节"},
		{"2026-02-17", false, "春节"}, // 正月初一
		{"2026-02-23", false, "春节"}, // Monday, last day off
		{"2026-02-24", true, ""},
		{"2026-02-28", true, DayNameMakeUp}, // Saturday
		{"2026-03-01", false, DayNameSunday},
		{"2026-04-06", false, "清明节"},
		{"2026-05-05", false, "劳动节"},
		{"2026-05-09", true, DayNameMakeUp}, // Saturday
		{"2026-06-19", false, "端午节"},
		{"2026-09-20", true, DayNameMakeUp}, // Sunday before National Day
		{"2026-09-25", false, "中秋节"},
		{"2026-09-30", true, ""},
		{"2026-10-01", false, "国庆节"},
		{"2026-10-07", false, "国庆节"},
		{"2026-10-08", true, ""},
		{"2026-10-10", true, DayNameMakeUp}, // Saturday
		{"2026-11-14", false, DayNameSaturday},
		{"2026-11-15", false, DayNameSunday},
		{"2026-11-16", true, ""},
	}
	for _, tt := range tests {
		d := calendarTestTime(t, tt.day)
		if got := cal.IsWorkday(d); got != tt.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.day, got, tt.work)
		}
		if got := cal.DayName(d); got != tt.name {
			t.Errorf("DayName(%s) = %q, want %q", tt.day, got, tt.name)
		}
	}
}

// 2026 has 261 weekdays, 19 of them statutory days off, and 6 make-up
// working days at weekends: 248 working days, counted by hand.
func TestCalendarWorkdayCount2026(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{})
	n := 0
	for d := calendarTestTime(t, "2026-01-01 12:00"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			n++
		}
	}
	if n != 248 {
		t.Fatalf("2026 has %d working days, want 248", n)
	}
}

func TestCalendarOverrides(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{
		Workdays: []string{"2026-05-16", "2026-10-07"},                        // a Saturday; a National Day holiday
		Holidays: []string{"2026-06-01 儿童节", " 2026-06-02 ", "2026-10-10 校庆"}, // weekdays; a 调休 Saturday
	})
	tests := []struct {
		day  string
		work bool
		name string
	}{
		{"2026-05-16", true, DayNameMakeUp},
		{"2026-10-07", true, DayNameMakeUp},
		{"2026-10-06", false, "国庆节"},
		{"2026-06-01", false, "儿童节"},
		{"2026-06-02", false, DayNameDayOff},
		{"2026-06-03", true, ""},
		{"2026-10-10", false, "校庆"},
	}
	for _, tt := range tests {
		d := calendarTestTime(t, tt.day)
		if got := cal.IsWorkday(d); got != tt.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.day, got, tt.work)
		}
		if got := cal.DayName(d); got != tt.name {
			t.Errorf("DayName(%s) = %q, want %q", tt.day, got, tt.name)
		}
	}
	moved, reason := cal.Deadline(calendarTestTime(t, "2026-06-01 17:00"))
	if want := calendarTestTime(t, "2026-05-29 17:00"); !moved.Equal(want) {
		t.Errorf("Deadline(2026-06-01) = %v, want %v", moved, want)
	}
	if want := "2026-06-01 is 儿童节: deadline moved to 2026-05-29"; reason != want {
		t.Errorf("reason = %q, want %q", reason, want)
	}
}

func TestCalendarDeadline(t *testing.T) {
	tests := []struct {
		policy string
		in     string
		want   string
		reason string
	}{
		{"", "2026-10-01 17:00", "2026-09-30 17:00", "2026-10-01 is 国庆节: deadline moved to 2026-09-30"},
		{"before", "2026-11-15 12:00", "2026-11-13 12:00", "2026-11-15 is 周日: deadline moved to 2026-11-13"},
		{"after", "2026-11-15 12:00", "2026-11-16 12:00", "2026-11-15 is 周日: deadline moved to 2026-11-16"},
		{"keep", "2026-11-15 12:00", "2026-11-15 12:00", ""},
		{"before", "2026-11-16 12:00", "2026-11-16 12:00", ""},
		// The Saturday before the Spring Festival is a working day.
		{"before", "2026-02-15 17:00", "2026-02-14 17:00", "2026-02-15 is 春节: deadline moved to 2026-02-14"},
		{"after", "2026-02-15 17:00", "2026-02-24 17:00", "2026-02-15 is 春节: deadline moved to 2026-02-24"},
		{"after", "2026-10-03 09:30", "2026-10-08 09:30", "2026-10-03 is 国庆节: deadline moved to 2026-10-08"},
		{"before", "2026-10-10 17:00", "2026-10-10 17:00", ""}, // 调休 Saturday
		{"before", "2026-01-01 08:00", "2025-12-31 08:00", "2026-01-01 is 元旦节: deadline moved to 2025-12-31"},
		{"after", "2026-05-02 23:59", "2026-05-06 23:59", "2026-05-02 is 劳动节: deadline moved to 2026-05-06"},
	}
	for _, tt := range tests {
		cal := newTestCalendar(t, CalendarConfig{Policy: tt.policy})
		moved, reason := cal.Deadline(calendarTestTime(t, tt.in))
		if want := calendarTestTime(t, tt.want); !moved.Equal(want) {
			t.Errorf("%s: Deadline(%s) = %v, want %v", tt.policy, tt.in, moved, want)
		}
		if reason != tt.reason {
			t.Errorf("%s: Deadline(%s) reason = %q, want %q", tt.policy, tt.in, reason, tt.reason)
		}
	}
}

func TestCalendarAddWorkdays(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{})
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-13 09:00", -5, "2026-11-06 09:00"},
		{"2026-11-13 09:00", -1, "2026-11-12 09:00"},
		{"2026-11-13 09:00", 1, "2026-11-16 09:00"},
		{"2026-11-13 09:00", 0, "2026-11-13 09:00"},
		{"2026-11-15 09:00", -1, "2026-11-13 09:00"}, // from a Sunday
		{"2026-10-15 09:00", -5, "2026-10-09 09:00"}, // through the 调休 Saturday 10-10
		{"2026-09-30 09:00", 1, "2026-10-08 09:00"},
		{"2026-10-08 09:00", -1, "2026-09-30 09:00"},
		{"2026-02-13 09:00", 1, "2026-02-14 09:00"},
		{"2026-02-14 09:00", 1, "2026-02-24 09:00"},
		{"2026-02-24 09:00", -2, "2026-02-13 09:00"},
	}
	for _, tt := range tests {
		got := cal.AddWorkdays(calendarTestTime(t, tt.from), tt.n)
		if want := calendarTestTime(t, tt.want); !got.Equal(want) {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %v", tt.from, tt.n, got, want)
		}
	}
	if got, want := cal.NextWorkday(calendarTestTime(t, "2026-10-01 09:00")), calendarTestTime(t, "2026-10-08 09:00"); !got.Equal(want) {
		t.Errorf("NextWorkday(2026-10-01) = %v, want %v", got, want)
	}
	if got, want := cal.NextWorkday(calendarTestTime(t, "2026-09-18 09:00")), calendarTestTime(t, "2026-09-20 09:00"); !got.Equal(want) {
		t.Errorf("NextWorkday(2026-09-18) = %v, want %v (调休 Sunday)", got, want)
	}
}

func TestCalendarVacation(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{Vacations: []Vacation{
		{Name: "寒假", From: "2026-01-24", To: "2026-02-28"},
		{Name: "暑假", From: "2026-07-04", To: "2026-08-31"},
	}})
	tests := []struct {
		day  string
		name string
	}{
		{"2026-01-23", ""},
		{"2026-01-24", "寒假"},
		{"2026-02-17", "寒假"},
		{"2026-02-28", "寒假"},
		{"2026-03-01", ""},
		{"2026-07-03", ""},
		{"2026-07-04", "暑假"},
		{"2026-08-31", "暑假"},
		{"2026-09-01", ""},
	}
	for _, tt := range tests {
		name, ok := cal.InVacation(calendarTestTime(t, tt.day))
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("InVacation(%s) = %q, %v; want %q", tt.day, name, ok, tt.name)
		}
	}
	// A vacation does not change working days.
	if !cal.IsWorkday(calendarTestTime(t, "2026-01-26")) {
		t.Error("2026-01-26 (Monday in 寒假) should stay a working day")
	}
}

// The day of an instant is its day in the organisation's time zone.
func TestCalendarTimeZone(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{})
	utc := time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC) // 2026-10-01 01:00 in Shanghai
	if cal.IsWorkday(utc) {
		t.Error("2026-09-30T17:00Z is 国庆节 in Shanghai")
	}
	moved, _ := cal.Deadline(utc)
	if want := calendarTestTime(t, "2026-09-30 01:00"); !moved.Equal(want) || moved.Location() != calendarTestZone {
		t.Errorf("Deadline = %v, want %v in Asia/Shanghai", moved, want)
	}
	if cal.Location() != calendarTestZone {
		t.Errorf("Location() = %v", cal.Location())
	}
	if _, err := NewCalendar(CalendarConfig{}); err != nil {
		t.Fatalf("default zone: %v", err)
	}
}

// TestCalendarMidnightAndMonday: the day and the week start in the
// school's zone, whatever zone the time comes in (a platform's UTC
// timestamp late on Sunday evening is already Monday in Shanghai).
func TestCalendarMidnightAndMonday(t *testing.T) {
	cal := newTestCalendar(t, CalendarConfig{})
	for _, c := range []struct {
		at               time.Time
		midnight, monday string
	}{
		{calendarTestTime(t, "2026-12-09 15:30"), "2026-12-09 00:00", "2026-12-07 00:00"}, // Wednesday
		{calendarTestTime(t, "2026-12-07 00:00"), "2026-12-07 00:00", "2026-12-07 00:00"}, // Monday, first instant
		{calendarTestTime(t, "2026-12-13 23:59"), "2026-12-13 00:00", "2026-12-07 00:00"}, // Sunday belongs to the week before
		{time.Date(2026, 12, 13, 16, 30, 0, 0, time.UTC), "2026-12-14 00:00", "2026-12-14 00:00"},
		{calendarTestTime(t, "2027-01-01 08:00"), "2027-01-01 00:00", "2026-12-28 00:00"}, // across the year
	} {
		if got := cal.Midnight(c.at); !got.Equal(calendarTestTime(t, c.midnight)) || got.Location() != calendarTestZone {
			t.Errorf("Midnight(%v) = %v, want %s in Asia/Shanghai", c.at, got, c.midnight)
		}
		if got := cal.Monday(c.at); !got.Equal(calendarTestTime(t, c.monday)) || got.Location() != calendarTestZone {
			t.Errorf("Monday(%v) = %v, want %s in Asia/Shanghai", c.at, got, c.monday)
		}
	}
}

func TestNewCalendarErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  CalendarConfig
		want []string
	}{
		{"policy", CalendarConfig{Policy: "never"}, []string{`holiday policy "never"`}},
		{"workday date", CalendarConfig{Workdays: []string{"2026/05/09"}}, []string{`workdays[0]: "2026/05/09" is not a date`}},
		{"holiday date", CalendarConfig{Holidays: []string{"儿童节 2026-06-01"}}, []string{`holidays[0]: "儿童节" is not a date`}},
		{"empty holiday", CalendarConfig{Holidays: []string{""}}, []string{`holidays[0]: "" is not a date`}},
		{"impossible date", CalendarConfig{Workdays: []string{"2026-02-30"}}, []string{`workdays[0]: "2026-02-30"`}},
		{"duplicate workday", CalendarConfig{Workdays: []string{"2026-05-16", "2026-05-16"}}, []string{"workdays[1]: 2026-05-16 is listed twice"}},
		{"both", CalendarConfig{Workdays: []string{"2026-05-16"}, Holidays: []string{"2026-05-16 x"}}, []string{"holidays[0]: 2026-05-16 is also listed in workdays"}},
		{"vacation name", CalendarConfig{Vacations: []Vacation{{From: "2026-01-24", To: "2026-02-28"}}}, []string{"vacations[0]: no name"}},
		{"vacation from", CalendarConfig{Vacations: []Vacation{{Name: "寒假", From: "1月24日", To: "2026-02-28"}}}, []string{`vacation "寒假": from: "1月24日"`}},
		{"vacation to", CalendarConfig{Vacations: []Vacation{{Name: "寒假", From: "2026-01-24"}}}, []string{`vacation "寒假": to: "" is not a date`}},
		{"vacation order", CalendarConfig{Vacations: []Vacation{{Name: "寒假", From: "2026-02-28", To: "2026-01-24"}}}, []string{`vacation "寒假": ends (2026-01-24) before it starts (2026-02-28)`}},
		{"overlap", CalendarConfig{Vacations: []Vacation{
			{Name: "寒假", From: "2026-01-24", To: "2026-02-28"},
			{Name: "春假", From: "2026-02-28", To: "2026-03-08"},
		}}, []string{`vacations "寒假" and "春假" overlap`}},
		{"all at once", CalendarConfig{Policy: "x", Workdays: []string{"x"}, Holidays: []string{"y"}}, []string{"holiday policy", `workdays[0]: "x"`, `holidays[0]: "y"`}},
	}
	for _, tt := range tests {
		cal, err := NewCalendar(tt.cfg)
		if err == nil || cal != nil {
			t.Errorf("%s: NewCalendar = %v, %v; want an error", tt.name, cal, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tt.name, err, w)
			}
		}
		if !strings.HasPrefix(err.Error(), "org: calendar: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
}

func BenchmarkCalendarIsWorkday(b *testing.B) {
	cal, err := NewCalendar(CalendarConfig{Location: calendarTestZone, Holidays: []string{"2026-06-01 儿童节"}})
	if err != nil {
		b.Fatal(err)
	}
	d := time.Date(2026, 1, 1, 9, 0, 0, 0, calendarTestZone)
	b.ResetTimer()
	for i := range b.N {
		cal.IsWorkday(d.AddDate(0, 0, i%365))
	}
}

func BenchmarkCalendarDeadline(b *testing.B) {
	cal, err := NewCalendar(CalendarConfig{Location: calendarTestZone})
	if err != nil {
		b.Fatal(err)
	}
	d := time.Date(2026, 10, 1, 17, 0, 0, 0, calendarTestZone)
	for b.Loop() {
		cal.Deadline(d)
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{4 * time.Hour: "4小时", 30 * time.Minute: "30分钟",
		90 * time.Minute: "1小时30分钟", 0: "0分钟", -time.Minute: "0分钟", 119*time.Minute + 40*time.Second: "2小时"} {
		if got := DurationText(d); got != want {
			t.Errorf("DurationText(%v) = %s, want %s", d, got, want)
		}
	}
}

func TestDayOfMonth(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		month string
		day   int
		want  string
	}{{"2026-11-20", 15, "2026-11-15"}, {"2026-02-03", 28, "2026-02-28"}, {"2026-02-03", 31, "2026-02-28"},
		{"2028-02-10", 30, "2028-02-29"}, {"2026-04-30", 31, "2026-04-30"}} {
		m, _ := time.ParseInLocation("2006-01-02", c.month, loc)
		if got := DayOfMonth(m, c.day, loc).Format("2006-01-02"); got != c.want {
			t.Errorf("DayOfMonth(%s, %d) = %s, want %s", c.month, c.day, got, c.want)
		}
	}
}
