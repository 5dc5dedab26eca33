package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/outbox"
)

// fault is how a fake platform API answers a push.
type fault int

const (
	answerOK      fault = iota
	failFirst           // the next push gets HTTP 502, the ones after it are accepted
	fail5xx             // HTTP 502
	failSlow            // no answer until the client gives up
	failDrop            // the connection is closed without an answer
	failRateLimit       // WeCom 45009 / DingTalk 130101
	failExpired         // WeCom 42001 for every token issued so far, then accept
	failSecurity        // DingTalk 310000: the robot's security settings refuse (permanent)
)

// faultyAPI fakes the WeCom API (gettoken, message/send) and DingTalk's
// custom robot webhook (/robot/send), answering pushes as its fault says.
// A push counts as delivered only when the fake answered it with errcode 0.
type faultyAPI struct {
	mu        sync.Mutex
	fault     fault
	tokens    int            // access tokens issued: tok-1, tok-2 …
	minToken  int            // tokens numbered below this are expired (42001)
	requests  int            // push requests received
	delivered map[string]int // recipient|content → accepted
	order     []string       // recipient|content, in the order accepted
}

func newFaultyAPI() *faultyAPI { return &faultyAPI{delivered: map[string]int{}} }

func (f *faultyAPI) set(x fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = x
	if x == failExpired {
		f.minToken = f.tokens + 1
	}
}

func (f *faultyAPI) counts() (requests, tokens int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.tokens
}

// accepted lists the accepted pushes in order.
func (f *faultyAPI) accepted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.order)
}

// deliveries copies the accepted pushes.
func (f *faultyAPI) deliveries() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.delivered))
	for k, v := range f.delivered {
		out[k] = v
	}
	return out
}

