package attendance_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

type fixture struct {
	t   *testing.T
	att *attendance.Service
	db  *store.DB
	dir *org.Directory
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cfg := testorg.Config(t)
	dir := testorg.Directory(t, cfg)
	f := &fixture{t: t, dir: dir, now: at("2026-11-26 12:00")}
	f.db = testorg.Store(t, func() time.Time { return f.now })
	f.att = attendance.New(cfg.Attendance, cfg.Outing, dir, f.db, func() time.Time { return f.now })
	return f
}

func (f *fixture) member(id string) *org.Member {
	m, ok := f.dir.Member(id)
	if !ok {
		f.t.Fatalf("no member %s", id)
	}
	return m
}

func (f *fixture) submit(from, unit, when string, rows ...attendance.Row) *attendance.Result {
	f.t.Helper()
	res, err := f.att.Submit(context.Background(), attendance.Message{Member: f.member(from), Unit: unit, At: at(when), Rows: rows})
	if err != nil {
		f.t.Fatalf("submit at %s: %v", when, err)
	}
	return res
}

// pushes lists the queued pushes' keys and texts.
func (f *fixture) pushes() []bot.Notification {
	f.t.Helper()
	items, err := f.db.Due(at("2030-01-01"), 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]bot.Notification, len(items))
	for i, it := range items {
		out[i] = it.Notification
	}
	return out
}

func (f *fixture) pushesTo(member, contains string) []string {
	var out []string
	for _, n := range f.pushes() {
		if n.To.Member == member && strings.Contains(n.Text, contains) {
			out = append(out, n.Text)
		}
	}
	return out
}

func TestSubmitAttributesAndStates(t *testing.T) {
	f := newFixture(t)
	r1 := f.submit("cadre-g1c1", "g1c1", "2026-11-26 16:02")
	if r1.Entry.ID != "A1" || !r1.Entry.Due.Equal(at("2026-11-26 17:00")) || r1.Form.State(at("2026-11-27")) != attendance.FormOnTime {
		t.Fatalf("on time: %+v %+v", r1.Entry, r1.Form)
	}
	if !r1.Form.Start.Equal(at("2026-11-23 17:00")) {
		t.Errorf("window start %v", r1.Form.Start)
	}
	r2 := f.submit("cadre-g1c1", "g1c1", "2026-11-26 16:30", absent("张三", 2))
	if !slices.Equal(r2.Earlier, []string{"A1"}) || !r2.Entry.Due.Equal(r1.Entry.Due) {
		t.Errorf("second entry of the same form: earlier %v due %v", r2.Earlier, r2.Entry.Due)
	}
	// g1c2 missed Thursday's form: its Friday message completes it late.
	r3 := f.submit("cadre-g1c2", "g1c2", "2026-11-27 08:00")
	if !r3.Entry.Due.Equal(at("2026-11-26 17:00")) || r3.Form.State(at("2026-11-27 09:00")) != attendance.FormLate {
		t.Errorf("late completion: due %v state %s", r3.Entry.Due, r3.Form.State(at("2026-11-27 09:00")))
	}
	// g1c1's Thursday form is in: a Friday message starts Monday's form.
	r4 := f.submit("cadre-g1c1", "g1c1", "2026-11-27 08:00")
	if !r4.Entry.Due.Equal(at("2026-11-30 17:00")) || len(r4.Earlier) != 0 {
		t.Errorf("next form: %v %v", r4.Entry.Due, r4.Earlier)
	}
	// Withdrawing both on-time entries leaves g1c1's Thursday form missing.
	for _, id := range []string{"A1", "A2"} {
		if _, err := f.att.Withdraw(context.Background(), f.member("cadre-g1c1"), id, at("2026-11-27 09:00")); err != nil {
			t.Fatal(err)
		}
	}
	forms, err := f.att.FormsDue(f.dir.Classes(), at("2026-11-26 17:00"))
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, fm := range forms {
		states[fm.Unit] = fm.State(at("2026-11-27 10:00"))
	}
	want := map[string]string{"g1c1": attendance.FormMissing, "g1c2": attendance.FormLate, "g2c1": attendance.FormMissing, "g2c2": attendance.FormMissing}
	for u, s := range want {
		if states[u] != s {
			t.Errorf("%s: %s, want %s", u, states[u], s)
		}
	}
	if _, err := f.att.Withdraw(context.Background(), f.member("cadre-g1c1"), "A1", at("2026-11-27 09:00")); !errors.Is(err, attendance.ErrWithdrawn) {
		t.Errorf("withdraw twice: %v", err)
	}
	hist, err := f.db.HistoryOf("A1")
	if err != nil || len(hist) != 2 || hist[0].Action != "submit" || hist[1].Action != "withdraw" {
		t.Errorf("history kept: %+v %v", hist, err)
	}
}

