package wecom

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/baosong/baosong/bot"
)

// BenchmarkCallback measures one encrypted callback end to end at the
// channel edge: verify msg_signature, decrypt, parse, a stub handler,
// encrypt and sign the passive reply.
func BenchmarkCallback(b *testing.B) {
	cb := testCallback(b, bot.HandlerFunc(func(context.Context, *bot.Message) (*bot.Reply, error) {
		return bot.Text("已收到 g1c1 日常信息报表（周四）：旷课 张三 2学时；晚归 王五。"), nil
	}))
	c, err := newCrypter(testToken, testCorp, vecKey)
	if err != nil {
		b.Fatal(err)
	}
	enc := c.encrypt([]byte(textXML("cadre-g1c1", "报表 旷课 张三 2 晚归 王五", "4561255354251345929")))
	ts, nonce := "1795680131", "1320562132"
	target := "/hook/wecom?" + url.Values{
		"msg_signature": {c.sign(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce},
	}.Encode()
	body := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><Encrypt><![CDATA[" + enc +
		"]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		w := httptest.NewRecorder()
		cb.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			b.Fatalf("status %d", w.Code)
		}
		_, _ = io.Copy(io.Discard, w.Body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
