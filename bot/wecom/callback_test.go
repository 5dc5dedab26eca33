package wecom

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/platform/platformtest"
	"github.com/silenceper/wechat/v2/util"
)

const (
	testCorp  = "ww0123456789abcdef"
	testToken = "t0ken-for-tests"
)

var testNow = time.Date(2026, 11, 26, 16, 2, 11, 0, time.FixedZone("CST", 8*3600))

func testCallback(t testing.TB, h bot.Handler, opts ...platform.Option) *Callback {
	t.Helper()
	cfg := Config{CorpID: testCorp, AgentID: 1000002, Secret: "x", Token: testToken, EncodingAESKey: vecKey}
	cb, err := NewCallback(cfg, h, append([]platform.Option{platform.WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

// textXML is a decrypted text message as WeCom sends it.
func textXML(from, content, msgID string) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1795680131</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%s</MsgId><AgentID>1000002</AgentID></xml>", testCorp, from, content, msgID)
}

// signedPost builds a callback POST whose Encrypt is enc, signed with token.
func signedPost(token, enc string) *http.Request {
	ts, nonce := "1795680131", "1320562132"
	q := url.Values{
		"msg_signature": {util.Signature(token, ts, nonce, enc)},
		"timestamp":     {ts},
		"nonce":         {nonce},
	}
	body := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><Encrypt><![CDATA[" + enc +
		"]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
	return httptest.NewRequest(http.MethodPost, "/hook/wecom?"+q.Encode(), strings.NewReader(body))
}

// encryptedPost encrypts plain for testCorp and signs it.
func encryptedPost(t testing.TB, plain string) *http.Request {
	t.Helper()
	c, err := newCrypter(testToken, testCorp, vecKey)
	if err != nil {
		t.Fatal(err)
	}
	return signedPost(testToken, c.encrypt([]byte(plain)))
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

type passive struct {
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	TimeStamp    string `xml:"TimeStamp"`
	Nonce        string `xml:"Nonce"`
}

type passiveInner struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
}

// openPassive checks a passive reply's signature and decrypts it with the
// SDK's string API (receiveid = CorpID).
func openPassive(t *testing.T, body []byte) passiveInner {
	t.Helper()
	var env passive
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("passive reply is not XML: %v\n%s", err, body)
	}
	if want := util.Signature(testToken, env.TimeStamp, env.Nonce, env.Encrypt); env.MsgSignature != want {
		t.Errorf("passive reply signature %s, want %s", env.MsgSignature, want)
	}
	_, plain, err := util.DecryptMsg(testCorp, env.Encrypt, vecKey)
	if err != nil {
		t.Fatalf("decrypt passive reply: %v", err)
	}
	var in passiveInner
	if err := xml.Unmarshal(plain, &in); err != nil {
		t.Fatalf("inner reply: %v\n%s", err, plain)
	}
	return in
}

func TestCallbackOfficialVector(t *testing.T) {
	rec := &platformtest.Recorder{}
	vecTime := func() time.Time { return time.Unix(1409659813, 0).Add(time.Minute) } // the vector is from 2014
	cb, err := NewCallback(Config{CorpID: vecCorpID, Token: vecToken, EncodingAESKey: vecKey}, rec, platform.WithClock(vecTime))
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"msg_signature": {vecSignature}, "timestamp": {vecTimestamp}, "nonce": {vecNonce}}
	body := "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecEncrypt +
		"]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	w := serve(cb, httptest.NewRequest(http.MethodPost, "/hook/wecom?"+q.Encode(), strings.NewReader(body)))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	got := rec.Messages()
	want := bot.Message{Channel: bot.WeCom, ID: "4561255354251345929", User: "mycreate", Text: "hello",
		At: time.Unix(1409659813, 0)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("handler got %+v, want %+v", got, want)
	}
}

func TestCallbackPassiveReply(t *testing.T) {
	rec := &platformtest.Recorder{Reply: func(m *bot.Message) (*bot.Reply, error) {
		return bot.Text("已收到 g1c1 日常信息报表", "缺勤：张三 2学时 ]]> <b>&"), nil
	}}
	cb := testCallback(t, rec)
	w := serve(cb, encryptedPost(t, textXML("cadre-g1c1", "报表 旷课 张三 2", "7001")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	in := openPassive(t, w.Body.Bytes())
	want := passiveInner{ToUserName: "cadre-g1c1", FromUserName: testCorp, CreateTime: testNow.Unix(), MsgType: "text",
		Content: "已收到 g1c1 日常信息报表\n\n缺勤：张三 2学时 ]]> ＜b>&"} // a tag is defused: texts render <a href>
	if in != want {
		t.Errorf("passive reply = %+v, want %+v", in, want)
	}
	msgs := rec.Messages()
	if len(msgs) != 1 || msgs[0].ID != "7001" || msgs[0].User != "cadre-g1c1" || msgs[0].Text != "报表 旷课 张三 2" ||
		msgs[0].Channel != bot.WeCom || !msgs[0].At.Equal(time.Unix(1795680131, 0)) {
		t.Errorf("handler got %+v", msgs)
	}
}

func TestCallbackURLVerification(t *testing.T) {
	cb := testCallback(t, &platformtest.Recorder{})
	c, _ := newCrypter(testToken, testCorp, vecKey)
	echo := c.encrypt([]byte("1616140317555161061"))
	ts, nonce := "1597212914", "1597212914"
	q := url.Values{"msg_signature": {c.sign(ts, nonce, echo)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}}
	w := serve(cb, httptest.NewRequest(http.MethodGet, "/hook/wecom?"+q.Encode(), nil))
	if w.Code != http.StatusOK || w.Body.String() != "1616140317555161061" {
		t.Errorf("verification answered %d %q", w.Code, w.Body)
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	if w := serve(cb, httptest.NewRequest(http.MethodGet, "/hook/wecom?"+q.Encode(), nil)); w.Code != http.StatusUnauthorized {
		t.Errorf("bad signature answered %d", w.Code)
	}
}

func TestCallbackEventsAndOtherTypes(t *testing.T) {
	rec := &platformtest.Recorder{}
	cb := testCallback(t, rec)
	event := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><FromUserName><![CDATA[u1]]></FromUserName>" +
		"<CreateTime>1795680131</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event>" +
		"<AgentID>1000002</AgentID></xml>"
	w := serve(cb, encryptedPost(t, event))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("event answered %d %q, want empty 200", w.Code, w.Body)
	}
	image := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><FromUserName><![CDATA[u1]]></FromUserName>" +
		"<CreateTime>1795680131</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x]]></PicUrl>" +
		"<MsgId>42</MsgId><AgentID>1000002</AgentID></xml>"
	w = serve(cb, encryptedPost(t, image))
	if in := openPassive(t, w.Body.Bytes()); in.Content != platform.TextOnlyText || in.ToUserName != "u1" {
		t.Errorf("image answered %+v", in)
	}
	if n := len(rec.Messages()); n != 0 {
		t.Errorf("handler called %d times for an event and an image", n)
	}
}

func TestCallbackSlowHandlerGoesLate(t *testing.T) {
	release := make(chan struct{})
	rec := &platformtest.Recorder{Reply: func(m *bot.Message) (*bot.Reply, error) {
		<-release
		return bot.Text("迟到的回复"), nil
	}}
	type late struct {
		m      *bot.Message
		r      *bot.Reply
		ctxErr error
	}
	lates := make(chan late, 1)
	cb := testCallback(t, rec, platform.WithBudget(10*time.Millisecond), platform.WithLate(func(ctx context.Context, m *bot.Message, r *bot.Reply) {
		lates <- late{m, r, ctx.Err()}
	}))
	w := serve(cb, encryptedPost(t, textXML("u9", "查询", "8001")))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("slow handler answered %d %q, want empty 200", w.Code, w.Body)
	}
	select {
	case l := <-lates:
		t.Fatalf("late hook called before the handler finished: %+v", l)
	default:
	}
	close(release)
	cb.Wait()
	l := <-lates
	if l.m.ID != "8001" || l.m.User != "u9" || len(l.r.Texts) != 1 || l.r.Texts[0] != "迟到的回复" || l.ctxErr != nil {
		t.Errorf("late hook got %+v %+v ctx err %v", l.m, l.r, l.ctxErr)
	}
}

func TestCallbackLongReplyGoesLate(t *testing.T) {
	long := strings.Repeat("很长的回复", 200) // 3,000 bytes
	rec := &platformtest.Recorder{Reply: func(*bot.Message) (*bot.Reply, error) { return bot.Text(long), nil }}
	var got *bot.Reply
	cb := testCallback(t, rec, platform.WithLate(func(_ context.Context, _ *bot.Message, r *bot.Reply) { got = r }))
	w := serve(cb, encryptedPost(t, textXML("u9", "查询", "8002")))
	cb.Wait()
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("long reply answered %d with %d bytes, want empty 200", w.Code, w.Body.Len())
	}
	if got == nil || got.Texts[0] != long {
		t.Errorf("late hook got %+v", got)
	}
}

func TestCallbackHandlerFailure(t *testing.T) {
	for name, reply := range map[string]func(*bot.Message) (*bot.Reply, error){
		"error": func(*bot.Message) (*bot.Reply, error) { return nil, errors.New("store closed") },
		"panic": func(*bot.Message) (*bot.Reply, error) { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			cb := testCallback(t, &platformtest.Recorder{Reply: reply})
			w := serve(cb, encryptedPost(t, textXML("u1", "x", "1")))
			if in := openPassive(t, w.Body.Bytes()); in.Content != platform.TextBusy {
				t.Errorf("reply %q, want %q", in.Content, platform.TextBusy)
			}
		})
	}
	cb := testCallback(t, &platformtest.Recorder{Reply: func(*bot.Message) (*bot.Reply, error) { return nil, nil }})
	if w := serve(cb, encryptedPost(t, textXML("u1", "x", "2"))); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("nil reply answered %d %q, want empty 200", w.Code, w.Body)
	}
}

func TestCallbackRejects(t *testing.T) {
	c, _ := newCrypter(testToken, testCorp, vecKey)
	other, _ := newCrypter(testToken, "wwanothercorp", vecKey)
	good := c.encrypt([]byte(textXML("u1", "hi", "1")))
	withQuery := func(r *http.Request, k, v string) *http.Request {
		q := r.URL.Query()
		q.Set(k, v)
		r.URL.RawQuery = q.Encode()
		return r
	}
	rawPost := func(body string) *http.Request {
		return httptest.NewRequest(http.MethodPost, "/hook/wecom?timestamp=1&nonce=2&msg_signature=x", strings.NewReader(body))
	}
	tests := []struct {
		name   string
		req    *http.Request
		status int
		reason string
	}{
		{"bad signature", withQuery(signedPost(testToken, good), "msg_signature", strings.Repeat("a", 40)), 401, "signature"},
		{"signed with another token", signedPost("other-token", good), 401, "signature"},
		{"no signature", withQuery(signedPost(testToken, good), "msg_signature", ""), 401, "signature"},
		{"wrong receiveid", signedPost(testToken, other.encrypt([]byte(textXML("u1", "hi", "1")))), 401, "receiveid"},
		{"bad base64", signedPost(testToken, "@@not-base64@@"), 400, "ciphertext"},
		{"bad padding", signedPost(testToken, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 400, "ciphertext"},
		{"oversized", rawPost("<xml><Encrypt>" + strings.Repeat("A", MaxBody) + "</Encrypt></xml>"), 413, "too_large"},
		{"malformed envelope", rawPost("<xml><Encrypt>abc"), 400, "malformed"},
		{"no Encrypt", rawPost("<xml><ToUserName>x</ToUserName></xml>"), 400, "malformed"},
		{"no timestamp", withQuery(signedPost(testToken, good), "timestamp", ""), 400, "malformed"},
		{"malformed inner XML", encryptedPost(t, "<xml><FromUserName>u1</FromUserName><MsgType>text"), 400, "malformed"},
		{"inner without sender", encryptedPost(t, "<xml><MsgType>text</MsgType></xml>"), 400, "malformed"},
		{"inner bad CreateTime", encryptedPost(t, strings.Replace(textXML("u", "x", "1"), "1795680131", "soon", 1)), 400, "malformed"},
		{"PUT", httptest.NewRequest(http.MethodPut, "/hook/wecom", nil), 405, "method"},
		{"GET without echostr", httptest.NewRequest(http.MethodGet, "/hook/wecom?timestamp=1&nonce=2", nil), 400, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &platformtest.Recorder{}
			m := platformtest.Metrics(t, bot.WeCom)
			cb := testCallback(t, rec, platform.WithMetrics(m))
			w := serve(cb, tt.req)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if got := platformtest.Value(t, m.Rejected.WithLabelValues(tt.reason)); got != 1 {
				t.Errorf("rejected{reason=%s} = %v, want 1", tt.reason, got)
			}
			if platformtest.Value(t, m.Received) != 0 || len(rec.Messages()) != 0 {
				t.Error("a rejected callback was processed")
			}
		})
	}
}

func TestNewCallbackNeedsCredentials(t *testing.T) {
	for _, cfg := range []Config{
		{Token: testToken, EncodingAESKey: vecKey},
		{CorpID: testCorp, EncodingAESKey: vecKey},
		{CorpID: testCorp, Token: testToken, EncodingAESKey: "short"},
	} {
		if _, err := NewCallback(cfg, &platformtest.Recorder{}); err == nil {
			t.Errorf("NewCallback(%+v) succeeded", cfg)
		}
	}
	if _, err := NewCallback(Config{CorpID: testCorp, Token: testToken, EncodingAESKey: vecKey}, nil); err == nil {
		t.Error("NewCallback without handler succeeded")
	}
}

func TestCallbackCountsReceived(t *testing.T) {
	m := platformtest.Metrics(t, bot.WeCom)
	cb := testCallback(t, &platformtest.Recorder{}, platform.WithMetrics(m))
	for i := range 3 {
		serve(cb, encryptedPost(t, textXML("u1", "x", fmt.Sprint(i))))
	}
	if got := platformtest.Value(t, m.Received); got != 3 {
		t.Errorf("received = %v, want 3", got)
	}
}
