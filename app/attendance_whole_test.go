package app_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
)

// Issue 12: a form is stored only when understood whole. Thursday
// 2026-12-03, forms due Monday and Thursday 17:00.

// newDec3App starts the demo on Thursday 2026-12-03 at noon.
func newDec3App(t *testing.T, opts ...option) *testApp {
	return newTestApp(t, attClock("2026-12-03 12:00"), append([]option{attNoRateLimit}, opts...)...)
}

// attRows is the stored rows of an entry as JSON, "" when there is no such entry.
func (ta *testApp) attRows(id string) string {
	ta.t.Helper()
	var rows []attendance.Row
	err := ta.Store.ViewAttendance(func(tx attendance.Tx) error {
		e, err := tx.Entry(id)
		if err != nil {
			return err
		}
		rows = e.Rows
		return nil
	})
	if errors.Is(err, attendance.ErrNoEntry) {
		return ""
	}
	if err != nil {
		ta.t.Fatal(err)
	}
	raw, _ := json.Marshal(rows)
	return string(raw)
}

// mustStoreNothing fails when any entry exists or anybody got a push.
func (ta *testApp) mustStoreNothing(t *testing.T) {
	t.Helper()
	if rows := ta.attRows("A1"); rows != "" {
		t.Errorf("stored A1: %s", rows)
	}
	ta.settle()
	for _, who := range []string{"teacher-g1c1", "lead-g1", "office-1", "leader-1"} {
		if n := len(ta.inbox(who)); n != 0 {
			t.Errorf("%s got %d pushes: %+v", who, n, ta.inbox(who))
		}
	}
}

// Observation 1: spaced tokens; 节 is never a student.
func TestIssue12SpacedTokens(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 张三 旷课 2 节 李四 晚归")
	mustContain(t, r, "已收到 A1", "旷课：张三 2节", "晚归：李四")
	mustNotContain(t, r, "节 1节", "未读懂", "未记录")
	if got, want := ta.attRows("A1"), `[{"type":"旷课","student":"张三","hours":2},{"type":"晚归","student":"李四"}]`; got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
	notice := ta.waitInbox("teacher-g1c1", "旷课：张三 2节")
	mustNotContain(t, notice, "节 1节")
}

// Observation 2: narrative phrasing.
func TestIssue12Narrative(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤：今天张三上午没来，旷了两节课，王五昨晚十一点才回宿舍")
	mustContain(t, r, "已收到 A1", "旷课：张三 2节", "晚归：王五 23:00")
	if got, want := ta.attRows("A1"), `[{"type":"旷课","student":"张三","hours":2},{"type":"晚归","student":"王五","time":"23:00"}]`; got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
	for i, c := range []struct{ text, want string }{
		{"考勤 赵六昨晚彻夜未归，已联系家长", `[{"type":"夜不归宿","student":"赵六"}]`},
		{"考勤 孙七肚子疼请假半天，班主任已批准", `[{"type":"请假","student":"孙七","hours":4,"reason":"肚子疼","approver":"班主任"}]`},
		{"考勤 李四下午早退，旷了最后两节课", `[{"type":"旷课","student":"李四","hours":2}]`},
		{"考勤 王五今天没来，家长已请假", `[{"type":"请假","student":"王五"}]`},
	} {
		id := "A" + string(rune('2'+i))
		mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:0"+string(rune('1'+i)), c.text), "已收到 "+id)
		if got := ta.attRows(id); got != c.want {
			t.Errorf("%s: stored %s, want %s", c.text, got, c.want)
		}
	}
}

// Observation 3: sections that cannot be counted are asked back; nothing
// is stored and nobody is alerted.
func TestIssue12BadSections(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 旷课：第3-1节 张三")
	mustContain(t, r, "未记录", "第3-1节", "格式示例")
	mustNotContain(t, r, "已收到", "「第」", "“第”")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:01", "考勤 旷课：李四-3节")
	mustContain(t, r, "未记录", "李四-3节")
	ta.mustStoreNothing(t)
}

