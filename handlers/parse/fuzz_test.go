package parse

import (
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the parsers that attendance_test, incident_test,
// submission_test, normalize_test and number_test do not fuzz already: class
// names, dates, clock times, amounts of money and Chinese numerals. Each
// checks that no input panics or hangs and that the result keeps the
// function's contract.

func FuzzClass(f *testing.F) {
	for _, s := range []string{"高一(1)班", "高一（1）班 全勤", "七年级3班", "高中一年级(99)班", "高一(100)班", "高一鸣", "初三(", "高一(１)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, rest, ok := LeadingClass(s)
		if !ok {
			if rest != s || c != (ClassRef{}) {
				t.Fatalf("LeadingClass(%q) = %v, %q, false", s, c, rest)
			}
		} else {
			if c.Number < 1 || c.Number > 99 || c.Grade == "" || !strings.HasSuffix(s, rest) || len(rest) >= len(s) {
				t.Fatalf("LeadingClass(%q) = %v, %q", s, c, rest)
			}
			if again, ok := ParseClass(c.String()); !ok || again != c {
				t.Fatalf("ParseClass(%q) = %v, %v; want %v back", c.String(), again, ok, c)
			}
		}
		if whole, ok := ParseClass(s); ok {
			if lead, rest, lok := LeadingClass(strings.TrimSpace(s)); !lok || lead != whole || strings.TrimSpace(rest) != "" {
				t.Fatalf("ParseClass(%q) = %v but LeadingClass reads %v, %q", s, whole, lead, rest)
			}
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"今天", "上周四 全勤", "11月26日", "十一月二十六号", "2026-02-30", "3-5节", "1.5天", "9999年99月99日", "周日"} {
		f.Add(s)
	}
	ref := time.Date(2026, 11, 26, 16, 2, 0, 0, time.FixedZone("CST", 8*3600))
	f.Fuzz(func(t *testing.T, s string) {
		d, rest, ok := LeadingDate(s, ref)
		if !ok {
			if rest != s || !d.IsZero() {
				t.Fatalf("LeadingDate(%q) = %v, %q, false", s, d, rest)
			}
		} else if !strings.HasSuffix(s, rest) || len(rest) >= len(s) || d.Location() != ref.Location() ||
			d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("LeadingDate(%q) = %v, %q", s, d, rest)
		}
	})
}

func FuzzClock(f *testing.F) {
	for _, s := range []string{"23:40", "晚上11点半", "下午3点", "凌晨1点", "10点整", "25点", "23:99", "十一点四十分"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, rest, ok := LeadingClock(s)
		if !ok {
			if rest != s || c != (Clock{}) {
				t.Fatalf("LeadingClock(%q) = %v, %q, false", s, c, rest)
			}
			return
		}
		if c.Hour < 0 || c.Hour > 24 || c.Minute < 0 || c.Minute > 59 || !strings.HasSuffix(s, rest) || len(rest) >= len(s) {
			t.Fatalf("LeadingClock(%q) = %+v, %q", s, c, rest)
		}
	})
}

func FuzzLeadingYuan(f *testing.F) {
	for _, s := range []string{"约600元", "1.2万元", "3千块左右", "300多元", "六百元", "五六百元", "上万元", "元旦", "99999999999元", "1,000,000.5元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		yuan, approx, rest, ok := LeadingYuan(s)
		if !ok {
			if rest != s || yuan != 0 {
				t.Fatalf("LeadingYuan(%q) = %d, %v, %q, false", s, yuan, approx, rest)
			}
			return
		}
		if yuan < 0 || yuan > maxYuan || !strings.HasSuffix(s, rest) || len(rest) >= len(s) {
			t.Fatalf("LeadingYuan(%q) = %d, %q", s, yuan, rest)
		}
	})
}

func FuzzChineseInt(f *testing.F) {
	for _, s := range []string{"十五", "两", "一百零五", "两万三千", "一百二", "三千五", "二〇二六", "十十", "一百十五万万", "九亿九千九百九十九万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ChineseInt(s)
		if !ok {
			if n != 0 {
				t.Fatalf("ChineseInt(%q) = %d, false", s, n)
			}
			return
		}
		if n < 0 || n > maxInt {
			t.Fatalf("ChineseInt(%q) = %d", s, n)
		}
		if m, ok := Number(s); !ok || m != n {
			t.Fatalf("ChineseInt(%q) = %d but Number gives %d, %v", s, n, m, ok)
		}
	})
}
