package org

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Periods records are counted over, and how replies name periods, months
// and days.

// Period is a stretch of time records are counted over: a month, a quarter
// or a year, as [From, To) in the organisation's time zone.
type Period struct {
	Name     string    // 2026-11, 2026Q4, 2026
	From, To time.Time // [From, To)
}

// ErrPeriod reports a period that is not 2026-11, 2026Q4 or 2026.
var ErrPeriod = errors.New("org: period must look like 2026-11, 2026Q4 or 2026")

// ParsePeriod reads a month (2026-11), a quarter (2026Q4) or a year (2026).
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if t, err := time.ParseInLocation("2006-01", s, loc); err == nil {
		return Month(t.Year(), t.Month(), loc), nil
	}
	if y, q, ok := strings.Cut(s, "Q"); ok {
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if err1 == nil && err2 == nil && len(y) == 4 && n >= 1 && n <= 4 {
			from := time.Date(year, time.Month(3*n-2), 1, 0, 0, 0, 0, loc)
			return Period{Name: s, From: from, To: from.AddDate(0, 3, 0)}, nil
		}
		return Period{}, fmt.Errorf("%w: %q", ErrPeriod, s)
	}
	if year, err := strconv.Atoi(s); err == nil && len(s) == 4 {
		from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
		return Period{Name: s, From: from, To: from.AddDate(1, 0, 0)}, nil
	}
	return Period{}, fmt.Errorf("%w: %q", ErrPeriod, s)
}

// Month is the calendar month as a period.
func Month(year int, month time.Month, loc *time.Location) Period {
	from := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	return Period{Name: from.Format("2006-01"), From: from, To: from.AddDate(0, 1, 0)}
}

// MonthPeriod is the month of t in loc.
func MonthPeriod(t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	return Month(t.Year(), t.Month(), loc)
}

// PeriodLabel names a period for people: 2026年11月, 2026年第四季度, 2026年.
func PeriodLabel(name string) string {
	switch {
	case len(name) == 7 && name[4] == '-':
		return MonthLabel(name)
	case len(name) == 6 && (name[4] == 'Q' || name[4] == 'q') && name[5] >= '1' && name[5] <= '4':
		return fmt.Sprintf("%s年第%s季度", name[:4], []string{"一", "二", "三", "四"}[name[5]-'1'])
	case len(name) == 4:
		return name + "年"
	}
	return name
}

var weekdayNames = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayName names a weekday the way replies say it: 周五.
func WeekdayName(d time.Weekday) string { return weekdayNames[d] }

// DayLabel formats a day the way replies say it: 11月13日（周五）.
func DayLabel(t time.Time) string {
	return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), WeekdayName(t.Weekday()))
}

// MonthLabel formats "2026-11" as 2026年11月.
func MonthLabel(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return fmt.Sprintf("%d年%d月", t.Year(), t.Month())
}
