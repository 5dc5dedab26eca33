package parse

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// LeadingDate reads a date at the start of s and returns it as midnight in
// ref's location, with the rest of s. ref is the message time.
//
//   - 今天/今日/当天/今晚 is ref's day; 昨天/昨日/昨晚 the day before; 前天/前日
//     two days before; 大前天 three.
//   - 周X, 星期X, 礼拜X (X one of 一二三四五六日天 or 1–7) is the most recent
//     such day not after ref; 本周X/这周X/这星期X is that day of ref's week
//     (weeks start on Monday); 上周X/上星期X/上礼拜X that day of the week before.
//   - 2026年11月26日, 2026-11-26, 2026/11/26 and 2026.11.26 are absolute.
//   - 11月26日 (or 号, or nothing after the day), 11-26, 11/26 and 11.26 take
//     the year that makes them the latest such date at most 31 days after ref. Month and day may be Chinese
//     numerals (十一月二十六日). The numeric forms without 月 are refused when a
//     unit follows ("3-5节", "1.5天", "3.5万"), so that ranges and amounts are
//     not read as dates.
//
// Impossible dates (2月30日) are refused. Numbers may be full width only
// after Normalize; Arabic digits are read half or full width.
func LeadingDate(s string, ref time.Time) (d time.Time, rest string, ok bool) {
	day := func(offset int) time.Time {
		return time.Date(ref.Year(), ref.Month(), ref.Day()+offset, 0, 0, 0, 0, ref.Location())
	}
	for _, w := range relativeDays {
		if strings.HasPrefix(s, w.word) {
			return day(w.offset), s[len(w.word):], true
		}
	}
	if d, rest, ok := leadingWeekday(s, ref); ok {
		return d, rest, true
	}
	return leadingCalendarDate(s, ref)
}

var relativeDays = []struct {
	word   string
	offset int
}{
	{"大前天", -3}, {"前天", -2}, {"前日", -2}, {"昨天", -1}, {"昨日", -1}, {"昨晚", -1},
	{"今天", 0}, {"今日", 0}, {"当天", 0}, {"今晚", 0},
}

// weekdayIndex maps the day character of 周X to 0 (Monday) … 6 (Sunday).
func weekdayIndex(r rune) (int, bool) {
	switch r {
	case '一', '1':
		return 0, true
	case '二', '2':
		return 1, true
	case '三', '3':
		return 2, true
	case '四', '4':
		return 3, true
	case '五', '5':
		return 4, true
	case '六', '6':
		return 5, true
	case '日', '天', '7':
		return 6, true
	}
	return 0, false
}

func leadingWeekday(s string, ref time.Time) (time.Time, string, bool) {
	week := 0 // 0: most recent; 1: this week; -1: last week
	switch {
	case hasAnyPrefix(&s, "上周", "上星期", "上礼拜"):
		week = -1
	case hasAnyPrefix(&s, "本周", "这周", "这星期", "本星期", "这礼拜", "本礼拜"):
		week = 1
	case hasAnyPrefix(&s, "星期", "礼拜", "周"):
	default:
		return time.Time{}, s, false
	}
	r, size := utf8.DecodeRuneInString(s)
	idx, ok := weekdayIndex(r)
	if !ok {
		return time.Time{}, s, false
	}
	refIdx := (int(ref.Weekday()) + 6) % 7 // Monday 0
	var offset int
	switch week {
	case 0:
		offset = -((refIdx - idx + 7) % 7)
	case 1:
		offset = idx - refIdx
	default:
		offset = idx - refIdx - 7
	}
	d := time.Date(ref.Year(), ref.Month(), ref.Day()+offset, 0, 0, 0, 0, ref.Location())
	return d, s[size:], true
}

// hasAnyPrefix strips the first of prefixes that *s starts with.
func hasAnyPrefix(s *string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(*s, p) {
			*s = (*s)[len(p):]
			return true
		}
	}
	return false
}

// unitAfterNumber lists the characters that, right after a number, make it a
// quantity, an amount or a clock time rather than a day of a month.
const unitAfterNumber = "节课学时个天日晚夜次人名位元万千百块分秒点号%.:年月"

func leadingCalendarDate(s string, ref time.Time) (time.Time, string, bool) {
	first, rest, ok := LeadingNumber(s)
	if !ok {
		return time.Time{}, s, false
	}
	year := 0
	if strings.HasPrefix(rest, "年") && first >= 1900 && first <= 2999 && isArabicStart(s) {
		year, rest = first, rest[len("年"):]
		if first, rest, ok = LeadingNumber(rest); !ok {
			return time.Time{}, s, false
		}
	}
	var month, dayOfMonth int
	switch {
	case strings.HasPrefix(rest, "月"):
		month = first
		if dayOfMonth, rest, ok = LeadingNumber(rest[len("月"):]); !ok {
			return time.Time{}, s, false
		}
		if !hasAnyPrefix(&rest, "日", "号") && startsWithAny(rest, unitAfterNumber) {
			return time.Time{}, s, false
		}
	case year == 0 && isArabicStart(s) && rest != "" && strings.ContainsRune("-/.", rune(rest[0])):
		sep := rest[0]
		if first >= 1900 && first <= 2999 {
			year = first
			if month, rest, ok = leadingArabic(rest[1:]); !ok || rest == "" || rest[0] != sep {
				return time.Time{}, s, false
			}
		} else {
			month = first
		}
		if dayOfMonth, rest, ok = leadingArabic(rest[1:]); !ok {
			return time.Time{}, s, false
		}
		if !hasAnyPrefix(&rest, "日", "号") && startsWithAny(rest, unitAfterNumber) {
			return time.Time{}, s, false
		}
	default:
		return time.Time{}, s, false
	}
	if month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31 {
		return time.Time{}, s, false
	}
	if year == 0 {
		year = recentYear(month, dayOfMonth, ref)
	}
	d := time.Date(year, time.Month(month), dayOfMonth, 0, 0, 0, 0, ref.Location())
	if d.Month() != time.Month(month) || d.Day() != dayOfMonth {
		return time.Time{}, s, false
	}
	return d, rest, true
}

