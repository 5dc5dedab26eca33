package dingtalk

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/platform/platformtest"
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
type answer = platformtest.Answer

// sent is one request the fake API accepted.
type sent = platformtest.Sent

// pathSessionURL is where the fake's sessionWebhooks point.
const pathSessionURL = "/robot/sendBySession"

// fakeDingTalk is an httptest DingTalk API that checks the wire format.
type fakeDingTalk struct {
	*platformtest.API
	t     *testing.T
	clock func() time.Time
}

func newFakeDingTalk(t *testing.T, clock func() time.Time) *fakeDingTalk {
	f := &fakeDingTalk{t: t, clock: clock}
	f.API = platformtest.NewAPI(t, f.route)
	return f
}

func (f *fakeDingTalk) sessionURL() string {
	return f.Srv.URL + pathSessionURL + "?session=" + fakeSession
}

func (f *fakeDingTalk) route(w http.ResponseWriter, r *http.Request, a answer, scripted bool) {
	if a.Body == "" {
		a.Body = `{"errcode":0,"errmsg":"ok"}`
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case pathToken:
		if r.Method != http.MethodGet || q.Get("appkey") != fakeAppKey || q.Get("appsecret") != fakeAppSecret {
			f.t.Errorf("gettoken: %s %s", r.Method, r.URL.RawQuery)
		}
		if scripted {
			_, _ = io.WriteString(w, a.Body)
			return
		}
		f.IssueToken(w, "DT-TOKEN-")
	case pathWorkNotice:
		s := f.Record(r)
		if !f.Current(s.Token) && !scripted {
			_, _ = io.WriteString(w, `{"errcode":40014,"errmsg":"不合法的access_token"}`)
			return
		}
		if !scripted {
			a.Body = `{"errcode":0,"errmsg":"ok","task_id":256271667526,"request_id":"4jzllmte0wau"}`
		}
		_, _ = io.WriteString(w, a.Body)
	case pathRobot:
		s := f.Record(r)
		if s.Token != fakeRobotToken {
			f.t.Errorf("robot access_token = %q", s.Token)
		}
		ts := q.Get("timestamp")
		ms, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || q.Get("sign") != signature(fakeRobotSecret, ts) {
			f.t.Errorf("robot signature: timestamp %q sign %q", ts, q.Get("sign"))
		} else if d := f.clock().Sub(time.UnixMilli(ms)); d > time.Hour || d < -time.Hour {
			f.t.Errorf("robot timestamp %s is %v off", ts, d)
		}
		_, _ = io.WriteString(w, a.Body)
	case pathSessionURL:
		f.Record(r)
		if q.Get("session") != fakeSession {
			f.t.Errorf("session = %q", q.Get("session"))
		}
		_, _ = io.WriteString(w, a.Body)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeDingTalk) notices() []sent  { return f.Sent(pathWorkNotice) }
func (f *fakeDingTalk) robots() []sent   { return f.Sent(pathRobot) }
func (f *fakeDingTalk) sessions() []sent { return f.Sent(pathSessionURL) }

func (f *fakeDingTalk) counts() (tokens, notices, robots, session int) {
	return f.Tokens(), len(f.notices()), len(f.robots()), len(f.sessions())
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
