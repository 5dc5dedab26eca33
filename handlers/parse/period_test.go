package parse

import (
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// The periods grade leads, the office and officers ask about: 统计 11月,
// 确认汇总 上个月, 积分 本季度, 排名 2026年第四季度, 媒体汇总 十一月份, and
// the same with full-width digits and stray spaces.
func TestPeriod(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	nov := time.Date(2026, 11, 26, 16, 2, 0, 0, cst)
	jan := time.Date(2027, 1, 4, 9, 0, 0, 0, cst)
	for _, c := range []struct {
		in   string
		now  time.Time
		want string
	}{
		{"本月", nov, "2026-11"},
		{"这个月", jan, "2027-01"},
		{"上月", nov, "2026-10"},
		{"上个月", jan, "2026-12"},
		{"上个月份", nov, "2026-10"},
		{"11月", nov, "2026-11"},
		{"11月份", nov, "2026-11"},
		{"十一月", nov, "2026-11"},
		{"十一月份", nov, "2026-11"},
		{"１１月", nov, "2026-11"},
		{"11 月", nov, "2026-11"},
		{"12月", nov, "2025-12"}, // not yet begun: last year's
		{"12月", jan, "2026-12"},
		{"1月", jan, "2027-01"},
		{"2026年11月", nov, "2026-11"},
		{"2026年十一月", nov, "2026-11"},
		{"２０２６年１１月", nov, "2026-11"},
		{"2026 年 11 月", nov, "2026-11"},
		{"2026年12月", nov, "2026-12"},
		{"2026-11", nov, "2026-11"},
		{"2026-9", nov, "2026-09"},
		{"2026/11", nov, "2026-11"},
		{"2026.11", nov, "2026-11"},
		{"本季度", nov, "2026Q4"},
		{"本季", jan, "2027Q1"},
		{"上季度", nov, "2026Q3"},
		{"上个季度", jan, "2026Q4"},
		{"2026Q4", nov, "2026Q4"},
		{"2026q4", nov, "2026Q4"},
		{"2026年第四季度", nov, "2026Q4"},
		{"2026年Q3", nov, "2026Q3"},
		{"第四季度", nov, "2026Q4"},
		{"四季度", jan, "2026Q4"},
		{"第1季度", jan, "2027Q1"},
		{"Q3", nov, "2026Q3"},
		{"今年", nov, "2026"},
		{"全年", jan, "2027"},
		{"去年", jan, "2026"},
		{"2026", nov, "2026"},
		{"2026年", nov, "2026"},
		{"2026年度", nov, "2026"},
		// Not a period.
		{"", nov, ""},
		{"13月", nov, ""},
		{"0月", nov, ""},
		{"2026年13月", nov, ""},
		{"2026-13", nov, ""},
		{"2026-011", nov, ""},
		{"第五季度", nov, ""},
		{"Q0", nov, ""},
		{"11", nov, ""},
		{"高一", nov, ""},
		{"11月26日", nov, ""},
		{"月", nov, ""},
		{"0026", nov, ""},
		{"20261", nov, ""},
	} {
		got, ok := Period(c.in, c.now)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Period(%q) at %s = %q, %v; want %q", c.in, c.now.Format("2006-01-02"), got, ok, c.want)
		}
	}
}

var periodName = regexp.MustCompile(`^[12][0-9]{3}(-(0[1-9]|1[0-2])|Q[1-4])?$`)

// FuzzPeriod: no input panics, and a period read has a name the records
// know (2026-11, 2026Q4, 2026).
func FuzzPeriod(f *testing.F) {
	for _, s := range []string{"11月", "十一月份", "2026年13月", "上月", "2026Q4", "第四季度", "2026-11", "２０２６ 年", "年", "Q", "\xff"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 16, 2, 0, 0, time.FixedZone("CST", 8*3600))
	f.Fuzz(func(t *testing.T, s string) {
		if name, ok := Period(s, now); ok != (name != "") || ok && !periodName.MatchString(name) {
			t.Fatalf("Period(%q) = %q, %v", s, name, ok)
		}
	})
}

