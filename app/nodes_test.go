package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/console"
	"github.com/baosong/baosong/internal/pgtest"
)

// More than one node (SPEC §16): what one node decides, the other knows.
// With BAOSONG_TEST_PG two apps share one PostgreSQL database, as two
// `baosong serve` behind a load balancer; on bbolt, whose file admits one
// process, the "other node" is the same app and the tests still hold.

// another starts a second node on the store of first (on PostgreSQL); on
// bbolt it is first.
func another[T any](t *testing.T, first T, start func() T) T {
	t.Helper()
	if pgtest.Env() == "" {
		t.Log("the other node is the same app: " + pgtest.Skipped)
		return first
	}
	return start()
}

// browserWith is a browser of ta holding the session cookie value.
func (ta *testApp) browserWith(value string) *browser {
	b := ta.browser()
	u, _ := url.Parse(ta.srv.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: console.CookieName, Value: value, Path: "/"}})
	return b
}

// logout posts the logout form of the browser's session.
func (b *browser) logout() {
	b.t.Helper()
	m := tokenRe.FindStringSubmatch(b.page("/"))
	if m == nil {
		b.t.Fatal("no logout token on the page")
	}
	if resp, body := b.do("POST", "/logout", url.Values{"token": {m[1]}}); resp.StatusCode != http.StatusOK {
		b.t.Fatalf("logout: %d\n%s", resp.StatusCode, body)
	}
}

// A leader asks for the console link in chat through node A and the load
// balancer sends the browser to node B: the link opens there, once (not on
// A again), and the session works on both nodes; a logout on A ends it on
// B too, even for a copy of the cookie.
func TestNodesConsoleSessionOnEveryNode(t *testing.T) {
	a := newTestApp(t, consoleNow)
	b := another(t, a, func() *testApp { return startTestApp(t, a.data, consoleNow) })
	mustContain(t, a.say("teacher-g1c2", "急报 高一(2)班3名学生午餐后腹痛，已送县医院，其中1人住院观察"), "E1")
	link := a.link("leader-1")

	onB := b.browser()
	onB.login(link)
	mustContain(t, onB.page("/"), "E1", "腹痛")
	if code, body := a.browser().get(link); code != http.StatusForbidden || !strings.Contains(body, "已使用或已过期") {
		t.Errorf("the link opened again on the other node: %d\n%s", code, body)
	}

	cookie := onB.cookie()
	onA := a.browserWith(cookie)
	mustContain(t, onA.page("/incidents"), "E1")
	onA.logout()
	if code := b.withCookie(cookie); code != http.StatusUnauthorized {
		t.Errorf("after logout on A, a copy of the cookie on B: %d", code)
	}
	if code, _ := onB.get("/"); code != http.StatusUnauthorized {
		t.Errorf("after logout on A, the browser on B: %d", code)
	}

	// A session started on A expires after 8 hours on B as well.
	late := a.browser()
	late.login(a.link("office-1"))
	mustContain(t, b.browserWith(late.cookie()).page("/"), "E1")
	a.setNow(consoleNow.Add(console.SessionTTL))
	b.setNow(consoleNow.Add(console.SessionTTL))
	if code := b.withCookie(late.cookie()); code != http.StatusUnauthorized {
		t.Errorf("an 8-hour-old session on the other node: %d", code)
	}
}

// A restart keeps the sessions and the links not yet used: members do not
// log in again after an update; a session ended before it stays ended.
func TestNodesConsoleSessionSurvivesRestart(t *testing.T) {
	ta := newTestApp(t, consoleNow)
	b := ta.browser()
	b.login(ta.link("leader-1"))
	kept, ended := b.cookie(), ""
	pending := ta.link("office-1")
	other := ta.browser()
	other.login(ta.link("lead-g1"))
	ended = other.cookie()
	other.logout()

	ta.stop()
	ta = startTestApp(t, ta.data, consoleNow.Add(time.Minute))
	if code := ta.withCookie(kept); code != http.StatusOK {
		t.Errorf("the session after a restart: %d", code)
	}
	if code := ta.withCookie(ended); code != http.StatusUnauthorized {
		t.Errorf("a session ended before the restart: %d", code)
	}
	ta.browser().login(pending)
}

