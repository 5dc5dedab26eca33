package app_test

import (
	"testing"
	"time"
)

// The circular (通报) counts the classes' attendance forms: 排名 answers with
// them, and the quarterly ranking job sends them.
func TestCircularCountsAttendanceForms(t *testing.T) {
	// 2027-01-04 (Monday) is the first working day after 2026Q4: the
	// ranking goes out at 09:00.
	start := time.Date(2027, 1, 4, 8, 59, 50, 0, attThursday.Location())
	ta := newTestApp(t, start, attNoRateLimit)
	ta.attAt("cadre-g1c1", "2026-11-26 16:00", "考勤 全勤")    // the 26th, on time
	ta.attAt("cadre-g1c1", "2026-11-27 10:00", "考勤 全勤")    // the 30th, on time
	ta.attAt("cadre-g1c1", "2026-12-04 09:00", "考勤 晚归：王五") // the 3rd, late
	ta.attAt("cadre-g2c1", "2026-12-10 16:59", "考勤 全勤")    // the 10th, on time

	reply := ta.say("office-1", "排名 2026Q4")
	mustContain(t, reply, "四、班级《日常信息报表》报送情况", "\n高一(1)班：按时 2、逾期 1、未报 ",
		"\n高二(1)班：按时 1、逾期 0、未报 ", "\n高一(2)班：按时 0、逾期 0、未报 ")
	mustNotContain(t, reply, "政教处：按时")

	ta.setNow(start.Add(11 * time.Second))
	ta.waitInbox("office-1", "信息工作通报", "2026年第四季度")
	ta.waitInbox("office-1", "\n高一(1)班：按时 2、逾期 1、未报 ")
	ta.waitInbox("leader-1", "\n高二(1)班：按时 1、逾期 0、未报 ")
}
