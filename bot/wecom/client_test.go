package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/platform/platformtest"
)

const (
	fakeSecret   = "app-s3cret-value"
	fakeRobotKey = "robot-key-0001"
)

// answer is one scripted answer of the fake API.
type answer = platformtest.Answer

// fakeWeCom is an httptest WeCom API that checks the wire format.
type fakeWeCom struct {
	*platformtest.API
	t *testing.T
}

func newFakeWeCom(t *testing.T) *fakeWeCom {
	f := &fakeWeCom{t: t}
	f.API = platformtest.NewAPI(t, f.route)
	return f
}

func (f *fakeWeCom) route(w http.ResponseWriter, r *http.Request, a answer, scripted bool) {
	q := r.URL.Query()
	switch r.URL.Path {
	case pathToken:
		if r.Method != http.MethodGet || q.Get("corpid") != testCorp || q.Get("corpsecret") != fakeSecret {
			f.t.Errorf("gettoken: %s %s", r.Method, r.URL.RawQuery)
			_, _ = io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		if scripted {
			_, _ = io.WriteString(w, a.Body)
			return
		}
		f.IssueToken(w, "ACCESS-TOKEN-")
	case pathSend, pathWebhook:
		s := f.Record(r)
		if r.URL.Path == pathSend {
			if !f.Current(s.Token) && !scripted {
				_, _ = io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
				return
			}
		} else if q.Get("key") != fakeRobotKey {
			f.t.Errorf("webhook key = %q", q.Get("key"))
		}
		if a.Body == "" {
			a.Body = `{"errcode":0,"errmsg":"ok"}`
		}
		_, _ = io.WriteString(w, a.Body)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeWeCom) sends() []platformtest.Sent  { return f.Sent(pathSend) }
func (f *fakeWeCom) robots() []platformtest.Sent { return f.Sent(pathWebhook) }

func (f *fakeWeCom) counts() (tokens, sends, robots int) {
	return f.Tokens(), len(f.sends()), len(f.robots())
}

type clientEnv struct {
	platformtest.Push
	f *fakeWeCom
	c *Client
}

func newClientEnv(t *testing.T, opts ...platform.Option) clientEnv {
	f := newFakeWeCom(t)
	p := platformtest.NewPush(t, bot.WeCom, testNow, opts...)
	cfg := Config{CorpID: testCorp, AgentID: 1000002, Secret: fakeSecret, Token: testToken, EncodingAESKey: vecKey,
		APIBase: f.Srv.URL, Robots: map[string]string{"office": fakeRobotKey}}
	c, err := NewClient(cfg, p.Dir, p.Opts...)
	if err != nil {
		t.Fatal(err)
	}
	return clientEnv{Push: p, f: f, c: c}
}

func toMember(m, text string) bot.Notification {
	return bot.Notification{ID: "N1", To: bot.Recipient{Member: m}, Text: text}
}

func TestNotifyMemberWireFormat(t *testing.T) {
	e := newClientEnv(t)
	text := `<font color="warning">请于17:00前</font> 提交 & 确认`
	if err := e.c.Notify(context.Background(), toMember("teacher-g1c1", text)); err != nil {
		t.Fatal(err)
	}
	tokens, sends, _ := e.f.counts()
	if tokens != 1 || sends != 1 {
		t.Fatalf("gettoken %d, send %d; want 1, 1", tokens, sends)
	}
	s := e.f.sends()[0]
	if s.Token != "ACCESS-TOKEN-1" {
		t.Errorf("access_token = %q", s.Token)
	}
	if agent, ok := s.Body["agentid"].(float64); !ok || agent != 1000002 {
		t.Errorf("agentid = %#v, want the number 1000002", s.Body["agentid"])
	}
	if s.Body["touser"] != "u-teacher-g1c1" || s.Body["msgtype"] != "text" {
		t.Errorf("touser/msgtype = %v/%v", s.Body["touser"], s.Body["msgtype"])
	}
	// Tags are defused (WeCom renders <a href> in texts); & and > go as they are.
	if got, want := s.Body["text"].(map[string]any)["content"], `＜font color="warning">请于17:00前＜/font> 提交 & 确认`; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	// A second push reuses the cached token.
	if err := e.c.Notify(context.Background(), toMember("teacher-g1c1", "again")); err != nil {
		t.Fatal(err)
	}
	if tokens, _, _ := e.f.counts(); tokens != 1 {
		t.Errorf("gettoken called %d times for two pushes", tokens)
	}
	if got := platformtest.Value(t, e.M.Pushes.WithLabelValues("ok")); got != 2 {
		t.Errorf("pushes{ok} = %v", got)
	}
	if got := platformtest.Value(t, e.M.TokenRefreshes); got != 1 {
		t.Errorf("token refreshes = %v", got)
	}
}

func TestNotifyMarkdownAndCard(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	if err := e.c.Notify(ctx, bot.Notification{To: bot.Recipient{Member: "a"}, Title: "逾期名单", Text: "**g1c1**", Markdown: true}); err != nil {
		t.Fatal(err)
	}
	if got := e.f.sends()[0].Body["markdown"].(map[string]any)["content"]; got != "### 逾期名单\n**g1c1**" {
		t.Errorf("markdown content = %q", got)
	}
	// Without CardURL a titled text is text with the title on top.
	if err := e.c.Notify(ctx, bot.Notification{To: bot.Recipient{Member: "a"}, Title: "提醒", Text: "请提交"}); err != nil {
		t.Fatal(err)
	}
	if got := e.f.sends()[1].Body["text"].(map[string]any)["content"]; got != "【提醒】\n请提交" {
		t.Errorf("titled text = %q", got)
	}
	e.c.cfg.CardURL = "https://school.example/baosong"
	if err := e.c.Notify(ctx, bot.Notification{To: bot.Recipient{Member: "a"}, Title: "提醒", Text: "请提交"}); err != nil {
		t.Fatal(err)
	}
	card, _ := e.f.sends()[2].Body["textcard"].(map[string]any)
	if e.f.sends()[2].Body["msgtype"] != "textcard" || card["title"] != "提醒" || card["description"] != "请提交" ||
		card["url"] != "https://school.example/baosong" || card["btntxt"] != "详情" {
		t.Errorf("textcard = %s", e.f.sends()[2].Raw)
	}
}

func TestNotifyTokenRefreshOnce(t *testing.T) {
	for _, code := range []int{40014, 42001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			e := newClientEnv(t)
			ctx := context.Background()
			if err := e.c.Notify(ctx, toMember("a", "warm-up")); err != nil {
				t.Fatal(err)
			}
			stale := answer{Body: fmt.Sprintf(`{"errcode":%d,"errmsg":"token"}`, code)}
			e.f.Then(pathSend, stale)
			if err := e.c.Notify(ctx, toMember("a", "x")); err != nil {
				t.Fatalf("after one %d: %v", code, err)
			}
			tokens, sends, _ := e.f.counts()
			if tokens != 2 || sends != 3 || e.f.sends()[2].Token != "ACCESS-TOKEN-2" {
				t.Errorf("gettoken %d, sends %d (last token %s); want 2, 3, ACCESS-TOKEN-2", tokens, sends, e.f.sends()[2].Token)
			}
			// Twice in a row: one refresh only, then a retryable error.
			e.f.Then(pathSend, stale, stale)
			err := e.c.Notify(ctx, toMember("a", "y"))
			if err == nil || bot.IsPermanent(err) {
				t.Fatalf("two stale answers: err = %v, want a retryable error", err)
			}
			if tokens, sends, _ := e.f.counts(); tokens != 3 || sends != 5 {
				t.Errorf("gettoken %d, sends %d; want 3, 5", tokens, sends)
			}
		})
	}
}

