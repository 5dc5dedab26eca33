package org

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Holiday policies: what happens to a deadline that falls on a non-working day.
const (
	HolidayPolicyBefore = "before" // move it to the previous working day (the default)
	HolidayPolicyAfter  = "after"  // move it to the next working day
	HolidayPolicyKeep   = "keep"   // leave it where it is
)

// Day names returned by Calendar.DayName besides the names of holidays.
const (
	DayNameSaturday = "周六"
	DayNameSunday   = "周日"
	DayNameMakeUp   = "调休上班" // a weekend day that is a working day
	DayNameDayOff   = "放假"   // an extra day off configured without a name
)

// calendarDateLayout is the only date format the calendar accepts and prints.
const calendarDateLayout = "2006-01-02"

// Vacation is a school vacation (寒假, 暑假): both ends included. Vacations do
// not change working days; they suppress attendance forms (see InVacation).
// It is an [[org.vacation]] of the file.
type Vacation struct {
	Name string `toml:"name"` // "寒假"
	From string `toml:"from"` // "2026-01-24"
	To   string `toml:"to"`   // "2026-02-28"
}

// CalendarConfig is the [org] part of the configuration the calendar needs.
type CalendarConfig struct {
	Location  *time.Location // the organisation's time zone; nil means Asia/Shanghai
	Policy    string         // HolidayPolicyBefore (default when ""), HolidayPolicyAfter or HolidayPolicyKeep
	Workdays  []string       // extra working days "2026-05-09"; they win over holidays of the library
	Holidays  []string       // extra days off "2026-06-01", optionally named "2026-06-01 儿童节"
	Vacations []Vacation     // school vacations
}

// Calendar is the Chinese working-day calendar of one organisation: weekends,
// the statutory holidays and make-up working days (调休) published by the
// State Council (from github.com/6tail/lunar-go's HolidayUtil), the
// organisation's own overrides, and its school vacations. Every question is
// answered for the calendar day of the given instant in the organisation's
// time zone. A Calendar is immutable and safe for concurrent use.
//
// Years the library has no data for (see HolidayDataThrough) have only
// weekends and the configured overrides.
type Calendar struct {
	loc       *time.Location
	policy    string
	overrides map[calendarDate]calendarDay // configured workdays and holidays
	vacations []calendarVacation           // sorted by from
}

// calendarDate is a civil date, yyyymmdd.
type calendarDate int

// calendarDay says whether a date is a working day, and its name.
type calendarDay struct {
	work bool
	name string
}

type calendarVacation struct {
	name     string
	from, to calendarDate
}

// calendarLibrary is the holiday table of lunar-go, read once: every date the
// library lists (holidays and make-up working days), and its last year.
var calendarLibrary = sync.OnceValues(func() (map[calendarDate]calendarDay, int) {
	days := make(map[calendarDate]calendarDay, 1024)
	last := 0
	// The library's data start on 2001-12-29; it is scanned year by year
	// until a run of empty years shows its end.
	for year, empty := 2001, 0; empty < 3; year++ {
		l := HolidayUtil.GetHolidaysByYear(year)
		if l.Len() == 0 {
			empty++
			continue
		}
		empty, last = 0, year
		for e := l.Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok {
				continue
			}
			d, err := parseCalendarDate(h.GetDay())
			if err != nil {
				continue
			}
			day := calendarDay{work: h.IsWork(), name: h.GetName()}
			if day.work {
				day.name = DayNameMakeUp
			}
			days[d] = day
		}
	}
	return days, last
})

