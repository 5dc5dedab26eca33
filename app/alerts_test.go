package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
)

// ddgRobot puts the DingTalk group robot "ddg" (on the fake API at url)
// into escalation level 0, beside leader-1 on the local channel.
func ddgRobot(url string) option {
	return func(c *config.Config) {
		c.DingTalk.Robots = map[string]config.DingTalkRobot{"ddg": {Webhook: url + "/robot/send?access_token=ddg", Secret: "SECddg"}}
		c.Groups = append(c.Groups, config.Group{Name: "ddg", Channel: "dingtalk", Robot: "ddg"})
		c.Incident.Levels[0].Groups = []string{"ddg"}
	}
}

// Issue 14 item 10a: the reporter's reply says 已通知 only for the pushes
// delivered before it is sent, else 正在通知; a first push still not
// delivered two minutes later is told to the reporter once, so a person
// phones. A robot that fails once and then takes the push raises nothing.
func TestAlertReplySaysWhatWasDelivered(t *testing.T) {
	t.Parallel() // waits on the outbox's 1 s poll and the reply's 1 s bound
	api := newFaultyAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	ta := startAppWithHTTP(t, incidentT0, &http.Client{Timeout: 2 * time.Second}, ddgRobot(srv.URL))

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
