package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
)

// Issue 13: holes found by a hostile test of the running server, each proven
// through the real app with the answer and a store snapshot.

// Two members who happen to use the same local message id are two messages:
// cadre-g2c2's form is stored and answered, not given teacher-g1c1's reply
// (which names another class's students).
func TestHolesSameIDFromAnotherMemberIsANewMessage(t *testing.T) {
	h := newHostileApp(t)
	first := h.sayAt("teacher-g1c1", "考勤 旷课：张三2节", "X1", time.Time{})
	mustContain(t, first, "已收到 A1", "张三")

	before := authzSnapshot(t, h.testApp)
	second := h.sayAt("cadre-g2c2", "考勤 全勤", "X1", time.Time{})
	mustContain(t, second, "已收到 A2：高二(2)班", "无异常")
	mustNotContain(t, second, "A1", "高一(1)班")
	changed := authzChanged(before, authzSnapshot(t, h.testApp))
	if strings.Join(changed, ",") != "A2,A2 history" {
		t.Errorf("stored %v, want cadre-g2c2's form A2", changed)
	}
	if !strings.Contains(h.say("cadre-g2c2", "我的"), "A2") {
		t.Error("cadre-g2c2 does not see its form")
	}
	// Each member's resend still gets its own first answer and stores nothing.
	before = authzSnapshot(t, h.testApp)
	if r := h.sayAt("teacher-g1c1", "考勤 旷课：张三2节", "X1", time.Time{}); r != first {
		t.Errorf("teacher's resend: %s", r)
	}
	if r := h.sayAt("cadre-g2c2", "考勤 全勤", "X1", time.Time{}); r != second {
		t.Errorf("cadre's resend: %s", r)
	}
	if changed := authzChanged(before, authzSnapshot(t, h.testApp)); len(changed) > 0 {
		t.Errorf("resends stored %v", changed)
	}
}

// A platform's retry of a message already handled gets the stored reply even
// when the sender is over the flood limit; only new messages count, and a
// refused message is handled when sent again after the minute.
func TestHolesRetryIsNotRateLimited(t *testing.T) {
	ta := newTestApp(t, authzNow, quiet, func(c *config.Config) { c.Server.RatePerMinute = 2 })
	first := ta.sayAt("cadre-g1c1", "考勤 旷课：李四1节", "r1", time.Time{})
	mustContain(t, first, "已收到 A1")
	mustNotContain(t, ta.sayAt("cadre-g1c1", "我的", "r2", time.Time{}), "太快")

	before := authzSnapshot(t, ta)
	for range 3 { // the platform retries r1: same answer each time, nothing counted
		if r := ta.sayAt("cadre-g1c1", "考勤 旷课：李四1节", "r1", time.Time{}); r != first {
			t.Fatalf("retry of a handled message got:\n%s", r)
		}
	}
	limited := ta.sayAt("cadre-g1c1", "考勤 旷课：王五1节", "r3", time.Time{})
	mustContain(t, limited, "太快")
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("stored %v", changed)
	}
	if n, _ := ta.Store.Counter("rejected:rate_limited"); n != 1 {
		t.Errorf("rate_limited counter %d, want 1 (the retries count for nothing)", n)
	}
	// A minute later the refused message, sent again with its id, is handled.
	ta.setNow(authzNow.Add(61 * time.Second))
	mustContain(t, ta.sayAt("cadre-g1c1", "考勤 旷课：王五1节", "r3", time.Time{}), "已收到 A2", "王五")
}

// Behind a reverse proxy on the same host every request has a loopback peer:
// with empty tokens, a request carrying a proxy's forwarding header is not
// loopback, so the admin endpoints and the local hook refuse it and nothing
// is stored; the same request straight from this machine is served.
func TestHolesProxiedRequestsAreNotLoopback(t *testing.T) {
	h := newHostileApp(t)
	headers := []struct{ name, value string }{
		{"X-Forwarded-For", "203.0.113.9"},
		{"Forwarded", "for=203.0.113.9;proto=https"},
		{"X-Real-IP", "203.0.113.9"},
		{"X-Forwarded-For", "127.0.0.1"}, // a forged "local" client is still behind the proxy
	}
	before := authzSnapshot(t, h.testApp)
	for _, hd := range headers {
		for _, r := range []struct{ method, path, body string }{
			{http.MethodGet, "/api/export?what=incidents&period=2026-11&format=json", ""},
			{http.MethodPost, "/api/backup", ""},
			{http.MethodPost, "/hook/local", localBody("office-1", "考勤 全勤", "")},
			{http.MethodGet, "/hook/local/inbox?member=leader-1", ""},
		} {
			req, _ := http.NewRequest(r.method, h.srv.URL+r.path, strings.NewReader(r.body))
			req.Header.Set(hd.name, hd.value)
			if code, raw := h.do(req); code != http.StatusForbidden {
				t.Errorf("%s %s with %s: HTTP %d, want 403: %.80s", r.method, r.path, hd.name, code, raw)
			}
		}
	}
	if changed := authzChanged(before, authzSnapshot(t, h.testApp)); len(changed) > 0 {
		t.Errorf("stored %v", changed)
	}
	// Straight from this machine (the CLI, the demo): served.
	if code, _ := h.export("incidents", "2026-11", "json"); code != http.StatusOK {
		t.Errorf("direct export: HTTP %d", code)
	}
	if code, answer := h.local(localBody("cadre-g1c1", "考勤 全勤", "")); code != http.StatusOK || !strings.Contains(answer, "已收到 A1") {
		t.Errorf("direct local hook: HTTP %d %s", code, answer)
	}
}
