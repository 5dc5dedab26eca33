package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/dingstream/streamtest"
	"github.com/baosong/baosong/bot/wecombot/aibottest"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/loadgen"
	"github.com/baosong/baosong/org"
)

// A school that turns every mode on at once — the WeCom app on /hook/wecom,
// the WeCom AI bot and DingTalk in Stream mode on long connections — gets
// each as if it were alone: a class monitor reports through the WeCom app
// and reads it back through the AI bot, another reports through the
// DingTalk Stream; /hook/dingtalk is not served (Stream mode);
// /healthz?verbose=1 shows both connections; and the absence notice to a
// WeCom teacher goes out as an app message (the app reaches every member),
// not through the AI bot.
func TestEveryPlatformModeAtOnce(t *testing.T) {
	wecomAPI := &cardAPI{}
	wapi := httptest.NewServer(wecomAPI)
	defer wapi.Close()
	ws := aibottest.New(t)
	s := &streamApp{gw: streamtest.New(t), session: &fakeDingTalk{}}
	s.api = httptest.NewServer(s)
	defer s.api.Close()
	s.testApp = newTestApp(t, time.Time{}, withWeCom(wapi.URL, "teacher-g1c1", "cadre-g1c1"),
		dingStream(s.gw, s.api.URL, "cadre-g1c2"), func(c *config.Config) {
			c.WeComBot = config.WeComBot{Enabled: true, BotID: aibottest.BotID, Secret: aibottest.Secret, WSURL: ws.URL()}
		})
	s.gw.WaitConnected(1)
	ws.WaitConnected(1)

	mustContain(t, s.wecomSay("cadre-g1c1", "考勤 旷课：张三2节", 7001), "A1", "张三")
	mustContain(t, ws.WaitReply(ws.Message("msg-1", "cadre-g1c1", "我的")), "A1", "张三")
	s.say("msg-2", "cadre-g1c2", "考勤 晚归：周八")
	mustContain(t, s.session.wait(t, 1)[0], "周八")

	resp, err := http.Post(s.srv.URL+"/hook/dingtalk", "application/json", strings.NewReader(`{"msgtype":"text"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /hook/dingtalk in Stream mode: HTTP %d, want 404", resp.StatusCode)
	}

	code, h := s.healthz()
	conns, _ := h["connections"].([]any)
	var channels []string
	for _, c := range conns {
		c, _ := c.(map[string]any)
		if c["connected"] == true {
			channels = append(channels, fmt.Sprint(c["channel"]))
		}
	}
	if code != http.StatusOK || strings.Join(channels, ",") != "wecom_bot,dingtalk" {
		t.Errorf("healthz %d, connected %v: %v", code, channels, h)
	}

	wecomAPI.wait(t, "the absence notice as an app message", func(sends, _ []map[string]any) bool {
		for _, m := range sends {
			if m["touser"] == "teacher-g1c1" && strings.Contains(fmt.Sprint(m), "张三") {
				return true
			}
		}
		return false
	})
	s.settle()
	for _, f := range ws.Frames("aibot_send_msg") {
		t.Errorf("a push went through the AI bot although the WeCom app is on: %v", f.Body)
	}
}

// A school without a public address talks to the WeCom AI bot and keeps
// its duty group's robot for alerts ([wecom.robots], no [wecom] app): the
// absence notice to a WeCom class teacher reaches them through the AI bot
// (the robots cannot reach a member), and the incident alert goes to the
// duty group through its robot — neither is given up as undeliverable.
func TestWeComAIBotBesideGroupRobots(t *testing.T) {
	fake := &loadgen.FakeWeCom{}
	api := httptest.NewServer(fake)
	defer api.Close()
	s := newAIBotApp(t, []string{"teacher-g1c1"}, func(c *config.Config) {
		c.WeCom = config.WeCom{APIBase: api.URL, Robots: map[string]string{"duty": "robot-key"}}
		c.Groups = append(c.Groups, org.Group{Name: "值班群", Channel: "wecom", Robot: "duty"})
		c.Incident.Levels[0].Groups = []string{"值班群"}
	})
	mustContain(t, s.say("cadre-g1c1", "考勤 旷课：张三2节"), "A1", "张三")
	s.ws.Wait("the absence notice through the AI bot", func() bool {
		for _, f := range s.ws.Frames("aibot_send_msg") {
			if f.Body["chatid"] == "teacher-g1c1" && strings.Contains(fmt.Sprint(f.Body), "张三") {
				return true
			}
		}
		return false
	})
	mustContain(t, s.say("teacher-g1c2", foodReport), "已收到急报 E1")
	waitFor(t, "the alert through the duty group's robot", func() bool {
		_, robots := fake.Counts()
		return robots >= 1
	}, func() string { return fmt.Sprint("queued: ", s.queued()) })
	s.settle()
	for _, it := range s.queued() {
		t.Errorf("still queued (failed or retrying): %+v", it)
	}
}
