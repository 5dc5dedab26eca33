package dingtalk

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/platform/platformtest"
)

type clientEnv struct {
	platformtest.Push
	f *fakeDingTalk
	c *Client
}

func newClientEnv(t *testing.T, opts ...platform.Option) clientEnv {
	p := platformtest.NewPush(t, bot.DingTalk, testNow, opts...)
	f := newFakeDingTalk(t, p.Clock.Now)
	cfg := Config{AppKey: fakeAppKey, AppSecret: fakeAppSecret, AgentID: 2819000001, APIBase: f.Srv.URL,
		Robots: map[string]Robot{"office": {Webhook: fakeRobotToken, Secret: fakeRobotSecret}}}
	c, err := NewClient(cfg, p.Dir, p.Opts...)
	if err != nil {
		t.Fatal(err)
	}
	return clientEnv{Push: p, f: f, c: c}
}

func toMember(m, text string) bot.Notification {
	return bot.Notification{ID: "N1", To: bot.Recipient{Member: m}, Text: text, At: testNow}
}

const stamp = "\n（11月26日 16:02）"

func TestWorkNoticeWireFormat(t *testing.T) {
	e := newClientEnv(t)
	if err := e.c.Notify(context.Background(), toMember("teacher-g1c1", "请于17:00前提交 <日常信息报表>")); err != nil {
		t.Fatal(err)
	}
	tokens, notices, _, _ := e.f.counts()
	if tokens != 1 || notices != 1 {
		t.Fatalf("gettoken %d, asyncsend %d; want 1, 1", tokens, notices)
	}
	s := e.f.notices()[0]
	if s.Token != "DT-TOKEN-1" {
		t.Errorf("access_token = %q", s.Token)
	}
	if agent, ok := s.Body["agent_id"].(float64); !ok || agent != 2819000001 {
		t.Errorf("agent_id = %#v, want the number", s.Body["agent_id"])
	}
	if field(s.Body, "userid_list") != "u-teacher-g1c1" || field(s.Body, "msg", "msgtype") != "text" {
		t.Errorf("body = %s", s.Raw)
	}
	if got := field(s.Body, "msg", "text", "content"); got != "请于17:00前提交 <日常信息报表>"+stamp {
		t.Errorf("content = %q", got)
	}
	_ = e.c.Notify(context.Background(), toMember("a", "again"))
	if tokens, _, _, _ := e.f.counts(); tokens != 1 {
		t.Errorf("gettoken called %d times for two pushes", tokens)
	}
}

func TestWorkNoticeUniqueText(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	n := toMember("a", "请提交本周大事记")
	_ = e.c.Notify(ctx, n)
	later := n
	later.At = testNow.Add(90 * time.Minute)
	_ = e.c.Notify(ctx, later)
	_ = e.c.Notify(ctx, n) // a retry of the first push
	c0 := field(e.f.notices()[0].Body, "msg", "text", "content")
	c1 := field(e.f.notices()[1].Body, "msg", "text", "content")
	c2 := field(e.f.notices()[2].Body, "msg", "text", "content")
	if c0 == c1 {
		t.Errorf("two pushes of one text on one day are identical: %q", c0)
	}
	if c0 != c2 {
		t.Errorf("a retry differs from the original: %q vs %q", c0, c2)
	}
	if !strings.HasSuffix(c1, "\n（11月26日 17:32）") {
		t.Errorf("second push = %q", c1)
	}
	md := bot.Notification{To: bot.Recipient{Member: "a"}, Title: "月末汇总", Text: "**g1c1** 已确认", Markdown: true, At: testNow}
	_ = e.c.Notify(ctx, md)
	s := e.f.notices()[3]
	if field(s.Body, "msg", "msgtype") != "markdown" || field(s.Body, "msg", "markdown", "title") != "月末汇总" ||
		field(s.Body, "msg", "markdown", "text") != "### 月末汇总\n**g1c1** 已确认"+stamp {
		t.Errorf("markdown notice = %s", s.Raw)
	}
}

