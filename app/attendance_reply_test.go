package app_test

import (
	"fmt"
	"testing"
)

// The reply to a form lists the form's earlier entries by id while there are
// few; past five it gives their number and the last three, so that a form
// sent again and again does not make every reply (and every reply kept for
// a resend) longer.
func TestAttendanceReplyListsFewEarlierEntries(t *testing.T) {
	ta := newAttApp(t)
	for i := 1; i <= 7; i++ {
		r := ta.attAt("cadre-g1c1", fmt.Sprintf("2026-11-26 09:%02d", i), "考勤 全勤")
		mustContain(t, r, fmt.Sprintf("已收到 A%d", i))
		switch i {
		case 1:
			mustNotContain(t, r, "本期报表已有")
		case 6:
			mustContain(t, r, "本期报表已有 A1、A2、A3、A4、A5，")
		case 7:
			mustContain(t, r, "本期报表已有 6 条（最近的是 A4、A5、A6），")
			mustNotContain(t, r, "A1、", "A3、")
		}
	}
}
