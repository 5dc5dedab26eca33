package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/loadgen"
)

// Hostile requests through the real app (SPEC §11): forged or replayed
// platform callbacks, stale timestamps, oversized bodies, XML bombs and
// entities, invalid UTF-8, 10,000-character messages. Each row checks the
// answer and that nothing was stored: no record, no history entry, no push
// (the authorization matrix's store snapshot), and no remembered message id
// for a refused message.

const hostileDingSecret = "dingtalk-app-secret"

// hostileApp is the demo on all three channels against fake platform APIs;
// leader-1 and office-1 take their pushes on WeCom.
type hostileApp struct {
	*testApp
	wecomAPI *loadgen.FakeWeCom
	wecomURL string
	ding     *fakeDingTalk
	dingURL  string
	client   *http.Client // every request has a deadline: nothing may hang
	nonce    int
}

func newHostileApp(t *testing.T) *hostileApp {
	t.Helper()
	we := &loadgen.FakeWeCom{}
	weSrv := httptest.NewServer(we)
	t.Cleanup(weSrv.Close)
	ding := &fakeDingTalk{}
	dingSrv := httptest.NewServer(ding)
	t.Cleanup(dingSrv.Close)
	h := &hostileApp{wecomAPI: we, ding: ding, dingURL: dingSrv.URL, wecomURL: weSrv.URL}
	return h.node(t, t.TempDir())
}

// node starts another app on the store of data, against the same fake
// platform APIs: another node of a cluster, or the app after a restart.
func (h *hostileApp) node(t *testing.T, data string) *hostileApp {
	t.Helper()
	ta := startTestApp(t, data, authzNow, quiet, withWeCom(h.wecomURL, "leader-1", "office-1"), func(c *config.Config) {
		c.DingTalk = config.DingTalk{Enabled: true, AppKey: "dingkey", AppSecret: hostileDingSecret, AgentID: 1, APIBase: h.dingURL}
	})
	return &hostileApp{testApp: ta, wecomAPI: h.wecomAPI, wecomURL: h.wecomURL, ding: h.ding, dingURL: h.dingURL,
		client: &http.Client{Timeout: 10 * time.Second}}
}

func (h *hostileApp) do(req *http.Request) (int, []byte) {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// local posts a raw body to /hook/local and returns the status and the replies.
func (h *hostileApp) local(body string) (int, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/hook/local", strings.NewReader(body))
	code, raw := h.do(req)
	var out struct {
		Replies []struct{ Text string }
		Error   string
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("local answer %d is not JSON: %s", code, raw)
	}
	var texts []string
	if out.Error != "" {
		texts = append(texts, out.Error)
	}
	for _, r := range out.Replies {
		texts = append(texts, r.Text)
	}
	return code, strings.Join(texts, "\n")
}

func localBody(from, text, id string) string {
	raw, _ := json.Marshal(map[string]string{"from": from, "text": text, "id": id})
	return string(raw)
}

// wecomText is the plaintext of a WeCom text message.
func wecomText(from, content string, msgID int, at time.Time) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>%d</AgentID></xml>", loadgen.GenCorpID, from, at.Unix(), content, msgID, loadgen.GenAgent)
}

// wecomSeal encrypts plain for corp (the receiveid) and signs it at ts.
func (h *hostileApp) wecomSeal(plain, corp string, ts time.Time) (url.Values, string) {
	h.t.Helper()
	w := h.Config.WeCom
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(plain), corp, w.EncodingAESKey)
	if err != nil {
		h.t.Fatal(err)
	}
	h.nonce++
	nonce, stamp := strconv.Itoa(h.nonce), strconv.FormatInt(ts.Unix(), 10)
	q := url.Values{"msg_signature": {util.Signature(w.Token, stamp, nonce, string(enc))}, "timestamp": {stamp}, "nonce": {nonce}}
	return q, wecomEnvelope(string(enc))
}

func wecomEnvelope(encrypt string) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt>"+
		"<AgentID><![CDATA[%d]]></AgentID></xml>", loadgen.GenCorpID, encrypt, loadgen.GenAgent)
}

