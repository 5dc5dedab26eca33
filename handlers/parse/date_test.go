package parse

import (
	"testing"
	"time"
)

// refTime is the fixed message time of the tests: Thursday 2026-11-26 16:00
// in Asia/Shanghai.
func refTime(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load location: %v", err)
	}
	return time.Date(2026, 11, 26, 16, 0, 0, 0, loc)
}

func TestLeadingDate(t *testing.T) {
	ref := refTime(t)
	tests := []struct {
		in   string
		want string // "2006-01-02", "" when not a date
		rest string
	}{
		{"今天", "2026-11-26", ""},
		{"今日全勤", "2026-11-26", "全勤"},
		{"昨天", "2026-11-25", ""},
		{"昨晚", "2026-11-25", ""},
		{"前天", "2026-11-24", ""},
		{"大前天", "2026-11-23", ""},
		{"周四", "2026-11-26", ""},
		{"周三", "2026-11-25", ""},
		{"周一", "2026-11-23", ""},
		{"周五", "2026-11-20", ""},
		{"周日", "2026-11-22", ""},
		{"周天", "2026-11-22", ""},
		{"星期五", "2026-11-20", ""},
		{"礼拜二", "2026-11-24", ""},
		{"星期4", "2026-11-26", ""},
		{"本周五", "2026-11-27", ""},
		{"这周一", "2026-11-23", ""},
		{"上周四", "2026-11-19", ""},
		{"上星期日", "2026-11-22", ""},
		{"11月26日", "2026-11-26", ""},
		{"11月26号 全勤", "2026-11-26", " 全勤"},
		{"11月26", "2026-11-26", ""},
		{"十一月二十六日", "2026-11-26", ""},
		{"11-26", "2026-11-26", ""},
		{"11/26", "2026-11-26", ""},
		{"11.26", "2026-11-26", ""},
		{"１１－２６", "", "１１－２６"}, // full-width dash: Normalize first
		{"１１月２６日", "2026-11-26", ""},
		{"2026-11-26", "2026-11-26", ""},
		{"2026/11/26", "2026-11-26", ""},
		{"2026.11.26", "2026-11-26", ""},
		{"2026年11月26日", "2026-11-26", ""},
		{"2025年12月31日", "2025-12-31", ""},
		{"1月2日", "2026-01-02", ""},
		{"12月20日", "2026-12-20", ""},
		{"12月28日", "2025-12-28", ""},
		{"5月2日", "2026-05-02", ""},
		{"2月30日", "", "2月30日"},
		{"13月1日", "", "13月1日"},
		{"11-32", "", "11-32"},
		{"2026-11", "", "2026-11"},
		{"3-5节", "", "3-5节"},
		{"1.5天", "", "1.5天"},
		{"3.5万元", "", "3.5万元"},
		{"11月26节", "", "11月26节"},
		{"周八", "", "周八"},
		{"明天", "", "明天"},
		{"张三", "", "张三"},
		{"", "", ""},
	}
	for _, tt := range tests {
		d, rest, ok := LeadingDate(tt.in, ref)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
			if d.Location() != ref.Location() || d.Hour() != 0 || d.Minute() != 0 {
				t.Errorf("LeadingDate(%q) = %v; want midnight in %v", tt.in, d, ref.Location())
			}
		}
		if got != tt.want || rest != tt.rest {
			t.Errorf("LeadingDate(%q) = %q, rest %q; want %q, rest %q", tt.in, got, rest, tt.want, tt.rest)
		}
	}
}

// A date written alone leaves nothing; one run into its text leaves the text.
func TestLeadingDateWholeOrNot(t *testing.T) {
	ref := refTime(t)
	if d, rest, ok := LeadingDate("周四", ref); !ok || d.Day() != 26 || rest != "" {
		t.Errorf("LeadingDate(周四) = %v, %q, %v", d, rest, ok)
	}
	if d, rest, ok := LeadingDate("周四全勤", ref); !ok || d.Day() != 26 || rest != "全勤" {
		t.Errorf("LeadingDate(周四全勤) = %v, %q, %v", d, rest, ok)
	}
}

func TestLeadingClock(t *testing.T) {
	tests := []struct {
		in, want, period, rest string
	}{
		{"23:40", "23:40", "", ""},
		{"23:40才回", "23:40", "", "才回"},
		{"23点40", "23:40", "", ""},
		{"23点40分回", "23:40", "", "回"},
		{"23时40分", "23:40", "", ""},
		{"15时25分许", "15:25", "", "许"},
		{"11点半", "11:30", "", ""},
		{"十一点", "11:00", "", ""},
		{"十点整", "10:00", "", ""},
		{"10点钟", "10:00", "", ""},
		{"晚上11点", "23:00", "晚上", ""},
		{"晚11:40", "23:40", "晚", ""},
		{"晚上12点", "00:00", "晚上", ""},
		{"下午3点", "15:00", "下午", ""},
		{"下午14:24分", "14:24", "下午", ""},
		{"早6:30左右", "06:30", "早", "左右"},
		{"凌晨1点", "01:00", "凌晨", ""},
		{"半夜2点", "02:00", "半夜", ""},
		{"中午1点", "13:00", "中午", ""},
		{"0:30", "00:30", "", ""},
		{"24:00", "00:00", "", ""},
		{"25:00", "", "", "25:00"},
		{"23:60", "", "", "23:60"},
		{"2节", "", "", "2节"},
		{"晚归", "", "", "晚归"},
		{"3点5节", "", "", "3点5节"},
	}
	for _, tt := range tests {
		c, rest, ok := LeadingClock(tt.in)
		got := ""
		if ok {
			got = c.String()
		}
		if got != tt.want || rest != tt.rest || c.Period != tt.period {
			t.Errorf("LeadingClock(%q) = %q (%q), rest %q; want %q (%q), rest %q", tt.in, got, c.Period, rest, tt.want, tt.period, tt.rest)
		}
	}
}

func TestDateTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	ref := time.Date(2026, 11, 3, 16, 20, 0, 0, loc) // a Tuesday
	tests := []struct {
		in   string
		want string // "" = refused
	}{
		{"11月3日9时", "2026-11-03 09:00"},
		{"11月3日 9:30", "2026-11-03 09:30"},
		{"十一月三日上午九点", "2026-11-03 09:00"},
		{"昨天下午3点", "2026-11-02 15:00"},
		{"2026-11-02 18:00", "2026-11-02 18:00"},
		{"9时许", "2026-11-03 09:00"},
		{"17时", "2026-11-02 17:00"}, // still to come today: yesterday's
		{"11月3日", ""},               // no time of day
		{"上周", ""},
		{"9时 左右吧", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := DateTime(tt.in, ref)
		switch {
		case tt.want == "" && ok:
			t.Errorf("DateTime(%q) = %v, want refused", tt.in, got)
		case tt.want != "" && (!ok || got.Format("2006-01-02 15:04") != tt.want):
			t.Errorf("DateTime(%q) = %v, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
	a, err := Submission("标题：10月规上工业产值 类别：统计信息 数据时间：11月3日9时 正文：同比增长5.2%。 撰稿：马丽 审核：郑主任")
	if err != nil || a.Category != "统计" || a.DataTime != "11月3日9时" || a.Body != "同比增长5.2%。" {
		t.Errorf("Submission = %+v, %v", a, err)
	}
}
