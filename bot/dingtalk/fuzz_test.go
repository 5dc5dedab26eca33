package dingtalk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// FuzzCallback claims only that no signed body crashes or hangs the
// callback and that every answer is 200 or a 4xx. Session replies go to a
// local fake (the API base), never to DingTalk.
func FuzzCallback(f *testing.F) {
	f.Add(`{"msgtype":"text","text":{"content":" 帮助"},"msgId":"m1","senderStaffId":"u1","conversationType":"1"}`)
	f.Add(`{"msgtype":"text","createAt":"17","sessionWebhookExpiredTime":null}`)
	f.Add(`{"msgtype":"picture","content":{"downloadCode":"x"}}`)
	f.Add(`{"msgtype":"text","conversationType":"2","sessionWebhook":"http://127.0.0.1:1/x"}`)
	f.Add(`{"msgtype":"text","text":{"content":"x"},"sessionWebhook":"$SESSION","sessionWebhookExpiredTime":1895680131000}`)
	f.Add(`[1,2,3]`)
	f.Add(`{"msgtype":7}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0}`))
	}))
	f.Cleanup(srv.Close)
	now := func() time.Time { return testNow }
	cb, err := NewCallback(Config{AppSecret: fakeAppSecret, APIBase: srv.URL},
		bot.HandlerFunc(func(_ context.Context, m *bot.Message) (*bot.Reply, error) { return bot.Text(m.Text), nil }),
		&memSigns{}, platform.WithClock(now), platform.WithLate(func(context.Context, *bot.Message, *bot.Reply) {}))
	if err != nil {
		f.Fatal(err)
	}
	ts := "1795680131000"
	f.Fuzz(func(t *testing.T, body string) {
		body = strings.ReplaceAll(body, "$SESSION", srv.URL+"/robot/sendBySession?session=1")
		r := httptest.NewRequest(http.MethodPost, "/hook/dingtalk", strings.NewReader(body))
		r.Header.Set("timestamp", ts)
		r.Header.Set("sign", signature(fakeAppSecret, ts))
		w := httptest.NewRecorder()
		cb.ServeHTTP(w, r)
		cb.Wait()
		if w.Code != http.StatusOK && (w.Code < 400 || w.Code > 499) {
			t.Errorf("status %d", w.Code)
		}
	})
}
