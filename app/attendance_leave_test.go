package app_test

import (
	"strings"
	"testing"
)

// SPEC §5.1: the class teacher completes a leave flagged 待补请假条 with 批准
// or 补请假条, history kept, and is not notified of her own approval.
func TestIssue12LeaveCompletion(t *testing.T) {
	ta := newDec3App(t)
	r := ta.attAt("cadre-g1c1", "2026-12-03 09:00", "考勤 请假：赵六 3节 病假；孙七 1天 事假；旷课：张三1节")
	mustContain(t, r, "已收到 A1", "待补请假条")
	ta.waitInbox("teacher-g1c1", "待补请假条")
	ta.settle()
	pushes := len(ta.inbox("teacher-g1c1"))

	// Several pending leaves: the student must be named; a student without a leave is named back.
	mustContain(t, ta.attAt("teacher-g1c1", "2026-12-03 09:10", "批准 A1"), "A1 有多名学生请假（赵六、孙七）")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-12-03 09:11", "批准 A1 李四"), "A1 中没有李四的请假", "未记录")
	// Only the class teacher.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 09:12", "批准 A1 赵六"), "需要班主任身份")
	mustContain(t, ta.attAt("teacher-g1c2", "2026-12-03 09:12", "批准 A1 赵六"), "只有高一(1)班班主任可以补全 A1")

	r = ta.attAt("teacher-g1c1", "2026-12-03 09:13", "批准 A1 赵六")
	mustContain(t, r, "已补全 A1 赵六 的请假条：批准人 刘老师（原为 待补请假条）", "请假：赵六 3节 病假 批准人刘老师")
	r = ta.attAt("teacher-g1c1", "2026-12-03 09:14", "补请假条 A1 孙七 批准人 王副校长")
	mustContain(t, r, "已补全 A1 孙七 的请假条：批准人 王副校长", "孙七 1天 事假 批准人王副校长")
	if got := ta.attRows("A1"); !strings.Contains(got, `"student":"赵六","hours":3,"reason":"病假","approver":"刘老师"`) ||
		!strings.Contains(got, `"student":"孙七","days":1,"reason":"事假","approver":"王副校长"`) ||
		!strings.Contains(got, `{"type":"旷课","student":"张三","hours":1}`) {
		t.Errorf("A1 rows %s", got)
	}
	hist := strings.Join(ta.history("A1"), "\n")
	mustContain(t, hist, "approve teacher-g1c1 赵六 请假 批准人 刘老师（原为 待补请假条）", "孙七 请假 批准人 王副校长")
	mustNotContain(t, ta.attAt("lead-g1", "2026-12-03 09:15", "统计"), "待补请假条")
	ta.settle()
	if n := len(ta.inbox("teacher-g1c1")); n != pushes {
		t.Errorf("the teacher got %d pushes after approving, want %d", n, pushes)
	}
	// With one leave the student may be left out.
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 09:20", "考勤 请假：王五 2节 病假"), "已收到 A2")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-12-03 09:21", "批准 A2"), "已补全 A2 王五 的请假条：批准人 刘老师")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-12-03 09:22", "批准 A2 张三"), "A2 中没有张三的请假")
	mustContain(t, ta.say("teacher-g1c1", "帮助"), "批准：补全待补请假条的请假", "例：批准 A5 赵六 刘老师")
}

// Observation 11: 查明/未查明 of several students at once, and the precise
// answer for a student not in the entry.
func TestIssue12CauseSeveralStudents(t *testing.T) {
	ta := newDec3App(t)
	mustContain(t, ta.attAt("cadre-g1c2", "2026-12-03 09:00", "考勤 旷课：周八2节，吴九2节，郑十1节"), "已收到 A1")
	r := ta.attAt("teacher-g1c2", "2026-12-03 09:10", "查明 A1 周八、吴九 去网吧了，家长已知晓")
	mustContain(t, r, "已记录 A1 周八 的缺勤原因：去网吧了，家长已知晓", "已记录 A1 吴九 的缺勤原因：去网吧了，家长已知晓")
	mustNotContain(t, r, "吴九 去网吧了")
	hist := strings.Join(ta.history("A1"), "\n")
	mustContain(t, hist, "周八：去网吧了，家长已知晓", "吴九：去网吧了，家长已知晓")
	ta.waitInbox("lead-g1", "吴九", "去网吧了")
	// 未查明 of one, then a student corrected out of the entry.
	mustContain(t, ta.attAt("teacher-g1c2", "2026-12-03 09:11", "未查明 A1 郑十 家长电话无人接听"), "已记录 A1 郑十 未查明")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 09:12", "考勤 旷课：张三2节，李四1节"), "已收到 A2")
	mustContain(t, ta.attAt("cadre-g1c1", "2026-12-03 09:13", "更正 A2 旷课：张三2节"), "已更正 A2")
	r = ta.attAt("teacher-g1c1", "2026-12-03 09:14", "未查明 A2 李四")
	mustContain(t, r, "A2 中没有李四的缺勤记录（需回复的学生：张三），未记录")
	mustNotContain(t, r, "多名学生")
}