func TestNotifyTokenExpiresByClock(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	_ = e.c.Notify(ctx, toMember("a", "1"))
	e.Clock.Advance(7200*time.Second - 5*time.Minute - time.Second)
	_ = e.c.Notify(ctx, toMember("a", "2"))
	if tokens, _, _ := e.f.counts(); tokens != 1 {
		t.Errorf("token re-fetched before its margin: %d fetches", tokens)
	}
	e.Clock.Advance(2 * time.Second)
	_ = e.c.Notify(ctx, toMember("a", "3"))
	if tokens, _, _ := e.f.counts(); tokens != 2 {
		t.Errorf("expired token not re-fetched: %d fetches", tokens)
	}
}

func TestNotifyErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		ans       answer
		permanent bool
		retry     time.Duration // RetryAfter delay, 0: none
		log       string
	}{
		{"45009 backs off", pathSend, answer{Body: `{"errcode":45009,"errmsg":"api freq out of limit"}`}, false, time.Minute, ""},
		{"60020 untrusted IP", pathSend, answer{Body: `{"errcode":60020,"errmsg":"not allow to access from your ip, from ip: 1.2.3.4"}`}, true, 0, "企业可信IP"},
		{"40001 on gettoken", pathToken, answer{Body: `{"errcode":40001,"errmsg":"invalid credential"}`}, true, 0, "secret"},
		{"81013 nobody valid", pathSend, answer{Body: `{"errcode":81013,"errmsg":"user & party & tag all invalid"}`}, true, 0, ""},
		{"-1 busy", pathSend, answer{Body: `{"errcode":-1,"errmsg":"system busy"}`}, false, 0, ""},
		{"HTTP 502", pathSend, answer{Status: 502, Body: "bad gateway"}, false, 0, ""},
		{"HTTP 429", pathSend, answer{Status: 429}, false, time.Minute, ""},
		{"not JSON", pathSend, answer{Body: "<html>"}, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t)
			e.f.Then(tt.path, tt.ans)
			err := e.c.Notify(context.Background(), toMember("a", "x"))
			platformtest.Classified(t, err, tt.permanent, tt.retry)
			e.Logged(t, tt.log)
			assertNoSecrets(t, err.Error()+e.Log.String())
		})
	}
}

