package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportRaw fetches an export through the running server.
func (ta *testApp) exportRaw(what, period, format string) []byte {
	ta.t.Helper()
	q := url.Values{"what": {what}, "period": {period}, "format": {format}}
	resp, err := http.Get(ta.srv.URL + "/api/export?" + q.Encode())
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		ta.t.Fatalf("export %s: HTTP %d %s", what, resp.StatusCode, body)
	}
	return body
}

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

// Issue 14.8: the 急报 workbook names people (李校长, not leader-2), has
// column widths and a frozen header.
func TestIncidentWorkbookNamesPeople(t *testing.T) {
	ta := closedIncident(t)
	f := incidentSheetNamesPeople(t, ta.exportRaw("incidents", "2026-11", "xlsx"), "示例中学 急报台账（2026-11）")
	events, _ := f.GetRows("时间线")
	found := false
	for _, r := range events {
		if len(r) > 3 && r[2] == "确认" && r[3] == "李校长" {
			found = true
		}
	}
	if !found {
		t.Errorf("时间线 lacks 确认 by 李校长: %v", events)
	}
	for _, sheet := range []string{"急报", "时间线"} {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s: header not frozen: %+v %v", sheet, panes, err)
		}
	}
	for c, min := range map[string]float64{"A": 6, "B": 9, "W": 30, "AJ": 40} {
		if w, err := f.GetColWidth("急报", c); err != nil || w < min {
			t.Errorf("急报 column %s width %v %v, want ≥ %v", c, w, err, min)
		}
	}
}

// The year's archive has a 急报 sheet too: it names people as the 急报
// workbook does (李校长 confirmed and closed E1, 刘老师 reported it), never
// by their member ids; the archive's JSON keeps the stored record as is.
func TestArchiveIncidentSheetNamesPeople(t *testing.T) {
	ta := closedIncident(t)
	incidentSheetNamesPeople(t, ta.exportRaw("archive", "2026", "xlsx"), "示例中学 急报（2026年）")
	var dump struct {
		Incidents []struct {
			AckedBy  string `json:"acked_by"`
			ClosedBy string `json:"closed_by"`
		} `json:"incidents"`
	}
	ta.exportOf("archive", "2026", &dump)
	if len(dump.Incidents) != 1 || dump.Incidents[0].AckedBy != "leader-2" || dump.Incidents[0].ClosedBy != "leader-2" {
		t.Errorf("archive JSON incidents = %+v", dump.Incidents)
	}
}

// Issue 14.8: the attendance export carries the class teacher's 查明/未查明
// answers: in the JSON entries, the grade sheets, 报表明细 and the CSV.
func TestAttendanceExportCarriesCauses(t *testing.T) {
	ta := newAttApp(t)
	mustContain(t, ta.attAt("cadre-g1c1", "2026-11-26 10:00", "考勤 旷课：张三2节；夜不归宿：李四；擅自离校：孙七 1天"), "已收到 A1")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:05", "查明 A1 张三 发烧在家，家长已知晓"), "已记录 A1 张三")
	mustContain(t, ta.attAt("teacher-g1c1", "2026-11-26 10:06", "未查明 A1 李四 家长电话无人接听"), "未查明")
	found := "A1 张三 已查明：发烧在家，家长已知晓（刘老师 11-26 10:05）"
	notFound := "A1 李四 未查明：家长电话无人接听（刘老师 11-26 10:06，已上报）"
	pending := "A1 孙七 待查明"

	f, err := excelize.OpenReader(bytes.NewReader(ta.attExportRaw("2026-11", "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	forms, _ := f.GetRows("报表明细")
	if i := slices.Index(forms[1], "缺勤原因"); i < 0 {
		t.Fatalf("报表明细 header %v", forms[1])
	}
	var cell string
	for _, r := range forms {
		if len(r) > 8 && r[1] == "高一(1)班" && r[3] == "2026-11-26 17:00" {
			cell = r[8]
		}
	}
	mustContain(t, cell, found, notFound, pending)
	grade, _ := f.GetRows("高一")
	if grade[1][len(grade[1])-1] != "缺勤原因" {
		t.Fatalf("高一 header %v", grade[1])
	}
	byStudent := map[string]string{}
	for _, r := range grade[2:] {
		if len(r) > 12 {
			byStudent[r[1]] = r[12]
		}
	}
	if byStudent["张三"] != "A1 已查明：发烧在家，家长已知晓（刘老师 11-26 10:05）" ||
		byStudent["李四"] != "A1 未查明：家长电话无人接听（刘老师 11-26 10:06，已上报）" || byStudent["孙七"] != "A1 待查明" {
		t.Errorf("高一 causes %v", byStudent)
	}
	mustContain(t, string(ta.attExportRaw("2026-11", "csv")), "张三,2,0,2,0,0,0,0,0,0,,A1 已查明：发烧在家，家长已知晓（刘老师 11-26 10:05）")
	mustContain(t, string(ta.attExportRaw("2026-11", "json")), `"followups": [`, `"state": "found"`, `"cause": "发烧在家，家长已知晓"`,
		`"state": "not_found"`, `"state": "pending"`)
}

// Issue 14.8: the forms of Thursday 10-01 and Monday 10-05 (国庆节) both move
// to Wednesday 09-30; its reminder says the holiday once.
func TestHolidayReminderSaysTheMoveOnce(t *testing.T) {
	cst := incidentT0.Location()
	ta := newTestApp(t, time.Date(2026, 9, 30, 14, 59, 50, 0, cst))
	ta.setNow(time.Date(2026, 9, 30, 15, 0, 1, 0, cst))
	text := ta.waitInbox("cadre-g1c1", "考勤提醒·15:00", "9月30日")
	mustContain(t, text, "（10月1日、10月5日为国庆节，截止日期调整为9月30日）")
	if n := strings.Count(text, "国庆节"); n != 1 {
		t.Errorf("国庆节 said %d times:\n%s", n, text)
	}
}

// closedIncident runs E1 through its life: 刘老师 reports it, it escalates
// to 李校长 (leader-2), who acknowledges and closes it.
func closedIncident(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t, incidentT0, fastIncidents)
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1")
	ta.setNow(incidentT0.Add(2*time.Minute + 20*time.Second))
	ta.waitInbox("leader-2", "急报升级 E1")
	mustContain(t, ta.say("leader-2", "收到 E1"), "已确认急报 E1")
	mustContain(t, ta.say("leader-2", "结案 E1 学生均已康复返校"), "已结案")
	return ta
}

// incidentSheetNamesPeople opens a workbook and checks its 急报 sheet: the
// title, E1's row naming 刘老师 and 李校长, and no cell showing a member id.
func incidentSheetNamesPeople(t *testing.T, raw []byte, title string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rows, err := f.GetRows("急报")
	if err != nil || len(rows) != 3 {
		t.Fatalf("急报: %d rows %v", len(rows), err)
	}
	mustContain(t, rows[0][0], title)
	head, e1 := rows[1], rows[2]
	col := func(name string) string {
		i := slices.Index(head, name)
		if i < 0 || i >= len(e1) {
			t.Fatalf("no column %s in %v", name, head)
		}
		return e1[i]
	}
	if col("编号") != "E1" || col("报告人") != "刘老师" || col("确认人") != "李校长" || col("结案人") != "李校长" {
		t.Errorf("names: 报告人 %q 确认人 %q 结案人 %q", col("报告人"), col("确认人"), col("结案人"))
	}
	mustContain(t, col("时间线"), "确认 李校长：", "结案 李校长：")
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "leader-2") {
				t.Errorf("a cell shows the member id: %q", c)
			}
		}
	}
	return f
}
