package app_test

import (
	"strings"
	"testing"
)

// Issue 14.8: a student who left school for 4 days reaches 纪律处分 by the
// days, not by 0 hours of 旷课; the reply names the days.
func TestAttendanceLevelReplyNamesTheReason(t *testing.T) {
	ta := newAttApp(t)
	r := ta.attAt("teacher-g1c2", "2026-11-26 10:00", "考勤 郑十擅自离校4天")
	mustContain(t, r, "预警：郑十 本月擅自离校 4 天，达到“纪律处分”")
	mustNotContain(t, r, "旷课累计 0 节")
	// Both reasons when each alone reaches the level.
	r = ta.attAt("teacher-g1c2", "2026-11-26 10:01", "考勤 旷课：吴九16节；擅自离校：吴九 5天")
	mustContain(t, r, "预警：吴九 本月旷课累计 16 节、擅自离校 5 天，达到“纪律处分”")
	// Hours alone: the hours.
	r = ta.attAt("teacher-g1c2", "2026-11-26 10:02", "考勤 旷课：周八8节；擅自离校：周八 1天")
	mustContain(t, r, "预警：周八 本月旷课累计 8 节，达到“黄牌警示”")
	mustNotContain(t, r, "擅自离校 1 天，达到")
	// The push to the teachers leads with the reason too, then the month's totals.
	ta.waitInbox("office-1", "高一(2)班 郑十：2026年11月擅自离校 4 天，达到“纪律处分”（旷课满 15 节或擅自离校超过 3 天）。本月合计：旷课 0 节")
}

// Issue 14.9: a class cadre sees the class's forms and counts, but not the
// classmates' discipline levels, neither in the reply to a form nor in 统计;
// the teachers, grade leads and the office are still told.
func TestCadreDoesNotSeeClassmatesLevels(t *testing.T) {
	ta := newAttApp(t)
	levels := []string{"黄牌警示", "通报批评", "纪律处分", "预警"}
	r := ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张三16节；擅自离校：孙七 4天")
	mustContain(t, r, "已收到 A1", "张三 16节", "孙七 4天")
	mustNotContain(t, r, levels...)
	r = ta.attAt("cadre-g1c1", "2026-11-26 10:01", "更正 A1 旷课：张三12节；擅自离校：孙七 4天")
	mustContain(t, r, "已更正 A1")
	mustNotContain(t, r, levels...)
	stats := ta.attAt("cadre-g1c1", "2026-11-26 10:02", "统计")
	mustContain(t, stats, "高一(1)班：报表 按时 1", "张三：旷课 12 节", "孙七：擅自离校 4 天")
	mustNotContain(t, stats, levels...)
	// Teachers and above see the levels; the pushes went to them.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:03", "统计"), "张三：旷课 12 节 —— 通报批评", "孙七：擅自离校 4 天 —— 纪律处分")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 10:03", "统计"), "—— 通报批评", "—— 纪律处分")
	ta.waitInbox("teacher-g1c1", "孙七", "纪律处分")
	ta.waitInbox("lead-g1", "张三", "纪律处分")
	ta.settle()
	for _, m := range ta.inbox("cadre-g1c1") {
		if containsAny(m.Text, levels...) {
			t.Errorf("cadre was pushed a level: %q", m.Text)
		}
	}
	// A teacher's own form names the level in the reply.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:04", "考勤 旷课：李四8节"), "预警：李四 本月旷课累计 8 节，达到“黄牌警示”")
}

// [attendance] cadres_see_levels = true shows the levels to cadres too.
func TestCadresSeeLevelsWhenConfigured(t *testing.T) {
	ta := newAttApp(t, attCadresSeeLevels)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 擅自离校：孙七 4天"), "预警：孙七 本月擅自离校 4 天，达到“纪律处分”")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:01", "统计"), "孙七：擅自离校 4 天 —— 纪律处分")
}

func containsAny(s string, parts ...string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