func TestExplicitDate(t *testing.T) {
	f := newFixture(t)
	res, err := f.att.Submit(context.Background(), attendance.Message{Member: f.member("cadre-g1c1"), Unit: "g1c1",
		At: at("2026-11-30 08:00"), Date: at("2026-11-24")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Entry.Due.Equal(at("2026-11-26 17:00")) || res.Entry.Date != "2026-11-24" || !res.Entry.Late() {
		t.Errorf("explicit date: %+v", res.Entry)
	}
	_, err = f.att.Submit(context.Background(), attendance.Message{Member: f.member("cadre-g1c1"), Unit: "g1c1",
		At: at("2026-11-30 08:00"), Date: at("2026-12-03")})
	if !errors.Is(err, attendance.ErrFutureDate) {
		t.Errorf("future date: %v", err)
	}
}

func TestCorrectAndPermissions(t *testing.T) {
	f := newFixture(t)
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", absent("张叁", 2))
	ctx := context.Background()
	for _, who := range []string{"cadre-g1c2", "teacher-g1c2", "lead-g1"} {
		if _, err := f.att.Correct(ctx, f.member(who), "A1", nil, at("2026-11-26 11:00"), ""); !errors.Is(err, attendance.ErrNotYours) {
			t.Errorf("%s corrected A1: %v", who, err)
		}
	}
	if _, err := f.att.Correct(ctx, f.member("cadre-g1c1"), "A99", nil, time.Time{}, ""); !errors.Is(err, attendance.ErrNoEntry) {
		t.Errorf("unknown id: %v", err)
	}
	for _, who := range []string{"cadre-g1c1", "teacher-g1c1", "office-1"} {
		res, err := f.att.Correct(ctx, f.member(who), "#a1", []attendance.Row{absent("张三", 3)}, at("2026-11-26 11:00"), "更正")
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		if res.Entry.Rows[0].Student != "张三" || res.Entry.Rows[0].Hours != 3 || len(res.Unknown) != 0 {
			t.Errorf("%s: %+v", who, res.Entry)
		}
	}
	e, err := f.att.Entry("A1")
	if err != nil || e.Revision != 3 || e.Submitter != "cadre-g1c1" {
		t.Errorf("after corrections: %+v %v", e, err)
	}
}

func TestRosterHint(t *testing.T) {
	f := newFixture(t)
	res := f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00", absent("张叁", 2), absent("张三", 1), absent("欧阳锋", 1))
	want := []attendance.NameHint{{Name: "张叁", Suggest: "张三"}, {Name: "欧阳锋"}}
	if !slices.Equal(res.Unknown, want) {
		t.Errorf("hints %+v, want %+v", res.Unknown, want)
	}
	if res.Entry.Rows[0].Student != "张叁" {
		t.Error("an unknown name is still recorded as given")
	}
}

func TestTeacherNotice(t *testing.T) {
	f := newFixture(t)
	res := f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00",
		absent("张三", 2), attendance.Row{Type: attendance.LateReturn, Student: "王五"},
		attendance.Row{Type: attendance.Leave, Student: "赵六", Hours: 3, Reason: "病假"})
	if !slices.Equal(res.Notified, []string{"teacher-g1c1"}) {
		t.Errorf("notified %v", res.Notified)
	}
	got := f.pushesTo("teacher-g1c1", "请及时联系家长")
	if len(got) != 1 || !strings.Contains(got[0], "张三 2节") || !strings.Contains(got[0], "待补请假条") || strings.Contains(got[0], "王五") {
		t.Errorf("notice %q", got)
	}
	// Nothing notable: no notice. A teacher's own entry: no notice to themselves, leave approved by them.
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:05", attendance.Row{Type: attendance.LateReturn, Student: "王五"})
	r := f.submit("teacher-g1c1", "g1c1", "2026-11-26 10:10", attendance.Row{Type: attendance.Leave, Student: "李四", Hours: 2})
	if len(r.Notified) != 0 || r.Entry.Rows[0].Approver != "刘老师" {
		t.Errorf("teacher's own leave: %v %+v", r.Notified, r.Entry.Rows)
	}
	if n := len(f.pushes()); n != 1 {
		t.Errorf("%d pushes, want 1", n)
	}
	// Withdrawing the notable entry tells the teacher.
	if _, err := f.att.Withdraw(context.Background(), f.member("cadre-g1c1"), "A1", at("2026-11-26 11:00")); err != nil {
		t.Fatal(err)
	}
	if got := f.pushesTo("teacher-g1c1", "已撤回"); len(got) != 1 {
		t.Errorf("withdrawal notice %q", got)
	}
}

func TestThresholdPushesOncePerLevel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.submit("cadre-g1c1", "g1c1", "2026-11-02 10:00", absent("张三", 7))
	if got := f.pushesTo("lead-g1", "张三"); len(got) != 0 {
		t.Fatalf("7 hours warned: %q", got)
	}
	res := f.submit("cadre-g1c1", "g1c1", "2026-11-05 10:00", absent("张三", 1))
	if len(res.Crossings) != 1 || res.Crossings[0].Level != attendance.LevelYellow || !res.Crossings[0].Reached {
		t.Errorf("crossings %+v", res.Crossings)
	}
	for _, who := range []string{"teacher-g1c1", "lead-g1", "office-1"} {
		if got := f.pushesTo(who, "黄牌警示"); len(got) != 1 || !strings.Contains(got[0], "旷课累计 8 节") {
			t.Errorf("%s: %q", who, got)
		}
	}
	if got := f.pushesTo("lead-g2", "张三"); len(got) != 0 {
		t.Errorf("another grade's lead warned: %q", got)
	}
	// A correction that drops below the level and one that raises it again: no second push.
	if _, err := f.att.Correct(ctx, f.member("cadre-g1c1"), "A2", []attendance.Row{absent("张三", 0)}, at("2026-11-05 11:00"), ""); err != nil {
		t.Fatal(err)
	}
	s, err := f.att.Summary(org.Month(2026, 11, shanghai), f.dir.Classes(), at("2026-11-05 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Class("g1c1"); c.Students[0].Level != attendance.LevelNone || c.Students[0].AbsentHours != 7 {
		t.Errorf("ledger after the correction: %+v", c.Students[0])
	}
	if _, err := f.att.Correct(ctx, f.member("cadre-g1c1"), "A2", []attendance.Row{absent("张三", 2)}, at("2026-11-05 12:00"), ""); err != nil {
		t.Fatal(err)
	}
	if got := f.pushesTo("office-1", "黄牌警示"); len(got) != 1 {
		t.Errorf("yellow pushed %d times", len(got))
	}
	// Jumping from 9 to 15 announces 纪律处分 only; coming back down to 12 announces nothing.
	f.submit("cadre-g1c1", "g1c1", "2026-11-09 10:00", absent("张三", 6))
	if got := f.pushesTo("office-1", "纪律处分"); len(got) != 1 {
		t.Errorf("discipline pushes %q", got)
	}
	if _, err := f.att.Correct(ctx, f.member("cadre-g1c1"), "A3", []attendance.Row{absent("张三", 3)}, at("2026-11-09 11:00"), ""); err != nil {
		t.Fatal(err)
	}
	if got := f.pushesTo("office-1", "通报批评"); len(got) != 0 {
		t.Errorf("a lower level after a higher one was announced: %q", got)
	}
	// A new month starts a new ledger.
	f.submit("cadre-g1c1", "g1c1", "2026-12-03 10:00", absent("张三", 8))
	if got := f.pushesTo("office-1", "2026年12月旷课累计 8 节"); len(got) != 1 {
		t.Errorf("December: %q", got)
	}
}

func TestConfirm(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	nov := org.Month(2026, 11, shanghai)
	if _, _, err := f.att.Confirm(ctx, f.member("lead-g1"), nov, "高一", at("2026-11-30 18:00")); !errors.Is(err, attendance.ErrMonthOpen) {
		t.Errorf("confirming an open month: %v", err)
	}
	c, already, err := f.att.Confirm(ctx, f.member("lead-g1"), nov, "高一", at("2026-12-02 09:00"))
	if err != nil || already || c.By != "lead-g1" {
		t.Fatalf("confirm: %+v %v %v", c, already, err)
	}
	if _, already, _ := f.att.Confirm(ctx, f.member("lead-g1"), nov, "高一", at("2026-12-03 09:00")); !already {
		t.Error("second confirmation not noticed")
	}
	if got := f.pushesTo("office-1", "已确认"); len(got) != 1 {
		t.Errorf("office told %q", got)
	}
	s, err := f.att.Summary(nov, f.dir.Classes(), at("2026-12-03 09:00"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Grades[0].Confirmed == nil || s.Grades[1].Confirmed != nil {
		t.Errorf("confirmations in the summary: %+v %+v", s.Grades[0].Confirmed, s.Grades[1].Confirmed)
	}
}

func TestSummary(t *testing.T) {
	f := newFixture(t)
	f.submit("cadre-g1c1", "g1c1", "2026-11-02 16:00", absent("张三", 2))
	f.submit("cadre-g1c1", "g1c1", "2026-11-05 18:00", attendance.Row{Type: attendance.NightAway, Student: "李四"})
	f.submit("cadre-g1c2", "g1c2", "2026-11-02 16:00", attendance.Row{Type: attendance.Leave, Student: "周八", Days: 1, Approver: "杨老师"})
	f.submit("cadre-g1c1", "g1c1", "2026-12-03 10:00", absent("张三", 9))
	s, err := f.att.Summary(org.Month(2026, 11, shanghai), f.dir.Classes(), at("2026-12-01 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	// November 2026 has 9 due times (Mondays 2, 9, 16, 23, 30; Thursdays 5, 12, 19, 26).
	if len(s.Forms) != 4*9 || len(s.Grades) != 2 || s.Grades[0].Grade != "高一" || len(s.Grades[0].Classes) != 2 {
		t.Fatalf("shape: %d forms, grades %+v", len(s.Forms), s.Grades)
	}
	c, _ := s.Class("g1c1")
	if c.OnTime != 1 || c.Late != 1 || c.Missing != 7 || c.Open != 0 {
		t.Errorf("g1c1 forms %+v", c)
	}
	if len(c.Students) != 2 || c.Students[0].Student != "张三" || c.Students[0].AbsentHours != 2 || c.Students[1].Nights != 1 {
		t.Errorf("g1c1 students %+v %+v", c.Students[0], c.Students)
	}
	year, _ := org.ParsePeriod("2026Q4", shanghai)
	s, err = f.att.Summary(year, f.dir.Classes()[:1], at("2026-12-05 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ = s.Class("g1c1")
	if c.Students[0].AbsentHours != 11 || c.Students[0].Level != attendance.LevelYellow {
		t.Errorf("quarter: %+v", c.Students[0])
	}
	if got := s.AtLevel(); len(got) != 1 || got[0].Student != "张三" {
		t.Errorf("AtLevel %+v", got)
	}
}

func TestRecent(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00")
		f.submit("cadre-g1c2", "g1c2", "2026-11-26 10:00")
	}
	es, err := f.att.Recent("cadre-g1c1", 2)
	if err != nil || len(es) != 2 || es[0].ID != "A5" || es[1].ID != "A3" {
		t.Errorf("recent %+v %v", es, err)
	}
	if es, _ := f.att.Recent("nobody", 5); len(es) != 0 {
		t.Errorf("recent of nobody %+v", es)
	}
}
