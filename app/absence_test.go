package app_test

import (
	"strings"
	"testing"
	"time"
)

// 篇3 第3条: the class teacher contacts the family of a student absent
// without leave, answers with the cause (查明 → the grade lead), or the
// absence goes to the office and the leader in charge (未查明, or no answer
// within [attendance] explain_within).

// waitClock waits until the scheduler has considered every firing up to t
// (its watermark), so that "nothing was sent" can be asserted.
func (ta *testApp) waitClock(t time.Time) {
	ta.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for ta.Scheduler.Watermark().Before(t) {
		if time.Now().After(deadline) {
			ta.t.Fatalf("scheduler stuck at %v, want %v", ta.Scheduler.Watermark(), t)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ta.settle()
}

// history lists the actions recorded on a record.
func (ta *testApp) history(id string) []string {
	ta.t.Helper()
	hist, err := ta.Store.HistoryOf(id)
	if err != nil {
		ta.t.Fatal(err)
	}
	out := make([]string, len(hist))
	for i, h := range hist {
		out[i] = h.Action + " " + h.By + " " + h.Detail
	}
	return out
}

func TestAbsenceCauseFoundGoesToTheGradeLead(t *testing.T) {
	ta := newAttApp(t, withGroup)
	ta.attAt("cadre-g1c1", "2026-11-26 12:00", "考勤 旷课：张三2节；夜不归宿：李四；晚归：王五")
	notice := ta.waitInbox("teacher-g1c1", "请及时联系家长")
	mustContain(t, notice, "查明 A1 张三 原因", "未查明 A1 张三", "4小时内未回复", "张三、李四 请逐一回复")

	// A cadre, another class's teacher and the grade lead cannot answer; nothing changes.
	before := ta.history("A1")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 12:10", "查明 A1 张三 发烧"), "需要班主任、政教处/办公室、系统管理员身份")
	mustContain(t, ta.attAt("teacher-g1c2", "2026-11-26 12:11", "查明 A1 张三 发烧"), "只有高一(1)班班主任、政教处或管理员可以回复 A1")
	mustContain(t, ta.attAt("lead-g1", "2026-11-26 12:12", "查明 A1 张三 发烧"), "需要班主任")
	// Unclear answers are asked again, nothing changes.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:13", "查明 A1 发烧"), "A1 有多名学生缺勤（张三、李四）")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:14", "查明 A1 张三"), "请写明 A1 张三 的缺勤原因")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:15", "查明 A1 王五 迟到"), "A1 中没有王五的缺勤记录（需回复的学生：张三、李四）")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:16", "查明 A9 张三 发烧"), "没有找到考勤 A9")
	if after := ta.history("A1"); len(after) != len(before) {
		t.Errorf("refused answers changed A1's history: %q", after)
	}
	ta.settle()
	if n := len(ta.inbox("lead-g1")); n != 0 {
		t.Fatalf("lead-g1 got %d pushes before any answer", n)
	}

	// The class teacher answers: the grade lead hears the cause; it is in the history.
	reply := ta.attAt("teacher-g1c1", "2026-11-26 12:30", "查明 A1 张三 发烧在家，家长已知晓")
	mustContain(t, reply, "已记录 A1 张三 的缺勤原因：发烧在家，家长已知晓", "已报告：高一年级组长")
	push := ta.waitInbox("lead-g1", "缺勤原因已查明")
	mustContain(t, push, "高一(1)班 张三", "A1：旷课 2节", "发烧在家，家长已知晓", "刘老师")
	mustContain(t, strings.Join(ta.history("A1"), "\n"), "cause-found teacher-g1c1 张三：发烧在家，家长已知晓")
	// A synonym, a student number-free name and a full-width colon.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 12:40", "原因 ＃Ａ１ 李四：在亲戚家过夜，家长知情"),
		"已记录 A1 李四 的缺勤原因：在亲戚家过夜，家长知情")
	ta.waitInbox("lead-g1", "李四", "在亲戚家过夜")

	// Both answered: nothing reaches the office or the leaders, even long after.
	ta.setNow(attClock("2026-11-26 17:30"))
	ta.waitClock(attClock("2026-11-26 17:30"))
	for _, who := range []string{"office-1", "leader-1", "leader-2", "lead-g2", "group:高一年级群"} {
		for _, m := range ta.inbox(who) {
			if strings.Contains(m.Text, "张三") || strings.Contains(m.Text, "李四") {
				t.Errorf("%s was told: %s", who, m.Text)
			}
		}
	}
}

func TestAbsenceUnansweredIsReportedOnceAfterExplainWithin(t *testing.T) {
	data := t.TempDir()
	ta := startTestApp(t, data, attClock("2026-11-26 12:00"), attNoRateLimit, withGroup)
	ta.attAt("cadre-g1c1", "2026-11-26 12:00", "考勤 旷课：张三2节")
	ta.waitInbox("teacher-g1c1", "查明 A1 张三 原因")

	// Just before the 4 hours: nothing.
	ta.setNow(attClock("2026-11-26 15:59").Add(5 * time.Second))
	ta.waitClock(attClock("2026-11-26 15:59"))
	if n := ta.pushes("office-1", "缺勤原因未查明"); n != 0 {
		t.Fatalf("reported before explain_within")
	}

	// The server is down at 16:00 and back at 16:01: the report comes from
	// stored state, not from a timer.
	ta.stop()
	ta = startTestApp(t, data, attClock("2026-11-26 16:01").Add(5*time.Second), attNoRateLimit, withGroup)
	for _, who := range []string{"office-1", "leader-1", "lead-g1"} {
		msg := ta.waitInbox(who, "缺勤原因未查明")
		mustContain(t, msg, "高一(1)班 张三", "A1：旷课 2节", "11-26 12:00", "4小时内未回复", "政教处及分管领导")
	}

	// Later firings add nothing; the leader not in charge, other grades and
	// groups never hear of it.
	ta.setNow(attClock("2026-11-26 16:05").Add(5 * time.Second))
	ta.waitClock(attClock("2026-11-26 16:05"))
	for who, want := range map[string]int{"office-1": 1, "leader-1": 1, "lead-g1": 1, "leader-2": 0, "lead-g2": 0,
		"group:高一年级群": 0} {
		if n := ta.pushes(who, "张三"); n != want {
			t.Errorf("%s got %d pushes about 张三, want %d", who, n, want)
		}
	}
	mustContain(t, strings.Join(ta.history("A1"), "\n"), "cause-overdue system 张三")

	// 未查明 after the report is recorded but not pushed again; 查明 later
	// reaches everyone who was told.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 16:10", "未查明 A1 家长电话无人接听"),
		"A1 张三 已于 11-26 16:01 按未查明上报，不再重复推送")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 16:20", "已查明 A1 张三 在网吧，家长已带回"),
		"已报告：高一年级组长、政教处郑主任、王副校长", "此前该缺勤已按未查明上报")
	ta.waitInbox("leader-1", "缺勤原因已查明", "在网吧，家长已带回")
	ta.settle()
	if n := ta.pushes("office-1", "缺勤原因未查明"); n != 1 {
		t.Errorf("office told %d times that the cause was not found", n)
	}
}

func TestAbsenceCauseNotFoundIsReportedAtOnce(t *testing.T) {
	ta := newAttApp(t)
	// The class teacher submits the form: no notice to themselves, the reply asks.
	reply := ta.attAt("teacher-g1c1", "2026-11-26 12:00", "考勤 擅自离校：孙七 1天")
	mustContain(t, reply, "已收到 A1", "查明 A1 孙七 原因")
	reply = ta.attAt("teacher-g1c1", "2026-11-26 12:20", "未查明 A1 孙七 家长电话无人接听")
	mustContain(t, reply, "已记录 A1 孙七 未查明缺席原因", "高一年级组长、政教处郑主任、王副校长")
	for _, who := range []string{"office-1", "leader-1", "lead-g1"} {
		ta.waitInbox(who, "缺勤原因未查明", "孙七", "刘老师报告未能查明缺席原因（家长电话无人接听）")
	}
	// The office may answer too.
	mustContain(t, ta.attAt("office-1", "2026-11-26 13:00", "查明 A1 回家取东西，家长已送回"), "已记录 A1 孙七 的缺勤原因")
	ta.waitInbox("lead-g1", "缺勤原因已查明", "回家取东西", "政教处郑主任")
}
