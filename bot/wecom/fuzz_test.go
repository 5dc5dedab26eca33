package wecom

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baosong/baosong/bot"
)

// FuzzCallback claims only that no input crashes or hangs the callback and
// that every answer is 200 or a 4xx. mode 0 posts data as the raw body,
// mode 1 signs data as the Encrypt value, mode 2 encrypts and signs data as
// the message plaintext, mode 3 sends data as a GET echostr.
func FuzzCallback(f *testing.F) {
	f.Add(byte(0), []byte("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>"))
	f.Add(byte(1), []byte(vecEncrypt))
	f.Add(byte(1), []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
	f.Add(byte(2), []byte(textXML("u1", "报表 旷课 张三 2", "1")))
	f.Add(byte(2), []byte("<xml><FromUserName>u</FromUserName><MsgType>event</MsgType></xml>"))
	f.Add(byte(2), []byte("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><xml>&a;</xml>"))
	f.Add(byte(3), []byte("c29tZSBlY2hv"))
	c, err := newCrypter(testToken, testCorp, vecKey)
	if err != nil {
		f.Fatal(err)
	}
	cb := testCallback(f, bot.HandlerFunc(func(_ context.Context, m *bot.Message) (*bot.Reply, error) {
		return bot.Text(m.Text), nil
	}))
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		var r *http.Request
		switch mode % 4 {
		case 0:
			r = httptest.NewRequest(http.MethodPost, "/hook/wecom?timestamp=1&nonce=2&msg_signature=3", bytes.NewReader(data))
		case 1:
			r = signedPost(testToken, string(data))
		case 2:
			r = signedPost(testToken, c.encrypt(data))
		default:
			r = httptest.NewRequest(http.MethodGet, "/hook/wecom", nil)
			q := r.URL.Query()
			q.Set("echostr", string(data))
			q.Set("timestamp", "1")
			q.Set("nonce", "2")
			q.Set("msg_signature", c.sign("1", "2", string(data)))
			r.URL.RawQuery = q.Encode()
		}
		w := serve(cb, r)
		if w.Code != http.StatusOK && (w.Code < 400 || w.Code > 499) {
			t.Errorf("status %d", w.Code)
		}
	})
}
