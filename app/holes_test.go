package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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

// allPushes is every push in every member's and group's inbox, joined.
func allPushes(t *testing.T, ta *testApp) string {
	t.Helper()
	ta.settle()
	var b strings.Builder
	for _, m := range ta.Dir.Members() {
		for _, msg := range ta.inbox(m.ID) {
			b.WriteString(msg.Text + "\n")
		}
	}
	return b.String()
}

// An urgent report that carries a confidential marking is never dropped:
// the incident is opened and level 0 alerted with who to phone, while the
// content is neither stored nor sent; the reporter is asked to phone. A
// resend opens nothing more. Ordinary words that only contain the
// characters (心中藏着秘密, 计算机密码, 秘密花园) pass, and real markings
// hidden by spaces, zero-width characters or traditional forms are refused
// with nothing stored, not even the message id.
func TestHolesConfidentialGuard(t *testing.T) {
	ta := newTestApp(t, authzNow, quiet)
	const secret = "高一(1)班期中考试试卷在保密室被撬"
	report := "急报 （机密）" + secret
	before := authzSnapshot(t, ta)
	r := ta.sayAt("teacher-g1c1", report, "c1", time.Time{})
	mustContain(t, r, "已登记急报 E1，已通知：王副校长。", "含涉密标识", "内容未保存、未传送", "请立即电话向领导报告详情", "纸质")
	mustNotContain(t, r, "试卷", "保密室")
	if changed := authzChanged(before, authzSnapshot(t, ta)); strings.Join(changed, ",") != "E1,E1 history,pushes" {
		t.Errorf("stored %v, want the incident E1 and its alert", changed)
	}
	raws, err := ta.Store.Records("E")
	if err != nil || len(raws) != 1 {
		t.Fatalf("incidents: %d %v", len(raws), err)
	}
	if strings.Contains(string(raws[0]), "试卷") || strings.Contains(string(raws[0]), "机密") {
		t.Errorf("the content was stored: %s", raws[0])
	}
	alert := ta.waitInbox("leader-1", "E1")
	mustContain(t, alert, "一条急报含涉密标识，内容未经网络传送，请电话联系报告人 刘老师（13800000201）", "收到 E1")
	if pushes := allPushes(t, ta); strings.Contains(pushes, "试卷") || strings.Contains(pushes, "保密室") {
		t.Errorf("the content was pushed:\n%s", pushes)
	}
	// The platform's retry: the same answer, no second incident.
	before = authzSnapshot(t, ta)
	if again := ta.sayAt("teacher-g1c1", report, "c1", time.Time{}); again != r {
		t.Errorf("resend answered:\n%s", again)
	}
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("the resend stored %v", changed)
	}
	// The leader who phoned acknowledges as usual.
	mustContain(t, ta.say("leader-1", "收到 E1"), "E1")

	// Urgent reports the old guard refused: stored and alerted with their text.
	for i, text := range []string{
		"急报 高一(1)班一名学生留下遗书称心中藏着秘密，已离校失联",
		"急报 学校机房计算机密码被盗，教务系统被人登录",
	} {
		id := fmt.Sprintf("E%d", i+2)
		mustContain(t, ta.say("teacher-g1c1", text), "已收到急报 "+id)
		ta.waitInbox("leader-1", id, strings.Fields(text)[1][:12])
	}
	// Other messages the old guard refused, stored now.
	mustContain(t, ta.say("officer-1", "投稿 标题：秘密花园主题读书会 类别：动态 正文：（不涉密）本周五举行读书会。密级：非涉密 撰稿：马丽 审核：周强"),
		"已收到信息 S1")
	mustContain(t, ta.say("officer-1", "好人好事 高一(1)班同学在神秘密室逃脱活动中帮助走失儿童"), "已收到好人好事 G1")

	// Markings the old guard missed: refused, nothing stored or remembered.
	before = authzSnapshot(t, ta)
	for i, text := range []string{
		"投稿 标题：秘　密★1年 期末考试安排 类别：动态 正文：…… 撰稿：马丽 审核：周强",
		"投稿 标题：机 密 文件 类别：动态 正文：……",
		"投稿 标题：机\u200b密 考场安排 类别：动态 正文：……",
		"周报 機密 上周大事：……",
		"好人好事 内部 资料 请勿外传",
		"周报 密级：秘密 上周大事：……",
	} {
		id := fmt.Sprintf("m%d", i)
		mustContain(t, ta.sayAt("officer-1", text, id, time.Time{}), "涉密信息不得通过网络报送", "纸质")
		if ta.seen(id, "officer-1") {
			t.Errorf("%q: the message id was remembered", text)
		}
	}
	if changed := authzChanged(before, authzSnapshot(t, ta)); len(changed) > 0 {
		t.Errorf("stored %v", changed)
	}
	if n, _ := ta.Store.Counter("confidential"); n != 7 {
		t.Errorf("confidential counter %d, want 7 (the 急报 and six refusals; the resend is not counted)", n)
	}
}

