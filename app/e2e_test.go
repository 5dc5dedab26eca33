package app_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/internal/pgtest"
	"github.com/baosong/baosong/internal/testorg"
)

// testApp is a running app over a real store in a temp dir, behind a real
// HTTP server.
type testApp struct {
	*app.App
	t    *testing.T
	srv  *httptest.Server
	data string
	mu   sync.Mutex
	now  time.Time // the app's clock; zero means the real clock
}

// option adjusts the demo configuration before the app starts.
type option = func(*config.Config)

// newTestApp starts the demo organisation. The clock is fixed at now (move it
// with setNow) unless now is zero.
func newTestApp(t *testing.T, now time.Time, opts ...option) *testApp {
	t.Helper()
	return startTestApp(t, t.TempDir(), now, opts...)
}

// skipOnPostgres skips a test of the bbolt store itself when the app tests
// run on PostgreSQL (BAOSONG_TEST_PG).
func skipOnPostgres(t *testing.T, why string) {
	if pgtest.Env() != "" {
		t.Skip("on PostgreSQL: " + why)
	}
}

// onPostgres puts the store on PostgreSQL when BAOSONG_TEST_PG is set: the
// same test on PostgreSQL, the data directory its schema.
func onPostgres(t testing.TB, c *config.Config, data string) {
	if pg := pgtest.Env(); pg != "" {
		dsn, err := pgtest.DSN(pg, data)
		if err != nil {
			t.Fatal(err)
		}
		c.Store = config.Store{Driver: "postgres", DSN: dsn}
	}
}

func startTestApp(t *testing.T, data string, now time.Time, opts ...option) *testApp {
	t.Helper()
	opts = append(opts, func(c *config.Config) { onPostgres(t, c, data) })
	return launch(t, app.Options{Data: data}, now, opts...)
}

// launch starts the app of o behind a real HTTP server: the demo
// configuration after opts, the clock fixed at now (moved with setNow) or
// the real one when now is zero, no log.
func launch(t *testing.T, o app.Options, now time.Time, opts ...option) *testApp {
	t.Helper()
	ta := &testApp{t: t, data: o.Data, now: now}
	o.Now = time.Now
	if !now.IsZero() {
		o.Now = func() time.Time {
			ta.mu.Lock()
			defer ta.mu.Unlock()
			return ta.now
		}
	}
	o.Config = testorg.Config(t, opts...)
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ta.App = a
	a.Start()
	ta.srv = httptest.NewServer(a)
	t.Cleanup(ta.stop)
	return ta
}

// stop closes the server and the app (idempotent).
func (ta *testApp) stop() {
	if ta.srv == nil {
		return
	}
	ta.srv.Close()
	ta.srv = nil
	if err := ta.App.Close(); err != nil {
		ta.t.Error(err)
	}
}

func (ta *testApp) setNow(t time.Time) {
	ta.mu.Lock()
	ta.now = t
	ta.mu.Unlock()
}

// post sends a raw request body to /hook/local.
func (ta *testApp) post(body string) (int, local.Response) {
	ta.t.Helper()
	resp, err := http.Post(ta.srv.URL+"/hook/local", "application/json", strings.NewReader(body))
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out local.Response
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		ta.t.Fatalf("response %d is not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// sayAt sends a message with an optional id and time and returns the reply texts joined by "\n".
func (ta *testApp) sayAt(from, text, id string, at time.Time) string {
	ta.t.Helper()
	req := local.Request{From: from, Text: text, ID: id}
	if !at.IsZero() {
		req.At = at.Format(time.RFC3339)
	}
	body, _ := json.Marshal(req)
	code, out := ta.post(string(body))
	if code != http.StatusOK {
		ta.t.Fatalf("say %q as %s: HTTP %d %+v", text, from, code, out)
	}
	texts := make([]string, len(out.Replies))
	for i, r := range out.Replies {
		texts[i] = r.Text
	}
	return strings.Join(texts, "\n")
}

// say sends a message at the app's clock time.
func (ta *testApp) say(from, text string) string {
	ta.t.Helper()
	return ta.sayAt(from, text, "", time.Time{})
}

// inbox reads every push to a member (or "group:NAME").
func (ta *testApp) inbox(member string) []local.Message {
	ta.t.Helper()
	resp, err := http.Get(ta.srv.URL + "/hook/local/inbox?" + url.Values{"member": {member}}.Encode())
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out local.InboxResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		ta.t.Fatal(err)
	}
	return out.Messages
}

// waitInbox waits (up to 5 s) until a push to member contains every part,
// and returns its text.
func (ta *testApp) waitInbox(member string, parts ...string) string {
	ta.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, m := range ta.inbox(member) {
			if containsAll(m.Text, parts...) {
				return m.Text
			}
		}
		if time.Now().After(deadline) {
			ta.t.Fatalf("no push to %s containing %q; inbox: %+v", member, parts, ta.inbox(member))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits until the outbox is empty, so that "no push arrived" can be asserted.
func (ta *testApp) settle() {
	ta.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := ta.Store.Depth()
		if err != nil {
			ta.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			ta.t.Fatalf("outbox still holds %d pushes", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// mustContain fails unless s contains every part.
func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("reply lacks %q:\n%s", p, s)
		}
	}
}

// mustNotContain fails if s contains any part.
func mustNotContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(s, p) {
			t.Errorf("reply has %q but should not:\n%s", p, s)
		}
	}
}
