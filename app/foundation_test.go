package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/store"
)

func TestHelpListsOnlyWhatTheRoleMayDo(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	for _, id := range []string{"cadre-g1c1", "teacher-g1c1", "lead-g1", "office-1", "officer-1", "head-general", "leader-1", "admin"} {
		reply := ta.say(id, "帮助")
		mem, _ := ta.Dir.Member(id)
		mustContain(t, reply, mem.Name, "例：帮助", "我的")
		for _, in := range ta.Handlers.Usages() {
			if strings.Contains(reply, in.Usage) != mem.Has(in.Roles...) && len(in.Roles) > 0 {
				t.Errorf("%s: help listing of %q is wrong:\n%s", id, in.Usage, reply)
			}
		}
	}
	// Synonyms and an @mention reach the same intent.
	if a, b := ta.say("cadre-g1c1", "@报送助手 菜单"), ta.say("cadre-g1c1", "help"); a != b {
		t.Errorf("synonyms differ:\n%s\n---\n%s", a, b)
	}
}

func TestUnknownMemberIsRefusedAndNothingStored(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	reply := ta.sayAt("stranger", "考勤 全勤", "m-unknown-1", time.Time{})
	mustContain(t, reply, "您尚未登记，请联系管理员")
	if _, found, _ := ta.Store.Seen(context.Background(), "local|stranger|m-unknown-1"); found {
		t.Error("a message from an unknown sender was remembered")
	}
	if n, _ := ta.Store.Counter("rejected:unknown_member"); n != 1 {
		t.Errorf("counter = %d, want 1", n)
	}
}

func TestDuplicateMessageIDGetsTheSameReply(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	first := ta.sayAt("cadre-g1c1", "帮助", "dup-1", time.Time{})
	second := ta.sayAt("cadre-g1c1", "帮助", "dup-1", time.Time{})
	if first != second || first == "" {
		t.Fatalf("replies differ:\n%s\n---\n%s", first, second)
	}
	h, found, err := ta.Store.Seen(context.Background(), "local|cadre-g1c1|dup-1")
	if err != nil || !found || strings.Join(h.Replies, "\n") != first {
		t.Errorf("dedupe record: %v %v %v", h, found, err)
	}
	// Another id is handled afresh.
	if r := ta.sayAt("cadre-g1c1", "我的", "dup-2", time.Time{}); r == first {
		t.Error("a new id got the old reply")
	}
}

func TestConfidentialTextIsNotStored(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	for i, text := range []string{"投稿 标题：机密文件 正文：……", "周报 内部资料 请勿外传", "【绝密】这份材料"} {
		id := fmt.Sprintf("secret-%d", i)
		reply := ta.sayAt("officer-1", text, id, time.Time{})
		mustContain(t, reply, "涉密信息不得通过网络报送", "纸质")
		if _, found, _ := ta.Store.Seen(context.Background(), "local|officer-1|"+id); found {
			t.Errorf("%q was remembered", text)
		}
	}
	if n, _ := ta.Store.Counter("confidential"); n != 3 {
		t.Errorf("confidential counter = %d, want 3", n)
	}
	if mine := ta.say("officer-1", "我的"); !strings.Contains(mine, "还没有记录") {
		t.Errorf("records after confidential texts: %s", mine)
	}
}

func TestBadRequests(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	cases := []struct {
		name, body string
		status     int
	}{
		{"too large", `{"from":"cadre-g1c1","text":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"malformed json", `{"from":"cadre-g1c1","text":`, http.StatusBadRequest},
		{"not json", `考勤 全勤`, http.StatusBadRequest},
		{"no sender", `{"text":"帮助"}`, http.StatusBadRequest},
		{"bad time", `{"from":"cadre-g1c1","text":"帮助","at":"yesterday"}`, http.StatusBadRequest},
		{"invalid utf-8", "{\"from\":\"cadre-g1c1\",\"text\":\"\xff\xfe\"}", http.StatusBadRequest},
	}
	for _, c := range cases {
		code, out := ta.post(c.body)
		if code != c.status || out.Error == "" {
			t.Errorf("%s: HTTP %d %+v, want %d with an error", c.name, code, out, c.status)
		}
	}
	long := ta.say("cadre-g1c1", strings.Repeat("旷课", 5000))
	mustContain(t, long, "消息过长")
}

func TestLocalTokenIsRequiredWhenSet(t *testing.T) {
	ta := newTestApp(t, time.Time{}, func(c *config.Config) { c.Server.LocalToken = "s3cret" })
	code, _ := ta.post(`{"from":"cadre-g1c1","text":"帮助"}`)
	if code != http.StatusUnauthorized {
		t.Errorf("without token: HTTP %d", code)
	}
	req, _ := http.NewRequest("POST", ta.srv.URL+"/hook/local", strings.NewReader(`{"from":"cadre-g1c1","text":"帮助"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("with token: %v %v", resp.Status, err)
	}
	resp.Body.Close()
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	ta := newTestApp(t, now, func(c *config.Config) { c.Server.RatePerMinute = 3 })
	for i := range 3 {
		if r := ta.say("cadre-g1c1", "帮助"); strings.Contains(r, "太快") {
			t.Fatalf("message %d limited", i+1)
		}
	}
	mustContain(t, ta.say("cadre-g1c1", "帮助"), "太快", "3 条")
	// Another member is not affected; a minute later the first may speak again.
	mustNotContain(t, ta.say("cadre-g1c2", "帮助"), "太快")
	ta.setNow(now.Add(61 * time.Second))
	mustNotContain(t, ta.say("cadre-g1c1", "帮助"), "太快")
}

func TestQueuedPushSurvivesRestartAndIsDeliveredOnce(t *testing.T) {
	skipOnPostgres(t, "it queues the push through the bbolt file directly")
	data := t.TempDir()
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Enqueue(
		bot.Notification{Key: "test|1", To: bot.Recipient{Member: "teacher-g1c1"}, Text: "重启前排队的推送"},
		bot.Notification{Key: "test|1", To: bot.Recipient{Member: "teacher-g1c1"}, Text: "同一键不会重复排队"},
	)
	if err != nil || n != 1 {
		t.Fatalf("enqueue: %d %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	ta := startTestApp(t, data, time.Time{})
	ta.waitInbox("teacher-g1c1", "重启前排队的推送")
	ta.settle()
	ta.stop()

	ta = startTestApp(t, data, time.Time{})
	ta.settle()
	if msgs := ta.inbox("teacher-g1c1"); len(msgs) != 1 {
		t.Errorf("inbox after second restart: %+v", msgs)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	ta := newTestApp(t, time.Time{})
	ta.say("cadre-g1c1", "帮助")
	ta.say("stranger", "帮助")
	for path, want := range map[string][]string{
		"/healthz": {"ok"},
		"/metrics": {`baosong_messages_total{channel="local",intent="help"} 1`,
			`baosong_rejections_total{reason="unknown_member"} 1`, "baosong_outbox_depth 0", "baosong_handler_seconds_bucket"},
	} {
		resp, err := http.Get(ta.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, readAll(resp), want...)
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
