package wecombot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/wecombot"
	"github.com/baosong/baosong/bot/wecombot/aibottest"
)

// store is a handler that "commits" every message it handles before it
// answers, so a test can check what was committed when the reply left.
type store struct {
	mu   sync.Mutex
	seen map[string]string // msgid → text
}

func (s *store) Handle(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]string{}
	}
	s.seen[m.ID] = m.User + ":" + m.Text
	return bot.Text("已收到：" + m.Text), nil
}

func (s *store) has(id string) bool { s.mu.Lock(); defer s.mu.Unlock(); _, ok := s.seen[id]; return ok }

type dir struct{}

func (dir) UserID(member string) string {
	if member == "nobody" {
		return ""
	}
	return "wx-" + member
}

// ChatID: only group "高一年级群" has the AI bot in it.
func (dir) ChatID(group string) string {
	if group == "高一年级群" {
		return "wrkSFfCgAA-g1"
	}
	return ""
}

type run struct {
	c    *wecombot.Client
	link *platform.Link
	done chan error
	stop context.CancelFunc
}

var fast = platform.Backoff{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond}

func start(t *testing.T, srv *aibottest.Server, h bot.Handler, secret string, opts ...wecombot.Option) *run {
	t.Helper()
	link, err := platform.NewLink(nil, "wecom_bot")
	if err != nil {
		t.Fatal(err)
	}
	c, err := wecombot.New(wecombot.Config{URL: srv.URL(), BotID: aibottest.BotID, Secret: secret}, h, dir{}, link,
		platform.Build("wecom_bot", nil), append([]wecombot.Option{wecombot.WithBackoff(fast)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{c: c, link: link, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

// A wrong secret is refused: the client says which setting to check, keeps
// retrying with growing waits, and connects once the secret is accepted.
func TestSubscribeRefused(t *testing.T) {
	srv := aibottest.New(t)
	srv.Refuse(true)
	r := start(t, srv, &store{}, aibottest.Secret)
	srv.Wait("3 attempts", func() bool { return len(srv.Subscriptions()) >= 3 })
	st := r.link.State()
	if st.Connected || !strings.Contains(st.LastError, "40001") || !strings.Contains(st.LastError, "[wecom_bot] bot_id 与 secret") {
		t.Fatalf("state after refusals: %+v", st)
	}
	subs := srv.Subscriptions()
	if gap := subs[2].Sub(subs[1]); gap < fast.Min/2 {
		t.Errorf("retried after %v, want a backoff of at least %v", gap, fast.Min/2)
	}
	srv.Refuse(false)
	srv.WaitConnected(1)
	eventually(t, "link up", func() bool { return r.link.State().Connected })
}

// eventually polls cond for up to 10 s: the link is updated by the client
// right after the server saw the connection.
// pushAll waits for r to be connected, pushes each of ns and returns the
// aibot_send_msg frames the server got, one per push.
func pushAll(t *testing.T, srv *aibottest.Server, r *run, ns ...bot.Notification) []aibottest.Frame {
	t.Helper()
	eventually(t, "up", func() bool { return r.link.State().Connected })
	for _, n := range ns {
		if err := r.c.Notify(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	sends := srv.Frames("aibot_send_msg")
	if len(sends) != len(ns) {
		t.Fatalf("%d sends", len(sends))
	}
	return sends
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A message is answered with aibot_respond_msg under the callback's own
// req_id, and only once the handler committed it.
func TestReplyAfterCommitWithSameReqID(t *testing.T) {
	srv := aibottest.New(t)
	h := &store{}
	var early []string
	var mu sync.Mutex
	srv.OnReply(func(f aibottest.Frame) {
		st, _ := f.Body["stream"].(map[string]any)
		if id, _ := st["id"].(string); !h.has(id) {
			mu.Lock()
			early = append(early, id)
			mu.Unlock()
		}
	})
	r := start(t, srv, h, aibottest.Secret)
	srv.WaitConnected(1)
	req := srv.Message("m1", "wx-cadre", "考勤 全勤")
	if got := srv.WaitReply(req); got != "已收到：考勤 全勤" {
		t.Fatalf("reply %q", got)
	}
	f := srv.Frames("aibot_respond_msg")[0]
	if st := f.Body["stream"].(map[string]any); st["finish"] != true {
		t.Errorf("reply is not a finished stream: %v", f.Body)
	}
	if len(early) > 0 {
		t.Errorf("replied before the handler committed: %v", early)
	}
	// A picture gets the text-only answer, not silence.
	req = srv.Send("aibot_msg_callback", map[string]any{"msgid": "m2", "chattype": "single",
		"from": map[string]any{"userid": "wx-cadre"}, "msgtype": "image", "image": map[string]any{"url": "x"}})
	if got := srv.WaitReply(req); got != platform.TextOnlyText {
		t.Errorf("image answered %q", got)
	}
	eventually(t, "2 messages, 2 replies on the link", func() bool {
		st := r.link.State()
		return st.Frames["message"] == 2 && st.Acks == 2
	})
}

// The client pings on its interval; a connection whose pings go unanswered
// is dropped and replaced.
func TestPingAndDeadConnection(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret, wecombot.WithPing(10*time.Millisecond))
	srv.WaitConnected(1)
	srv.WaitFrames("ping", 2)
	eventually(t, "pongs counted", func() bool { return r.link.State().Frames["pong"] >= 2 })
	srv.Silent(true)
	srv.WaitConnected(2)
	eventually(t, "a reconnect counted", func() bool { return r.link.State().Reconnects >= 1 })
}

// A dropped connection comes back by itself and keeps answering.
func TestDropReconnects(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret)
	srv.WaitConnected(1)
	srv.Drop()
	srv.WaitConnected(2)
	if got := srv.WaitReply(srv.Message("after-drop", "wx-a", "在吗")); got != "已收到：在吗" {
		t.Fatalf("reply after reconnect %q", got)
	}
	eventually(t, "one reconnect", func() bool { st := r.link.State(); return st.Reconnects == 1 && st.Connected })
}

// disconnected_event: another process took the bot over. The client stops
// for good (fighting would make both connections flap) and says why.
func TestTakeoverStopsReconnecting(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret)
	srv.WaitConnected(1)
	srv.Takeover()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		if !errors.Is(err, wecombot.ErrTakenOver) {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running after a takeover")
	}
	if n := len(srv.Subscriptions()); n != 1 {
		t.Errorf("%d subscriptions after the takeover, want none beyond the first", n)
	}
	if st := r.link.State(); st.Connected || !strings.Contains(st.LastError, "接管") {
		t.Errorf("link %+v", st)
	}
}

// Pushes go out by aibot_send_msg to the member's userid: markdown, or a
// button card whose keys are the commands; a refused push is an error the
// outbox retries, a member without a userid a permanent failure.
func TestNotify(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret)
	card := bot.Notification{ID: "N7", To: bot.Recipient{Member: "leader"}, Title: "急报 E3", Text: "腹痛",
		Actions: []bot.Action{{Title: "收到", Command: "收到 E3"}, {Title: "续报", Command: "续报 E3"}}}
	sends := pushAll(t, srv, r, bot.Notification{To: bot.Recipient{Member: "leader"}, Title: "提醒", Text: "请交考勤"}, card)
	ctx := context.Background()
	md := sends[0].Body
	if md["chatid"] != "wx-leader" || md["msgtype"] != "markdown" ||
		md["markdown"].(map[string]any)["content"] != "### 提醒\n请交考勤" {
		t.Errorf("markdown push %v", md)
	}
	tc := sends[1].Body["template_card"].(map[string]any)
	var keys []string
	for _, b := range tc["button_list"].([]any) {
		keys = append(keys, b.(map[string]any)["key"].(string))
	}
	if tc["card_type"] != "button_interaction" || !slices.Equal(keys, []string{"收到 E3", "续报 E3"}) ||
		!strings.HasPrefix(tc["task_id"].(string), "bsN7_") {
		t.Errorf("card %v", tc)
	}
	srv.SendErrCode(45009)
	if err := r.c.Notify(ctx, card); err == nil || bot.IsPermanent(err) || !strings.Contains(err.Error(), "45009") {
		t.Errorf("refused push: %v", err)
	}
	if err := r.c.Notify(ctx, bot.Notification{To: bot.Recipient{Member: "nobody"}, Text: "x"}); !bot.IsPermanent(err) {
		t.Errorf("member without userid: %v", err)
	}
}

// A group the AI bot is in gets its pushes by aibot_send_msg with the
// group's chatid: markdown, or the button card when the push has actions
// (whoever in the group clicks acknowledges as themselves). A group
// without a chatid fails for good, saying what to configure.
func TestNotifyGroup(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret)
	g1 := bot.Recipient{Group: "高一年级群"}
	sends := pushAll(t, srv, r, bot.Notification{To: g1, Title: "逾期", Text: "高一2班未交考勤"},
		bot.Notification{ID: "N9", To: g1, Title: "急报 E4", Text: "楼梯摔伤",
			Actions: []bot.Action{{Title: "收到", Command: "收到 E4"}}})
	ctx := context.Background()
	md := sends[0].Body
	if md["chatid"] != "wrkSFfCgAA-g1" || md["msgtype"] != "markdown" ||
		md["markdown"].(map[string]any)["content"] != "### 逾期\n高一2班未交考勤" {
		t.Errorf("markdown push %v", md)
	}
	tc, _ := sends[1].Body["template_card"].(map[string]any)
	buttons, _ := tc["button_list"].([]any)
	if sends[1].Body["chatid"] != "wrkSFfCgAA-g1" || sends[1].Body["msgtype"] != "template_card" ||
		tc["card_type"] != "button_interaction" || len(buttons) != 1 ||
		buttons[0].(map[string]any)["key"] != "收到 E4" {
		t.Errorf("card push %v", sends[1].Body)
	}
	err := r.c.Notify(ctx, bot.Notification{To: bot.Recipient{Group: "grade1"}, Text: "x"})
	if !bot.IsPermanent(err) || !strings.Contains(err.Error(), "chatid") {
		t.Errorf("group without chatid: %v", err)
	}
	if n := len(srv.Frames("aibot_send_msg")); n != 2 {
		t.Errorf("%d sends after the refused group", n)
	}
}

// A click on a card button is handled as its command typed by the member
// who clicked; the card is then replaced with the outcome.
func TestCardClick(t *testing.T) {
	srv := aibottest.New(t)
	h := &store{}
	start(t, srv, h, aibottest.Secret)
	srv.WaitConnected(1)
	req := srv.Click("click-1", "wx-leader", "收到 E3", "bsN7_ab")
	up := srv.WaitFrames("aibot_respond_update_msg", 1)[0]
	card := up.Body["template_card"].(map[string]any)
	if up.ReqID() != req || up.Body["response_type"] != "update_template_card" || card["task_id"] != "bsN7_ab" ||
		card["sub_title_text"] != "已收到：收到 E3" {
		t.Fatalf("update %+v", up)
	}
	if h.seen["click-1"] != "wx-leader:收到 E3" {
		t.Errorf("handled %v", h.seen)
	}
}

// Reconnect time after a dropped connection, over 20 drops (reported in
// docs/PERFORMANCE.md): the time from the drop to the next subscription,
// with the default backoff, each connection having carried a heartbeat
// (as a live one does every 30 s).
func TestReconnectTime(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret, wecombot.WithBackoff(platform.DefaultBackoff), wecombot.WithPing(2*time.Millisecond))
	srv.WaitConnected(1)
	var took []time.Duration
	for i := range 20 {
		eventually(t, "up", func() bool { return r.link.State().Connected })
		pongs := r.link.State().Frames["pong"]
		eventually(t, "a heartbeat", func() bool { return r.link.State().Frames["pong"] > pongs })
		t0 := time.Now()
		srv.Drop()
		srv.WaitConnected(i + 2)
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	p50, p99 := took[len(took)/2], took[len(took)-1]
	t.Log(fmt.Sprintf("reconnect after a drop over %d drops: p50 %v, p99 %v", len(took), p50, p99))
	if p99 > 2*time.Second {
		t.Errorf("p99 reconnect %v", p99)
	}
}

// gate is a handler that holds each message until released.
type gate struct {
	in      chan string
	release chan struct{}
}

func (g *gate) Handle(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	g.in <- m.ID
	<-g.release
	return bot.Text("已收到：" + m.Text), nil
}

// Shutting down while a message is being handled: its reply still goes
// out on the connection before it closes, and Run returns after it.
func TestShutdownAnswersMessagesInHand(t *testing.T) {
	srv := aibottest.New(t)
	g := &gate{in: make(chan string, 1), release: make(chan struct{})}
	r := start(t, srv, g, aibottest.Secret)
	srv.WaitConnected(1)
	req := srv.Message("slow-1", "wx-a", "考勤 全勤")
	<-g.in
	r.stop()
	close(g.release)
	if got := srv.WaitReply(req); got != "已收到：考勤 全勤" {
		t.Fatalf("reply %q", got)
	}
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
}

// Frames a broken or hostile server might send are counted and ignored:
// the connection stays up and the next message is answered.
func TestHostileFrames(t *testing.T) {
	srv := aibottest.New(t)
	r := start(t, srv, &store{}, aibottest.Secret)
	srv.WaitConnected(1)
	for _, body := range []map[string]any{
		{"msgid": 7, "from": "not an object"},                                                            // wrong types
		{"msgid": "e1", "msgtype": "event", "event": map[string]any{"eventtype": "enter_chat"}},          // nothing to say
		{"msgid": "e2", "msgtype": "event", "event": map[string]any{"eventtype": "template_card_event"}}, // no key
	} {
		srv.Send("aibot_msg_callback", body)
	}
	srv.Send("aibot_unknown_cmd", map[string]any{"x": 1})
	req := srv.Message("ok-1", "wx-a", "你好")
	if got := srv.WaitReply(req); got != "已收到：你好" {
		t.Fatalf("reply %q", got)
	}
	if n := len(srv.Frames("aibot_respond_msg")) + len(srv.Frames("aibot_respond_update_msg")); n != 1 {
		t.Errorf("%d replies, want only the one to the real message", n)
	}
	if st := r.link.State(); st.Frames["other"] != 2 || srv.Connections() != 1 {
		t.Errorf("link %+v, connections %d", st, srv.Connections())
	}
}

// lockedBuf is a log sink safe to read while the client writes.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// The admin console does not show a group's chatid: the first message from
// a group chat logs it (once), with what to do with it.
func TestGroupChatIDLogged(t *testing.T) {
	srv := aibottest.New(t)
	var logs lockedBuf
	link, _ := platform.NewLink(nil, "wecom_bot")
	c, err := wecombot.New(wecombot.Config{URL: srv.URL(), BotID: aibottest.BotID, Secret: aibottest.Secret}, &store{},
		dir{}, link, platform.Build("wecom_bot", []platform.Option{platform.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv.WaitConnected(1)
	for i := range 2 {
		srv.WaitReply(srv.Send("aibot_msg_callback", map[string]any{"msgid": fmt.Sprint("g-", i), "aibotid": aibottest.BotID,
			"chatid": "wrkSFfCgAA-new", "chattype": "group", "from": map[string]any{"userid": "wx-leader"},
			"msgtype": "text", "text": map[string]any{"content": "帮助"}}))
	}
	if n := strings.Count(logs.String(), "chatid=wrkSFfCgAA-new"); n != 1 || !strings.Contains(logs.String(), "[[group]]") {
		t.Errorf("chatid logged %d times:\n%s", n, logs.String())
	}
}
