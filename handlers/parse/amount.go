package parse

import (
	"strings"
	"unicode/utf8"
)

// maxYuan bounds the amounts LeadingYuan reads (ten billion yuan).
const maxYuan = 10_000_000_000

// LeadingYuan reads an amount of money at the start of s and returns it in
// whole yuan (rounded), whether it is approximate, and the rest of s:
//
//   - an optional approximation word: 约, 大约, 大概, 估计, 预计, 将近, 近;
//   - a number: Arabic digits with an optional decimal part and thousands
//     commas ("1.2", "5,000"), or Chinese numerals ("六百", "三千五"); a range
//     of two Chinese digits ("五六百") counts as its lower end, approximate;
//     数/几/上 before 十, 百, 千 or 万 ("数千", "上万") counts one such unit,
//     approximate;
//   - an optional 余, 多 or 来 (approximate), an optional multiplier 十, 百,
//     千 or 万 (also after a decimal: "1.2万"), another optional 余/多;
//   - the currency: 元, 块, 元钱, 块钱 (元旦 is not money);
//   - an optional 左右 or 上下 (approximate).
//
// "约600元" is 600 approximate; "1.2万元" 12000; "3千块左右" 3000
// approximate; "300多元" 300 approximate. ok is false, and rest is s, when s
// does not start with an amount in yuan.
func LeadingYuan(s string) (yuan int64, approx bool, rest string, ok bool) {
	rest = s
	for _, w := range yuanApproxBefore {
		if strings.HasPrefix(rest, w) {
			rest, approx = rest[len(w):], true
			break
		}
	}
	var value float64
	switch {
	case strings.HasPrefix(rest, "数") || strings.HasPrefix(rest, "几") || strings.HasPrefix(rest, "上"):
		r, size := utf8.DecodeRuneInString(rest[len("数"):])
		u, isUnit := chineseUnit(r)
		if !isUnit {
			return 0, false, s, false
		}
		value, approx, rest = float64(u), true, rest[len("数")+size:]
	case isArabicStart(rest):
		v, r2, ok := yuanDecimal(rest)
		if !ok {
			return 0, false, s, false
		}
		value, rest = v, r2
	default:
		n, r2, ok := LeadingNumber(rest)
		if !ok {
			return 0, false, s, false
		}
		value, rest = float64(n), r2
		// 五六百: a range of two digits before a unit.
		if r, size := utf8.DecodeRuneInString(rest); n < 10 {
			if d, isDigit := chineseDigit(r); isDigit && d == n+1 {
				u, isUnit := chineseUnit(yuanFirstRune(rest[size:]))
				if isUnit {
					value, approx, rest = float64(n*u), true, rest[size+len("十"):]
				}
			}
		}
	}
	if hasAnyPrefix(&rest, "余", "多", "来") {
		approx = true
	}
	if u, isUnit := chineseUnit(yuanFirstRune(rest)); isUnit {
		value *= float64(u)
		rest = rest[len("十"):]
		if hasAnyPrefix(&rest, "余", "多") {
			approx = true
		}
	}
	if strings.HasPrefix(rest, "元旦") || !hasAnyPrefix(&rest, "元钱", "块钱", "元", "块") {
		return 0, false, s, false
	}
	if hasAnyPrefix(&rest, "左右", "上下") {
		approx = true
	}
	if value > maxYuan {
		return 0, false, s, false
	}
	return int64(value + 0.5), approx, rest, true
}

var yuanApproxBefore = []string{"大约", "大概", "估计", "预计", "将近", "约", "近"}

// yuanDecimal reads Arabic digits with optional thousands commas and an
// optional decimal part: "5,000" 5000, "1.25" 1.25. A multiplier after the
// digits is left in rest.
func yuanDecimal(s string) (float64, string, bool) {
	n, rest, ok := leadingArabic(s)
	if !ok {
		return 0, s, false
	}
	value := float64(n)
	// Thousands separators: ",000" groups of exactly three digits.
	for len(rest) >= 4 && rest[0] == ',' {
		g, r2, ok := leadingArabic(rest[1:])
		if !ok || len(rest)-1-len(r2) != 3 {
			break
		}
		value, rest = value*1000+float64(g), r2
	}
	if len(rest) >= 2 && rest[0] == '.' {
		digits := rest[1:]
		scale := 0.1
		i := 0
		for i < len(digits) && digits[i] >= '0' && digits[i] <= '9' {
			value += float64(digits[i]-'0') * scale
			scale /= 10
			i++
		}
		if i > 0 {
			rest = digits[i:]
		}
	}
	if value > maxYuan {
		return 0, s, false
	}
	return value, rest, true
}

func yuanFirstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
