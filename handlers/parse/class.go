package parse

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ClassRef names a class: its grade, canonical as written (初一 … 初三,
// 高一 … 高三, 一年级 … 九年级), and its number within the grade.
type ClassRef struct {
	Grade  string `json:"grade"`
	Number int    `json:"number"`
}

// String formats the class the usual way: "高一(1)班".
func (c ClassRef) String() string {
	return fmt.Sprintf("%s(%d)班", c.Grade, c.Number)
}

// ParseClass reads a whole string as a class name: 高一(1)班, 高一（1）班,
// 高一1班, 高一一班, 高一(1), 高一年级1班, 高中一年级(1)班, 初一(2)班,
// 七年级3班, 7年级(3)班, 三年级二班. Grades keep their own system (七年级 stays
// 七年级; it is not mapped to 初一). Spaces around the name are ignored. It is
// meant for the class named in a message and for configured unit names alike.
func ParseClass(s string) (ClassRef, bool) {
	c, rest, ok := LeadingClass(strings.TrimSpace(s))
	if !ok || strings.TrimSpace(rest) != "" {
		return ClassRef{}, false
	}
	return c, true
}

// LeadingClass reads a class name at the start of s (see ParseClass) and
// returns the rest of s. A grade alone (高一) or a grade followed by a bare
// number without 班 or parentheses (高一1) is not a class: a name such as
// 高一鸣 must stay a name.
func LeadingClass(s string) (c ClassRef, rest string, ok bool) {
	grade, rest, ok := leadingGrade(s)
	if !ok {
		return ClassRef{}, s, false
	}
	if r, size := utf8.DecodeRuneInString(rest); r == '(' || r == '（' {
		n, after, ok := LeadingNumber(rest[size:])
		if !ok {
			return ClassRef{}, s, false
		}
		r, size := utf8.DecodeRuneInString(after)
		if r != ')' && r != '）' {
			return ClassRef{}, s, false
		}
		rest = after[size:]
		hasAnyPrefix(&rest, "班")
		return classRef(grade, n, rest, s)
	}
	n, after, ok := LeadingNumber(rest)
	if !ok || !strings.HasPrefix(after, "班") {
		return ClassRef{}, s, false
	}
	return classRef(grade, n, after[len("班"):], s)
}

func classRef(grade string, n int, rest, orig string) (ClassRef, string, bool) {
	if n < 1 || n > 99 {
		return ClassRef{}, orig, false
	}
	return ClassRef{Grade: grade, Number: n}, rest, true
}

var gradeNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九"}

// leadingGrade reads 初一…初三, 高一…高三 (also 初中一年级, 高一年级),
// 一年级…九年级 (also 1年级…9年级) and returns the canonical grade.
func leadingGrade(s string) (string, string, bool) {
	for _, school := range []string{"初中", "高中", "初", "高"} {
		rest, found := strings.CutPrefix(s, school)
		if !found {
			continue
		}
		for _, num := range gradeNumerals[:3] {
			if after, found := strings.CutPrefix(rest, num); found {
				hasAnyPrefix(&after, "年级")
				if len(school) > len("初") && len(after) == len(rest)-len(num) {
					break // 初中一 without 年级 is not a grade
				}
				return school[:len("初")] + num, after, true
			}
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	n, ok := arabicDigit(r)
	if !ok {
		for i, num := range gradeNumerals {
			if strings.HasPrefix(s, num) {
				n, ok = i+1, true
				size = len(num)
			}
		}
	}
	if !ok || n < 1 || n > 9 {
		return "", s, false
	}
	rest, found := strings.CutPrefix(s[size:], "年级")
	if !found {
		return "", s, false
	}
	return gradeNumerals[n-1] + "年级", rest, true
}
