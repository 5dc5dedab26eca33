package wecom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform/platformtest"
)

// interopDir holds the npm peer (package.json, peer.js). Install it with
//
//	npm ci --prefix bot/wecom/testdata/interop --no-audit --no-fund
const interopDir = "testdata/interop"

type peerIO struct {
	Op        string `json:"op"`
	Key       string `json:"key,omitempty"`
	Token     string `json:"token,omitempty"`
	ID        string `json:"id,omitempty"`
	Timestamp string `json:"timestamp,omitempty"`
	Nonce     string `json:"nonce,omitempty"`
	Message   string `json:"message,omitempty"`
	Encrypt   string `json:"encrypt,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// nodePeer runs testdata/interop/peer.js, skipping the test when node or
// @wecom/crypto is not installed.
func nodePeer(t *testing.T) func(peerIO) peerIO {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("interop: node not found on PATH")
	}
	if _, err := os.Stat(filepath.Join(interopDir, "node_modules", "@wecom", "crypto", "package.json")); err != nil {
		t.Skip("interop: @wecom/crypto not installed; run: npm ci --prefix bot/wecom/testdata/interop --no-audit --no-fund")
	}
	return func(in peerIO) peerIO {
		t.Helper()
		req, _ := json.Marshal(in)
		cmd := exec.CommandContext(t.Context(), node, "peer.js")
		cmd.Dir = interopDir
		cmd.Stdin = bytes.NewReader(req)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node peer.js: %v\n%s", err, stderr.String())
		}
		var res peerIO
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("node peer.js answered %q: %v", out, err)
		}
		return res
	}
}

// TestInteropWeComCrypto encrypts a callback with @wecom/crypto, posts it,
// and opens our passive reply with @wecom/crypto.
func TestInteropWeComCrypto(t *testing.T) {
	peer := nodePeer(t)
	rec := &platformtest.Recorder{Reply: func(m *bot.Message) (*bot.Reply, error) {
		return bot.Text("已收到：" + m.Text), nil
	}}
	cb := testCallback(t, rec)

	ts, nonce := "1795680131", "587216"
	in := peer(peerIO{Op: "encrypt", Key: vecKey, Token: testToken, ID: testCorp, Timestamp: ts, Nonce: nonce,
		Message: textXML("cadre-g1c1", "报表 晚归 王五", "990001")})
	q := url.Values{"msg_signature": {in.Signature}, "timestamp": {ts}, "nonce": {nonce}}
	body := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><Encrypt><![CDATA[" + in.Encrypt +
		"]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
	w := serve(cb, httptest.NewRequest(http.MethodPost, "/hook/wecom?"+q.Encode(), strings.NewReader(body)))
	if w.Code != http.StatusOK {
		t.Fatalf("callback from the npm peer answered %d: %s", w.Code, w.Body)
	}
	if msgs := rec.Messages(); len(msgs) != 1 || msgs[0].Text != "报表 晚归 王五" || msgs[0].ID != "990001" {
		t.Fatalf("handler got %+v", msgs)
	}

	var env passive
	if err := xml.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	out := peer(peerIO{Op: "decrypt", Key: vecKey, Token: testToken, Timestamp: env.TimeStamp, Nonce: env.Nonce, Encrypt: env.Encrypt})
	if out.Signature != env.MsgSignature {
		t.Errorf("npm peer signs our reply %s, we sent %s", out.Signature, env.MsgSignature)
	}
	if out.ID != testCorp {
		t.Errorf("reply receiveid = %q, want %q", out.ID, testCorp)
	}
	var reply passiveInner
	if err := xml.Unmarshal([]byte(out.Message), &reply); err != nil {
		t.Fatalf("npm peer decrypted %q: %v", out.Message, err)
	}
	if reply.Content != "已收到：报表 晚归 王五" || reply.ToUserName != "cadre-g1c1" || reply.FromUserName != testCorp {
		t.Errorf("reply = %+v", reply)
	}

	// URL verification with an echostr from the peer.
	echo := peer(peerIO{Op: "encrypt", Key: vecKey, Token: testToken, ID: testCorp, Timestamp: ts, Nonce: nonce, Message: "5927638431"})
	q = url.Values{"msg_signature": {echo.Signature}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo.Encrypt}}
	w = serve(cb, httptest.NewRequest(http.MethodGet, "/hook/wecom?"+q.Encode(), nil))
	if w.Code != http.StatusOK || w.Body.String() != "5927638431" {
		t.Errorf("verification of the peer's echostr: %d %q", w.Code, w.Body)
	}
}