func TestNotifySlowAPIIsRetryableAndRedacted(t *testing.T) {
	e := newClientEnv(t, platform.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	e.f.Then(pathSend, answer{Block: true})
	err := e.c.Notify(context.Background(), toMember("a", "x"))
	if err == nil || bot.IsPermanent(err) {
		t.Fatalf("slow API: err = %v, want retryable", err)
	}
	assertNoSecrets(t, err.Error())
	if got := platformtest.Value(t, e.M.Pushes.WithLabelValues("error")); got != 1 {
		t.Errorf("pushes{error} = %v", got)
	}
}

func TestNotifyUnreachableIsRedacted(t *testing.T) {
	e := newClientEnv(t)
	e.f.Srv.Close()
	err := e.c.Notify(context.Background(), toMember("a", "x"))
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	assertNoSecrets(t, err.Error())
	err = e.c.Notify(context.Background(), bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "x"})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	assertNoSecrets(t, err.Error())
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	platformtest.NoSecrets(t, s, "ACCESS-TOKEN", fakeSecret, fakeRobotKey, "access_token=", "corpsecret")
}

func TestNotifyManyBatches(t *testing.T) {
	e := newClientEnv(t)
	members := make([]string, 2500)
	for i := range members {
		members[i] = fmt.Sprintf("s%04d", i)
	}
	errs := e.c.NotifyMany(context.Background(), bot.Notification{Text: "月末汇总已发布"}, members)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("member %d: %v", i, err)
		}
	}
	_, sends, _ := e.f.counts()
	if sends != 3 {
		t.Fatalf("%d calls for 2,500 members, want 3", sends)
	}
	seen := map[string]bool{}
	for i, want := range []int{1000, 1000, 500} {
		users := strings.Split(e.f.sends()[i].Body["touser"].(string), "|")
		if len(users) != want {
			t.Errorf("call %d has %d users, want %d", i, len(users), want)
		}
		for _, u := range users {
			seen[u] = true
		}
	}
	if len(seen) != 2500 || !seen["u-s0000"] || !seen["u-s2499"] {
		t.Errorf("%d distinct users reached", len(seen))
	}
}

