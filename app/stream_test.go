package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/dingstream/streamtest"
	"github.com/baosong/baosong/config"
)

// streamApp is the demo organisation on DingTalk in Stream mode: a fake
// gateway (open endpoint + websocket) and a fake API host whose
// sessionWebhooks record the replies.
type streamApp struct {
	*testApp
	gw      *streamtest.Gateway
	api     *httptest.Server
	session *fakeDingTalk
	mu      sync.Mutex
	notices []string // work notification bodies (asyncsend_v2)
}

// ServeHTTP is the fake DingTalk API: a token, work notifications
// (recorded), and everything else to the session fake.
func (s *streamApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/gettoken":
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"tok","expires_in":7200}`)
	case "/topapi/message/corpconversation/asyncsend_v2":
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.notices = append(s.notices, string(body))
		s.mu.Unlock()
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","task_id":1}`)
	default:
		s.session.ServeHTTP(w, r)
	}
}

// dingStream enables DingTalk in Stream mode and moves members' pushes to DingTalk.
func dingStream(gw *streamtest.Gateway, api string, members ...string) option {
	return func(c *config.Config) {
		c.DingTalk = config.DingTalk{Enabled: true, AppKey: streamtest.ClientID, AppSecret: streamtest.ClientSecret,
			AgentID: 1, APIBase: api, Mode: config.ModeStream, StreamBase: gw.Srv.URL}
		for i := range c.Members {
			if slices.Contains(members, c.Members[i].ID) {
				c.Members[i].Channel = "dingtalk"
			}
		}
	}
}

func newStreamApp(t *testing.T, onDingTalk []string, opts ...option) *streamApp {
	t.Helper()
	s := &streamApp{gw: streamtest.New(t), session: &fakeDingTalk{}}
	s.api = httptest.NewServer(s)
	t.Cleanup(s.api.Close)
	s.testApp = newTestApp(t, time.Time{}, append([]option{dingStream(s.gw, s.api.URL, onDingTalk...)}, opts...)...)
	s.gw.WaitConnected(1)
	return s
}

// say sends a one-to-one robot message from a DingTalk userid through the gateway.
func (s *streamApp) say(msgID, user, text string) string {
	return s.gw.Message(streamtest.BotMessage(msgID, user, text, s.api.URL+"/robot/sendBySession?session=s1", time.Now()))
}

// records is what the store remembers of a DingTalk message: the records
// its handling stored, and whether it was handled at all.
func (s *streamApp) records(member, msgID string) ([]string, bool) {
	s.t.Helper()
	h, found, err := s.Store.Seen(context.Background(), "dingtalk|"+member+"|"+msgID)
	if err != nil {
		s.t.Fatal(err)
	}
	return h.Records, found
}

func (s *streamApp) healthz() (int, map[string]any) {
	s.t.Helper()
	resp, err := http.Get(s.srv.URL + "/healthz?verbose=1")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatalf("healthz?verbose=1 is not JSON: %s", raw)
	}
	return resp.StatusCode, out
}

// A class monitor at a school without a public address reports through
// the DingTalk robot in Stream mode: the same reply as the callback mode
// comes back through the sessionWebhook, the frame is acknowledged only
// once the form is in the store, a redelivered frame stores nothing new
// and gets the same reply, and a stranger is refused as on every channel.
func TestDingTalkStreamEndToEnd(t *testing.T) {
	var s *streamApp
	var mu sync.Mutex
	var early []string
	gwOnAck := func(a streamtest.Ack) {
		if a.MessageID != "frame-1" {
			return
		}
		if recs, _ := s.records("cadre-g1c1", "msg-1"); len(recs) == 0 {
			mu.Lock()
			early = append(early, a.MessageID)
			mu.Unlock()
		}
	}
	s = newStreamApp(t, nil)
	s.gw.OnAck(gwOnAck)
	id := s.say("msg-1", "cadre-g1c1", "考勤 旷课：李四1节")
	if a := s.gw.WaitAcks(1)[0]; a.MessageID != id || a.Code != 200 {
		t.Fatalf("ack %+v", a)
	}
	replies := s.session.wait(t, 1)
	mustContain(t, replies[0], "A1", "李四")
	mu.Lock()
	if len(early) > 0 {
		t.Errorf("acknowledged before the record was committed: %v", early)
	}
	mu.Unlock()

	// DingTalk redelivers the frame (a slow ack, a new connection): one record, the same reply.
	s.gw.SendID(id, "CALLBACK", "/v1.0/im/bot/messages/get",
		streamtest.BotMessage("msg-1", "cadre-g1c1", "考勤 旷课：李四1节", s.api.URL+"/robot/sendBySession?session=s1", time.Now()))
	s.gw.WaitAcks(2)
	replies = s.session.wait(t, 2)
	if replies[1] != replies[0] {
		t.Errorf("redelivery answered differently:\n%s\n---\n%s", replies[0], replies[1])
	}
	mine := s.testApp.say("cadre-g1c1", "我的")
	mustContain(t, mine, "A1")
	mustNotContain(t, mine, "A2")

	s.say("msg-2", "someone-else", "考勤 全勤")
	replies = s.session.wait(t, 3)
	mustContain(t, replies[2], "尚未登记")

	code, h := s.healthz()
	conns, _ := h["connections"].([]any)
	if code != 200 || h["status"] != "ok" || len(conns) != 1 {
		t.Fatalf("healthz %d %v", code, h)
	}
	c := conns[0].(map[string]any)
	frames, _ := c["frames"].(map[string]any)
	if c["channel"] != "dingtalk" || c["connected"] != true || frames["message"] != 3.0 || c["redeliveries"] != 1.0 {
		t.Errorf("connection state %v", c)
	}
	if got := s.metric(`baosong_link_connected{channel="dingtalk"}`); got != 1 {
		t.Errorf("baosong_link_connected = %v", got)
	}
	if got := s.metric(`baosong_link_redeliveries_total{channel="dingtalk"}`); got != 1 {
		t.Errorf("baosong_link_redeliveries_total = %v", got)
	}
	// No HTTP callback is served in Stream mode.
	resp, err := http.Post(s.srv.URL+"/hook/dingtalk", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /hook/dingtalk in stream mode: HTTP %d", resp.StatusCode)
	}
}

