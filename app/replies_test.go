package app_test

import (
	"strings"
	"testing"
	"time"
)

// Issue 14.8: an escalation names the people it now pages, not "第1级负责人",
// in the push and in the incident's timeline.
func TestIncidentEscalationNamesThePeople(t *testing.T) {
	ta := newTestApp(t, incidentT0, fastIncidents)
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1")
	ta.setNow(incidentT0.Add(2*time.Minute + 20*time.Second))
	text := ta.waitInbox("leader-2", "急报升级 E1", "仍无人确认，现通知李校长。")
	mustNotContain(t, text, "第1级")
	raws, err := ta.Store.Records("E")
	if err != nil || len(raws) != 1 {
		t.Fatalf("incidents %d %v", len(raws), err)
	}
	mustContain(t, string(raws[0]), "无人确认，已升级通知李校长")
	mustNotContain(t, string(raws[0]), "第1级")
}

// Issue 14.8: the draft upward report is the school's, titled with the
// organisation's name, even when a department reports.
func TestUpwardReportIsTitledWithTheSchool(t *testing.T) {
	ta := newTestApp(t, incidentT0)
	reply := ta.say("officer-2", "急报 今天12时30分左右，办公室孙敏驾车外出途中在县城发生交通事故，1人死亡")
	mustContain(t, reply, "已收到急报 E1", "须报上级")
	text := ta.waitInbox("office-1", "须报上级", "关于示例中学交通事故的报告（E1）", "名称：示例中学交通事故", "报告人及单位：孙敏，示例中学办公室")
	mustNotContain(t, text, "关于办公室")
	if strings.Count(text, "示例中学示例中学") > 0 {
		t.Errorf("school named twice:\n%s", text)
	}
}
