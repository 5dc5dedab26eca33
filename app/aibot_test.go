package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/wecombot"
	"github.com/baosong/baosong/bot/wecombot/aibottest"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

// aibotApp is the demo organisation with the WeCom AI bot on a long
// connection to a fake WeCom server, and no [wecom] app: pushes to members
// on channel wecom go through the bot too.
type aibotApp struct {
	*testApp
	ws *aibottest.Server
}

func newAIBotApp(t *testing.T, onWeCom []string, opts ...option) *aibotApp {
	t.Helper()
	ws := aibottest.New(t)
	s := &aibotApp{ws: ws, testApp: newTestApp(t, time.Time{}, append([]option{withAIBot(ws, onWeCom)}, opts...)...)}
	ws.WaitConnected(1)
	return s
}

// withAIBot enables the AI bot on the fake ws; the members onWeCom take
// their pushes on WeCom.
func withAIBot(ws *aibottest.Server, onWeCom []string) option {
	return func(c *config.Config) {
		c.WeComBot = config.WeComBot{Enabled: true, BotID: aibottest.BotID, Secret: aibottest.Secret, WSURL: ws.URL()}
		for i := range c.Members {
			if slices.Contains(onWeCom, c.Members[i].ID) {
				c.Members[i].Channel = "wecom"
			}
		}
	}
}

// stored is what the store remembers of a WeCom message: its records, and
// whether it was handled at all.
func (s *aibotApp) stored(member, msgID string) ([]string, bool) {
	s.t.Helper()
	h, found, err := s.Store.Seen(context.Background(), "wecom|"+member+"|"+msgID)
	if err != nil {
		s.t.Fatal(err)
	}
	return h.Records, found
}

// A class monitor at a school without a public address reports to the
// WeCom AI bot: the reply (the same as on every channel) comes back on the
// connection with the message's req_id, only once the form is stored; a
// resent message stores nothing new and gets the same reply; a stranger is
// refused; /healthz?verbose=1 shows the connection.
func TestWeComAIBotEndToEnd(t *testing.T) {
	s := newAIBotApp(t, nil)
	var mu sync.Mutex
	var early []string
	s.ws.OnReply(func(f aibottest.Frame) {
		st, _ := f.Body["stream"].(map[string]any)
		if id, _ := st["id"].(string); id == "msg-1" {
			if recs, _ := s.stored("cadre-g1c1", id); len(recs) == 0 {
				mu.Lock()
				early = append(early, id)
				mu.Unlock()
			}
		}
	})
	req := s.ws.Message("msg-1", "cadre-g1c1", "考勤 旷课：李四1节")
	first := s.ws.WaitReply(req)
	mustContain(t, first, "A1", "李四")
	mu.Lock()
	if len(early) > 0 {
		t.Errorf("replied before the record was committed: %v", early)
	}
	mu.Unlock()
	if recs, found := s.stored("cadre-g1c1", "msg-1"); !found || len(recs) != 1 {
		t.Fatalf("stored %v %v", found, recs)
	}

	again := s.ws.WaitReply(s.ws.Message("msg-1", "cadre-g1c1", "考勤 旷课：李四1节"))
	if again != first {
		t.Errorf("resent message answered differently:\n%s\n---\n%s", first, again)
	}
	mine := s.say("cadre-g1c1", "我的")
	mustContain(t, mine, "A1")
	mustNotContain(t, mine, "A2")

	mustContain(t, s.ws.WaitReply(s.ws.Message("msg-2", "someone-else", "考勤 全勤")), "尚未登记")

	code, h := (&streamApp{testApp: s.testApp}).healthz()
	conns, _ := h["connections"].([]any)
	if code != 200 || len(conns) != 1 {
		t.Fatalf("healthz %d %v", code, h)
	}
	c := conns[0].(map[string]any)
	frames, _ := c["frames"].(map[string]any)
	if c["channel"] != "wecom_bot" || c["connected"] != true || frames["message"] != 3.0 || c["redeliveries"] != 1.0 {
		t.Errorf("connection state %v", c)
	}
	if got := s.metric(`baosong_link_connected{channel="wecom_bot"}`); got != 1 {
		t.Errorf("baosong_link_connected = %v", got)
	}
}

// A thousand messages in a burst: each answered once on its own req_id,
// each stored once.
func TestWeComAIBotBurstOfAThousand(t *testing.T) {
	s := newAIBotApp(t, nil, func(c *config.Config) { c.Server.RatePerMinute = 0 })
	cadres := []string{"cadre-g1c1", "cadre-g1c2"}
	texts := []string{"考勤 旷课：李四1节", "考勤 晚归：周八"}
	const n = 1000
	reqs := make([]string, n)
	for i := range n {
		reqs[i] = s.ws.Message(fmt.Sprintf("burst-%d", i), cadres[i%len(cadres)], texts[i%len(texts)])
	}
	replies := s.ws.WaitFrames("aibot_respond_msg", n)
	byReq := map[string]int{}
	for _, f := range replies {
		byReq[f.ReqID()]++
	}
	records := map[string]string{}
	for i := range n {
		if byReq[reqs[i]] != 1 {
			t.Fatalf("burst-%d answered %d times", i, byReq[reqs[i]])
		}
		recs, found := s.stored(cadres[i%len(cadres)], fmt.Sprintf("burst-%d", i))
		if !found || len(recs) != 1 {
			t.Fatalf("burst-%d: found %v, records %v", i, found, recs)
		}
		if prev, dup := records[recs[0]]; dup {
			t.Fatalf("record %s stored for burst-%d and %s", recs[0], i, prev)
		}
		records[recs[0]] = fmt.Sprint("burst-", i)
	}
}

