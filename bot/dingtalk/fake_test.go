package dingtalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	fakeAppKey      = "dingappkey"
	fakeAppSecret   = "app-s3cret-value"
	fakeRobotToken  = "robot-access-token"
	fakeRobotSecret = "SECrobot-secret"
	fakeSession     = "session-secret-id"
)

var testNow = time.Date(2026, 11, 26, 16, 2, 11, 0, china)

// answer is one scripted answer of the fake API.
type answer struct {
	status int    // 0: 200
	body   string // "": {"errcode":0,"errmsg":"ok"}
	block  bool   // wait until the client gives up
}

// sent is one request the fake API accepted.
type sent struct {
	path  string
	token string
	body  map[string]any
	raw   string
}

// fakeDingTalk is an httptest DingTalk API that checks the wire format.
type fakeDingTalk struct {
	t     *testing.T
	srv   *httptest.Server
	done  chan struct{}
	clock func() time.Time

	mu      sync.Mutex
	tokens  []string
	notices []sent // asyncsend_v2
	robots  []sent // robot/send
	session []sent // robot/sendBySession
	script  map[string][]answer
}

func newFakeDingTalk(t *testing.T, clock func() time.Time) *fakeDingTalk {
	f := &fakeDingTalk{t: t, clock: clock, script: map[string][]answer{}, done: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.done) })
	return f
}

func (f *fakeDingTalk) sessionURL() string {
	return f.srv.URL + "/robot/sendBySession?session=" + fakeSession
}

func (f *fakeDingTalk) then(path string, a ...answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], a...)
}

func (f *fakeDingTalk) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	a, scripted := answer{}, false
	if q := f.script[r.URL.Path]; len(q) > 0 {
		a, scripted, f.script[r.URL.Path] = q[0], true, q[1:]
	}
	f.mu.Unlock()
	if a.block {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
		return
	}
	if a.status != 0 {
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
		return
	}
	if a.body == "" {
		a.body = `{"errcode":0,"errmsg":"ok"}`
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case pathToken:
		if r.Method != http.MethodGet || q.Get("appkey") != fakeAppKey || q.Get("appsecret") != fakeAppSecret {
			f.t.Errorf("gettoken: %s %s", r.Method, r.URL.RawQuery)
		}
		if scripted {
			_, _ = io.WriteString(w, a.body)
			return
		}
		f.mu.Lock()
		tok := fmt.Sprintf("DT-TOKEN-%d", len(f.tokens)+1)
		f.tokens = append(f.tokens, tok)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":%q,"expires_in":7200}`, tok)
	case pathWorkNotice:
		s := f.record(r)
		f.mu.Lock()
		current := len(f.tokens) > 0 && s.token == f.tokens[len(f.tokens)-1]
		f.notices = append(f.notices, s)
		f.mu.Unlock()
		if !current && !scripted {
			_, _ = io.WriteString(w, `{"errcode":40014,"errmsg":"不合法的access_token"}`)
			return
		}
		if !scripted {
			a.body = `{"errcode":0,"errmsg":"ok","task_id":256271667526,"request_id":"4jzllmte0wau"}`
		}
		_, _ = io.WriteString(w, a.body)
	case pathRobot:
		s := f.record(r)
		if s.token != fakeRobotToken {
			f.t.Errorf("robot access_token = %q", s.token)
		}
		ts := q.Get("timestamp")
		ms, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || q.Get("sign") != signature(fakeRobotSecret, ts) {
			f.t.Errorf("robot signature: timestamp %q sign %q", ts, q.Get("sign"))
		} else if d := f.clock().Sub(time.UnixMilli(ms)); d > time.Hour || d < -time.Hour {
			f.t.Errorf("robot timestamp %s is %v off", ts, d)
		}
		f.mu.Lock()
		f.robots = append(f.robots, s)
		f.mu.Unlock()
		_, _ = io.WriteString(w, a.body)
	case "/robot/sendBySession":
		s := f.record(r)
		if q.Get("session") != fakeSession {
			f.t.Errorf("session = %q", q.Get("session"))
		}
		f.mu.Lock()
		f.session = append(f.session, s)
		f.mu.Unlock()
		_, _ = io.WriteString(w, a.body)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeDingTalk) record(r *http.Request) sent {
	raw, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	if bytes.Contains(raw, []byte(`\u003c`)) {
		f.t.Errorf("HTML-escaped JSON: %s", raw)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("body is not JSON: %v", err)
	}
	return sent{path: r.URL.Path, token: r.URL.Query().Get("access_token"), body: body, raw: string(raw)}
}

func (f *fakeDingTalk) counts() (tokens, notices, robots, session int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokens), len(f.notices), len(f.robots), len(f.session)
}

func (f *fakeDingTalk) sessions() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.session...)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// field digs a string out of a decoded JSON body: field(b, "msg", "text", "content").
func field(body map[string]any, path ...string) string {
	var v any = body
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
