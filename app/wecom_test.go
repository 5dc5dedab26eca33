package app_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/loadgen"
)

// withWeCom enables the WeCom app against a fake WeCom API and moves a
// member's pushes to WeCom.
func withWeCom(api string, members ...string) option {
	return func(c *config.Config) {
		c.WeCom = config.WeCom{Enabled: true, CorpID: loadgen.GenCorpID, AgentID: loadgen.GenAgent, Secret: "s",
			Token: loadgen.GenToken, EncodingAESKey: loadgen.GenAESKey, APIBase: api}
		for i := range c.Members {
			for _, id := range members {
				if c.Members[i].ID == id {
					c.Members[i].Channel = "wecom"
				}
			}
		}
	}
}

// wecomSay posts an encrypted callback and returns the decrypted passive reply.
func (ta *testApp) wecomSay(from, text string, msgID uint64) string {
	ta.t.Helper()
	q, body, err := loadgen.WeComCallback(ta.Config.WeCom, from, text, msgID, time.Now())
	if err != nil {
		ta.t.Fatal(err)
	}
	resp, err := http.Post(ta.srv.URL+"/hook/wecom?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		ta.t.Fatalf("HTTP %d: %s", resp.StatusCode, raw)
	}
	var env struct{ Encrypt string }
	if err := xml.Unmarshal(raw, &env); err != nil || env.Encrypt == "" {
		ta.t.Fatalf("passive reply is not encrypted XML: %s", raw)
	}
	_, plain, err := util.DecryptMsg(ta.Config.WeCom.CorpID, env.Encrypt, ta.Config.WeCom.EncodingAESKey)
	if err != nil {
		ta.t.Fatal(err)
	}
	var msg struct{ Content string }
	if err := xml.Unmarshal(plain, &msg); err != nil {
		ta.t.Fatal(err)
	}
	return msg.Content
}

// A class monitor reports by WeCom: the passive reply is encrypted and says
// what was stored; the teacher's absence notice goes out as a WeCom app
// message; a replayed MsgId stores nothing new and gets the same reply.
func TestWeComEndToEnd(t *testing.T) {
	fake := &loadgen.FakeWeCom{}
	api := httptest.NewServer(fake)
	defer api.Close()
	ta := newTestApp(t, time.Time{}, withWeCom(api.URL, "teacher-g1c1"))

	first := ta.wecomSay("cadre-g1c1", "考勤 旷课：张三2节", 7001)
	mustContain(t, first, "A1", "张三")
	again := ta.wecomSay("cadre-g1c1", "考勤 旷课：张三2节", 7001)
	if again != first {
		t.Errorf("replayed MsgId got another reply:\n%s\n---\n%s", first, again)
	}
	mustNotContain(t, ta.wecomSay("cadre-g1c1", "我的", 7002), "A2")

	deadline := time.Now().Add(5 * time.Second)
	for {
		if msgs, _ := fake.Counts(); msgs >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no app message reached the fake WeCom API")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ta.settle()
	if msgs, _ := fake.Counts(); msgs != 1 || fake.Duplicates() != 0 {
		t.Errorf("fake WeCom got %d messages, %d duplicates; want one notice", msgs, fake.Duplicates())
	}
	for k := range fake.ByText {
		mustContain(t, k, "teacher-g1c1|", "张三", "请及时联系家长")
	}
	// A bad signature is refused and stores nothing.
	q, body, _ := loadgen.WeComCallback(ta.Config.WeCom, "cadre-g1c1", "考勤 全勤", 7003, time.Now())
	q.Set("msg_signature", "0000")
	resp, err := http.Post(ta.srv.URL+"/hook/wecom?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad signature: HTTP %d", resp.StatusCode)
	}
	mustNotContain(t, ta.say("cadre-g1c1", "我的"), "A2")
}