// seen reports whether member's local message id was remembered.
func (ta *testApp) seen(id, member string) bool {
	ta.t.Helper()
	_, found, err := ta.Store.Seen(context.Background(), "local|"+member+"|"+id)
	if err != nil {
		ta.t.Fatal(err)
	}
	return found
}

// metric reads one line of /metrics that starts with prefix ("" when absent).
func (h *hostileApp) metric(prefix string) string {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/metrics", nil)
	_, raw := h.do(req)
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// DingTalk's sign covers the timestamp only: a captured (timestamp, sign)
// pair is refused for any other message in its hour — another body, another
// msgId, another sender — with 401, nothing stored and the refusal counted;
// the identical request again is a redelivery and gets the first answer.
func TestHolesDingTalkSignIsNotReusable(t *testing.T) {
	h := newHostileApp(t)
	ts := authzNow.Add(-30 * time.Minute)
	code, first := h.dingTalk(ts, "-", h.dingBody("cadre-g1c1", "考勤 旷课：李四1节", "dr1"))
	if code != http.StatusOK {
		t.Fatalf("first delivery: HTTP %d", code)
	}
	mustContain(t, first, "已收到 A1")

	before := authzSnapshot(t, h.testApp)
	for _, r := range []struct{ name, body, key string }{
		{"a changed body under a new msgId", h.dingBody("cadre-g1c1", "考勤 旷课：张三2节", "dr2"), "dingtalk|cadre-g1c1|dr2"},
		{"a changed body under the same msgId", h.dingBody("cadre-g1c1", "考勤 全勤", "dr1"), ""},
		{"a changed senderStaffId", h.dingBody("teacher-g1c1", "考勤 旷课：李四1节", "dr1"), "dingtalk|teacher-g1c1|dr1"},
		{"another sender and body", h.dingBody("lead-g1", "确认汇总 11月", "dr3"), "dingtalk|lead-g1|dr3"},
	} {
		if code, answer := h.dingTalk(ts, "-", r.body); code != http.StatusUnauthorized {
			t.Errorf("%s: HTTP %d %s, want 401", r.name, code, answer)
		}
		if r.key != "" && h.seen(r.key) {
			t.Errorf("%s: the message was remembered", r.name)
		}
	}
	if changed := authzChanged(before, authzSnapshot(t, h.testApp)); len(changed) > 0 {
		t.Errorf("replays stored %v", changed)
	}
	if got := h.metric(`baosong_channel_rejected_total{channel="dingtalk",reason="replay"}`); !strings.HasSuffix(got, " 4") {
		t.Errorf("replay counter: %q, want 4", got)
	}
	// The identical request again: a redelivery, answered as the first time.
	if code, again := h.dingTalk(ts, "-", h.dingBody("cadre-g1c1", "考勤 旷课：李四1节", "dr1")); code != http.StatusOK || again != first {
		t.Errorf("redelivery: HTTP %d\n%s", code, again)
	}
	// A fresh timestamp signs a new message as usual.
	if code, r := h.dingTalk(authzNow, "-", h.dingBody("cadre-g1c1", "考勤 旷课：张三2节", "dr2")); code != http.StatusOK ||
		!strings.Contains(r, "A1") {
		t.Errorf("new message: HTTP %d %s", code, r)
	}
}

// healthz reads GET /healthz.
func (ta *testApp) healthz() (int, string) {
	ta.t.Helper()
	resp, err := http.Get(ta.srv.URL + "/healthz")
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// Writes that keep failing make /healthz fail, so a monitor sees what the
// refused messages already say; the first write that succeeds again makes
// it healthy.
func TestHolesHealthzFailsAfterRepeatedWriteFailures(t *testing.T) {
	skipOnPostgres(t, "a full disk under the bbolt file")
	dir := mountTmpfs(t, "2m")
	ta := startTestApp(t, filepath.Join(dir, "data"), time.Time{})
	if code, body := ta.healthz(); code != http.StatusOK {
		t.Fatalf("healthy store: %d %s", code, body)
	}
	fillFS(t, dir)
	refused := 0
	for i := 0; i < 400 && refused < 3; i++ {
		code, _ := ta.post(fmt.Sprintf(`{"from":"cadre-g1c1","text":"帮助 %s","id":"full-%d"}`, strings.Repeat("长", 200), i))
		if code == http.StatusServiceUnavailable {
			refused++
		}
	}
	if refused < 3 {
		t.Fatal("a full disk never refused three messages")
	}
	code, body := ta.healthz()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "writes failed") {
		t.Errorf("after %d refused writes: /healthz %d %s", refused, code, body)
	}
	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	mustContain(t, ta.sayAt("cadre-g1c1", "帮助", "after-full", time.Time{}), "您可以发送")
	if code, body := ta.healthz(); code != http.StatusOK {
		t.Errorf("after space is freed: /healthz %d %s", code, body)
	}
}
