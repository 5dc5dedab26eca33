package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/platform/platformtest"
)

// lateRec records Late hook calls.
type lateRec struct {
	mu    sync.Mutex
	calls []lateCall
}

type lateCall struct {
	m      bot.Message
	r      bot.Reply
	ctxErr error
}

func (l *lateRec) hook(ctx context.Context, m *bot.Message, r *bot.Reply) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, lateCall{*m, *r, ctx.Err()})
}

func (l *lateRec) got() []lateCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]lateCall(nil), l.calls...)
}

type callbackEnv struct {
	f     *fakeDingTalk
	cb    *Callback
	clock *platformtest.Clock
	late  *lateRec
	m     *platform.Metrics
	signs *memSigns
}

func newCallbackEnv(t *testing.T, h bot.Handler, opts ...platform.Option) callbackEnv {
	clock := platformtest.NewClock(testNow)
	f := newFakeDingTalk(t, clock.Now)
	late := &lateRec{}
	m := platformtest.Metrics(t, bot.DingTalk)
	base := []platform.Option{platform.WithClock(clock.Now), platform.WithLate(late.hook), platform.WithMetrics(m)}
	signs := &memSigns{}
	cb, err := NewCallback(Config{AppKey: fakeAppKey, AppSecret: fakeAppSecret, AgentID: 1, APIBase: f.Srv.URL}, h,
		signs, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return callbackEnv{f: f, cb: cb, clock: clock, late: late, m: m, signs: signs}
}

// body is a DingTalk callback body; fields override the defaults.
func (e callbackEnv) body(fields map[string]any) string {
	b := map[string]any{
		"msgtype":                   "text",
		"text":                      map[string]any{"content": " 报表 旷课 张三 2 "},
		"msgId":                     "msgABCDEF==",
		"createAt":                  testNow.UnixMilli(),
		"conversationType":          "1",
		"conversationId":            "cid123==",
		"senderId":                  "$:LWCP_v1:$xyz",
		"senderStaffId":             "staff-cadre",
		"senderNick":                "班长",
		"chatbotUserId":             "$:LWCP_v1:$bot",
		"isInAtList":                true,
		"sessionWebhook":            e.f.sessionURL(),
		"sessionWebhookExpiredTime": testNow.Add(90 * time.Minute).UnixMilli(),
	}
	for k, v := range fields {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	raw, _ := json.Marshal(b)
	return string(raw)
}

// signed builds a callback POST signed at the clock's time.
func (e callbackEnv) signed(body string) *http.Request {
	ts := fmt.Sprint(e.clock.Now().UnixMilli())
	r := httptest.NewRequest(http.MethodPost, "/hook/dingtalk", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("timestamp", ts)
	r.Header.Set("sign", signature(fakeAppSecret, ts))
	return r
}

func (e callbackEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.cb.ServeHTTP(w, r)
	e.cb.Wait()
	return w
}

func TestCallbackRepliesThroughSession(t *testing.T) {
	rec := &platformtest.Recorder{}
	e := newCallbackEnv(t, rec)
	w := e.serve(e.signed(e.body(nil)))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("answered %d %q, want empty 200", w.Code, w.Body)
	}
	msgs := rec.Messages()
	want := bot.Message{Channel: bot.DingTalk, ID: "msgABCDEF==", User: "staff-cadre", Text: "报表 旷课 张三 2",
		At: time.UnixMilli(testNow.UnixMilli())}
	if len(msgs) != 1 || msgs[0] != want {
		t.Fatalf("handler got %+v, want %+v", msgs, want)
	}
	s := e.f.sessions()
	if len(s) != 1 || field(s[0].Body, "msgtype") != "text" || field(s[0].Body, "text", "content") != "已收到：报表 旷课 张三 2" {
		t.Errorf("session posts = %+v", s)
	}
	if len(e.late.got()) != 0 {
		t.Error("late hook called although the session worked")
	}
	if got := platformtest.Value(t, e.m.Received); got != 1 {
		t.Errorf("received = %v", got)
	}
}

func TestCallbackFallsBackToLate(t *testing.T) {
	tests := []struct {
		name     string
		fields   map[string]any
		script   []answer
		sessions int // posts reaching the session
	}{
		{"session expired", map[string]any{"sessionWebhookExpiredTime": testNow.Add(-time.Minute).UnixMilli()}, nil, 0},
		{"session about to expire", map[string]any{"sessionWebhookExpiredTime": testNow.Add(5 * time.Second).UnixMilli()}, nil, 0},
		{"no session", map[string]any{"sessionWebhook": nil}, nil, 0},
		{"session on another host", map[string]any{"sessionWebhook": "https://attacker.example/robot/sendBySession?session=x"}, nil, 0},
		{"session errcode", nil, []answer{{Body: `{"errcode":300001,"errmsg":"session invalid"}`}}, 1},
		{"session 500", nil, []answer{{Status: 500}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCallbackEnv(t, &platformtest.Recorder{})
			e.f.Then("/robot/sendBySession", tt.script...)
			if w := e.serve(e.signed(e.body(tt.fields))); w.Code != http.StatusOK {
				t.Fatalf("answered %d", w.Code)
			}
			if got := len(e.f.sessions()); got != tt.sessions {
				t.Errorf("%d session posts recorded, want %d", got, tt.sessions)
			}
			late := e.late.got()
			if len(late) != 1 || late[0].r.Texts[0] != "已收到：报表 旷课 张三 2" || late[0].m.ID != "msgABCDEF==" || late[0].ctxErr != nil {
				t.Errorf("late calls = %+v", late)
			}
		})
	}
}

func TestCallbackLongReplyRestGoesLate(t *testing.T) {
	long := strings.Repeat("长", 2000) // 6,000 bytes: 2 session parts
	e := newCallbackEnv(t, &platformtest.Recorder{Reply: func(*bot.Message) (*bot.Reply, error) { return bot.Text(long), nil }})
	e.f.Then("/robot/sendBySession", answer{}, answer{Body: `{"errcode":300001,"errmsg":"x"}`})
	e.serve(e.signed(e.body(nil)))
	s := e.f.sessions()
	late := e.late.got()
	if len(s) != 2 || len(late) != 1 {
		t.Fatalf("%d session posts, %d late calls; want 2, 1", len(s), len(late))
	}
	if field(s[0].Body, "text", "content")+late[0].r.Texts[0] != long {
		t.Error("session part and late rest do not make the reply")
	}
}

func TestCallbackGroupAnswersPrivately(t *testing.T) {
	rec := &platformtest.Recorder{Members: map[string]string{"staff-cadre": "cadre-g1c1"}}
	e := newCallbackEnv(t, rec)
	e.serve(e.signed(e.body(map[string]any{"conversationType": "2", "conversationTitle": "一年级1班"})))
	late := e.late.got()
	if len(late) != 1 || late[0].m.Member != "cadre-g1c1" || late[0].r.Texts[0] != "已收到：报表 旷课 张三 2" {
		t.Fatalf("late calls = %+v", late)
	}
	s := e.f.sessions()
	if len(s) != 1 || field(s[0].Body, "text", "content") != "@staff-cadre "+textSentPrivate ||
		field(s[0].Body, "at", "atUserIds") != `["staff-cadre"]` {
		t.Errorf("group notice = %+v", s)
	}
	// An unknown sender in a group is answered in place (the refusal names no one).
	e2 := newCallbackEnv(t, &platformtest.Recorder{})
	e2.serve(e2.signed(e2.body(map[string]any{"conversationType": "2", "senderStaffId": "stranger"})))
	if len(e2.late.got()) != 0 || len(e2.f.sessions()) != 1 {
		t.Errorf("unknown sender in a group: %d late, %d session", len(e2.late.got()), len(e2.f.sessions()))
	}
}

func TestCallbackSlowHandlerAcksFirst(t *testing.T) {
	release := make(chan struct{})
	rec := &platformtest.Recorder{Reply: func(m *bot.Message) (*bot.Reply, error) {
		<-release
		return bot.Text("迟到的回复"), nil
	}}
	e := newCallbackEnv(t, rec, platform.WithBudget(10*time.Millisecond))
	w := httptest.NewRecorder()
	e.cb.ServeHTTP(w, e.signed(e.body(nil)))
	if w.Code != http.StatusOK {
		t.Fatalf("answered %d", w.Code)
	}
	if n := len(e.f.sessions()); n != 0 {
		t.Fatalf("%d session posts before the handler finished", n)
	}
	close(release)
	e.cb.Wait()
	if s := e.f.sessions(); len(s) != 1 || field(s[0].Body, "text", "content") != "迟到的回复" {
		t.Errorf("session posts = %+v", s)
	}
}

func TestCallbackOtherTypesAndFailures(t *testing.T) {
	rec := &platformtest.Recorder{}
	e := newCallbackEnv(t, rec)
	e.serve(e.signed(e.body(map[string]any{"msgtype": "picture", "text": nil, "content": map[string]any{"downloadCode": "x"}})))
	if len(rec.Messages()) != 0 {
		t.Error("handler called for a picture")
	}
	if s := e.f.sessions(); len(s) != 1 || field(s[0].Body, "text", "content") != platform.TextOnlyText {
		t.Errorf("picture answered %+v", s)
	}
	for name, reply := range map[string]func(*bot.Message) (*bot.Reply, error){
		"error": func(*bot.Message) (*bot.Reply, error) { return nil, errors.New("store closed") },
		"panic": func(*bot.Message) (*bot.Reply, error) { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			e := newCallbackEnv(t, &platformtest.Recorder{Reply: reply})
			e.serve(e.signed(e.body(nil)))
			if s := e.f.sessions(); len(s) != 1 || field(s[0].Body, "text", "content") != platform.TextBusy {
				t.Errorf("session posts = %+v", s)
			}
		})
	}
	// createAt as a string, as the doc table says.
	rec = &platformtest.Recorder{}
	e = newCallbackEnv(t, rec)
	e.serve(e.signed(e.body(map[string]any{"createAt": fmt.Sprint(testNow.UnixMilli()), "sessionWebhookExpiredTime": "0"})))
	if msgs := rec.Messages(); len(msgs) != 1 || !msgs[0].At.Equal(testNow) {
		t.Errorf("string createAt: %+v", msgs)
	}
}

func TestCallbackRejects(t *testing.T) {
	tests := []struct {
		name   string
		req    func(e callbackEnv) *http.Request
		status int
		reason string
	}{
		{"no sign", func(e callbackEnv) *http.Request {
			r := e.signed(e.body(nil))
			r.Header.Del("sign")
			return r
		}, 401, "signature"},
		{"bad sign", func(e callbackEnv) *http.Request {
			r := e.signed(e.body(nil))
			r.Header.Set("sign", signature("another secret", r.Header.Get("timestamp")))
			return r
		}, 401, "signature"},
		{"URL-encoded sign", func(e callbackEnv) *http.Request {
			r := e.signed(e.body(nil))
			r.Header.Set("sign", strings.ReplaceAll(r.Header.Get("sign"), "+", "%2B")+"x")
			return r
		}, 401, "signature"},
		{"timestamp not a number", func(e callbackEnv) *http.Request {
			r := e.signed(e.body(nil))
			r.Header.Set("timestamp", "soon")
			r.Header.Set("sign", signature(fakeAppSecret, "soon"))
			return r
		}, 401, "signature"},
		{"stale by 61 minutes", func(e callbackEnv) *http.Request {
			r := e.signed(e.body(nil))
			e.clock.Advance(61 * time.Minute)
			return r
		}, 401, "stale"},
		{"from 61 minutes in the future", func(e callbackEnv) *http.Request {
			e.clock.Advance(61 * time.Minute)
			r := e.signed(e.body(nil))
			e.clock.Advance(-61 * time.Minute)
			return r
		}, 401, "stale"},
		{"oversized", func(e callbackEnv) *http.Request {
			return e.signed(e.body(map[string]any{"text": map[string]any{"content": strings.Repeat("x", MaxBody)}}))
		}, 413, "too_large"},
		{"malformed JSON", func(e callbackEnv) *http.Request { return e.signed(`{"msgtype":"text",`) }, 400, "malformed"},
		{"no msgtype", func(e callbackEnv) *http.Request { return e.signed(e.body(map[string]any{"msgtype": nil})) }, 400, "malformed"},
		{"bad createAt", func(e callbackEnv) *http.Request {
			return e.signed(e.body(map[string]any{"createAt": "yesterday"}))
		}, 400, "malformed"},
		{"GET", func(e callbackEnv) *http.Request { return httptest.NewRequest(http.MethodGet, "/hook/dingtalk", nil) }, 405, "method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &platformtest.Recorder{}
			e := newCallbackEnv(t, rec)
			w := e.serve(tt.req(e))
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := platformtest.Value(t, e.m.Rejected.WithLabelValues(tt.reason)); got != 1 {
				t.Errorf("rejected{reason=%s} = %v, want 1", tt.reason, got)
			}
			if len(rec.Messages()) != 0 || len(e.f.sessions()) != 0 || platformtest.Value(t, e.m.Received) != 0 {
				t.Error("a rejected callback was processed")
			}
		})
	}
}

func TestCallbackWithinTheHourIsAccepted(t *testing.T) {
	e := newCallbackEnv(t, &platformtest.Recorder{})
	r := e.signed(e.body(nil))
	e.clock.Advance(59 * time.Minute)
	if w := e.serve(r); w.Code != http.StatusOK {
		t.Errorf("59-minute-old timestamp answered %d", w.Code)
	}
}

func TestNewCallbackNeeds(t *testing.T) {
	if _, err := NewCallback(Config{AppKey: "k"}, &platformtest.Recorder{}, &memSigns{}); err == nil {
		t.Error("NewCallback without app_secret succeeded")
	}
	if _, err := NewCallback(Config{AppSecret: "s"}, nil, &memSigns{}); err == nil {
		t.Error("NewCallback without handler succeeded")
	}
	if _, err := NewCallback(Config{AppSecret: "s"}, &platformtest.Recorder{}, nil); err == nil {
		t.Error("NewCallback without signs succeeded")
	}
}