// The server dies after the form was committed and before the ack reached
// DingTalk: the gateway never got it, so it delivers the frame again to
// the restarted server, which answers from the stored record — one form,
// the same reply.
func TestDingTalkStreamCrashBeforeAckStoresOnce(t *testing.T) {
	gw := streamtest.New(t)
	session := &fakeDingTalk{}
	api := httptest.NewServer(session)
	defer api.Close()
	data := t.TempDir()
	first := startTestApp(t, data, time.Time{}, dingStream(gw, api.URL))
	gw.WaitConnected(1)
	gw.LoseAcks(true) // whatever the first server acknowledges never arrives
	body := streamtest.BotMessage("msg-crash", "cadre-g1c1", "考勤 旷课：王五2节", api.URL+"/robot/sendBySession?session=s1", time.Now())
	id := gw.Message(body)
	waitFor(t, "the record committed", func() bool {
		h, _, _ := first.Store.Seen(context.Background(), "dingtalk|cadre-g1c1|msg-crash")
		return len(h.Records) == 1
	}, func() string { return "no record" })
	first.stop() // the process is gone; its ack never arrived
	gw.LoseAcks(false)

	second := startTestApp(t, data, time.Time{}, dingStream(gw, api.URL))
	gw.WaitConnected(2)
	if p := gw.Pending(); len(p) != 1 || p[0] != id {
		t.Fatalf("pending at the gateway: %v", p)
	}
	gw.Redeliver()
	if a := gw.WaitAcks(1)[0]; a.MessageID != id || a.Code != 200 {
		t.Fatalf("ack after restart %+v", a)
	}
	replies := session.wait(t, 2)
	if replies[0] != replies[1] {
		t.Errorf("reply after restart differs:\n%s\n---\n%s", replies[0], replies[1])
	}
	mine := second.say("cadre-g1c1", "我的")
	mustContain(t, mine, "A1")
	mustNotContain(t, mine, "A2")
}

// The gateway restarts (disconnect) and later the network drops: the
// server connects again each time with a new ticket, keeps answering, and
// /healthz and /metrics count the reconnects.
func TestDingTalkStreamReconnects(t *testing.T) {
	s := newStreamApp(t, nil)
	s.gw.Disconnect()
	s.gw.WaitConnected(2)
	s.say("m-a", "cadre-g1c1", "帮助")
	s.session.wait(t, 1)
	s.gw.Drop()
	s.gw.WaitConnected(3)
	s.say("m-b", "cadre-g1c1", "我的")
	s.session.wait(t, 2)
	if n := len(s.gw.Opens()); n != 3 {
		t.Errorf("%d open requests for 3 connections", n)
	}
	if got := s.metric(`baosong_link_reconnects_total{channel="dingtalk"}`); got != 2 {
		t.Errorf("baosong_link_reconnects_total = %v, want 2", got)
	}
	_, h := s.healthz()
	c := h["connections"].([]any)[0].(map[string]any)
	if c["reconnects"] != 2.0 || c["connected"] != true {
		t.Errorf("state %v", c)
	}
}