// NewCalendar checks the configuration and builds the calendar. All problems
// are reported at once.
func NewCalendar(c CalendarConfig) (*Calendar, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("org: calendar: "+format, args...))
	}
	cal := &Calendar{loc: c.Location, policy: c.Policy, overrides: map[calendarDate]calendarDay{}}
	if cal.loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("org: calendar: default time zone: %w", err)
		}
		cal.loc = loc
	}
	switch c.Policy {
	case "":
		cal.policy = HolidayPolicyBefore
	case HolidayPolicyBefore, HolidayPolicyAfter, HolidayPolicyKeep:
	default:
		bad("holiday policy %q: want %q, %q or %q", c.Policy, HolidayPolicyBefore, HolidayPolicyAfter, HolidayPolicyKeep)
	}
	for i, s := range c.Workdays {
		d, err := parseCalendarDate(strings.TrimSpace(s))
		if err != nil {
			bad("workdays[%d]: %w", i, err)
			continue
		}
		if _, dup := cal.overrides[d]; dup {
			bad("workdays[%d]: %s is listed twice", i, d)
			continue
		}
		cal.overrides[d] = calendarDay{work: true, name: DayNameMakeUp}
	}
	for i, s := range c.Holidays {
		date, name, _ := strings.Cut(strings.TrimSpace(s), " ")
		d, err := parseCalendarDate(date)
		if err != nil {
			bad("holidays[%d]: %w", i, err)
			continue
		}
		if prev, dup := cal.overrides[d]; dup {
			if prev.work {
				bad("holidays[%d]: %s is also listed in workdays", i, d)
			} else {
				bad("holidays[%d]: %s is listed twice", i, d)
			}
			continue
		}
		if name = strings.TrimSpace(name); name == "" {
			name = DayNameDayOff
		}
		cal.overrides[d] = calendarDay{name: name}
	}
	for i, v := range c.Vacations {
		from, errFrom := parseCalendarDate(strings.TrimSpace(v.From))
		to, errTo := parseCalendarDate(strings.TrimSpace(v.To))
		switch {
		case strings.TrimSpace(v.Name) == "":
			bad("vacations[%d]: no name", i)
		case errFrom != nil:
			bad("vacation %q: from: %w", v.Name, errFrom)
		case errTo != nil:
			bad("vacation %q: to: %w", v.Name, errTo)
		case to < from:
			bad("vacation %q: ends (%s) before it starts (%s)", v.Name, to, from)
		default:
			cal.vacations = append(cal.vacations, calendarVacation{name: strings.TrimSpace(v.Name), from: from, to: to})
		}
	}
	for i, a := range cal.vacations {
		for _, b := range cal.vacations[i+1:] {
			if a.from <= b.to && b.from <= a.to {
				bad("vacations %q and %q overlap", a.name, b.name)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cal, nil
}

// Location is the organisation's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Midnight is the start of t's day in the organisation's zone.
func (c *Calendar) Midnight(t time.Time) time.Time {
	t = t.In(c.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.loc)
}

// Monday is the start of the Monday of t's week (weeks run Monday to
// Sunday) in the organisation's zone.
func (c *Calendar) Monday(t time.Time) time.Time {
	d := c.Midnight(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// HolidayDataThrough is the last year the holiday library knows; later years
// have only weekends and overrides until the library is updated.
func HolidayDataThrough() int {
	_, last := calendarLibrary()
	return last
}

// IsWorkday reports whether d's day is a working day: Monday to Friday unless
// a holiday, or a make-up working day (调休) or configured workday.
func (c *Calendar) IsWorkday(d time.Time) bool {
	return c.day(c.dateOf(d)).work
}

// DayName names d's day when it is special: the holiday ("国庆节", "春节", a
// configured name), DayNameMakeUp for a weekend working day, "周六"/"周日" for
// a plain weekend, "" for an ordinary working day. Vacations are not day
// names; ask InVacation.
func (c *Calendar) DayName(d time.Time) string {
	return c.day(c.dateOf(d)).name
}

// InVacation reports whether d's day lies in a school vacation, and which.
func (c *Calendar) InVacation(d time.Time) (name string, ok bool) {
	date := c.dateOf(d)
	for _, v := range c.vacations {
		if v.from <= date && date <= v.to {
			return v.name, true
		}
	}
	return "", false
}

// Deadline applies the holiday policy to a deadline t. A deadline on a
// working day, or any deadline under HolidayPolicyKeep, is returned unchanged
// with reason "". Otherwise it moves to the previous (before) or next (after)
// working day at the same clock time, and reason says why, e.g.
// "2026-10-01 is 国庆节: deadline moved to 2026-09-30".
func (c *Calendar) Deadline(t time.Time) (moved time.Time, reason string) {
	date := c.dateOf(t)
	day := c.day(date)
	if day.work || c.policy == HolidayPolicyKeep {
		return t, ""
	}
	step := -1
	if c.policy == HolidayPolicyAfter {
		step = 1
	}
	to := c.nextWorkday(date, step)
	return c.at(to, t), fmt.Sprintf("%s is %s: deadline moved to %s", date, day.name, to)
}

// A Move is a deadline the holiday policy moved: its nominal day and the
// calendar's reason (Deadline's), for the texts that say why a deadline is
// not on its usual day.
type Move struct {
	Nominal time.Time
	Reason  string
}

// AddWorkdays counts n working days from d's day, forward for n > 0 and
// backward for n < 0 ("5 working days before the 15th" is AddWorkdays(the
// 15th, -5)), d's day itself not counted, and returns that day at d's clock
// time. n == 0 returns d.
func (c *Calendar) AddWorkdays(d time.Time, n int) time.Time {
	if n == 0 {
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	date := c.dateOf(d)
	for range n {
		date = c.nextWorkday(date, step)
	}
	return c.at(date, d)
}

// NextWorkday is the first working day strictly after d's day, at d's clock time.
func (c *Calendar) NextWorkday(d time.Time) time.Time {
	return c.AddWorkdays(d, 1)
}

// day looks a date up: overrides, then the library, then the weekday.
func (c *Calendar) day(d calendarDate) calendarDay {
	if day, ok := c.overrides[d]; ok {
		return day
	}
	library, _ := calendarLibrary()
	if day, ok := library[d]; ok {
		return day
	}
	switch d.time().Weekday() {
	case time.Saturday:
		return calendarDay{name: DayNameSaturday}
	case time.Sunday:
		return calendarDay{name: DayNameSunday}
	}
	return calendarDay{work: true}
}

// nextWorkday steps from d (exclusive) one day at a time in direction step
// until a working day. It ends: overrides and the library are finite, and
// outside them every week has working days.
func (c *Calendar) nextWorkday(d calendarDate, step int) calendarDate {
	t := d.time()
	for {
		t = t.AddDate(0, 0, step)
		if next := calendarDateOf(t); c.day(next).work {
			return next
		}
	}
}

// dateOf is t's calendar day in the organisation's time zone.
func (c *Calendar) dateOf(t time.Time) calendarDate {
	return calendarDateOf(t.In(c.loc))
}

// at is date d at clock's time of day, in the organisation's time zone.
func (c *Calendar) at(d calendarDate, clock time.Time) time.Time {
	clock = clock.In(c.loc)
	y, m, day := d.split()
	return time.Date(y, m, day, clock.Hour(), clock.Minute(), clock.Second(), clock.Nanosecond(), c.loc)
}

func calendarDateOf(t time.Time) calendarDate {
	y, m, d := t.Date()
	return calendarDate(y*10000 + int(m)*100 + d)
}

func parseCalendarDate(s string) (calendarDate, error) {
	t, err := time.Parse(calendarDateLayout, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date like 2026-05-09", s)
	}
	return calendarDateOf(t), nil
}

func (d calendarDate) split() (int, time.Month, int) {
	return int(d) / 10000, time.Month(int(d) / 100 % 100), int(d) % 100
}

// time is the date at midnight UTC, for date arithmetic free of DST.
func (d calendarDate) time() time.Time {
	y, m, day := d.split()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

func (d calendarDate) String() string {
	return d.time().Format(calendarDateLayout)
}

// DurationText writes a duration as people say it in chat: 30分钟, 4小时,
// 1小时30分钟 (rounded to the minute, never negative).
func DurationText(d time.Duration) string {
	m := max(int(d.Round(time.Minute)/time.Minute), 0)
	switch {
	case m < 60:
		return fmt.Sprintf("%d分钟", m)
	case m%60 == 0:
		return fmt.Sprintf("%d小时", m/60)
	}
	return fmt.Sprintf("%d小时%d分钟", m/60, m%60)
}

// DayOfMonth is midnight of the given day of month's month (any instant in
// it, in loc); a day past the month's end means its last day, so "the 31st"
// is every month's last day.
func DayOfMonth(month time.Time, day int, loc *time.Location) time.Time {
	month = month.In(loc)
	last := time.Date(month.Year(), month.Month()+1, 0, 0, 0, 0, 0, loc).Day()
	return time.Date(month.Year(), month.Month(), min(day, last), 0, 0, 0, 0, loc)
}

// Span is a duration as replies say it: 24 小时, 3 小时 20 分, 40 分钟
// (whole minutes).
func Span(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d 分钟", m)
	case m == 0:
		return fmt.Sprintf("%d 小时", h)
	}
	return fmt.Sprintf("%d 小时 %d 分", h, m)
}
