package attendance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

// The circular of a period (通报, 篇1 第九条) shows each class's attendance
// forms on time, late and missing, counted from the stored entries.
func TestCircularCountsAttendanceForms(t *testing.T) {
	f := newFixture(t)
	// November 2026: forms due Mondays and Thursdays 17:00; at Thursday the
	// 26th, noon, seven are past (2, 5, 9, 12, 16, 19, 23), the 26th is open.
	f.submit("cadre-g1c1", "g1c1", "2026-11-02 16:00")                                                             // on time
	f.submit("cadre-g1c1", "g1c1", "2026-11-05 10:00")                                                             // on time
	f.submit("cadre-g1c1", "g1c1", "2026-11-10 09:00", attendance.Row{Type: attendance.LateReturn, Student: "王五"}) // the 9th, late
	w := f.submit("cadre-g1c1", "g1c1", "2026-11-12 11:00")                                                        // withdrawn: missing again
	if _, err := f.att.Withdraw(context.Background(), f.member("cadre-g1c1"), w.Entry.ID, at("2026-11-12 11:05")); err != nil {
		t.Fatal(err)
	}
	f.submit("cadre-g1c1", "g1c1", "2026-11-26 10:00") // not yet due, already on time
	f.submit("cadre-g1c2", "g1c2", "2026-11-03 08:00") // completes the 2nd late

	c := testorg.Config(t)
	dk := desk.New(c.Submission, c.Weekly, f.dir, f.db, func() time.Time { return f.now })
	p, err := org.ParsePeriod("2026-11", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := dk.StatsFor(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(bare.Forms) != 0 || strings.Contains(bare.Circular("示例中学"), "日常信息报表") {
		t.Errorf("a desk without a form counter shows forms: %+v", bare.Forms)
	}

	dk.Forms = f.att
	s, err := dk.StatsFor(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []attendance.FormLine{
		{Unit: "g1c1", UnitName: "高一(1)班", OnTime: 3, Late: 1, Missing: 4},
		{Unit: "g1c2", UnitName: "高一(2)班", OnTime: 0, Late: 1, Missing: 6},
		{Unit: "g2c1", UnitName: "高二(1)班", OnTime: 0, Late: 0, Missing: 7},
		{Unit: "g2c2", UnitName: "高二(2)班", OnTime: 0, Late: 0, Missing: 7},
	}
	if len(s.Forms) != len(want) {
		t.Fatalf("Forms = %+v, want %+v", s.Forms, want)
	}
	for i := range want {
		if s.Forms[i] != want[i] {
			t.Errorf("Forms[%d] = %+v, want %+v", i, s.Forms[i], want[i])
		}
	}
	text := s.Circular("示例中学")
	for _, line := range []string{"四、班级《日常信息报表》报送情况", "\n高一(1)班：按时 3、逾期 1、未报 4",
		"\n高一(2)班：按时 0、逾期 1、未报 6", "\n高二(2)班：按时 0、逾期 0、未报 7"} {
		if !strings.Contains(text, line) {
			t.Errorf("circular lacks %q:\n%s", line, text)
		}
	}
	if strings.Contains(text, "政教处：按时") {
		t.Errorf("a department is counted as a class:\n%s", text)
	}

	// A period inside a vacation (the demo's 暑假) has no form: no line at all.
	august, _ := org.ParsePeriod("2026-08", shanghai)
	if lines, err := f.att.FormLines(august, f.now); err != nil || len(lines) != 0 {
		t.Errorf("August (暑假) = %+v, %v; want no lines", lines, err)
	}
}

// TestTallyCounts: the chat's 统计 and the monthly push word a student's
// month the same way, leave that covered hours included.
func TestTallyCounts(t *testing.T) {
	for _, c := range []struct {
		t    attendance.Tally
		want string
	}{
		{attendance.Tally{ReportedHours: 9, CoveredHours: 2, AbsentHours: 7, Nights: 1}, "旷课 9 节（请假抵扣 2 节，计 7 节）、夜不归宿 1 次"},
		{attendance.Tally{ReportedHours: 2, AbsentHours: 2, LateReturns: 3}, "旷课 2 节、晚归 3 次"},
		{attendance.Tally{DaysLeft: 4, LeaveHours: 1, LeaveDays: 2, PendingLeaves: 1}, "擅自离校 4 天、请假 1 节、请假 2 天、待补请假条 1 张"},
		{attendance.Tally{}, ""},
	} {
		if got := c.t.Counts(); got != c.want {
			t.Errorf("%+v: Counts() = %q, want %q", c.t, got, c.want)
		}
	}
}
