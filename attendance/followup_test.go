package attendance_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/baosong/baosong/attendance"
)

func (f *fixture) answer(by, id, student string, found bool, text, when string) (*attendance.AnswerResult, error) {
	return f.att.Answer(context.Background(), attendance.Answer{Member: f.member(by), Entry: id, Student: student,
		Found: found, Text: text, At: at(when)})
}

func (f *fixture) entry(id string) *attendance.Entry {
	f.t.Helper()
	e, err := f.att.Entry(id)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) awaiting() []string {
	f.t.Helper()
	var ids []string
	err := f.db.ViewAttendance(func(tx attendance.Tx) error {
		es, err := tx.AwaitingCause(at("2099-01-01"))
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

func (f *fixture) tick(when string) {
	f.t.Helper()
	if err := f.att.FollowupTick(context.Background(), at(when)); err != nil {
		f.t.Fatal(err)
	}
}

func states(e *attendance.Entry) string {
	var parts []string
	for _, fu := range e.Followups {
		parts = append(parts, fu.Student+"="+fu.State)
	}
	return strings.Join(parts, ",")
}

func TestFollowupsOpenWithAbnormalAbsences(t *testing.T) {
	f := newFixture(t)
	r := f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", absent("张三", 2),
		attendance.Row{Type: attendance.NightAway, Student: "李四"}, attendance.Row{Type: attendance.LateReturn, Student: "王五"},
		attendance.Row{Type: attendance.Leave, Student: "赵六", Hours: 3}, absent("张三", 1))
	if got := states(r.Entry); got != "张三=pending,李四=pending" {
		t.Fatalf("follow-ups %s", got)
	}
	if !r.Entry.Followups[0].Since.Equal(at("2026-11-26 10:00")) {
		t.Errorf("since %v", r.Entry.Followups[0].Since)
	}
	notice := f.pushesTo("teacher-g1c1", "请及时联系家长")
	if len(notice) != 1 {
		t.Fatalf("teacher notices %q", notice)
	}
	for _, part := range []string{"查明 A1 张三 原因", "未查明 A1 张三", "4小时内未回复", "张三、李四 请逐一回复"} {
		if !strings.Contains(notice[0], part) {
			t.Errorf("notice lacks %q:\n%s", part, notice[0])
		}
	}
	if got := f.awaiting(); !slices.Equal(got, []string{"A1"}) {
		t.Errorf("awaiting %v", got)
	}
	// Nothing to follow up: no follow-up, no request in the notice.
	r = f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:05", attendance.Row{Type: attendance.Leave, Student: "赵六", Hours: 2})
	if len(r.Entry.Followups) != 0 || len(f.pushesTo("teacher-g1c1", "查明 A2")) != 0 {
		t.Errorf("a leave opened a follow-up: %+v", r.Entry.Followups)
	}
	// A correction keeps what is still there (and its time), drops what
	// left, adds what came; a withdrawal drops every pending one.
	if _, err := f.att.Correct(context.Background(), f.member("cadre-g1c1"), "A1",
		[]attendance.Row{absent("张三", 2), {Type: attendance.LeftSchool, Student: "孙七", Days: 1}}, at("2026-11-26 11:00"), ""); err != nil {
		t.Fatal(err)
	}
	e := f.entry("A1")
	if got := states(e); got != "张三=pending,孙七=pending" {
		t.Errorf("after the correction: %s", got)
	}
	if fu, _ := e.Followup("孙七"); !fu.Since.Equal(at("2026-11-26 11:00")) {
		t.Errorf("孙七 since %v", fu.Since)
	}
	if fu, _ := e.Followup("张三"); !fu.Since.Equal(at("2026-11-26 10:00")) {
		t.Errorf("张三 since %v, kept from the entry", fu.Since)
	}
	if _, err := f.att.Withdraw(context.Background(), f.member("cadre-g1c1"), "A1", at("2026-11-26 11:05")); err != nil {
		t.Fatal(err)
	}
	if got := states(f.entry("A1")); got != "" || len(f.awaiting()) != 0 {
		t.Errorf("after the withdrawal: %q, awaiting %v", got, f.awaiting())
	}
	f.tick("2026-11-27 12:00")
	if got := f.pushesTo("office-1", "未查明"); len(got) != 0 {
		t.Errorf("a withdrawn entry was reported: %q", got)
	}
}

func TestCauseFoundGoesToTheGradeLead(t *testing.T) {
	f := newFixture(t)
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", absent("张三", 2))
	// Only a teacher of the class, the office or an admin may answer.
	for _, who := range []string{"cadre-g1c1", "teacher-g1c2", "lead-g1"} {
		if _, err := f.answer(who, "A1", "张三", true, "发烧", "2026-11-26 10:30"); !errors.Is(err, attendance.ErrNotClassTeacher) {
			t.Errorf("%s answered: %v", who, err)
		}
	}
	if _, err := f.answer("teacher-g1c1", "A1", "李四", true, "发烧", "2026-11-26 10:30"); !errors.Is(err, attendance.ErrNoFollowup) {
		t.Errorf("a student without absence: %v", err)
	}
	if _, err := f.answer("teacher-g1c1", "A1", "张三", true, " ", "2026-11-26 10:30"); !errors.Is(err, attendance.ErrNoCause) {
		t.Errorf("查明 without a cause: %v", err)
	}
	if got := states(f.entry("A1")); got != "张三=pending" {
		t.Fatalf("refused answers changed the entry: %s", got)
	}

	res, err := f.answer("teacher-g1c1", "A1", "张三", true, "发烧在家，家长已知晓", "2026-11-26 10:30")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Notified, []string{"lead-g1"}) || res.Followup.State != attendance.CauseFound || res.Before {
		t.Errorf("result %+v", res)
	}
	push := f.pushesTo("lead-g1", "缺勤原因已查明")
	if len(push) != 1 || !strings.Contains(push[0], "高一(1)班 张三（11月26日(周四)17:00的报表 A1：旷课 2节）：发烧在家，家长已知晓。——刘老师 11-26 10:30 查明") {
		t.Errorf("grade lead push %q", push)
	}
	for _, other := range []string{"lead-g2", "office-1", "leader-1"} {
		if got := f.pushesTo(other, "张三"); len(got) != 0 {
			t.Errorf("%s told of a found cause: %q", other, got)
		}
	}
	if len(f.awaiting()) != 0 {
		t.Errorf("still awaiting: %v", f.awaiting())
	}
	// The clock has nothing to report for it.
	f.tick("2026-11-27 12:00")
	if got := f.pushesTo("office-1", "未查明"); len(got) != 0 {
		t.Errorf("a found cause was reported: %q", got)
	}
	hist, err := f.db.HistoryOf("A1")
	if err != nil || len(hist) != 2 || hist[1].Action != "cause-found" || hist[1].Detail != "张三：发烧在家，家长已知晓" {
		t.Errorf("history %+v %v", hist, err)
	}
	// A second 查明 corrects the cause and is pushed again.
	if _, err := f.answer("office-1", "A1", "张三", true, "家中有事，已补请假条", "2026-11-26 11:00"); err != nil {
		t.Fatal(err)
	}
	if got := f.pushesTo("lead-g1", "缺勤原因已查明"); len(got) != 2 || !strings.Contains(got[1], "家中有事") {
		t.Errorf("second answer %q", got)
	}
}

func TestUnansweredAbsenceIsReportedOnce(t *testing.T) {
	f := newFixture(t)
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", absent("张三", 2), attendance.Row{Type: attendance.NightAway, Student: "李四"})
	if _, err := f.answer("teacher-g1c1", "A1", "张三", true, "看病", "2026-11-26 12:00"); err != nil {
		t.Fatal(err)
	}
	f.tick("2026-11-26 13:59")
	if got := f.pushesTo("office-1", "未查明"); len(got) != 0 {
		t.Fatalf("reported before explain_within: %q", got)
	}
	f.tick("2026-11-26 14:00")
	want := "班主任收到告知后 4小时内未回复查明情况（共 1 起）：\n1. 高一(1)班 李四（11月26日(周四)17:00的报表 A1：夜不归宿），11-26 10:00 告知"
	for _, who := range []string{"lead-g1", "office-1", "leader-1"} {
		if got := f.pushesTo(who, "缺勤原因未查明"); len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("%s: %q", who, got)
		}
	}
	// absence_leaders names leader-1 only; nobody else, and never a group.
	for _, n := range f.pushes() {
		if n.To.Group != "" || n.To.Member == "leader-2" || n.To.Member == "lead-g2" {
			t.Errorf("push to %v", n.To)
		}
	}
	if got := f.pushesTo("office-1", "张三"); len(got) != 0 {
		t.Errorf("the found one was reported: %q", got)
	}
	// Later firings (and a firing run twice) report nothing more.
	f.tick("2026-11-26 14:00")
	f.tick("2026-11-27 09:00")
	if got := f.pushesTo("office-1", "缺勤原因未查明"); len(got) != 1 {
		t.Errorf("reported %d times", len(got))
	}
	if got := states(f.entry("A1")); got != "张三=found,李四=overdue" {
		t.Errorf("states %s", got)
	}
	// 未查明 after the report: recorded, not pushed again.
	res, err := f.answer("teacher-g1c1", "A1", "李四", false, "家长电话无人接听", "2026-11-26 15:00")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Before || len(res.Notified) != 0 || !res.Reported.Equal(at("2026-11-26 14:00")) {
		t.Errorf("未查明 after the report: %+v", res)
	}
	// 查明 after the report: the grade lead, the office and the leader hear it.
	res, err = f.answer("teacher-g1c1", "A1", "李四", true, "在亲戚家过夜，家长已知晓", "2026-11-26 16:00")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Notified, []string{"lead-g1", "office-1", "leader-1"}) {
		t.Errorf("found after the report told %v", res.Notified)
	}
	if got := f.pushesTo("office-1", "缺勤原因已查明"); len(got) != 1 || !strings.Contains(got[0], "此前已按未查明上报") {
		t.Errorf("office: %q", got)
	}
	hist, _ := f.db.HistoryOf("A1")
	var actions []string
	for _, h := range hist {
		actions = append(actions, h.Action)
	}
	if want := []string{"submit", "cause-found", "cause-overdue", "cause-not-found", "cause-found"}; !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
}

