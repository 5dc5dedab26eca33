package parse

import (
	"fmt"
	"strings"
	"time"
)

// Period reads the period a 统计, 预警, 积分, 排名 or 媒体汇总 asks about
// and returns its name as the records know it: a month (2026-11), a
// quarter (2026Q4) or a year (2026). now is the message time in the
// organisation's zone. It reads
//
//   - 本月/这个月/当月, 上月/上个月, 本季度/本季/这个季度, 上季度/上个季度,
//     今年/本年/本年度/全年, 去年/上年;
//   - a month: 11月, 十一月, 11月份, 2026年11月, 2026-11, 2026/11, 2026.11;
//   - a quarter: 2026Q4, 2026年第四季度, 第四季度, 四季度, Q4;
//   - a year: 2026, 2026年, 2026年度.
//
// A month or quarter without a year is the latest one that has begun by
// now: 12月 read in January is last December. Spaces and full-width
// characters are allowed anywhere (２０２６ 年 １１ 月).
func Period(s string, now time.Time) (name string, ok bool) {
	s = strings.ReplaceAll(Normalize(s), " ", "")
	s = strings.TrimSuffix(s, "份")
	month := int(now.Month())
	quarter := (month-1)/3 + 1
	switch s {
	case "本月", "这个月", "当月":
		return monthName(now.Year(), month), true
	case "上月", "上个月":
		prev := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
		return monthName(prev.Year(), int(prev.Month())), true
	case "本季度", "本季", "这个季度":
		return fmt.Sprintf("%dQ%d", now.Year(), quarter), true
	case "上季度", "上个季度":
		if quarter == 1 {
			return fmt.Sprintf("%dQ4", now.Year()-1), true
		}
		return fmt.Sprintf("%dQ%d", now.Year(), quarter-1), true
	case "今年", "本年", "本年度", "全年":
		return fmt.Sprint(now.Year()), true
	case "去年", "上年":
		return fmt.Sprint(now.Year() - 1), true
	}
	year, rest, named := periodYear(s)
	if named {
		switch rest {
		case "", "年", "年度":
			return fmt.Sprint(year), true
		}
		rest = strings.TrimPrefix(rest, "年")
		if r := rest[0]; r == '-' || r == '/' || r == '.' {
			if m, after, ok := leadingArabic(rest[1:]); ok && after == "" && len(rest) <= 3 && m >= 1 && m <= 12 {
				return monthName(year, m), true
			}
			return "", false
		}
	}
	if q, ok := periodQuarter(rest); ok {
		if !named {
			year = now.Year()
			if q > quarter {
				year--
			}
		}
		return fmt.Sprintf("%dQ%d", year, q), true
	}
	if m, ok := strings.CutSuffix(rest, "月"); ok {
		n, ok := Number(m)
		if !ok || n < 1 || n > 12 {
			return "", false
		}
		if !named {
			year = now.Year()
			if n > month {
				year--
			}
		}
		return monthName(year, n), true
	}
	return "", false
}

func monthName(year, month int) string { return fmt.Sprintf("%d-%02d", year, month) }

// periodYear reads a year of four Arabic digits (1900–2999) at the start
// of s; rest is s when there is none.
func periodYear(s string) (year int, rest string, ok bool) {
	if len(s) < 4 || !isArabicStart(s) {
		return 0, s, false
	}
	y, after, ok := leadingArabic(s)
	if !ok || len(s)-len(after) != 4 || y < 1900 || y > 2999 {
		return 0, s, false
	}
	return y, after, true
}

// periodQuarter reads a whole quarter: Q4, 第四季度, 四季度, 第4季度, 4季度.
func periodQuarter(s string) (int, bool) {
	n, ok := 0, false
	if q, found := strings.CutPrefix(strings.ToUpper(s), "Q"); found {
		var after string
		n, after, ok = leadingArabic(q)
		ok = ok && after == ""
	} else if q, found := strings.CutSuffix(strings.TrimPrefix(s, "第"), "季度"); found {
		n, ok = Number(q)
	}
	return n, ok && n >= 1 && n <= 4
}