// wecom posts a callback and returns the status and the decrypted passive reply, if any.
func (h *hostileApp) wecom(q url.Values, body string) (int, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/hook/wecom?"+q.Encode(), strings.NewReader(body))
	code, raw := h.do(req)
	if code != http.StatusOK || len(raw) == 0 {
		return code, string(raw)
	}
	var env struct{ Encrypt string }
	if err := xml.Unmarshal(raw, &env); err != nil {
		h.t.Fatalf("passive reply is not XML: %s", raw)
	}
	_, plain, err := util.DecryptMsg(loadgen.GenCorpID, env.Encrypt, h.Config.WeCom.EncodingAESKey)
	if err != nil {
		h.t.Fatal(err)
	}
	var msg struct{ Content string }
	if err := xml.Unmarshal(plain, &msg); err != nil {
		h.t.Fatal(err)
	}
	return code, msg.Content
}

// wecomSay sends a text message from the app's clock.
func (h *hostileApp) wecomSay(from, content string, msgID int, ts time.Time) (int, string) {
	h.t.Helper()
	q, body := h.wecomSeal(wecomText(from, content, msgID, ts), loadgen.GenCorpID, ts)
	return h.wecom(q, body)
}

func dingSign(ts string) string {
	mac := hmac.New(sha256.New, []byte(hostileDingSecret))
	mac.Write([]byte(ts + "\n" + hostileDingSecret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (h *hostileApp) dingBody(from, content, msgID string) string {
	raw, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": " " + content},
		"msgId": msgID, "createAt": authzNow.UnixMilli(), "conversationType": "1", "senderStaffId": from,
		"sessionWebhook":            h.dingURL + "/robot/sendBySession?session=s1",
		"sessionWebhookExpiredTime": authzNow.Add(time.Hour).UnixMilli()})
	return string(raw)
}

// dingTalk posts a callback with the timestamp header ts and the sign (the
// right one when sign is "-"); a 200 waits for the session reply.
func (h *hostileApp) dingTalk(ts time.Time, sign, body string) (int, string) {
	h.t.Helper()
	stamp := strconv.FormatInt(ts.UnixMilli(), 10)
	if sign == "-" {
		sign = dingSign(stamp)
	}
	h.ding.mu.Lock()
	before := len(h.ding.replies)
	h.ding.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/hook/dingtalk", strings.NewReader(body))
	req.Header.Set("timestamp", stamp)
	if sign != "" {
		req.Header.Set("sign", sign)
	}
	code, raw := h.do(req)
	if code != http.StatusOK {
		return code, string(raw)
	}
	return code, h.ding.wait(h.t, before+1)[before]
}

// seen reports whether a message id was remembered by the dedupe store.
func (h *hostileApp) seen(key string) bool {
	_, found, err := h.Store.Seen(context.Background(), key)
	if err != nil {
		h.t.Fatal(err)
	}
	return found
}

// xmlBomb is the billion-laughs document with its entity used in the root.
func xmlBomb(root string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString("]>")
	b.WriteString(strings.Replace(root, "ENTITY", "&lol9;", 1))
	return b.String()
}

// xxe declares an external entity (a local file) and uses it in the root.
func xxe(root string) string {
	return `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
		strings.Replace(root, "ENTITY", "&xxe;", 1)
}

func TestHostileRequests(t *testing.T) {
	long := "考勤 旷课：" + strings.Repeat("张", 10000)
	old := authzNow.Add(-61 * time.Minute)
	type row struct {
		name    string
		prepare func(h *hostileApp) string // a first, accepted send; its reply
		send    func(h *hostileApp) (int, string)
		status  int
		says    string // a part of the answer ("" for none)
		same    bool   // the answer repeats the prepared reply
		unseen  string // a message key that must not be remembered
	}
	rows := []row{
		// The local hook.
		{name: "local: invalid UTF-8", status: 400, says: "UTF-8", unseen: "local|cadre-g1c1|h1",
			send: func(h *hostileApp) (int, string) {
				return h.local("{\"from\":\"cadre-g1c1\",\"text\":\"考勤 \xff\xfe全勤\",\"id\":\"h1\"}")
			}},
		{name: "local: body over 64 KiB", status: 413, says: "64 KiB", unseen: "local|cadre-g1c1|h2",
			send: func(h *hostileApp) (int, string) {
				return h.local(localBody("cadre-g1c1", "考勤 全勤 "+strings.Repeat("x", 70<<10), "h2"))
			}},
		{name: "local: 10,000 characters", status: 200, says: "消息过长", unseen: "local|cadre-g1c1|h3",
			send: func(h *hostileApp) (int, string) { return h.local(localBody("cadre-g1c1", long, "h3")) }},
		{name: "local: deeply nested JSON", status: 400, says: "JSON",
			send: func(h *hostileApp) (int, string) {
				return h.local(`{"from":"cadre-g1c1","text":` + strings.Repeat("[", 50000))
			}},
		{name: "local: wrong types", status: 400, says: "JSON",
			send: func(h *hostileApp) (int, string) { return h.local(`{"from":["cadre-g1c1"],"text":7}`) }},
		{name: "local: unknown member", status: 200, says: "您尚未登记", unseen: "local|nobody|h4",
			send: func(h *hostileApp) (int, string) { return h.local(localBody("nobody", "考勤 全勤", "h4")) }},
		{name: "local: replayed id", status: 200, same: true,
			prepare: func(h *hostileApp) string {
				return h.sayAt("cadre-g1c1", "考勤 旷课：李四1节", "h5", time.Time{})
			},
			send: func(h *hostileApp) (int, string) {
				return h.local(localBody("cadre-g1c1", "考勤 旷课：李四1节", "h5"))
			}},

		// WeCom: msg_signature over the Encrypt element, AES with receiveid = CorpID.
		{name: "wecom: bad signature", status: 401, unseen: "wecom|cadre-g1c1|9001",
			send: func(h *hostileApp) (int, string) {
				q, body := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9001, authzNow), loadgen.GenCorpID, authzNow)
				q.Set("msg_signature", strings.Repeat("0", 40))
				return h.wecom(q, body)
			}},
		{name: "wecom: signature of another ciphertext", status: 401, unseen: "wecom|cadre-g1c1|9002",
			send: func(h *hostileApp) (int, string) {
				q, _ := h.wecomSeal(wecomText("cadre-g1c1", "帮助", 9003, authzNow), loadgen.GenCorpID, authzNow)
				_, body := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9002, authzNow), loadgen.GenCorpID, authzNow)
				return h.wecom(q, body)
			}},
		{name: "wecom: sealed for another corp", status: 401, unseen: "wecom|cadre-g1c1|9004",
			send: func(h *hostileApp) (int, string) {
				q, body := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9004, authzNow), "wwsomeoneelse000", authzNow)
				return h.wecom(q, body)
			}},
		{name: "wecom: no timestamp", status: 400, unseen: "wecom|cadre-g1c1|9005",
			send: func(h *hostileApp) (int, string) {
				q, body := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9005, authzNow), loadgen.GenCorpID, authzNow)
				q.Del("timestamp")
				return h.wecom(q, body)
			}},
		{name: "wecom: body over 64 KiB", status: 413,
			send: func(h *hostileApp) (int, string) {
				q, _ := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9006, authzNow), loadgen.GenCorpID, authzNow)
				return h.wecom(q, wecomEnvelope(strings.Repeat("A", 70<<10)))
			}},
		{name: "wecom: XML bomb in the envelope", status: 400,
			send: func(h *hostileApp) (int, string) {
				q, _ := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9007, authzNow), loadgen.GenCorpID, authzNow)
				return h.wecom(q, xmlBomb("<xml><Encrypt>ENTITY</Encrypt></xml>"))
			}},
		{name: "wecom: external entity in the envelope", status: 400,
			send: func(h *hostileApp) (int, string) {
				q, _ := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9008, authzNow), loadgen.GenCorpID, authzNow)
				return h.wecom(q, xxe("<xml><Encrypt>ENTITY</Encrypt></xml>"))
			}},
		{name: "wecom: deeply nested envelope", status: 400,
			send: func(h *hostileApp) (int, string) {
				q, _ := h.wecomSeal(wecomText("cadre-g1c1", "考勤 全勤", 9009, authzNow), loadgen.GenCorpID, authzNow)
				return h.wecom(q, "<xml>"+strings.Repeat("<a>", 15000))
			}},
		{name: "wecom: XML bomb in the signed message", status: 400, unseen: "wecom|cadre-g1c1|9010",
			send: func(h *hostileApp) (int, string) {
				plain := xmlBomb(strings.Replace(wecomText("cadre-g1c1", "X", 9010, authzNow), "<![CDATA[X]]>", "ENTITY", 1))
				q, body := h.wecomSeal(plain, loadgen.GenCorpID, authzNow)
				return h.wecom(q, body)
			}},
		{name: "wecom: external entity in the signed message", status: 400, unseen: "wecom|cadre-g1c1|9011",
			send: func(h *hostileApp) (int, string) {
				plain := xxe(strings.Replace(wecomText("cadre-g1c1", "X", 9011, authzNow), "<![CDATA[X]]>", "ENTITY", 1))
				q, body := h.wecomSeal(plain, loadgen.GenCorpID, authzNow)
				return h.wecom(q, body)
			}},
		{name: "wecom: a DOCTYPE entity would make the command", status: 400, unseen: "wecom|cadre-g1c1|9012",
			send: func(h *hostileApp) (int, string) {
				plain := `<!DOCTYPE xml [<!ENTITY cmd "考勤 旷课：张三2节">]>` +
					strings.Replace(wecomText("cadre-g1c1", "X", 9012, authzNow), "<![CDATA[X]]>", "&cmd;", 1)
				q, body := h.wecomSeal(plain, loadgen.GenCorpID, authzNow)
				return h.wecom(q, body)
			}},
		{name: "wecom: invalid UTF-8 in the message", status: 400, unseen: "wecom|cadre-g1c1|9013",
			send: func(h *hostileApp) (int, string) {
				return h.wecomSay("cadre-g1c1", "考勤 \xff\xfe全勤", 9013, authzNow)
			}},
		{name: "wecom: 10,000 characters", status: 200, says: "消息过长", unseen: "wecom|cadre-g1c1|9014",
			send: func(h *hostileApp) (int, string) { return h.wecomSay("cadre-g1c1", long, 9014, authzNow) }},
		{name: "wecom: unknown member", status: 200, says: "您尚未登记", unseen: "wecom|nobody|9015",
			send: func(h *hostileApp) (int, string) { return h.wecomSay("nobody", "考勤 全勤", 9015, authzNow) }},
		{name: "wecom: replayed MsgId", status: 200, same: true,
			prepare: func(h *hostileApp) string {
				_, r := h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9016, authzNow)
				return r
			},
			send: func(h *hostileApp) (int, string) {
				return h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9016, authzNow.Add(time.Minute))
			}},
		{name: "wecom: replayed MsgId, hours-old timestamp", status: 200, same: true,
			prepare: func(h *hostileApp) string {
				_, r := h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9017, authzNow.Add(-20*time.Hour))
				return r
			},
			send: func(h *hostileApp) (int, string) {
				return h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9017, authzNow.Add(-20*time.Hour))
			}},
		{name: "wecom: timestamp over a day old", status: 401, unseen: "wecom|cadre-g1c1|9018",
			send: func(h *hostileApp) (int, string) {
				return h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9018, authzNow.Add(-25*time.Hour))
			}},
		{name: "wecom: replay of a message older than the dedupe retention", status: 401, unseen: "wecom|cadre-g1c1|9019",
			send: func(h *hostileApp) (int, string) {
				return h.wecomSay("cadre-g1c1", "考勤 旷课：李四1节", 9019, authzNow.Add(-8*24*time.Hour))
			}},
		{name: "wecom: URL check with a bad signature", status: 401,
			send: func(h *hostileApp) (int, string) {
				req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/hook/wecom?"+url.Values{"msg_signature": {"x"},
					"timestamp": {"1"}, "nonce": {"2"}, "echostr": {"c29tZSBlY2hv"}}.Encode(), nil)
				code, raw := h.do(req)
				return code, string(raw)
			}},

		// DingTalk: sign = HMAC of timestamp+"\n"+AppSecret, within an hour.
		{name: "dingtalk: bad sign", status: 401, unseen: "dingtalk|cadre-g1c1|d1",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "bm90IGEgc2lnbg==", h.dingBody("cadre-g1c1", "考勤 全勤", "d1"))
			}},
		{name: "dingtalk: no sign", status: 401, unseen: "dingtalk|cadre-g1c1|d2",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "", h.dingBody("cadre-g1c1", "考勤 全勤", "d2"))
			}},
		{name: "dingtalk: timestamp 61 minutes old", status: 401, unseen: "dingtalk|cadre-g1c1|d3",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(old, "-", h.dingBody("cadre-g1c1", "考勤 全勤", "d3"))
			}},
		{name: "dingtalk: timestamp 61 minutes ahead", status: 401, unseen: "dingtalk|cadre-g1c1|d4",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow.Add(61*time.Minute), "-", h.dingBody("cadre-g1c1", "考勤 全勤", "d4"))
			}},
		{name: "dingtalk: body over 64 KiB", status: 413, unseen: "dingtalk|cadre-g1c1|d5",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "-", h.dingBody("cadre-g1c1", "考勤 全勤"+strings.Repeat(" ", 70<<10), "d5"))
			}},
		{name: "dingtalk: malformed JSON", status: 400,
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "-", `{"msgtype":"text","text":{"content":"考勤 全勤"`)
			}},
		{name: "dingtalk: invalid UTF-8", status: 200, says: "没看懂", unseen: "",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "-", strings.Replace(h.dingBody("cadre-g1c1", "X考勤 全勤", "d6"), "X", "\xff\xfe", 1))
			}},
		{name: "dingtalk: 10,000 characters", status: 200, says: "消息过长", unseen: "dingtalk|cadre-g1c1|d7",
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow, "-", h.dingBody("cadre-g1c1", long, "d7"))
			}},
		{name: "dingtalk: replayed msgId", status: 200, same: true,
			prepare: func(h *hostileApp) string {
				_, r := h.dingTalk(authzNow, "-", h.dingBody("cadre-g1c1", "考勤 旷课：李四1节", "d8"))
				return r
			},
			send: func(h *hostileApp) (int, string) {
				return h.dingTalk(authzNow.Add(time.Minute), "-", h.dingBody("cadre-g1c1", "考勤 旷课：李四1节", "d8"))
			}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			h := newHostileApp(t)
			var first string
			if r.prepare != nil {
				first = r.prepare(h)
				mustContain(t, first, "已收到 A1")
			}
			before := authzSnapshot(t, h.testApp)
			code, answer := r.send(h)
			if code != r.status {
				t.Errorf("HTTP %d, want %d: %s", code, r.status, answer)
			}
			if r.says != "" {
				mustContain(t, answer, r.says)
			}
			if r.same && answer != first {
				t.Errorf("the replay got another answer:\n%s\n---\n%s", first, answer)
			}
			if changed := authzChanged(before, authzSnapshot(t, h.testApp)); len(changed) > 0 {
				t.Errorf("stored %v", changed)
			}
			if r.unseen != "" && h.seen(r.unseen) {
				t.Errorf("message %s was remembered", r.unseen)
			}
			if mine := h.say("cadre-g1c1", "我的"); r.prepare == nil && !strings.Contains(mine, "还没有记录") {
				t.Errorf("records after the request:\n%s", mine)
			}
		})
	}
}

// Markup, formulas and SQL typed in chat stay text: in the WeCom pushes
// (tags defused), in the replies and in the CSV and XLSX exports (formulas
// neutralised), stored as typed.
func TestHostileTextsStayText(t *testing.T) {
	h := newHostileApp(t)
	const link = `<a href="http://evil.example">点此查看现场视频</a>`
	const formula = `=HYPERLINK("http://evil.example","点我")`
	const md = "**[点我](http://evil.example)** <font color=\"warning\">"
	const sql = "'); DROP TABLE incidents;--"

	r := h.say("teacher-g1c1", "急报 "+formula+" 高一(1)班一名学生在操场摔倒擦伤，已送校医室。"+link+md+sql)
	mustContain(t, r, "已收到急报 E1")
	r = h.say("officer-1", "投稿 标题："+formula+"通知 类别：动态 正文："+link+" 撰稿：@SUM(1+1)*2 审核：-2+3")
	mustContain(t, r, "已收到信息 S1", "标题：=HYPERLINK(", "撰稿：@SUM(1+1)*2", "审核：-2+3")
	mustContain(t, h.say("cadre-g1c1", "好人好事 "+link+sql), "已收到好人好事 G1")
	h.settle()

	// The pushes to leader-1 and office-1 went to WeCom as texts, tags defused.
	h.wecomAPI.Counts() // waits for the fake's lock: the outbox is empty, nothing is in flight
	pushed := 0
	for key := range h.wecomAPI.ByText {
		if !strings.HasPrefix(key, "leader-1|") && !strings.HasPrefix(key, "office-1|") {
			continue
		}
		pushed++
		if strings.Contains(key, "<a") || strings.Contains(key, "<font") {
			t.Errorf("a live tag reached WeCom: %s", key)
		}
	}
	if pushed < 3 {
		t.Errorf("%d WeCom pushes to leader-1 and office-1, want the incident, the item and the good deed: %v", pushed, h.wecomAPI.ByText)
	}
	var texts []string
	for key := range h.wecomAPI.ByText {
		texts = append(texts, key)
	}
	mustContain(t, strings.Join(texts, "\n"), `＜a href="http://evil.example">点此查看现场视频＜/a>`)

	// Stored as typed: 我的 and the export JSON give the texts back.
	mustContain(t, h.say("teacher-g1c1", "我的"), "E1")
	code, raw := h.export("incidents", "2026-11", "json")
	if code != 200 {
		t.Fatalf("export: HTTP %d %s", code, raw)
	}
	var doc struct {
		Incidents []struct{ Text string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Incidents) != 1 || !strings.HasPrefix(doc.Incidents[0].Text, formula) ||
		!strings.HasSuffix(doc.Incidents[0].Text, sql) {
		t.Fatalf("incidents export: %v %s", err, raw)
	}

	// CSV: every cell that would start a formula is text.
	for _, what := range []string{"incidents", "submissions"} {
		code, raw := h.export(what, "2026Q4", "csv") // the item is late: it counts for December
		if code != 200 {
			t.Fatalf("%s csv: HTTP %d", what, code)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		quoted := 0
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && cell != "-" {
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("%s csv: cell %q starts a formula", what, cell)
					}
				}
				if strings.HasPrefix(cell, "'=HYPERLINK") || cell == "'@SUM(1+1)*2" || cell == "'-2+3" {
					quoted++
				}
			}
		}
		if want := map[string]int{"incidents": 1, "submissions": 3}[what]; quoted != want {
			t.Errorf("%s csv: %d neutralised cells, want %d:\n%s", what, quoted, want, raw)
		}
	}

	// XLSX: the same texts are string cells, no formula anywhere.
	code, raw = h.export("archive", "2026", "xlsx")
	if code != 200 {
		t.Fatalf("archive xlsx: HTTP %d", code)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s holds the formula %q", sheet, cell, formula)
				}
				if strings.HasPrefix(v, "=HYPERLINK") || v == "@SUM(1+1)*2" || v == "-2+3" {
					found++
				}
			}
		}
	}
	if found < 4 {
		t.Errorf("archive: %d hostile texts found as cells, want the incident's and the item's title, author and reviewer", found)
	}
}

// export reads GET /api/export (the test server is on loopback: no token needed).
func (h *hostileApp) export(what, period, format string) (int, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/export?"+url.Values{"what": {what}, "period": {period},
		"format": {format}}.Encode(), nil)
	return h.do(req)
}