// An urgent incident reaches the leader through the AI bot as a card with
// 收到 / 续报 buttons. A class monitor's click is refused exactly as the
// typed command; the leader's click acknowledges, the card then says so,
// and the reporter hears who acknowledged.
func TestWeComAIBotIncidentCardButtons(t *testing.T) {
	s := newAIBotApp(t, []string{"leader-1", "cadre-g1c1"})
	mustContain(t, s.say("teacher-g1c1", foodReport), "已收到急报 E1")
	var card map[string]any
	s.ws.Wait("the incident card", func() bool {
		for _, f := range s.ws.Frames("aibot_send_msg") {
			if f.Body["chatid"] == "leader-1" && f.Body["msgtype"] == "template_card" {
				card = f.Body["template_card"].(map[string]any)
				return true
			}
		}
		return false
	})
	buttons := cardButtons(card)
	if buttons["收到"] != "收到 E1" || buttons["续报"] != "续报 E1" {
		t.Fatalf("buttons %v", buttons)
	}
	mustContain(t, fmt.Sprint(card["main_title"], card["sub_title_text"]), "E1", "腹痛")
	task := card["task_id"].(string)

	updated := func(n int) map[string]any {
		t.Helper()
		return s.ws.WaitFrames("aibot_respond_update_msg", n)[n-1].Body["template_card"].(map[string]any)
	}
	s.ws.Click("tap-1", "cadre-g1c1", buttons["收到"], task)
	refusal := updated(1)["sub_title_text"].(string)
	typed := s.say("cadre-g1c1", "收到 E1")
	if refusal != typed {
		t.Errorf("a click by a class monitor is answered\n%s\nbut the typed command\n%s", refusal, typed)
	}
	mustNotContain(t, refusal, "已确认急报")

	s.ws.Click("tap-2", "leader-1", buttons["收到"], task)
	up := updated(2)
	if up["task_id"] != task {
		t.Errorf("updated card %v, want task %s", up, task)
	}
	mustContain(t, up["sub_title_text"].(string), "已确认急报 E1", "刘老师")
	s.waitInbox("teacher-g1c1", "急报已确认 E1", "王副校长")
}

// In a group chat with the bot, a member's answer (it names students and
// records) goes to them privately; the group hears only that it did.
// Someone unknown is refused in the group, as on every channel.
func TestWeComAIBotGroupChatAnswersPrivately(t *testing.T) {
	s := newAIBotApp(t, []string{"cadre-g1c1"})
	group := func(msgID, user, text string) string {
		return s.ws.Send("aibot_msg_callback", map[string]any{"msgid": msgID, "aibotid": aibottest.BotID, "chatid": "grp-1",
			"chattype": "group", "from": map[string]any{"userid": user}, "msgtype": "text", "text": map[string]any{"content": text}})
	}
	if got := s.ws.WaitReply(group("g-1", "cadre-g1c1", "考勤 旷课：李四1节")); got != wecombot.TextSentPrivate {
		t.Fatalf("group answer %q", got)
	}
	var private string
	s.ws.Wait("the private answer", func() bool {
		for _, f := range s.ws.Frames("aibot_send_msg") {
			if f.Body["chatid"] == "cadre-g1c1" {
				private = fmt.Sprint(f.Body["markdown"])
				return true
			}
		}
		return false
	})
	mustContain(t, private, "A1", "李四")
	mustContain(t, s.ws.WaitReply(group("g-2", "someone-else", "考勤 全勤")), "尚未登记")
}

// A school whose duty group has the AI bot in it (and no group robot): an
// urgent incident is alerted to level 0's group at once, as aibot_send_msg
// with the group's chatid, and the push is recorded as delivered.
func TestWeComAIBotIncidentToGroupByChatID(t *testing.T) {
	s := newAIBotApp(t, nil, func(c *config.Config) {
		c.Groups = append(c.Groups, org.Group{Name: "值班群", Channel: "wecom", ChatID: "wrkSFfCgAA-duty"})
		c.Incident.Levels[0].Groups = []string{"值班群"}
	})
	mustContain(t, s.say("teacher-g1c1", foodReport), "已收到急报 E1")
	var alert map[string]any
	s.ws.Wait("the group alert", func() bool {
		for _, f := range s.ws.Frames("aibot_send_msg") {
			if f.Body["chatid"] == "wrkSFfCgAA-duty" {
				alert = f.Body
				return true
			}
		}
		return false
	})
	mustContain(t, fmt.Sprint(alert["markdown"], alert["template_card"]), "E1", "腹痛")
	const ok = `baosong_pushes_total{channel="wecom_bot",result="delivered"} 1`
	waitFor(t, "the group alert counted as delivered", func() bool {
		resp, err := http.Get(s.srv.URL + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(raw), ok)
	}, func() string { return fmt.Sprint("queued: ", s.queued()) })
}
