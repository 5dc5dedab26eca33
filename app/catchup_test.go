package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
)

// SPEC §6 catch-up after downtime, as a school sees it: one reminder per
// deadline, never two saying the same thing a few seconds apart.

// pushesWith lists the pushes a member received whose text contains marker.
func (ta *testApp) pushesWith(member, marker string) []string {
	ta.t.Helper()
	var out []string
	for _, m := range ta.inbox(member) {
		if strings.Contains(m.Text, marker) {
			out = append(out, m.Text)
		}
	}
	return out
}

// remindersOf lists the attendance reminders a member received.
func (ta *testApp) remindersOf(member string) []string { return ta.pushesWith(member, "考勤提醒") }

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

// followups reads an entry's stored follow-ups as "张三=found(via A1:发烧…)".
func (ta *testApp) followups(id string) string {
	ta.t.Helper()
	var out []string
	err := ta.Store.ViewAttendance(func(tx attendance.Tx) error {
		e, err := tx.Entry(id)
		if err != nil {
			return err
		}
		for _, f := range e.Followups {
			s := f.Student + "=" + f.State
			if f.Via != "" {
				s += " via " + f.Via + "：" + f.Cause
			}
			if !f.Reported.IsZero() {
				s += " reported " + f.Reported.Format("15:04")
			}
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		ta.t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// unexplained lists the "缺勤原因未查明" pushes a member received.
func (ta *testApp) unexplained(member string) []string {
	return ta.pushesWith(member, "缺勤原因未查明")
}

// Issue 14.7: three unexplained entries in one class made one push per
// absence to the grade lead and to the office, and a 查明 for 张三 in A1 did
// not cover 张三's later entry in the same form.
func TestAbsenceClockSendsOneDigestAndACauseCoversTheForm(t *testing.T) {
	ta := startTestApp(t, t.TempDir(), attClock("2026-11-26 12:00"), attNoRateLimit)
	ta.say("cadre-g1c1", "考勤 旷课：张三2节；夜不归宿：李四")
	ta.setNow(attClock("2026-11-26 12:01"))
	ta.say("cadre-g1c1", "考勤 擅自离校：王五 1天")
	ta.setNow(attClock("2026-11-26 12:02"))
	ta.say("cadre-g1c1", "考勤 旷课：赵六3节；夜不归宿：孙七")

	ta.setNow(attClock("2026-11-26 12:30"))
	reply := ta.say("teacher-g1c1", "查明 A1 张三 发烧在家，家长已知晓")
	mustContain(t, reply, "已记录 A1 张三 的缺勤原因：发烧在家，家长已知晓")
	// 张三 again in the afternoon, same form: the 查明 covers it; the
	// teacher is not asked again and the reply of a later 查明 says so.
	ta.setNow(attClock("2026-11-26 12:40"))
	ta.say("cadre-g1c1", "考勤 旷课：张三2节")
	notice := ta.waitInbox("teacher-g1c1", "A4")
	mustContain(t, notice, "张三 的缺勤原因已随 A1 查明（发烧在家，家长已知晓），无需再次回复")
	mustNotContain(t, notice, "查明 A4 张三 原因")
	if got := ta.followups("A4"); got != "张三=found via A1：发烧在家，家长已知晓" {
		t.Errorf("A4 follow-ups: %s", got)
	}

	// 16:45: every absence not answered within 4 hours goes out in one run.
	ta.setNow(attClock("2026-11-26 16:45"))
	ta.waitClock(attClock("2026-11-26 16:45"))
	for _, who := range []string{"lead-g1", "office-1", "leader-1"} {
		got := ta.unexplained(who)
		if len(got) != 1 {
			t.Fatalf("%s got %d 缺勤原因未查明 pushes, want one digest: %q", who, len(got), got)
		}
		mustContain(t, got[0], "共 4 起", "1. 高一(1)班 李四（11月26日(周四)17:00的报表 A1：夜不归宿），11-26 12:00 告知",
			"2. 高一(1)班 王五（11月26日(周四)17:00的报表 A2：擅自离校 1天），11-26 12:01 告知",
			"3. 高一(1)班 赵六", "A3：旷课 3节", "4. 高一(1)班 孙七", "4小时内未回复", "政教处及分管领导")
		mustNotContain(t, got[0], "张三")
	}
	for _, who := range []string{"leader-2", "lead-g2"} {
		if got := ta.unexplained(who); len(got) != 0 {
			t.Errorf("%s was told: %q", who, got)
		}
	}
	for id, want := range map[string]string{
		"A1": "张三=found; 李四=overdue reported 16:45",
		"A2": "王五=overdue reported 16:45",
		"A3": "赵六=overdue reported 16:45; 孙七=overdue reported 16:45",
		"A4": "张三=found via A1：发烧在家，家长已知晓",
	} {
		if got := ta.followups(id); got != want {
			t.Errorf("%s follow-ups: %s, want %s", id, got, want)
		}
	}
	mustContain(t, strings.Join(ta.history("A3"), "\n"), "cause-overdue system 赵六、孙七")

	// A corrected cause in A4 covers A1 too: one push about both.
	ta.setNow(attClock("2026-11-26 16:50"))
	reply = ta.say("teacher-g1c1", "查明 A4 张三 在诊所输液，家长已知晓")
	mustContain(t, reply, "已记录 A4 张三 的缺勤原因", "同一报表 A1 中 张三 的缺勤原因一并记录")
	push := ta.waitInbox("lead-g1", "缺勤原因已查明", "在诊所输液")
	mustContain(t, push, "同一报表 A1 中 张三 的缺勤一并查明")
	if got := ta.followups("A1"); got != "张三=found via A4：在诊所输液，家长已知晓; 李四=overdue reported 16:45" {
		t.Errorf("A1 follow-ups after the 查明 in A4: %s", got)
	}
}

// Issue 13.10: after a long downtime the absence clock sent one push per
// absence. Now the absences overdue within [schedule] catchup go out as one
// digest per recipient; older ones are marked, logged and not pushed, and
// the class teacher can still report them.
func TestAbsenceClockAfterDowntime(t *testing.T) {
	data := t.TempDir()
	ta := startTestApp(t, data, attClock("2026-11-26 08:00"), attNoRateLimit)
	ta.say("cadre-g1c1", "考勤 旷课：孙七2节") // A1, overdue at 12:00
	ta.setNow(attClock("2026-11-26 11:00"))
	ta.say("cadre-g1c1", "考勤 旷课：张三2节；夜不归宿：李四；擅自离校：王五 1天") // A2, overdue at 15:00
	ta.say("cadre-g1c2", "考勤 旷课：周八2节；夜不归宿：吴九")            // A3
	ta.say("cadre-g2c1", "考勤 旷课：陈一鸣2节")                   // A4
	ta.waitClock(attClock("2026-11-26 11:00"))
	ta.stop()

	// Down from 11:00 to 16:30: A1 became overdue 4.5 hours ago, beyond
	// the 2-hour catch-up; the others 1.5 hours ago.
	ta = startTestApp(t, data, attClock("2026-11-26 16:30"), attNoRateLimit)
	ta.waitClock(attClock("2026-11-26 16:30"))
	want := map[string][]string{
		"lead-g1":  {"共 5 起", "高一(1)班 张三", "高一(1)班 李四", "高一(1)班 王五", "高一(2)班 周八", "高一(2)班 吴九"},
		"lead-g2":  {"共 1 起", "高二(1)班 陈一鸣"},
		"office-1": {"共 6 起", "张三", "吴九", "6. 高二(1)班 陈一鸣（11月26日(周四)17:00的报表 A4：旷课 2节），11-26 11:00 告知"},
		"leader-1": {"共 6 起", "张三", "陈一鸣"},
	}
	for who, parts := range want {
		got := ta.unexplained(who)
		if len(got) != 1 {
			t.Fatalf("%s got %d pushes after the downtime, want one digest: %q", who, len(got), got)
		}
		mustContain(t, got[0], parts...)
		mustNotContain(t, got[0], "孙七")
	}
	if got := ta.followups("A1"); got != "孙七=overdue" {
		t.Errorf("A1 follow-ups: %s (overdue, not reported)", got)
	}
	if got := ta.followups("A4"); got != "陈一鸣=overdue reported 16:30" {
		t.Errorf("A4 follow-ups: %s", got)
	}
	mustContain(t, strings.Join(ta.history("A1"), "\n"), "cause-overdue system 孙七 逾期时服务未运行，已超过补发时限 2小时，未推送")

	// Restarted again on the same data: nothing is sent twice.
	ta.stop()
	ta = startTestApp(t, data, attClock("2026-11-26 16:36"), attNoRateLimit)
	ta.waitClock(attClock("2026-11-26 16:36"))
	for who := range want {
		if got := ta.unexplained(who); len(got) != 1 {
			t.Errorf("%s has %d pushes after a second restart", who, len(got))
		}
	}
	// The class teacher reports the old one: it goes out now.
	reply := ta.say("teacher-g1c1", "未查明 A1 孙七 家长电话无人接听")
	mustContain(t, reply, "已记录 A1 孙七 未查明缺席原因", "政教处郑主任")
	ta.waitInbox("office-1", "缺勤原因未查明", "孙七", "家长电话无人接听")
}

// A 查明 covers the student's later entries of the form only while an entry
// that records it stays: withdrawn or corrected away, the next entry that
// carries it does; with none left the teacher is asked again.
func TestACauseCoversTheFormWhileAnEntryKeepsIt(t *testing.T) {
	ta := startTestApp(t, t.TempDir(), attClock("2026-11-26 12:00"), attNoRateLimit)
	ta.say("cadre-g1c1", "考勤 旷课：张三2节") // A1
	ta.setNow(attClock("2026-11-26 12:10"))
	mustContain(t, ta.say("teacher-g1c1", "查明 A1 张三 发烧在家，家长已知晓"), "已记录 A1 张三 的缺勤原因")
	ta.setNow(attClock("2026-11-26 12:20"))
	ta.say("cadre-g1c1", "考勤 旷课：张三1节") // A2, covered
	ta.setNow(attClock("2026-11-26 12:30"))
	mustContain(t, ta.say("cadre-g1c1", "撤回 A1"), "已撤回 A1")

	// A1 is gone; A2 still carries the cause, so A3 takes it.
	ta.setNow(attClock("2026-11-26 12:40"))
	mustContain(t, ta.say("cadre-g1c1", "考勤 旷课：张三1节、李四1节"), "已收到 A3")
	mustContain(t, ta.waitInbox("teacher-g1c1", "A3"), "张三 的缺勤原因已随 A1 查明（发烧在家，家长已知晓），无需再次回复")
	if got := ta.followups("A3"); got != "张三=found via A1：发烧在家，家长已知晓; 李四=pending" {
		t.Errorf("A3 follow-ups: %s", got)
	}

	// A2 corrected to name someone else, A3 withdrawn: nothing in the form
	// records 张三's cause any more.
	ta.setNow(attClock("2026-11-26 12:50"))
	mustContain(t, ta.say("cadre-g1c1", "更正 A2 旷课：李四1节"), "A2")
	mustContain(t, ta.say("cadre-g1c1", "撤回 A3"), "已撤回 A3")
	ta.setNow(attClock("2026-11-26 13:00"))
	mustContain(t, ta.say("cadre-g1c1", "考勤 旷课：张三1节"), "已收到 A4")
	notice := ta.waitInbox("teacher-g1c1", "A4")
	mustContain(t, notice, "查明 A4 张三 原因")
	mustNotContain(t, notice, "无需再次回复")
	if got := ta.followups("A4"); got != "张三=pending" {
		t.Errorf("A4 follow-ups: %s, want the teacher asked again", got)
	}
}