func TestCauseNotFoundIsReportedAtOnce(t *testing.T) {
	f := newFixture(t)
	f.att.Leaders = nil // every leader
	f.submit("teacher-g1c1", "g1c1", "2026-11-26 10:00", attendance.Row{Type: attendance.LeftSchool, Student: "孙七", Days: 1})
	res, err := f.answer("teacher-g1c1", "A1", "孙七", false, "", "2026-11-26 10:20")
	if err != nil {
		t.Fatal(err)
	}
	if res.Before || !slices.Equal(res.Notified, []string{"lead-g1", "office-1", "leader-1", "leader-2"}) {
		t.Errorf("未查明: %+v", res)
	}
	if got := f.pushesTo("leader-2", "刘老师报告未能查明缺席原因。按篇3"); len(got) != 1 {
		t.Errorf("leader-2: %q", got)
	}
	// The clock later finds nothing pending.
	f.tick("2026-11-26 15:00")
	if got := f.pushesTo("office-1", "缺勤原因未查明"); len(got) != 1 {
		t.Errorf("office told %d times", len(got))
	}
}

// One run of the absence clock tells each recipient once: a student overdue
// in two entries of one form is one line naming both.
func TestAbsenceClockDigestsPerRecipient(t *testing.T) {
	f := newFixture(t)
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", attendance.Row{Type: attendance.NightAway, Student: "李四"})
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:05", absent("李四", 1), absent("王五", 2))
	f.tick("2026-11-26 14:10")
	for _, who := range []string{"lead-g1", "office-1", "leader-1"} {
		got := f.pushesTo(who, "缺勤原因未查明")
		if len(got) != 1 {
			t.Fatalf("%s: %d pushes, want one digest: %q", who, len(got), got)
		}
		for _, part := range []string{"共 2 起",
			"1. 高一(1)班 李四（11月26日(周四)17:00的报表 A1：夜不归宿；A2：旷课 1节），11-26 10:00 告知",
			"2. 高一(1)班 王五（11月26日(周四)17:00的报表 A2：旷课 2节），11-26 10:05 告知"} {
			if !strings.Contains(got[0], part) {
				t.Errorf("%s: digest lacks %q:\n%s", who, part, got[0])
			}
		}
	}
	if got := states(f.entry("A2")); got != "李四=overdue,王五=overdue" {
		t.Errorf("states %s", got)
	}
}
