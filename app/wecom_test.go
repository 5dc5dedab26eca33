package app_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
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
	q, body, err := loadgen.WeComCallback(ta.Config.WeCom, from, text, msgID, time.Now(), time.Now())
	if err != nil {
		ta.t.Fatal(err)
	}
	return ta.wecomPost(q, body)
}

// wecomCardClick is the encrypted app callback of a click by from on the
// button key of template card taskID (event template_card_event), at at.
func wecomCardClick(w config.WeCom, from, key, taskID, responseCode string, at time.Time) (url.Values, string, error) {
	plain := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"+
		"<EventKey><![CDATA[%s]]></EventKey><TaskId><![CDATA[%s]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"+
		"<ResponseCode><![CDATA[%s]]></ResponseCode><AgentID>%d</AgentID></xml>", w.CorpID, from, at.Unix(), key, taskID, responseCode, w.AgentID)
	return loadgen.SealWeCom(w, plain, at)
}

// wecomPost posts an encrypted callback and returns the decrypted passive reply.
func (ta *testApp) wecomPost(q url.Values, body string) string {
	ta.t.Helper()
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
	q, body, _ := loadgen.WeComCallback(ta.Config.WeCom, "cadre-g1c1", "考勤 全勤", 7003, time.Now(), time.Now())
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

// cardAPI is a fake WeCom API that records app messages and card updates.
type cardAPI struct {
	mu      sync.Mutex
	sends   []map[string]any
	updates []map[string]any
	changed chan struct{}
}

func (f *cardAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"tok","expires_in":7200}`)
		return
	case "/cgi-bin/message/send":
		f.sends = append(f.sends, body)
	case "/cgi-bin/message/update_template_card":
		f.updates = append(f.updates, body)
	}
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// wait polls until cond holds on the recorded calls.
func (f *cardAPI) wait(t *testing.T, what string, cond func(sends, updates []map[string]any) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		f.mu.Lock()
		ok := cond(f.sends, f.updates)
		f.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// An urgent incident reaches the leader as a WeCom app template card with
// 收到 / 续报 buttons. A class monitor's click arrives as an encrypted
// template_card_event and is refused exactly as the typed command; the
// leader's click acknowledges, its button then reads who acknowledged, the
// reporter hears it, and WeCom's retry of the same click changes nothing.
func TestWeComAppIncidentCardButtons(t *testing.T) {
	fake := &cardAPI{}
	api := httptest.NewServer(fake)
	defer api.Close()
	ta := newTestApp(t, time.Time{}, withWeCom(api.URL, "leader-1", "cadre-g1c1"))
	mustContain(t, ta.say("teacher-g1c1", foodReport), "已收到急报 E1")
	var card map[string]any
	fake.wait(t, "the incident card", func(sends, _ []map[string]any) bool {
		for _, m := range sends {
			if m["msgtype"] == "template_card" && strings.Contains(fmt.Sprint(m["touser"]), "leader-1") {
				card = m["template_card"].(map[string]any)
				return true
			}
		}
		return false
	})
	buttons := cardButtons(card)
	if card["card_type"] != "button_interaction" || buttons["收到"] != "收到 E1" || buttons["续报"] != "续报 E1" {
		t.Fatalf("card %v", card)
	}
	mustContain(t, fmt.Sprint(card["main_title"], card["sub_title_text"]), "E1", "腹痛")
	task := card["task_id"].(string)
	click := func(user, key, code string) string {
		q, body, err := wecomCardClick(ta.Config.WeCom, user, key, task, code, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return ta.wecomPost(q, body)
	}

	refusal := click("cadre-g1c1", buttons["收到"], "rc-1")
	if typed := ta.say("cadre-g1c1", "收到 E1"); refusal != typed {
		t.Errorf("a click by a class monitor is answered\n%s\nbut the typed command\n%s", refusal, typed)
	}
	mustNotContain(t, refusal, "已确认急报")

	acked := click("leader-1", buttons["收到"], "rc-2")
	mustContain(t, acked, "已确认急报 E1", "刘老师")
	fake.wait(t, "the leader's card updated", func(_, updates []map[string]any) bool {
		for _, u := range updates {
			if u["response_code"] == "rc-2" {
				users := fmt.Sprint(u["userids"])
				label := fmt.Sprint(u["button"].(map[string]any)["replace_name"])
				if users != "[leader-1]" || label != "已确认急报 E1" {
					t.Fatalf("update %v", u)
				}
				return true
			}
		}
		return false
	})
	ta.waitInbox("teacher-g1c1", "急报已确认 E1", "王副校长")
	if again := click("leader-1", buttons["收到"], "rc-2"); again != acked {
		t.Errorf("WeCom's retry of the click answered\n%s\nnot\n%s", again, acked)
	}
}

// cardButtons is a WeCom template card's buttons: label → key (the command a click sends).
func cardButtons(card map[string]any) map[string]string {
	buttons := map[string]string{}
	list, _ := card["button_list"].([]any)
	for _, b := range list {
		b, _ := b.(map[string]any)
		label, _ := b["text"].(string)
		key, _ := b["key"].(string)
		buttons[label] = key
	}
	return buttons
}
