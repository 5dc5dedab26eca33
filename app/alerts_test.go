package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

// ddgRobot puts the DingTalk group robot "ddg" (on the fake API at url)
// into escalation level 0, beside leader-1 on the local channel.
func ddgRobot(url string) option {
	return func(c *config.Config) {
		c.DingTalk.Robots = map[string]config.DingTalkRobot{"ddg": {Webhook: url + "/robot/send?access_token=ddg", Secret: "SECddg"}}
		c.Groups = append(c.Groups, org.Group{Name: "ddg", Channel: "dingtalk", Robot: "ddg"})
		c.Incident.Levels[0].Groups = []string{"ddg"}
	}
}

// startWithDDG starts the demo organisation at incidentT0 with the group
// robot "ddg" of a fake DingTalk API in escalation level 0.
func startWithDDG(t *testing.T, httpc *http.Client, opts ...option) (*testApp, *faultyAPI) {
	t.Helper()
	api := newFaultyAPI()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close) // after the app stops
	return startAppWithHTTP(t, incidentT0, httpc, append([]option{ddgRobot(srv.URL)}, opts...)...), api
}

// Issue 14 item 10a: the reporter's reply says 已通知 only for the pushes
// delivered before it is sent, else 正在通知; a first push still not
// delivered two minutes later is told to the reporter once, so a person
// phones. A robot that fails once and then takes the push raises nothing.
func TestAlertReplySaysWhatWasDelivered(t *testing.T) {
	t.Parallel() // waits on the outbox's 1 s poll and the reply's 1 s bound
	ta, api := startWithDDG(t, &http.Client{Timeout: 2 * time.Second})

	// The robot works: both delivered before the reply.
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1，已通知：王副校长、群“ddg”。")

	// The robot is unreachable (502): leader-1 has it, the group does not.
	api.set(fail5xx)
	t2 := incidentT0.Add(time.Minute)
	ta.setNow(t2)
	reply := ta.say("teacher-g1c1", "急报 高一(2)班体育课一名学生摔倒，右臂骨折，已送县医院")
	mustContain(t, reply, "已收到急报 E2，已通知：王副校长；正在通知：群“ddg”…（2分钟后仍未送达会告诉您）")
	// The robot is silent (no answer within the reply's bound): 正在通知
	// too, and leader-1 has it at once all the same.
	api.set(failSlow)
	t3 := t2.Add(30 * time.Second)
	ta.setNow(t3)
	start := time.Now()
	reply = ta.say("officer-2", "急报 食堂后门消防通道被杂物堵塞")
	mustContain(t, reply, "已收到急报 E3，已通知：王副校长；正在通知：群“ddg”…")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the reply waited %v for a silent robot", took)
	}

	// Two minutes after E2 the group still has nothing: the reporter is told,
	// naming the group.
	api.set(fail5xx)
	ta.setNow(t2.Add(2 * time.Minute))
	ta.waitInbox("teacher-g1c1", "E2 的通知尚未送达群“ddg”，请电话联系")
	// The robot comes back before E3's check: E2 and E3 arrive, in order,
	// and nothing is said about E3.
	api.set(answerOK)
	var next time.Time
	waitFor(t, "the group's pushes to wait for their retry", func() bool {
		next = time.Time{}
		for _, it := range ta.queued() {
			if it.Notification.To.Group == "ddg" && it.Attempts > 0 && it.NextAt.After(t2.Add(2*time.Minute)) {
				next = it.NextAt
			}
		}
		return !next.IsZero()
	}, func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	if !next.Before(t3.Add(2 * time.Minute)) {
		t.Fatalf("the robot's retry is at %s, after E3's check", next.Format(time.TimeOnly))
	}
	ta.setNow(next)
	waitFor(t, "the backlog to drain", func() bool { return len(ta.queued()) == 0 },
		func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	var alerts []string
	for _, k := range api.accepted() {
		if m := alertID.FindStringSubmatch(k); m != nil {
			alerts = append(alerts, m[1])
		}
	}
	if !slices.Equal(alerts, []string{"E1", "E2", "E3"}) {
		t.Errorf("the group got the alerts %v, want E1, E2, E3 once each, in order", alerts)
	}
	ta.setNow(incidentT0.Add(10 * time.Minute))
	ta.pushAt("leader-2", "急报升级 E1") // the clock ran past every check
	ta.settle()
	if n := ta.count("teacher-g1c1", "尚未送达"); n != 1 {
		t.Errorf("reporter told %d times of undelivered alerts: %v", n, texts(ta.inbox("teacher-g1c1")))
	}
	if n := ta.count("officer-2", "尚未送达"); n != 0 {
		t.Errorf("officer-2 told of an alert that arrived: %v", texts(ta.inbox("officer-2")))
	}
	for k := range api.deliveries() {
		if strings.Contains(k, "尚未送达") {
			t.Errorf("the notice of non-delivery went to the robot: %s", k)
		}
	}
}

// Issue 14 items 10b and 10c: while the group's robot is down its pushes
// queue up; when it takes one again, the rest follow at once, first alerts
// before repeats and repeats before reminders, and the repeats waiting for
// the group go as one digest.
func TestAlertsQueueByPriorityAndDigestRepeats(t *testing.T) {
	t.Parallel() // waits on the outbox's 1 s poll after each clock move
	ta, api := startWithDDG(t, nil, fastIncidents)
	reports := []struct{ who, text string }{
		{"teacher-g1c1", foodReport},
		{"teacher-g2c1", "急报 高二(1)班一名学生课间在楼梯摔倒，右臂骨折，已送县医院"},
		{"officer-2", "急报 食堂后门消防通道被杂物堵塞"},
	}
	for i, r := range reports {
		mustContain(t, ta.say(r.who, r.text), fmt.Sprintf("已收到急报 E%d，已通知：王副校长、群“ddg”。", i+1))
	}

	// The robot goes down; nobody acknowledges; round 1 repeats E1–E3.
	api.set(fail5xx)
	ta.setNow(incidentT0.Add(2 * time.Minute))
	waitFor(t, "the group's repeats to wait", func() bool {
		n := 0
		for _, it := range ta.queued() {
			if it.Notification.To.Group == "ddg" {
				n++
			}
		}
		return n == 3
	}, func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	// A reminder for the group is queued meanwhile, then a new incident.
	if _, err := ta.Store.Enqueue(bot.Notification{Key: "test|reminder|ddg", To: bot.Recipient{Group: "ddg"},
		Title: "考勤提醒", Text: "请各班于 17:00 前提交日常信息报表", Priority: bot.PriorityReminder}); err != nil {
		t.Fatal(err)
	}
	ta.setNow(incidentT0.Add(2*time.Minute + 20*time.Second))
	mustContain(t, ta.say("teacher-g1c2", "急报 高一(2)班教室吊扇松动，已停用"), "已收到急报 E4", "正在通知：群“ddg”…")

	// The robot comes back: everything waiting for the group goes out at
	// the next attempt, in priority order, the repeats as one digest.
	before := len(api.accepted())
	api.set(answerOK)
	ta.setNow(ta.queued()[0].NextAt)
	waitFor(t, "the group's queue to drain", func() bool { return len(ta.queued()) == 0 },
		func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	got := api.accepted()[before:]
	if len(got) != 3 {
		t.Fatalf("the group got %d posts, want the alert, one digest and the reminder:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	mustContain(t, got[0], "【急报 E4｜")
	mustContain(t, got[1], "仍有 3 起急报未确认：E1、E2、E3。", "E1｜重大｜高一(1)班 刘老师 12:45报告：高一(1)班3名学生午餐后腹痛",
		"（已过2分钟，第1轮）", "E2｜", "E3｜", "收到 E1")
	mustContain(t, got[2], "请各班于 17:00 前提交日常信息报表")
	// leader-1 on the local channel had round 1 at once: each incident in
	// one push (alone or in a digest of the repeats that went together).
	for _, id := range []string{"E1", "E2", "E3"} {
		n := 0
		for _, m := range ta.inbox("leader-1") {
			if strings.Contains(m.Text, "急报再次提醒") && strings.Contains(m.Text, id+"｜") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("leader-1 got %s's repeat %d times: %v", id, n, texts(ta.inbox("leader-1")))
		}
	}
}

// A robot that refuses the push for good (310000: its security settings)
// is named as 无法送达 in the reply, and the reporter is told again when
// the check comes.
func TestAlertReplyNamesARobotThatRefuses(t *testing.T) {
	t.Parallel()
	ta, api := startWithDDG(t, nil)
	api.set(failSecurity)
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1，已通知：王副校长；无法送达：群“ddg”（请电话联系）。")
	ta.setNow(incidentT0.Add(2 * time.Minute))
	ta.waitInbox("teacher-g1c1", "E1 的通知尚未送达群“ddg”，请电话联系")
	if failed, _ := ta.Store.Failed(10); len(failed) != 1 || failed[0].Notification.To.Group != "ddg" {
		t.Errorf("parked pushes: %+v", failed)
	}
}

// Issue 14 item 10c with the robot's own pacing (20 messages a minute): a
// new alert queued behind a burst of reminders goes in the first free slot,
// before them.
func TestAlertJumpsAPacedRobotsBacklog(t *testing.T) {
	t.Parallel()
	ta, api := startWithDDG(t, nil)
	var burst []bot.Notification
	for i := range 25 {
		burst = append(burst, bot.Notification{Key: fmt.Sprintf("test|remind|%d", i), To: bot.Recipient{Group: "ddg"},
			Title: "考勤提醒", Text: fmt.Sprintf("第%d条：请各班于 17:00 前提交日常信息报表", i+1), Priority: bot.PriorityReminder})
	}
	if _, err := ta.Store.Enqueue(burst...); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the robot's minute to fill", func() bool { return len(api.accepted()) == 20 && len(ta.queued()) == 5 },
		func() string { return fmt.Sprintf("%d posts, %d queued", len(api.accepted()), len(ta.queued())) })

	ta.setNow(incidentT0.Add(10 * time.Second))
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1，已通知：王副校长；正在通知：群“ddg”…")
	ta.setNow(incidentT0.Add(time.Minute))
	waitFor(t, "the backlog to drain", func() bool { return len(ta.queued()) == 0 },
		func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	got := api.accepted()[20:]
	if len(got) != 6 || !strings.Contains(got[0], "【急报 E1｜") {
		t.Fatalf("after the paced minute the group got:\n%s", strings.Join(got, "\n---\n"))
	}
	for i, k := range got[1:] {
		mustContain(t, k, fmt.Sprintf("第%d条", 21+i))
	}
}