func TestWorkNoticeTokenRefreshOnce(t *testing.T) {
	for name, stale := range map[string]string{
		"40014":        `{"errcode":40014,"errmsg":"不合法的access_token"}`,
		"42001":        `{"errcode":42001,"errmsg":"access_token expired"}`,
		"88 sub 40014": `{"errcode":88,"sub_code":"40014","sub_msg":"不合法的access_token","errmsg":"ding talk error"}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newClientEnv(t)
			ctx := context.Background()
			if err := e.c.Notify(ctx, toMember("a", "warm-up")); err != nil {
				t.Fatal(err)
			}
			e.f.Then(pathWorkNotice, answer{Body: stale})
			if err := e.c.Notify(ctx, toMember("a", "x")); err != nil {
				t.Fatalf("after one stale answer: %v", err)
			}
			tokens, notices, _, _ := e.f.counts()
			if tokens != 2 || notices != 3 || e.f.notices()[2].Token != "DT-TOKEN-2" {
				t.Errorf("gettoken %d, sends %d; want 2, 3 with the new token", tokens, notices)
			}
			e.f.Then(pathWorkNotice, answer{Body: stale}, answer{Body: stale})
			if err := e.c.Notify(ctx, toMember("a", "y")); err == nil || bot.IsPermanent(err) {
				t.Errorf("two stale answers: %v, want a retryable error", err)
			}
			if tokens, notices, _, _ := e.f.counts(); tokens != 3 || notices != 5 {
				t.Errorf("gettoken %d, sends %d; want 3, 5 (one refresh per push)", tokens, notices)
			}
		})
	}
}

func TestClientErrorClasses(t *testing.T) {
	group := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "x"}
	tests := []struct {
		name      string
		path      string
		n         bot.Notification
		ans       answer
		permanent bool
		retry     time.Duration
		log       string
	}{
		{"130101 robot throttled", pathRobot, group, answer{Body: `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`}, false, 10 * time.Minute, ""},
		{"310000 robot security", pathRobot, group, answer{Body: `{"errcode":310000,"errmsg":"sign not match"}`}, true, 0, "加签"},
		{"60020 IP", pathWorkNotice, toMember("a", "x"), answer{Body: `{"errcode":60020,"errmsg":"访问ip不在白名单之中"}`}, true, 0, "服务器出口IP"},
		{"40089 secret", pathToken, toMember("a", "x"), answer{Body: `{"errcode":40089,"errmsg":"不合法的corpid或corpsecret"}`}, true, 0, "app_secret"},
		{"HTTP 503", pathWorkNotice, toMember("a", "x"), answer{Status: 503}, false, 0, ""},
		{"HTTP 429", pathRobot, group, answer{Status: 429}, false, time.Minute, ""},
		{"not JSON", pathWorkNotice, toMember("a", "x"), answer{Body: "<html>"}, false, 0, ""},
		{"unknown errcode", pathWorkNotice, toMember("a", "x"), answer{Body: `{"errcode":-1,"errmsg":"busy"}`}, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newClientEnv(t)
			e.f.Then(tt.path, tt.ans)
			err := e.c.Notify(context.Background(), tt.n)
			platformtest.Classified(t, err, tt.permanent, tt.retry)
			e.Logged(t, tt.log)
			assertNoSecrets(t, err.Error()+e.Log.String())
		})
	}
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	platformtest.NoSecrets(t, s, "DT-TOKEN", fakeAppSecret, fakeRobotToken, fakeRobotSecret, fakeSession, "access_token=", "sign=")
}

func TestClientSlowAndUnreachableAreRetryableAndRedacted(t *testing.T) {
	e := newClientEnv(t, platform.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	e.f.Then(pathWorkNotice, answer{Block: true})
	err := e.c.Notify(context.Background(), toMember("a", "x"))
	if err == nil || bot.IsPermanent(err) {
		t.Fatalf("slow API: %v, want retryable", err)
	}
	assertNoSecrets(t, err.Error())
	e.f.Srv.Close()
	for _, n := range []bot.Notification{toMember("a", "x"), {To: bot.Recipient{Group: "全体班主任"}, Text: "x"}} {
		err := e.c.Notify(context.Background(), n)
		if err == nil || bot.IsPermanent(err) {
			t.Fatalf("closed server: %v, want retryable", err)
		}
		assertNoSecrets(t, err.Error())
	}
}

func TestNotifyManyBatchesOf100(t *testing.T) {
	e := newClientEnv(t)
	members := make([]string, 250)
	for i := range members {
		members[i] = fmt.Sprintf("s%03d", i)
	}
	members = append(members, "nobody", "s000")
	errs := e.c.NotifyMany(context.Background(), bot.Notification{Text: "月末汇总已发布", At: testNow}, members)
	for i, err := range errs[:250] {
		if err != nil {
			t.Fatalf("member %d: %v", i, err)
		}
	}
	if !bot.IsPermanent(errs[250]) || errs[251] != nil {
		t.Errorf("nobody: %v (want permanent); duplicate s000: %v (want nil)", errs[250], errs[251])
	}
	_, notices, _, _ := e.f.counts()
	if notices != 3 {
		t.Fatalf("%d calls for 250 members, want 3", notices)
	}
	total := 0
	for i, want := range []int{100, 100, 50} {
		n := len(strings.Split(field(e.f.notices()[i].Body, "userid_list"), ","))
		if n != want {
			t.Errorf("call %d has %d users, want %d", i, n, want)
		}
		total += n
	}
	if total != 250 {
		t.Errorf("%d users reached", total)
	}
}

func TestWorkNoticeSplitsLongText(t *testing.T) {
	e := newClientEnv(t)
	text := strings.Repeat("报", 1000) + strings.Repeat("b", 2000) // 5,000 bytes
	if err := e.c.Notify(context.Background(), toMember("a", text)); err != nil {
		t.Fatal(err)
	}
	_, notices, _, _ := e.f.counts()
	if notices != 3 {
		t.Fatalf("%d calls for a 5,000-byte text, want 3", notices)
	}
	var joined strings.Builder
	for _, s := range e.f.notices() {
		part := field(s.Body, "msg", "text", "content")
		if len(part) > noticeLimit {
			t.Errorf("part of %d bytes", len(part))
		}
		if !strings.HasSuffix(part, stamp) {
			t.Errorf("part without the time stamp: …%q", part[max(0, len(part)-30):])
		}
		joined.WriteString(strings.TrimSuffix(part, stamp))
	}
	if joined.String() != text {
		t.Error("parts do not join back to the text")
	}
}

func TestRobotMessages(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	n := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Title: "逾期", Text: "g2c2 未报", Mention: []string{"teacher-g2c2", "leader-1"}}
	if err := e.c.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	tokens, _, robots, _ := e.f.counts()
	if tokens != 0 || robots != 1 {
		t.Fatalf("gettoken %d, robot %d; want 0, 1", tokens, robots)
	}
	s := e.f.robots()[0]
	if field(s.Body, "msgtype") != "text" || field(s.Body, "text", "content") != "【逾期】\ng2c2 未报\n@13800000001 @u-teacher-g2c2" ||
		field(s.Body, "at", "atMobiles") != `["13800000001"]` || field(s.Body, "at", "atUserIds") != `["u-teacher-g2c2"]` ||
		field(s.Body, "at", "isAtAll") != "false" {
		t.Errorf("robot body = %s", s.Raw)
	}
	md := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Title: "通报", Text: "## 第一名 g1c1", Markdown: true}
	if err := e.c.Notify(ctx, md); err != nil {
		t.Fatal(err)
	}
	s = e.f.robots()[1]
	if field(s.Body, "msgtype") != "markdown" || field(s.Body, "markdown", "title") != "通报" ||
		field(s.Body, "markdown", "text") != "### 通报\n## 第一名 g1c1\n@13800000001" {
		t.Errorf("markdown robot body = %s", s.Raw)
	}
	long := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: strings.Repeat("长", 3000)} // 9,000 bytes
	if err := e.c.Notify(ctx, long); err != nil {
		t.Fatal(err)
	}
	if _, _, robots, _ := e.f.counts(); robots != 5 {
		t.Errorf("%d robot calls, want 5 (9,000 bytes in 3 parts)", robots)
	}
}

func TestRobotPacing(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	group := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "x"}
	for i := range 20 {
		if err := e.c.Notify(ctx, group); err != nil {
			t.Fatalf("robot push %d: %v", i, err)
		}
		e.Clock.Advance(time.Second)
	}
	d, ok := bot.RetryDelay(e.c.Notify(ctx, group))
	if !ok || d != 40*time.Second {
		t.Errorf("21st push in a minute: delay %v %v, want RetryAfter 40s", d, ok)
	}
	if _, _, robots, _ := e.f.counts(); robots != 20 {
		t.Errorf("%d robot calls, want 20", robots)
	}
	e.Clock.Advance(d)
	if err := e.c.Notify(ctx, group); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	if got := platformtest.Value(t, e.M.Pushes.WithLabelValues("rate_limited")); got != 1 {
		t.Errorf("pushes{rate_limited} = %v", got)
	}
	if got := platformtest.Value(t, e.M.Pushes.WithLabelValues("ok")); got != 21 {
		t.Errorf("pushes{ok} = %v", got)
	}
}

func TestClientPermanentCases(t *testing.T) {
	e := newClientEnv(t)
	ctx := context.Background()
	for name, n := range map[string]bot.Notification{
		"unknown group": {To: bot.Recipient{Group: "nope"}, Text: "x"},
		"unknown robot": {To: bot.Recipient{Group: "ghost"}, Text: "x"},
		"no recipient":  {Text: "x"},
		"no userid":     toMember("nobody", "x"),
		"empty text":    toMember("a", " \n"),
	} {
		if err := e.c.Notify(ctx, n); !bot.IsPermanent(err) {
			t.Errorf("%s: %v, want permanent", name, err)
		}
	}
	robotsOnly, err := NewClient(Config{Robots: map[string]Robot{"office": {Webhook: "t"}}}, platformtest.Dir{})
	if err != nil {
		t.Fatal(err)
	}
	if err := robotsOnly.Notify(ctx, toMember("a", "x")); !bot.IsPermanent(err) {
		t.Errorf("member push without app: %v, want permanent", err)
	}
	if _, err := NewClient(Config{}, nil); err == nil {
		t.Error("NewClient without directory succeeded")
	}
}

func TestConcurrentNotifyFetchesOneToken(t *testing.T) {
	e := newClientEnv(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := e.c.Notify(context.Background(), toMember(fmt.Sprint("m", i), "x")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if tokens, notices, _, _ := e.f.counts(); tokens != 1 || notices != 20 {
		t.Errorf("gettoken %d, sends %d; want 1, 20", tokens, notices)
	}
	if got := platformtest.Value(t, e.M.TokenRefreshes); got != 1 {
		t.Errorf("token refreshes = %v", got)
	}
}

// A robot whose webhook was pasted wrong (a URL that does not parse) can
// never be reached: the push is permanent, so the outbox stops retrying
// it, as WeCom's robots always did; the webhook's token is not quoted.
func TestRobotMistypedURLIsPermanent(t *testing.T) {
	dir := platformtest.Dir{Groups: map[string][]string{"全体班主任": {"office"}}}
	c, err := NewClient(Config{Robots: map[string]Robot{"office": {Webhook: "https://[oapi.dingtalk.com/robot/send?access_token=TOKEN-9"}}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Notify(context.Background(), bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "今日请假汇总"})
	if !bot.IsPermanent(err) || strings.Contains(err.Error(), "TOKEN-9") {
		t.Errorf("push through a mistyped robot URL: %v, want permanent, without the token", err)
	}
}