func TestNotifyManyPerMemberResults(t *testing.T) {
	e := newClientEnv(t)
	e.f.Then(pathSend, answer{Body: `{"errcode":0,"errmsg":"ok","invaliduser":"u-b"}`})
	errs := e.c.NotifyMany(context.Background(), bot.Notification{Text: "x"}, []string{"a", "b", "nobody", "a"})
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("a: %v, %v", errs[0], errs[3])
	}
	if !bot.IsPermanent(errs[1]) || !bot.IsPermanent(errs[2]) {
		t.Errorf("invalid user b: %v; no userid: %v; want permanent", errs[1], errs[2])
	}
	if got := e.f.sends()[0].Body["touser"]; got != "u-a|u-b" {
		t.Errorf("touser = %v, want u-a|u-b (deduplicated, nobody left out)", got)
	}
}

func TestNotifySplitsLongText(t *testing.T) {
	e := newClientEnv(t)
	text := strings.Repeat("第", 1000) + strings.Repeat("a", 2000) // 5,000 bytes
	if err := e.c.Notify(context.Background(), toMember("a", text)); err != nil {
		t.Fatal(err)
	}
	_, sends, _ := e.f.counts()
	if sends != 3 {
		t.Fatalf("%d calls for a 5,000-byte text, want 3", sends)
	}
	var joined strings.Builder
	for _, s := range e.f.sends() {
		part := s.Body["text"].(map[string]any)["content"].(string)
		if len(part) > 2048 {
			t.Errorf("part of %d bytes", len(part))
		}
		joined.WriteString(part)
	}
	if joined.String() != text {
		t.Error("parts do not join back to the text")
	}
}

func TestNotifyPacesMember(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	for i := range 30 {
		if err := e.c.Notify(ctx, toMember("leader-1", fmt.Sprint("提醒 ", i))); err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
		e.Clock.Advance(time.Second)
	}
	err := e.c.Notify(ctx, toMember("leader-1", "31st"))
	d, ok := bot.RetryDelay(err)
	if !ok || d != 30*time.Second {
		t.Fatalf("31st push in a minute: %v (delay %v), want RetryAfter 30s", err, d)
	}
	if err := e.c.Notify(ctx, toMember("teacher-1", "other member")); err != nil {
		t.Errorf("another member is paced: %v", err)
	}
	if _, sends, _ := e.f.counts(); sends != 31 {
		t.Errorf("%d calls, want 31 (the refused push never reaches WeCom)", sends)
	}
	e.Clock.Advance(d)
	if err := e.c.Notify(ctx, toMember("leader-1", "later")); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	if got := platformtest.Value(t, e.M.Pushes.WithLabelValues("rate_limited")); got != 1 {
		t.Errorf("pushes{rate_limited} = %v", got)
	}
}