// An attacker captures a DingTalk callback's (timestamp, sign) and sends
// it with another body to the other node, or to the same node after a
// restart: 401, counted, nothing stored. The platform's redelivery of the
// identical request to the other node gets the first answer, and nothing
// is stored twice.
func TestNodesDingTalkReplayToOtherNode(t *testing.T) {
	a := newHostileApp(t)
	b := another(t, a, func() *hostileApp { return a.node(t, a.data) })
	ts := authzNow.Add(-30 * time.Minute)
	original := a.dingBody("cadre-g1c1", "考勤 旷课：李四1节", "dr1")
	code, answer := a.dingTalk(ts, "-", original)
	if code != http.StatusOK {
		t.Fatalf("first delivery: HTTP %d", code)
	}
	mustContain(t, answer, "已收到 A1")
	before := authzSnapshot(t, a.testApp)

	replays := []string{
		b.dingBody("cadre-g1c1", "考勤 全勤", "dr2"),
		b.dingBody("teacher-g1c1", "考勤 旷课：李四1节", "dr1"),
		b.dingBody("lead-g1", "确认汇总 11月", "dr3"),
	}
	for _, body := range replays {
		if code, got := b.dingTalk(ts, "-", body); code != http.StatusUnauthorized {
			t.Errorf("replay to the other node: HTTP %d %s, want 401\n%s", code, got, body)
		}
	}
	if got := b.metric(`baosong_channel_rejected_total{channel="dingtalk",reason="replay"}`); !strings.HasSuffix(got, " 3") {
		t.Errorf("replay counter on the other node: %q, want 3", got)
	}
	if code, again := b.dingTalk(ts, "-", original); code != http.StatusOK || again != answer {
		t.Errorf("redelivery to the other node: HTTP %d\n%s\nwant\n%s", code, again, answer)
	}
	if changed := authzChanged(before, authzSnapshot(t, b.testApp)); len(changed) > 0 {
		t.Errorf("replays and the redelivery stored %v", changed)
	}

	a.stop()
	restarted := a.node(t, a.data)
	if code, got := restarted.dingTalk(ts, "-", replays[0]); code != http.StatusUnauthorized {
		t.Errorf("replay after a restart: HTTP %d %s, want 401", code, got)
	}
	if changed := authzChanged(before, authzSnapshot(t, restarted.testApp)); len(changed) > 0 {
		t.Errorf("the replay after a restart stored %v", changed)
	}
}

// The same message id reaches both nodes at once (a platform retry the
// load balancer sent elsewhere): one record, one answer for both. Two
// leaders acknowledge an incident on two nodes at once: exactly one wins
// and the other is told who did.
func TestNodesDedupeAndFirstAckAcrossNodes(t *testing.T) {
	a := newTestApp(t, authzNow, quiet)
	b := another(t, a, func() *testApp { return startTestApp(t, a.data, authzNow, quiet) })
	var replies [2]string
	var wg sync.WaitGroup
	for i, n := range []*testApp{a, b} {
		wg.Go(func() { replies[i] = n.sayAt("cadre-g1c1", "考勤 旷课：李四1节", "x1", time.Time{}) })
	}
	wg.Wait()
	if !strings.Contains(replies[0]+replies[1], "已收到 A1") || strings.Contains(replies[0]+replies[1], "A2") {
		t.Errorf("one message on two nodes:\n%s\n---\n%s", replies[0], replies[1])
	}
	if raws, err := a.Store.Records("A"); err != nil || len(raws) != 1 {
		t.Errorf("stored %d entries (%v), want 1", len(raws), err)
	}

	mustContain(t, a.say("teacher-g1c2", "急报 高一(2)班3名学生午餐后腹痛，已送县医院，其中1人住院观察"), "E1")
	for i, n := range []*testApp{a, b} {
		wg.Go(func() { replies[i] = n.say(fmt.Sprint("leader-", i+1), "收到 E1") })
	}
	wg.Wait()
	won := 0
	for _, r := range replies {
		if strings.Contains(r, "已确认急报 E1") {
			won++
		} else {
			mustContain(t, r, "急报 E1 已由", "确认，无需重复确认")
		}
	}
	if won != 1 {
		t.Errorf("%d acknowledgements won:\n%s\n---\n%s", won, replies[0], replies[1])
	}
}

// WeCom keeps one live connection per AI bot: a second subscription takes
// it over. Of two nodes only the leader connects (they would otherwise
// take the bot from each other, and the one taken over stops for good);
// when the leader stops, the other node connects and answers.
func TestNodesWeComAIBotOneConnection(t *testing.T) {
	if pgtest.Env() == "" {
		t.Skip(pgtest.Skipped)
	}
	a := newAIBotApp(t, nil)
	b := startTestApp(t, a.data, time.Time{}, withAIBot(a.ws, nil))
	mustContain(t, a.ws.WaitReply(a.ws.Message("msg-1", "cadre-g1c1", "考勤 旷课：李四1节")), "A1")
	if b.Store.Leading() {
		t.Fatal("the second node leads")
	}
	if n := len(a.ws.Subscriptions()); n != 1 {
		t.Errorf("%d subscriptions with two nodes up, want the leader's alone", n)
	}

	start := time.Now()
	a.stop()
	a.ws.WaitConnected(2)
	t.Logf("the other node connected %v after the leader stopped", time.Since(start).Round(time.Millisecond))
	mustContain(t, a.ws.WaitReply(a.ws.Message("msg-2", "cadre-g1c2", "考勤 全勤")), "A2")
	if _, found, err := b.Store.Seen(context.Background(), "wecom|cadre-g1c2|msg-2"); err != nil || !found {
		t.Errorf("the other node's answer left no record: %v %v", found, err)
	}
}
