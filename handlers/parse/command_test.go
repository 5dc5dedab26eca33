package parse

import (
	"slices"
	"strings"
	"testing"
)

// 采用 S5 …, as the office writes it.
func TestAdoption(t *testing.T) {
	for _, c := range []struct {
		in, level, media string
	}{
		{"市级 今日头条", "市级", "今日头条"},
		{"区级 宁夏法制报", "区级", "宁夏法制报"},
		{"宁夏法制报 自治区级", "区级", "宁夏法制报"},
		{"市级媒体 银川日报", "市级", "银川日报"},
		{"省级采用", "省级", ""},
		{"国家 人民日报 客户端", "国家级", "人民日报 客户端"},
		{"内部刊物", "内刊", ""},
		{"县 县级", "县级", "县级"}, // the first level word counts
		{"今日头条", "", ""},
		{"", "", ""},
	} {
		level, media, ok := Adoption(c.in)
		if level != c.level || ok != (c.level != "") || ok && media != c.media {
			t.Errorf("Adoption(%q) = %q, %q, %v; want %q, %q", c.in, level, media, ok, c.level, c.media)
		}
	}
}

// 定级 E3 …, as a leader writes it.
func TestSeverity(t *testing.T) {
	for _, c := range []struct {
		in, level, reason string
	}{
		{"一般 经核实学生仅轻微擦伤", "一般", "经核实学生仅轻微擦伤"},
		{"为重大，3人住院", "重大", "3人住院"},
		{"：须报上级", "须报上级", ""},
		{"需报上级 家长聚集", "须报上级", "家长聚集"},
		{"报上级。", "须报上级", ""},
		{"严重", "", ""},
		{"", "", ""},
	} {
		level, reason, ok := Severity(c.in)
		if level != c.level || reason != c.reason || ok != (c.level != "") {
			t.Errorf("Severity(%q) = %q, %q, %v; want %q, %q", c.in, level, reason, ok, c.level, c.reason)
		}
	}
}

// 撤回上一条, 更正刚才那条 旷课：张三1节.
func TestLatest(t *testing.T) {
	for _, c := range []struct {
		in, rest string
		ok       bool
	}{
		{"上一条", "", true},
		{" 刚才那条：旷课：张三1节", "旷课：张三1节", true},
		{"最后一条 旷课：张三1节", "旷课：张三1节", true},
		{"刚才 晚归：李四", "晚归：李四", true},
		{"A12", "A12", false},
		{"", "", false},
	} {
		rest, ok := Latest(c.in)
		if rest != c.rest || ok != c.ok {
			t.Errorf("Latest(%q) = %q, %v; want %q, %v", c.in, rest, ok, c.rest, c.ok)
		}
	}
}

func TestAckAndProgress(t *testing.T) {
	for in, want := range map[string]bool{"收到": true, " 收到了 ": true, "已收到": true, "确认": true, "收到，马上到": false, "": false} {
		if Ack(in) != want {
			t.Errorf("Ack(%q) = %v", in, !want)
		}
	}
	for in, want := range map[string]bool{"截至15时，住院人数上升至4人": true, "最新进展：2人已出院": true, "已排除食物中毒": false} {
		if Progress(in) != want {
			t.Errorf("Progress(%q) = %v", in, !want)
		}
	}
}

// The students a teacher names after 查明/未查明/批准 A12, as typed: one,
// several, with a student number in any bracket, or a name that is not
// in the entry.
func TestStudents(t *testing.T) {
	two := []string{"周八", "吴九"}
	twins := []string{"张三[23]", "张三[45]", "李四"}
	for _, c := range []struct {
		in     string
		names  []string
		picked []string
		rest   string
	}{
		{"张三 发烧在家，家长已知晓", []string{"张三"}, []string{"张三"}, "发烧在家，家长已知晓"},
		{"张三：发烧", []string{"张三"}, []string{"张三"}, "发烧"},
		{"周八、吴九 去网吧了", two, two, "去网吧了"},
		{"周八和吴九，去网吧了", two, two, "去网吧了"},
		{"吴九 周八 吴九 睡过头", two, []string{"吴九", "周八"}, "睡过头"},
		{"张三[23] 发烧", twins, []string{"张三[23]"}, "发烧"},
		{"张三【45】：家中有事", twins, []string{"张三[45]"}, "家中有事"},
		{"张三［23］、李四 感冒", twins, []string{"张三[23]", "李四"}, "感冒"},
		{"张三 发烧", twins, nil, "张三 发烧"}, // which 张三?
		{"发烧在家", []string{"张三"}, nil, "发烧在家"},
		{"王五 发烧", two, nil, "王五 发烧"},
		{"", two, nil, ""},
	} {
		picked, rest := Students(c.in, c.names)
		if !slices.Equal(picked, c.picked) || rest != c.rest {
			t.Errorf("Students(%q, %q) = %q, %q; want %q, %q", c.in, c.names, picked, rest, c.picked, c.rest)
		}
	}
	if got := LeadingName("欧阳明 逃课", []string{"欧阳", "欧阳明", "明"}); got != "欧阳明" {
		t.Errorf("LeadingName = %q, want the longest name", got)
	}
	for in, want := range map[string]string{"": "", "刘老师": "刘老师", "批准人：刘老师": "刘老师", " 批准人 王主任 ": "王主任"} {
		if got := Approver(in); got != want {
			t.Errorf("Approver(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOutingKind(t *testing.T) {
	for in, want := range map[string]string{"春游 高一(1)班 下周三 去植物园": "春游", "@报送助手 研学 高二(1)班": "研学",
		"外出 高一(1)班 12月10日": "", "社会实践": "社会实践", "": ""} {
		if got := OutingKind(in); got != want {
			t.Errorf("OutingKind(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCommandWords: the readers of a command's small words never panic,
// read only their own words, and keep the text they do not read.
func FuzzCommandWords(f *testing.F) {
	for _, s := range []string{"市级 今日头条", "为重大，3人住院", "上一条 旷课：张三1节", "张三[23]、李四 感冒", "收到", "批准人：刘老师", "\xff"} {
		f.Add(s)
	}
	levels := []string{"内刊", "县级", "市级", "区级", "省级", "国家级"}
	names := []string{"张三[23]", "张三[45]", "李四"}
	f.Fuzz(func(t *testing.T, s string) {
		if level, _, ok := Adoption(s); ok && !slices.Contains(levels, level) {
			t.Fatalf("Adoption(%q) level %q", s, level)
		}
		if level, reason, ok := Severity(s); ok && (!slices.Contains([]string{"一般", "重大", "须报上级"}, level) || !strings.HasSuffix(s, reason)) {
			t.Fatalf("Severity(%q) = %q, %q", s, level, reason)
		}
		if rest, ok := Latest(s); ok && !strings.HasSuffix(strings.TrimSpace(s), rest) { // the message is read trimmed
			t.Fatalf("Latest(%q) rest %q", s, rest)
		}
		picked, rest := Students(s, names)
		for _, p := range picked {
			if !slices.Contains(names, p) {
				t.Fatalf("Students(%q) picked %q", s, p)
			}
		}
		if !strings.Contains(s, rest) {
			t.Fatalf("Students(%q) rest %q", s, rest)
		}
		_, _ = Ack(s), Progress(s)
	})
}