// Observation 4: bounds of SPEC §5.1.
func TestIssue12Bounds(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 旷课：孙七一百零八节")
	mustContain(t, r, "孙七 108节", "最多 16 节", "未记录")
	mustNotContain(t, r, "已收到")
	ta.mustStoreNothing(t)

	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:01", "考勤 旷课：张三2节"), "已收到 A1")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:02", "考勤 请假 张三 99999999天 病假 批准人 刘老师")
	mustContain(t, r, "超过本期报表的 3 天", "未记录")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:03", "更正 A1 请假：张三 5天 病假 批准人 刘老师")
	mustContain(t, r, "超过本期报表的 3 天", "未记录")
	// The refused leave wiped nothing: 张三's two hours still count.
	mustContain(t, ta.attAt("lead-g1", "2026-12-03 10:04", "统计"), "张三：旷课 2 节")
	if got := ta.attRows("A2"); got != "" {
		t.Errorf("stored A2 %s", got)
	}
	// At the bounds it is stored: 16 hours; 2 days of 旷课 (16 hours at 8 a day); 3 days of leave.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:05", "考勤 旷课：李四16节"), "已收到 A2")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:06", "考勤 旷课：王五3天"), "最多 16 节", "未记录")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:07", "考勤 请假：赵六 3天 病假 批准人 刘老师"), "已收到 A3")
}

// max_hours_per_form is configurable.
func TestIssue12MaxHoursConfigured(t *testing.T) {
	ta := newDec3App(t, func(c *config.Config) { c.Attendance.MaxHoursPerForm = 4 })
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 旷课：张三5节"), "最多 4 节", "未记录")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:01", "考勤 旷课：张三4节"), "已收到 A1")
}

// Observation 5: one student twice with one type is asked back.
func TestIssue12Duplicates(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 张三2节，张三3节")
	mustContain(t, r, "未记录", "重复：张三 出现了两次（张三 2节、张三 3节）", "两次旷课请合计节数")
	ta.mustStoreNothing(t)
	// Two types for one student are two items, not a duplicate.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:01", "考勤 张三旷课2节，晚归"), "已收到 A1", "旷课：张三 2节", "晚归：张三")
}

// Observation 6: one student's reason never leaks into another's.
func TestIssue12ReasonsStayApart(t *testing.T) {
	ta := newDec3App(t)
	for i, text := range []string{
		"考勤 旷课：张三1节；请假：王五事假1，孙七肚子疼请假半天 班主任已批准",
		"考勤 王五事假1 孙七肚子疼请假半天 班主任已批准",
	} {
		id := "A" + string(rune('1'+i))
		mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 10:0"+string(rune('0'+i)), text), "已收到 "+id)
		rows := ta.attRows(id)
		mustContain(t, rows, `{"type":"请假","student":"王五","hours":1,"reason":"事假"`,
			`{"type":"请假","student":"孙七","hours":4,"reason":"肚子疼","approver":"班主任"}`)
	}
}

// Observation 12: the correction hint uses a student of the entry, or a
// neutral placeholder; never 张三 of another class.
func TestIssue12CorrectionHint(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c2", "2026-12-03 10:00", "考勤 旷课：周八2节；晚归：吴九")
	mustContain(t, r, "已收到 A1", "更正 A1 后写全部内容，如 更正 A1 旷课：周八2节", "撤回 A1")
	mustNotContain(t, r, "张三")
	r = ta.attAt("cadre-g1c2", "2026-12-03 10:01", "考勤 全勤")
	mustContain(t, r, "已收到 A2", "如 更正 A2 旷课：姓名2节")
	mustNotContain(t, r, "张三")
	r = ta.attAt("cadre-g1c2", "2026-12-03 10:02", "更正 A2 请假：郑十 1天 病假")
	mustContain(t, r, "已更正 A2", "如 更正 A2 请假：郑十1天")
	mustNotContain(t, r, "张三")
}

// The one rule: whatever piece is not understood, nothing is stored and the
// reply shows what was understood and what was not.
func TestIssue12HalfUnderstoodNeverStored(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 10:00", "考勤 旷课：张三2节；李四上课玩手机；晚归：王五")
	mustContain(t, r, "这条考勤没有完全读懂，未记录", "已读懂：旷课：张三 2节；晚归：王五", "未读懂：李四上课玩手机", "重新发送")
	ta.mustStoreNothing(t)
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:01", "考勤 旷课：张三2节")
	mustContain(t, r, "已收到 A1")
	r = ta.attAt("cadre-g1c1", "2026-12-03 10:02", "更正 A1 旷课：张三3节，上课说话")
	mustContain(t, r, "未记录", "未读懂：上课说话")
	if got := ta.attRows("A1"); !strings.Contains(got, `"hours":2`) {
		t.Errorf("A1 changed: %s", got)
	}
}
