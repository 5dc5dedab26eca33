package app_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
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

	"github.com/baosong/baosong/config"
)

// fakeDingTalk records what the bot posts to sessionWebhooks.
type fakeDingTalk struct {
	mu      sync.Mutex
	replies []string
}

func (f *fakeDingTalk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/robot/sendBySession" {
		var msg struct {
			Text struct{ Content string } `json:"text"`
		}
		_ = json.Unmarshal(body, &msg)
		f.mu.Lock()
		f.replies = append(f.replies, msg.Text.Content)
		f.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (f *fakeDingTalk) wait(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		got := append([]string(nil), f.replies...)
		f.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d session replies, want %d", len(got), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A class monitor reports to the DingTalk robot one-to-one: the signed
// callback is answered through the sessionWebhook; a replayed msgId stores
// nothing new; a bad sign is refused.
func TestDingTalkEndToEnd(t *testing.T) {
	fake := &fakeDingTalk{}
	api := httptest.NewServer(fake)
	defer api.Close()
	const secret = "dingtalk-app-secret"
	ta := newTestApp(t, time.Time{}, func(c *config.Config) {
		c.DingTalk = config.DingTalk{Enabled: true, AppKey: "dingkey", AppSecret: secret, AgentID: 1, APIBase: api.URL}
	})
	post := func(msgID, text, sign string) int {
		t.Helper()
		ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
		if sign == "" {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(ts + "\n" + secret))
			sign = base64.StdEncoding.EncodeToString(mac.Sum(nil))
		}
		body := fmt.Sprintf(`{"msgtype":"text","text":{"content":" %s"},"msgId":%q,"createAt":%d,"conversationType":"1",
			"senderStaffId":"cadre-g1c1","senderNick":"陈班长","sessionWebhook":%q,"sessionWebhookExpiredTime":%d}`,
			text, msgID, time.Now().UnixMilli(), api.URL+"/robot/sendBySession?session=s1", time.Now().Add(time.Hour).UnixMilli())
		req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/hook/dingtalk", strings.NewReader(body))
		req.Header.Set("timestamp", ts)
		req.Header.Set("sign", sign)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("msg-1", "考勤 旷课：李四1节", ""); code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	replies := fake.wait(t, 1)
	mustContain(t, replies[0], "A1", "李四")
	if code := post("msg-1", "考勤 旷课：李四1节", ""); code != http.StatusOK {
		t.Fatalf("replay: HTTP %d", code)
	}
	replies = fake.wait(t, 2)
	if replies[1] != replies[0] {
		t.Errorf("replayed msgId got another reply:\n%s\n---\n%s", replies[0], replies[1])
	}
	if code := post("msg-2", "考勤 全勤", "bm90IGEgc2lnbg=="); code != http.StatusUnauthorized {
		t.Errorf("bad sign: HTTP %d", code)
	}
	mine := ta.say("cadre-g1c1", "我的")
	mustContain(t, mine, "A1")
	mustNotContain(t, mine, "A2")
}