func (f *faultyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	if r.URL.Path == "/cgi-bin/gettoken" {
		f.tokens++
		n := f.tokens
		f.mu.Unlock()
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"tok-%d","expires_in":7200}`, n)
		return
	}
	if r.URL.Path != "/cgi-bin/message/send" && r.URL.Path != "/robot/send" {
		f.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	f.requests++
	x := f.fault
	if x == failFirst {
		f.fault = answerOK
	}
	if x == failExpired {
		if n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Query().Get("access_token"), "tok-")); n < f.minToken {
			f.mu.Unlock()
			_, _ = io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
			return
		}
		x = answerOK
	}
	if x == answerOK {
		f.accept(r.URL.Path, body)
	}
	f.mu.Unlock()
	switch x {
	case answerOK:
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case failFirst, fail5xx:
		http.Error(w, "bad gateway", http.StatusBadGateway)
	case failSlow:
		select { // longer than the client's timeout: it hangs up first
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case failDrop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	case failSecurity:
		_, _ = io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
	case failRateLimit:
		code := 45009
		if r.URL.Path == "/robot/send" {
			code = 130101
		}
		fmt.Fprintf(w, `{"errcode":%d,"errmsg":"send too fast"}`, code)
	}
}

// accept counts a delivered push (f.mu held).
func (f *faultyAPI) accept(path string, body []byte) {
	var m struct {
		ToUser string `json:"touser"`
		Text   struct {
			Content string `json:"content"`
		} `json:"text"`
		Markdown struct {
			Content string `json:"content"` // WeCom
			Text    string `json:"text"`    // DingTalk
		} `json:"markdown"`
	}
	_ = json.Unmarshal(body, &m)
	to := strings.Split(m.ToUser, "|")
	if path == "/robot/send" {
		to = []string{"robot"}
	}
	for _, u := range to {
		k := u + "|" + m.Text.Content + m.Markdown.Content + m.Markdown.Text
		f.delivered[k]++
		f.order = append(f.order, k)
	}
}

// startAppWithHTTP starts the app (on bbolt, in a new data directory) with
// the platform API client given.
func startAppWithHTTP(t *testing.T, now time.Time, httpc *http.Client, opts ...option) *testApp {
	t.Helper()
	return launch(t, app.Options{Data: t.TempDir(), HTTPClient: httpc}, now, opts...)
}

// metric reads one unlabelled series from GET /metrics.
func (ta *testApp) metric(name string) float64 {
	ta.t.Helper()
	resp, err := http.Get(ta.srv.URL + "/metrics")
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				ta.t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	ta.t.Fatalf("no %s in /metrics", name)
	return 0
}

// queued lists every push in the outbox, whenever due.
func (ta *testApp) queued() []outbox.Item {
	ta.t.Helper()
	items, err := ta.Store.Due(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	if err != nil {
		ta.t.Fatal(err)
	}
	return items
}

// waitFor polls cond for up to 15 s; state describes what was seen instead.
func waitFor(t *testing.T, what string, cond func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second) // generous: a loaded CI machine, or -race
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; %s", what, state())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// retried waits until the first queued push of every recipient has failed
// attempts times (the recipient's later pushes wait behind it), checks
// those first pushes are due again after delay and that /metrics shows the
// backlog, and returns how many recipients wait.
func (ta *testApp) retried(attempts, pending int, delay time.Duration) int {
	ta.t.Helper()
	var items []outbox.Item
	heads := map[string]bool{}
	waitFor(ta.t, fmt.Sprintf("%d pushes to fail %d times", pending, attempts), func() bool {
		items = ta.queued()
		clear(heads)
		for _, it := range items { // in queue order
			if to := it.Notification.To.String(); !heads[to] {
				heads[to] = true
				if it.Attempts != attempts {
					return false
				}
			} else if it.Attempts >= attempts {
				return false
			}
		}
		return len(items) == pending
	}, func() string { return fmt.Sprintf("outbox: %+v", items) })
	want := ta.App.Store.Now().Add(delay)
	clear(heads)
	for _, it := range items {
		to := it.Notification.To.String()
		if heads[to] {
			continue // behind the first: it goes when that one is through
		}
		heads[to] = true
		if !it.NextAt.Equal(want) {
			ta.t.Errorf("push %d after attempt %d (%s) due at %s, want %s (+%s)", it.Seq, attempts, it.LastError,
				it.NextAt.Format(time.TimeOnly), want.Format(time.TimeOnly), delay)
		}
	}
	if d := ta.metric("baosong_outbox_depth"); d != float64(pending) {
		ta.t.Errorf("baosong_outbox_depth = %v while %d pushes wait", d, pending)
	}
	return len(heads)
}

// The WeCom API fails in every way it can — 5xx, answers slower than the
// client waits, 45009, a dropped connection, an expired token — then
// recovers: the outbox retries on its backoff (or the platform's delay),
// shows the backlog in /metrics, and every absence notice reaches the
// teacher exactly once.
func TestWeComFaultsRetryWithoutLossOrDuplicate(t *testing.T) {
	t.Parallel() // waits on the outbox's 1 s poll after each clock move
	api := newFaultyAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	ta := startAppWithHTTP(t, t0, &http.Client{Timeout: 300 * time.Millisecond},
		withWeCom(srv.URL, "teacher-g1c1", "teacher-g1c2"), attNoRateLimit)

	// One of three notices fails once; the one to another teacher is
	// delivered at once, the one to the same teacher waits behind it.
	api.set(failFirst)
	forms := []struct{ cadre, text string }{
		{"cadre-g1c1", "考勤 旷课：张三1节"}, {"cadre-g1c2", "考勤 旷课：周八1节"}, {"cadre-g1c1", "考勤 旷课：李四1节"},
		{"cadre-g1c2", "考勤 旷课：吴九1节"}, {"cadre-g1c1", "考勤 旷课：王五1节"},
	}
	for _, f := range forms[:3] {
		ta.say(f.cadre, f.text)
	}
	ta.retried(1, 2, outbox.Backoff(1))
	// Two more while the API answers 502.
	api.set(fail5xx)
	for _, f := range forms[3:] {
		ta.say(f.cadre, f.text)
	}
	ta.retried(1, 4, outbox.Backoff(1))

	steps := []struct {
		fault fault
		delay time.Duration // until the next attempt
	}{
		{failSlow, outbox.Backoff(2)},
		{failRateLimit, time.Minute}, // 45009: WeCom lifts minute limits after 60 s, more than Backoff(3)
		{failDrop, outbox.Backoff(4)},
	}
	for i, s := range steps {
		before, _ := api.counts()
		api.set(s.fault)
		ta.setNow(ta.queued()[0].NextAt)
		heads := ta.retried(i+2, 4, s.delay)
		if after, _ := api.counts(); after-before != heads {
			t.Errorf("fault %d: %d requests for %d teachers' first due pushes", s.fault, after-before, heads)
		}
	}
	if len(api.deliveries()) != 1 {
		t.Fatalf("failed pushes were counted as delivered: %v", api.deliveries())
	}

	// The token expired: refreshed once, and the pushes go through.
	_, tokens := api.counts()
	api.set(failExpired)
	ta.setNow(ta.queued()[0].NextAt)
	waitFor(t, "the backlog to drain", func() bool { return len(ta.queued()) == 0 },
		func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	if _, after := api.counts(); after != tokens+1 {
		t.Errorf("%d token fetches after 42001, want 1", after-tokens)
	}
	if d := ta.metric("baosong_outbox_depth"); d != 0 {
		t.Errorf("baosong_outbox_depth = %v after recovery", d)
	}
	got := api.deliveries()
	if len(got) != len(forms) {
		t.Errorf("%d distinct notices delivered, want %d: %v", len(got), len(forms), got)
	}
	for i, f := range forms {
		id := fmt.Sprintf("A%d", i+1)
		teacher := strings.Replace(f.cadre, "cadre", "teacher", 1)
		n := 0
		for k, c := range got {
			if strings.HasPrefix(k, teacher+"|") && strings.Contains(k, id) && strings.Contains(k, f.text[len("考勤 旷课："):len(f.text)-len("1节")]) {
				n += c
			}
		}
		if n != 1 {
			t.Errorf("notice of %s (%s) reached %s %d times", id, f.text, teacher, n)
		}
	}
	if failed, _ := ta.Store.Failed(10); len(failed) > 0 {
		t.Errorf("pushes parked as failed: %+v", failed)
	}
}

// A DingTalk group robot answers 502, then 130101 (throttled for ten
// minutes), then recovers: the incident alert to the duty group is retried
// after the backoff and after the throttle, and posted exactly once.
func TestDingTalkRobotFaultsRetryWithoutLossOrDuplicate(t *testing.T) {
	t.Parallel() // waits on the outbox's 1 s poll after each clock move
	api := newFaultyAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	ta := startAppWithHTTP(t, t0, nil, func(c *config.Config) {
		c.DingTalk.Robots = map[string]config.DingTalkRobot{"duty": {Webhook: srv.URL + "/robot/send?access_token=duty", Secret: "SECduty"}}
		c.Groups = append(c.Groups, org.Group{Name: "值班群", Channel: "dingtalk", Robot: "duty"})
		c.Incident.Levels[0].Groups = []string{"值班群"}
		c.Schedule.Off = append(c.Schedule.Off, "incident-clock") // no escalation while the clock moves
	})
	api.set(fail5xx)
	mustContain(t, ta.say("teacher-g1c1", "急报 今天9点40分，3名学生在食堂午餐后腹痛，已送县医院"), "E1")
	ta.retried(1, 1, outbox.Backoff(1))

	api.set(failRateLimit)
	ta.setNow(ta.queued()[0].NextAt)
	ta.retried(2, 1, 10*time.Minute) // 130101 throttles a robot for ten minutes

	api.set(answerOK)
	ta.setNow(ta.queued()[0].NextAt)
	waitFor(t, "the alert to be posted", func() bool { return len(ta.queued()) == 0 },
		func() string { return fmt.Sprintf("outbox: %+v", ta.queued()) })
	if d := ta.metric("baosong_outbox_depth"); d != 0 {
		t.Errorf("baosong_outbox_depth = %v after recovery", d)
	}
	got := api.deliveries()
	if len(got) != 1 {
		t.Fatalf("robot posts: %v, want one alert", got)
	}
	for k, n := range got {
		if n != 1 || !strings.Contains(k, "E1") {
			t.Errorf("robot post %q delivered %d times", k, n)
		}
	}
	if requests, _ := api.counts(); requests != 3 {
		t.Errorf("%d robot requests, want 3 (502, 130101, ok)", requests)
	}
	// The leader on the local channel was alerted once, unaffected.
	if n := len(ta.inbox("leader-1")); n != 1 {
		t.Errorf("leader-1 got %d pushes, want 1", n)
	}
}
