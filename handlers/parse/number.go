// Package parse reads the Chinese chat language of baosong: numerals, dates,
// class names, record ids, periods, the small words of commands, the
// confidential marking, and the attendance, incident, outing and
// submission texts. It is pure (standard library only), never panics, and
// is fuzzed; the handlers only route, authorize, call services and phrase
// replies.
package parse

import "unicode/utf8"

// maxInt bounds every number this package reads, so that no input can
// overflow: nothing a school reports (hours, days, counts, yuan) comes close.
const maxInt = 999_999_999

// chineseDigit returns the value of a Chinese digit character: 零/〇 0,
// 一 1, 二/两 2, 三 … 九 9.
func chineseDigit(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

// chineseUnit returns the multiplier of 十, 百, 千 and 万.
func chineseUnit(r rune) (int, bool) {
	switch r {
	case '十':
		return 10, true
	case '百':
		return 100, true
	case '千':
		return 1000, true
	case '万':
		return 10000, true
	}
	return 0, false
}

// arabicDigit returns the value of a half-width or full-width decimal digit.
func arabicDigit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

// isChineseNumeral reports whether r may be part of a Chinese numeral.
func isChineseNumeral(r rune) bool {
	_, d := chineseDigit(r)
	_, u := chineseUnit(r)
	return d || u
}

// ChineseInt reads a whole string of Chinese numerals as a non-negative
// integer: 十五 15, 两 2, 二十 20, 一百零五 105, 三千 3000, 两万三千 23000.
// The colloquial abbreviations 一百二 (120), 三千五 (3500) and 一万二 (12000)
// are accepted. Digit strings without units (二〇二六, 三四 "three or four")
// and malformed numerals (十十, 百, 一百十五万万) are not.
func ChineseInt(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	var (
		total    int  // completed 万 groups
		section  int  // value below 万
		digit    = -1 // pending digit, -1 when none
		lastUnit = 0  // smallest unit used in the section so far, 0 when none
		zero     bool // a 零 since the last unit
		sawUnit  bool // any unit in the section
		sawWan   bool
	)
	for _, r := range s {
		if d, ok := chineseDigit(r); ok {
			if digit >= 0 && !(digit == 0 && d != 0) {
				return 0, false // two digits in a row (三四), or 零零
			}
			if d == 0 {
				zero = sawUnit || sawWan
			}
			digit = d
			continue
		}
		u, ok := chineseUnit(r)
		if !ok {
			return 0, false
		}
		if u == 10000 {
			if sawWan {
				return 0, false
			}
			if digit > 0 {
				section += digit
			}
			if section == 0 {
				return 0, false // 万 needs a value before it
			}
			total = section * 10000
			section, digit, lastUnit, zero, sawUnit, sawWan = 0, -1, 0, false, false, true
			continue
		}
		if lastUnit != 0 && u >= lastUnit {
			return 0, false // units must decrease: 十百, 百百
		}
		n := digit
		switch {
		case digit > 0:
		case u == 10 && (digit < 0 && !sawUnit && !sawWan || digit == 0 && zero):
			n = 1 // 十五; 一千零十 (1010)
		default:
			return 0, false // 百 alone, 零十
		}
		section += n * u
		digit, lastUnit, zero, sawUnit = -1, u, false, true
	}
	switch {
	case digit < 0:
	case !sawUnit && !sawWan:
		section = digit // a lone digit
	case zero || lastUnit == 10:
		section += digit // 一百零五, 二十五
	case lastUnit == 0 && sawWan:
		section += digit * 1000 // 一万二 = 12000
	default:
		section += digit * lastUnit / 10 // 一百二 = 120, 三千五 = 3500
	}
	n := total + section
	if n > maxInt {
		return 0, false
	}
	return n, true
}

// Number reads a whole string as a non-negative integer: Arabic digits (half
// or full width, e.g. "3", "３", "12") or Chinese numerals (see ChineseInt).
// Arabic digits may carry one multiplier 百, 千 or 万 ("3千" 3000). Anything
// else, including decimals such as "1.2万", is not an int and gives ok false.
func Number(s string) (n int, ok bool) {
	n, rest, ok := LeadingNumber(s)
	if !ok || rest != "" {
		return 0, false
	}
	return n, true
}

// LeadingNumber reads a number at the start of s and returns it with the rest
// of s. It reads either a run of Arabic digits (half or full width), optionally
// followed by one multiplier 百, 千 or 万, or the longest prefix of Chinese
// numerals (零一二两三四五六七八九十百千万) that ChineseInt accepts: "十五节"
// gives 15 and "节", "2节" gives 2 and "节", "三千块" gives 3000 and "块".
// Leading spaces are not skipped. ok is false when s does not start with a
// number; then rest is s.
func LeadingNumber(s string) (n int, rest string, ok bool) {
	i := 0
	digits := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		d, isDigit := arabicDigit(r)
		if !isDigit {
			break
		}
		if n > (maxInt-d)/10 {
			return 0, s, false
		}
		n = n*10 + d
		digits++
		i += size
	}
	if digits > 0 {
		if r, size := utf8.DecodeRuneInString(s[i:]); r == '百' || r == '千' || r == '万' {
			m, _ := chineseUnit(r)
			if n <= maxInt/m {
				return n * m, s[i+size:], true
			}
		}
		return n, s[i:], true
	}
	// Chinese: take the run of numeral characters, then the longest valid prefix.
	var ends []int
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isChineseNumeral(r) {
			break
		}
		i += size
		ends = append(ends, i)
	}
	for k := len(ends) - 1; k >= 0; k-- {
		if v, ok := ChineseInt(s[:ends[k]]); ok {
			return v, s[ends[k]:], true
		}
	}
	return 0, s, false
}
