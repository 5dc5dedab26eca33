package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
)

// SPEC §6 catch-up after downtime, as a school sees it: one reminder per
// deadline, never two saying the same thing a few seconds apart.

// remindersOf lists the attendance reminders a member received.
func (ta *testApp) remindersOf(member string) []string {
	ta.t.Helper()
	var out []string
	for _, m := range ta.inbox(member) {
		if strings.Contains(m.Text, "考勤提醒") {
			out = append(out, m.Text)
		}
	}
	return out
}

// downSince runs the app on a fresh data dir at since (so the saved
// watermark says the server was up then) and stops it: the server is down
// from since on.
func downSince(t *testing.T, since time.Time) string {
	data := t.TempDir()
	ta := startTestApp(t, data, since)
	ta.waitClock(since)
	ta.stop()
	return data
}

func TestCatchupSendsOneReminderPerDeadline(t *testing.T) {
	down := attClock("2026-11-26 14:55")

	// Back at 16:29:45: the missed 15:00 reminder is not caught up, the
	// 16:30 one is due in 15 s and says it; one reminder, not two.
	t.Run("back 15 s before the next", func(t *testing.T) {
		start := attClock("2026-11-26 16:29").Add(45 * time.Second)
		ta := startTestApp(t, downSince(t, down), start)
		ta.waitClock(start)
		if got := ta.remindersOf("cadre-g1c2"); len(got) != 0 {
			t.Fatalf("at the restart cadre-g1c2 got %d reminders, want none before 16:30: %q", len(got), got)
		}
		ta.setNow(attClock("2026-11-26 16:30").Add(time.Second))
		ta.waitClock(attClock("2026-11-26 16:30"))
		got := ta.remindersOf("cadre-g1c2")
		if len(got) != 1 {
			t.Fatalf("cadre-g1c2 got %d reminders, want 1: %q", len(got), got)
		}
		mustContain(t, got[0], "考勤提醒·16:30", "高一(2)班", "截止时间 17:00", "还剩30分钟")
		metrics := get(t, ta.srv.URL+"/metrics")
		mustNotContain(t, metrics, `job="attendance-remind-1500"`)
		mustContain(t, metrics, `baosong_reminders_total{job="attendance-remind-1630"} 8`)
	})

	// Back at 16:50: both reminders were missed; only the latest is sent.
	t.Run("back after both", func(t *testing.T) {
		start := attClock("2026-11-26 16:50")
		ta := startTestApp(t, downSince(t, down), start)
		ta.waitClock(start)
		for _, who := range []string{"cadre-g1c2", "teacher-g1c2", "cadre-g2c1"} {
			got := ta.remindersOf(who)
			if len(got) != 1 {
				t.Fatalf("%s got %d reminders, want 1: %q", who, len(got), got)
			}
			mustContain(t, got[0], "考勤提醒·16:30", "还剩10分钟")
		}
		mustNotContain(t, get(t, ta.srv.URL+"/metrics"), `job="attendance-remind-1500"`)
	})

	// Back at 16:15: the next reminder is more than catchup_merge (10m)
	// away, so the 15:00 one is caught up (with the time really left) and
	// the 16:30 one follows on time.
	t.Run("back well before the next", func(t *testing.T) {
		start := attClock("2026-11-26 16:15")
		ta := startTestApp(t, downSince(t, down), start)
		ta.waitClock(start)
		got := ta.remindersOf("cadre-g1c2")
		if len(got) != 1 {
			t.Fatalf("cadre-g1c2 got %d reminders at 16:15, want the 15:00 one: %q", len(got), got)
		}
		mustContain(t, got[0], "考勤提醒·15:00", "还剩45分钟")
		ta.setNow(attClock("2026-11-26 16:30").Add(time.Second))
		ta.waitClock(attClock("2026-11-26 16:30"))
		got = ta.remindersOf("cadre-g1c2")
		if len(got) != 2 || !strings.Contains(got[1], "考勤提醒·16:30") {
			t.Fatalf("cadre-g1c2 reminders by 16:30: %q", got)
		}
	})

	// [schedule] catchup_merge = "30m": at 16:15 the 16:30 reminder is near
	// enough, so the 15:00 one is not caught up.
	t.Run("catchup_merge", func(t *testing.T) {
		start := attClock("2026-11-26 16:15")
		ta := startTestApp(t, downSince(t, down), start, func(c *config.Config) {
			c.Schedule.CatchupMerge.Duration = 30 * time.Minute
		})
		ta.waitClock(start)
		if got := ta.remindersOf("cadre-g1c2"); len(got) != 0 {
			t.Fatalf("cadre-g1c2 got %q at 16:15 with catchup_merge 30m", got)
		}
	})
}