// What grade leads and the office type after 统计, 预警, 确认汇总 and
// 重开汇总: classes (any way of writing them), grades, a period, in any
// order, with the separators and spaces of a phone keyboard.
func TestReadQuery(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 2, 0, 0, time.FixedZone("CST", 8*3600))
	grades := []string{"高一", "高二"}
	class := func(grade string, n int) QueryUnit {
		return QueryUnit{Text: ClassRef{Grade: grade, Number: n}.String(), Class: &ClassRef{Grade: grade, Number: n}}
	}
	for _, c := range []struct {
		in     string
		units  []QueryUnit
		period string
		bad    string
	}{
		{"", nil, "", ""},
		{"11月", nil, "2026-11", ""},
		{"十一月份", nil, "2026-11", ""},
		{"上个月", nil, "2026-10", ""},
		{"11 月", nil, "2026-11", ""},
		{"２０２６ 年 １１ 月", nil, "2026-11", ""},
		{"高一(1)班 11月", []QueryUnit{class("高一", 1)}, "2026-11", ""},
		{"高一（1）班，高二(2)班", []QueryUnit{class("高一", 1), class("高二", 2)}, "", ""},
		{"高一 上月", []QueryUnit{{Text: "高一", Grade: "高一"}}, "2026-10", ""},
		{"高二年级、2026年10月", []QueryUnit{{Text: "高二年级", Grade: "高二"}}, "2026-10", ""},
		{"10月 11月", nil, "2026-11", ""}, // the last one counts
		{"本季度", nil, "2026Q4", ""},
		// Not understood: the word is named back.
		{"十三月", nil, "", "十三月"},
		{"高三", nil, "", "高三"},
		{"高一 张三", nil, "", "张三"},
		{"11", nil, "", "11"},
	} {
		q, err := ReadQuery(c.in, now, grades)
		var we *WordError
		switch {
		case c.bad != "":
			if !errors.As(err, &we) || we.Word != c.bad {
				t.Errorf("ReadQuery(%q) err = %v, want the word %q", c.in, err, c.bad)
			}
		case err != nil || q.Period != c.period || !reflect.DeepEqual(q.Units, c.units):
			t.Errorf("ReadQuery(%q) = %+v, %v; want %+v, %q", c.in, q, err, c.units, c.period)
		}
	}
}

// FuzzQuery: no input panics; a query read names only the grades given,
// classes that read back, and a period the records know.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"高一(1)班 11月", "高一 上个月", "2026 年 11 月", "十三月", "高二年级、2026年10月", "，，", "\xff"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 16, 2, 0, 0, time.FixedZone("CST", 8*3600))
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ReadQuery(s, now, []string{"高一", "高二"})
		if err != nil {
			return
		}
		if q.Period != "" && !periodName.MatchString(q.Period) {
			t.Fatalf("ReadQuery(%q) period %q", s, q.Period)
		}
		for _, u := range q.Units {
			if u.Class == nil && u.Grade != "高一" && u.Grade != "高二" || u.Class != nil && u.Class.Number < 1 {
				t.Fatalf("ReadQuery(%q) unit %+v", s, u)
			}
		}
	})
}

// 媒体汇总 11月 …: the month, then the officer's note.
func TestLeadingPeriod(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 2, 0, 0, time.FixedZone("CST", 8*3600))
	for _, c := range []struct {
		in, name, rest string
	}{
		{"11月 另有两篇待刊", "2026-11", "另有两篇待刊"},
		{"11 月 另有两篇待刊", "2026-11", "另有两篇待刊"},
		{"十月份", "2026-10", ""},
		{"２０２６ 年 １０ 月 备注：无", "2026-10", "备注:无"},
		{"本月 a b c d e", "2026-11", "a b c d e"},
		{"另有两篇待刊", "", "另有两篇待刊"},
		{"", "", ""},
	} {
		name, rest, ok := LeadingPeriod(c.in, now)
		if name != c.name || rest != c.rest || ok != (c.name != "") {
			t.Errorf("LeadingPeriod(%q) = %q, %q, %v; want %q, %q", c.in, name, rest, ok, c.name, c.rest)
		}
	}
}