// A thousand messages arrive at once (a morning's backlog after an
// outage, from the 60 classes of a big school): each is acknowledged once,
// stores exactly one record, and gets one reply.
func TestDingTalkStreamBurstOfAThousand(t *testing.T) {
	sb := newStreamBench(t)
	const n = 1000
	for i := range n {
		sb.gw.SendID(fmt.Sprintf("f-%d", i), "CALLBACK", "/v1.0/im/bot/messages/get", sb.message(i))
	}
	acks := sb.gw.WaitAcks(n)
	sb.sessions.wait(t, n)
	seen := map[string]bool{}
	for _, a := range acks {
		if a.Code != 200 || seen[a.MessageID] {
			t.Fatalf("ack %+v (seen before: %v)", a, seen[a.MessageID])
		}
		seen[a.MessageID] = true
	}
	records := map[string]string{}
	for i := range n {
		key := fmt.Sprintf("dingtalk|%s|bench-%d", sb.cadres[i%len(sb.cadres)], i)
		h, found, err := sb.app.Store.Seen(context.Background(), key)
		if err != nil || !found || len(h.Records) != 1 {
			t.Fatalf("%s: found %v, records %v, %v", key, found, h.Records, err)
		}
		if prev, dup := records[h.Records[0]]; dup {
			t.Fatalf("record %s stored for %s and %s", h.Records[0], key, prev)
		}
		records[h.Records[0]] = key
	}
	if len(sb.gw.Pending()) != 0 {
		t.Errorf("%d frames left unacknowledged", len(sb.gw.Pending()))
	}
}

// waitCard waits for a work notification to member that is an ActionCard
// containing every part, and returns its buttons: title → the command the
// button makes the DingTalk client send.
func (s *streamApp) waitCard(user string, parts ...string) map[string]string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		notices := slices.Clone(s.notices)
		s.mu.Unlock()
		for _, raw := range notices {
			var n struct {
				Users string `json:"userid_list"`
				Msg   struct {
					MsgType string `json:"msgtype"`
					Card    struct {
						Markdown string `json:"markdown"`
						Buttons  []struct {
							Title string `json:"title"`
							URL   string `json:"action_url"`
						} `json:"btn_json_list"`
					} `json:"action_card"`
				} `json:"msg"`
			}
			if json.Unmarshal([]byte(raw), &n) != nil || n.Users != user || n.Msg.MsgType != "action_card" ||
				!containsAll(n.Msg.Card.Markdown, parts...) {
				continue
			}
			buttons := map[string]string{}
			for _, b := range n.Msg.Card.Buttons {
				u, err := url.Parse(b.URL)
				if err != nil || u.Scheme != "dtmd" || u.Host != "dingtalkclient" || u.Path != "/sendMessage" {
					s.t.Fatalf("button %q goes to %q", b.Title, b.URL)
				}
				buttons[b.Title] = u.Query().Get("content")
			}
			return buttons
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no ActionCard to %s containing %q; work notifications: %v", user, parts, notices)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A teacher reports an incident; the leader on DingTalk gets an
// ActionCard and taps 收到: the tap is the leader sending 收到 E1, handled
// as if typed. A class monitor who taps a forwarded card (or types the
// command) is refused with the same words, and the incident stays
// unacknowledged until the leader's tap. (Whether DingTalk delivers a
// tap on a work notification's card to the robot is not confirmed,
// docs/protocols.md §3.6; what baosong controls is tested here.)
func TestDingTalkIncidentCardButtons(t *testing.T) {
	s := newStreamApp(t, []string{"leader-1", "cadre-g1c1"})
	mustContain(t, s.testApp.say("teacher-g1c1", foodReport), "已收到急报 E1")
	buttons := s.waitCard("leader-1", "急报 E1", "腹痛")
	if buttons["收到"] != "收到 E1" || buttons["续报"] != "续报 E1" {
		t.Fatalf("buttons %v", buttons)
	}

	s.say("tap-1", "cadre-g1c1", buttons["收到"])
	refusal := s.session.wait(t, 1)[0]
	typed := s.testApp.say("cadre-g1c1", "收到 E1")
	if refusal != typed {
		t.Errorf("a tap by a class monitor is answered\n%s\nbut the typed command\n%s", refusal, typed)
	}
	mustNotContain(t, refusal, "已确认急报")

	s.say("tap-2", "leader-1", buttons["收到"])
	mustContain(t, s.session.wait(t, 2)[1], "已确认急报 E1", "刘老师")
	s.waitInbox("teacher-g1c1", "急报已确认 E1", "王副校长")

	// 续报 opens the follow-up: the leader is asked for its content.
	s.say("tap-3", "leader-1", buttons["续报"])
	mustContain(t, s.session.wait(t, 3)[2], "请在编号后写明续报内容", "续报 E1")
}
