package handlers

import "testing"

func TestIncidentRef(t *testing.T) {
	for _, c := range []struct {
		in, id, rest string
		ok           bool
	}{
		{"E3", "E3", "", true},
		{"#E3 已排除食物中毒", "E3", "已排除食物中毒", true},
		{"e12：最新进展：2人已出院", "E12", "最新进展：2人已出院", true},
		{"＃Ｅ７ 收到", "E7", "收到", true},
		{"截至15时，E3 住院人数上升至4人", "E3", "截至15时， 住院人数上升至4人", true},
		{"关于E3的情况", "E3", "关于 的情况", true},
		{"书面报告见E3。", "E3", "书面报告见", true},
		{"FE3 不是编号", "", "FE3 不是编号", false},
		{"E 3", "", "E 3", false},
		{"11月汇总", "", "11月汇总", false},
		{"", "", "", false},
	} {
		id, rest, ok := incidentRef(c.in)
		if id != c.id || rest != c.rest || ok != c.ok {
			t.Errorf("incidentRef(%q) = %q, %q, %v; want %q, %q, %v", c.in, id, rest, ok, c.id, c.rest, c.ok)
		}
	}
}