// recentYear picks the year that makes month/day the latest date at most a
// month after ref: reports speak of the past and the next few weeks, so
// 12月31日 read on 2 January is last year's and 1月2日 read on 20 December
// is next year's.
func recentYear(month, day int, ref time.Time) int {
	limit := ref.AddDate(0, 0, 31)
	for y := ref.Year() + 1; y > ref.Year()-1; y-- {
		if !time.Date(y, time.Month(month), day, 0, 0, 0, 0, ref.Location()).After(limit) {
			return y
		}
	}
	return ref.Year() - 1
}

// leadingArabic reads a run of Arabic digits (half or full width) only: the
// parts of 11-26 or 23:40 are never Chinese numerals nor carry 千 or 万.
func leadingArabic(s string) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		d, ok := arabicDigit(r)
		if !ok {
			break
		}
		if n > (maxInt-d)/10 {
			return 0, s, false
		}
		n = n*10 + d
		i += size
	}
	return n, s[i:], i > 0
}

func isArabicStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	_, ok := arabicDigit(r)
	return ok
}

func startsWithAny(s, chars string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(chars, r)
}

// DateTime reads a whole string as an instant relative to ref (the message
// time): a date as LeadingDate reads it, then a clock as LeadingClock reads
// it (11月3日9时, 昨天下午3点, 2026-11-03 09:30), or a clock alone for ref's
// day (9时; the day before when that is still to come). A trailing 许,
// 左右 or 前后 is allowed. ok is false without a clock: a date alone does
// not say when in the day.
func DateTime(s string, ref time.Time) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	day, rest, dated := LeadingDate(s, ref)
	if !dated {
		day = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, ref.Location())
	}
	c, rest, ok := LeadingClock(strings.TrimSpace(rest))
	if !ok {
		return time.Time{}, false
	}
	for _, w := range []string{"许", "左右", "前后"} {
		rest = strings.TrimPrefix(rest, w)
	}
	if strings.TrimSpace(rest) != "" {
		return time.Time{}, false
	}
	t = day.Add(time.Duration(c.Hour)*time.Hour + time.Duration(c.Minute)*time.Minute)
	if !dated && t.After(ref) {
		t = t.AddDate(0, 0, -1)
	}
	return t, true
}

// Clock is a time of day read from a message.
type Clock struct {
	Hour, Minute int    // 24-hour clock
	Period       string // the period word as written (下午, 晚上 …), "" when none
}

// String formats the clock as "23:40".
func (c Clock) String() string {
	return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute)
}

// LeadingClock reads a time of day at the start of s: 23:40, 23点40, 23点40分,
// 23时40分, 11点半, 十一点, 10点整, 10点钟, with an optional period word before
// it: 早/早上/上午/凌晨/中午/下午/傍晚/晚/晚上/夜里/夜间/半夜/深夜. The afternoon
// and evening words add 12 to hours 1–11 (下午3点 is 15:00; 晚上12点 is 0:00;
// 半夜 keeps 1–4); 中午 adds 12 to hours 1–3. A clock without a period word is
// returned as written: a caller that knows the context (晚归 happens in the
// evening) resolves a bare "11点".
func LeadingClock(s string) (c Clock, rest string, ok bool) {
	orig := s
	for _, p := range clockPeriods {
		if strings.HasPrefix(s, p) {
			c.Period, s = p, s[len(p):]
			break
		}
	}
	h, rest, ok := LeadingNumber(s)
	if !ok || h > 24 {
		return Clock{}, orig, false
	}
	m := 0
	switch {
	case strings.HasPrefix(rest, ":"):
		if m, rest, ok = leadingArabic(rest[1:]); !ok {
			return Clock{}, orig, false
		}
		hasAnyPrefix(&rest, "分")
	case hasAnyPrefix(&rest, "点钟", "点", "时"):
		switch {
		case hasAnyPrefix(&rest, "半"):
			m = 30
		case hasAnyPrefix(&rest, "整"):
		default:
			if n, r2, ok := LeadingNumber(rest); ok {
				if !strings.HasPrefix(r2, "分") && startsWithAny(r2, unitAfterNumber) {
					return Clock{}, orig, false
				}
				m, rest = n, r2
				hasAnyPrefix(&rest, "分")
			}
		}
	default:
		return Clock{}, orig, false
	}
	if m > 59 || (h == 24 && m != 0) {
		return Clock{}, orig, false
	}
	switch c.Period {
	case "下午", "傍晚", "晚上", "晚", "夜里", "夜间", "深夜", "半夜":
		if h >= 1 && h <= 11 && !(c.Period == "半夜" && h <= 4) {
			h += 12
		}
		if h == 12 && c.Period != "下午" {
			h = 0
		}
	case "中午":
		if h >= 1 && h <= 3 {
			h += 12
		}
	}
	c.Hour, c.Minute = h%24, m
	return c, rest, true
}

var clockPeriods = []string{"早上", "上午", "凌晨", "中午", "下午", "傍晚", "晚上", "夜里", "夜间", "半夜", "深夜", "早", "晚"}
