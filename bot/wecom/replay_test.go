package wecom

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

// A callback signed more than a day ago is refused (401, nothing handled):
// the dedupe store forgets message ids after 7 days, so an older capture
// replayed must not be taken for a new message. Clock skew ahead of us is
// accepted.
func TestCallbackRefusesStaleTimestamps(t *testing.T) {
	c, err := newCrypter(testToken, testCorp, vecKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ts     string
		status int
	}{
		{"now", strconv.FormatInt(testNow.Unix(), 10), 200},
		{"23 hours old", strconv.FormatInt(testNow.Add(-23*time.Hour).Unix(), 10), 200},
		{"25 hours old", strconv.FormatInt(testNow.Add(-25*time.Hour).Unix(), 10), 401},
		{"8 days old", strconv.FormatInt(testNow.Add(-8*24*time.Hour).Unix(), 10), 401},
		{"2 days ahead", strconv.FormatInt(testNow.Add(48*time.Hour).Unix(), 10), 200},
		{"not a number", "yesterday", 401},
	}
	for i, tt := range tests {
		rec := &platformtest.Recorder{}
		cb := testCallback(t, rec)
		enc := c.encrypt([]byte(textXML("cadre-g1c1", "考勤 全勤", strconv.Itoa(7100+i))))
		q := url.Values{"msg_signature": {util.Signature(testToken, tt.ts, "42", enc)}, "timestamp": {tt.ts}, "nonce": {"42"}}
		body := "<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		w := serve(cb, httptest.NewRequest(http.MethodPost, "/hook/wecom?"+q.Encode(), strings.NewReader(body)))
		cb.Wait()
		if w.Code != tt.status {
			t.Errorf("%s: HTTP %d, want %d", tt.name, w.Code, tt.status)
		}
		if handled := len(rec.Messages()); handled != map[bool]int{true: 1, false: 0}[tt.status == http.StatusOK] {
			t.Errorf("%s: handled %d messages", tt.name, handled)
		}
	}
}
