package parse

import (
	"strings"
	"time"
	"unicode"
)

// Query is what a 统计, 预警, 确认汇总 or 重开汇总 names after its keyword:
// classes, grades and a period, each optional, in any order, separated by
// spaces or ,，、;；: "统计 高一(1)班 11月", "预警 高一 上个月", "重开汇总
// 高二年级，2026年11月".
type Query struct {
	Units  []QueryUnit // the classes and grades named, in order
	Period string      // the period named (see Period), the last one; "" when none
}

// QueryUnit is a class or a grade named in a query.
type QueryUnit struct {
	Text  string    // the word as typed (normalized)
	Class *ClassRef // the class; nil for a grade
	Grade string    // the grade, one of those given to ReadQuery, when Class is nil
}

// WordError is a word of a query that is neither a class, nor one of the
// grades, nor a period.
type WordError struct{ Word string }

func (e *WordError) Error() string { return "parse: not a class, grade or period: " + e.Word }

// ReadQuery reads a query at now (the message time in the organisation's
// zone). grades are the grade names of the school (高一); a grade may be
// written with 年级 (高一年级). A period may be typed with spaces in it
// (11 月, 2026 年 11 月). The first word that is none of these is a
// *WordError.
func ReadQuery(body string, now time.Time, grades []string) (Query, error) {
	var q Query
	words := strings.FieldsFunc(Normalize(body), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；", r)
	})
	for i := 0; i < len(words); i++ {
		w := words[i]
		if ref, ok := ParseClass(w); ok {
			q.Units = append(q.Units, QueryUnit{Text: w, Class: &ref})
			continue
		}
		if g := queryGrade(w, grades); g != "" {
			q.Units = append(q.Units, QueryUnit{Text: w, Grade: g})
			continue
		}
		n, name := queryPeriod(words[i:], now)
		if n == 0 {
			return Query{}, &WordError{Word: w}
		}
		q.Period, i = name, i+n-1
	}
	return q, nil
}

// queryGrade is the grade w names: 高一 or 高一年级 for the grade 高一.
func queryGrade(w string, grades []string) string {
	for _, g := range grades {
		if w == g || w == g+"年级" {
			return g
		}
	}
	return ""
}

// queryPeriod reads a period from the longest run of up to four words
// that is one when joined (2026 年 11 月); n is how many words it took.
func queryPeriod(words []string, now time.Time) (n int, name string) {
	for n = min(len(words), 4); n > 0; n-- {
		if name, ok := Period(strings.Join(words[:n], ""), now); ok {
			return n, name
		}
	}
	return 0, ""
}

// LeadingPeriod reads a period (see Period) from the first words of s, as
// in 媒体汇总 11月 本月另有两篇待刊 or 媒体汇总 11 月 …: its name, and the
// rest of s (normalized) after those words. ok is false when s does not
// start with one; rest is then all of s, normalized.
func LeadingPeriod(s string, now time.Time) (name, rest string, ok bool) {
	s = Normalize(s)
	words := strings.SplitN(s, " ", 5)
	n, name := queryPeriod(words[:min(len(words), 4)], now)
	if n == 0 {
		return "", s, false
	}
	return name, strings.Join(words[n:], " "), true
}
