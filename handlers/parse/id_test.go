package parse

import (
	"regexp"
	"strings"
	"testing"
)

// The record ids as people type them after a command: 撤回 A12, 查明 #A12
// 张三, 通过 s5, 采用 Ｓ５ 市级, 稿件 S0005, 收到 e3, 已通知 O 1.
func TestLeadingID(t *testing.T) {
	for _, c := range []struct {
		in, id, rest string
	}{
		{"A12", "A12", ""},
		{"A12 旷课：张三2节", "A12", "旷课：张三2节"},
		{"a12 张三 发烧在家，家长已知晓", "A12", "张三 发烧在家，家长已知晓"},
		{"#A12 张三：发烧", "A12", "张三：发烧"},
		{"＃Ａ１２，张三 发烧", "A12", "张三 发烧"},
		{"  A3  ", "A3", ""},
		{"a7张三", "A7", "张三"},
		{"A 12 张三", "A12", "张三"}, // a space slipped in
		{"Ａ　１２：张三", "A12", "张三"}, // full width, ideographic space
		{"S5", "S5", ""},
		{"s5 市级 今日头条", "S5", "市级 今日头条"},
		{"S0005，数据需核实。", "S5", "数据需核实。"},
		{"Ｓ５ 区级 宁夏法制报", "S5", "区级 宁夏法制报"},
		{"e3 已排除食物中毒", "E3", "已排除食物中毒"},
		{"O1", "O1", ""},
		{"#o1", "O1", ""},
		{"A12。旷课：张三", "A12", "旷课：张三"},
		{"A123456789 x", "A123456789", "x"},
		// Not an id.
		{"", "", ""},
		{"张三 A12", "", ""},
		{"A", "", ""},
		{"A 旷课", "", ""},
		{"AB12", "", ""},
		{"S0", "", ""},
		{"S000 内容", "", ""},
		{"A1234567890", "", ""},
		{"12", "", ""},
		{"上一条", "", ""},
		{"#", "", ""},
	} {
		id, rest, ok := LeadingID(c.in)
		wantRest := c.rest
		if c.id == "" {
			wantRest = c.in
		}
		if id != c.id || rest != wantRest || ok != (c.id != "") {
			t.Errorf("LeadingID(%q) = %q, %q, %v; want %q, %q", c.in, id, rest, ok, c.id, wantRest)
		}
	}
}

// An incident id anywhere in a follow-up, as leaders and teachers write
// them: 截至15时，E3 …, e12：最新进展, ＃Ｅ７ 收到.
func TestFindID(t *testing.T) {
	for _, c := range []struct {
		in, id, rest string
		ok           bool
	}{
		{"E3", "E3", "", true},
		{"#E3 已排除食物中毒", "E3", "已排除食物中毒", true},
		{"e12：最新进展：2人已出院", "E12", "最新进展：2人已出院", true},
		{"＃Ｅ７ 收到", "E7", "收到", true},
		{"Ｅ３号事件 已出院", "E3", "号事件 已出院", true},
		{"截至15时，E3 住院人数上升至4人", "E3", "截至15时， 住院人数上升至4人", true},
		{"关于E3的情况", "E3", "关于 的情况", true},
		{"书面报告见E3。", "E3", "书面报告见", true},
		{"E03 收到", "E3", "收到", true},
		{"E12345678901 与 E5", "E5", "E12345678901 与", true},
		{"高一(1)班 3E 与 E4", "E4", "高一(1)班 3E 与", true},
		{"FE3 不是编号", "", "FE3 不是编号", false},
		{"3E3", "", "3E3", false},
		{"E 3", "", "E 3", false},
		{"E0", "", "E0", false},
		{"A3 最新进展", "", "A3 最新进展", false},
		{"11月汇总", "", "11月汇总", false},
		{"  ", "", "", false},
	} {
		id, rest, ok := FindID(c.in, 'E')
		if id != c.id || rest != c.rest || ok != c.ok {
			t.Errorf("FindID(%q, 'E') = %q, %q, %v; want %q, %q, %v", c.in, id, rest, ok, c.id, c.rest, c.ok)
		}
	}
}

var canonicalID = regexp.MustCompile(`^[A-Z][1-9][0-9]{0,8}$`)

// FuzzID: no input panics; an id read is canonical; LeadingID's rest is
// part of the input, and the input itself when no id is read.
func FuzzID(f *testing.F) {
	for _, s := range []string{"A12 旷课：张三2节", "#ａ１２", "S5 市级 今日头条", "#S0005", "S0", "截至15时，E3 人数上升至4人",
		"＃Ｅ７ 收到", "E 3", "#", "E99999999999", "\xff", "Ａ　１", "A1A0 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, rest, ok := LeadingID(s); ok {
			if !canonicalID.MatchString(id) || !strings.Contains(s, rest) {
				t.Fatalf("LeadingID(%q) = %q, %q", s, id, rest)
			}
		} else if rest != s {
			t.Fatalf("LeadingID(%q) = _, %q, false", s, rest)
		}
		if id, _, ok := FindID(s, 'E'); ok && (!canonicalID.MatchString(id) || id[0] != 'E') {
			t.Fatalf("FindID(%q) = %q", s, id)
		}
	})
}