func TestNotifyGroupRobot(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	n := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Title: "逾期", Text: "g2c2 未报 <b>", Mention: []string{"teacher-g2c2", "leader-1"}}
	if err := e.c.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	tokens, sends, robots := e.f.counts()
	if tokens != 0 || sends != 0 || robots != 1 {
		t.Fatalf("gettoken %d, send %d, robot %d; want 0, 0, 1", tokens, sends, robots)
	}
	var got struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string   `json:"content"`
			List    []string `json:"mentioned_list"`
			Mobiles []string `json:"mentioned_mobile_list"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(e.f.robots()[0].Raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.MsgType != "text" || got.Text.Content != "【逾期】\ng2c2 未报 <b>" ||
		fmt.Sprint(got.Text.Mobiles) != "[13800000001]" || fmt.Sprint(got.Text.List) != "[u-teacher-g2c2]" {
		t.Errorf("robot body = %s", e.f.robots()[0].Raw)
	}

	md := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: strings.Repeat("## 通报\n", 800), Markdown: true}
	if err := e.c.Notify(ctx, md); err != nil {
		t.Fatal(err)
	}
	_, _, robots = e.f.counts()
	if robots != 3 { // 1 text + 8,000 bytes of markdown in 2 parts
		t.Fatalf("%d robot calls, want 3", robots)
	}
	for _, r := range e.f.robots()[1:] {
		c := r.Body["markdown"].(map[string]any)["content"].(string)
		if len(c) > 4096 {
			t.Errorf("markdown part of %d bytes", len(c))
		}
	}
	if !strings.HasSuffix(e.f.robots()[2].Body["markdown"].(map[string]any)["content"].(string), "\n<@u-leader-1>") {
		t.Errorf("markdown does not end with the group's mention: %s", e.f.robots()[2].Raw)
	}
}

func TestNotifyGroupPacingAndErrors(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	group := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "x"}
	for i := range 20 {
		if err := e.c.Notify(ctx, group); err != nil {
			t.Fatalf("robot push %d: %v", i, err)
		}
	}
	if d, ok := bot.RetryDelay(e.c.Notify(ctx, group)); !ok || d != time.Minute {
		t.Errorf("21st robot push: delay %v %v, want RetryAfter 1m", d, ok)
	}
	if _, _, robots := e.f.counts(); robots != 20 {
		t.Errorf("%d robot calls, want 20", robots)
	}
	e.Clock.Advance(time.Minute)
	e.f.Then(pathWebhook, answer{Body: `{"errcode":45009,"errmsg":"freq"}`})
	if d, ok := bot.RetryDelay(e.c.Notify(ctx, group)); !ok || d != time.Minute {
		t.Errorf("45009 from robot: delay %v %v", d, ok)
	}
	e.f.Then(pathWebhook, answer{Body: `{"errcode":93000,"errmsg":"invalid webhook url"}`})
	if err := e.c.Notify(ctx, group); !bot.IsPermanent(err) {
		t.Errorf("93000: %v, want permanent", err)
	}
	for _, g := range []string{"ghost", "no-such-group"} {
		if err := e.c.Notify(ctx, bot.Notification{To: bot.Recipient{Group: g}, Text: "x"}); !bot.IsPermanent(err) {
			t.Errorf("group %s: %v, want permanent", g, err)
		}
	}
	if err := e.c.Notify(ctx, bot.Notification{Text: "x"}); !bot.IsPermanent(err) {
		t.Errorf("no recipient: %v, want permanent", err)
	}
	if err := e.c.Notify(ctx, toMember("a", "  ")); !bot.IsPermanent(err) {
		t.Errorf("empty text: %v, want permanent", err)
	}
}

func TestNotifyWithoutApp(t *testing.T) {
	c, err := NewClient(Config{Robots: map[string]string{"office": "k"}}, platformtest.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Notify(context.Background(), toMember("a", "x")); !bot.IsPermanent(err) {
		t.Errorf("member push without app: %v, want permanent", err)
	}
	if _, err := NewClient(Config{}, nil); err == nil {
		t.Error("NewClient without directory succeeded")
	}
}

func TestConcurrentNotifyFetchesOneToken(t *testing.T) {
	e := newClientEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() { errs <- e.c.Notify(context.Background(), toMember(fmt.Sprint("m", i), "x")) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if tokens, sends, _ := e.f.counts(); tokens != 1 || sends != 20 {
		t.Errorf("gettoken %d, sends %d; want 1, 20", tokens, sends)
	}
}
