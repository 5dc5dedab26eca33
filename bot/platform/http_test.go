package platform

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

func TestCallErrors(t *testing.T) {
	call := Call{Channel: "wecom", Method: http.MethodPost, Path: "/cgi-bin/message/send"}
	tests := []struct {
		name      string
		err       error
		text      string
		permanent bool
		retry     time.Duration
	}{
		{"200", call.Status(200), "", false, 0},
		{"429", call.Status(429), "wecom: POST /cgi-bin/message/send: HTTP 429", false, HTTPBackoff},
		{"502", call.Status(502), "wecom: POST /cgi-bin/message/send: HTTP 502", false, 0},
		{"not JSON", call.Decode([]byte("<html>"), &struct{}{}), "wecom: POST /cgi-bin/message/send: answer is not JSON: ", false, 0},
		{"JSON", call.Decode([]byte(`{"errcode":0}`), &struct{}{}), "", false, 0},
		{"errcode", &APIError{Channel: "dingtalk", Path: "/gettoken", Code: 40089, Msg: "不合法的corpid或corpsecret"},
			"dingtalk: /gettoken: errcode 40089: 不合法的corpid或corpsecret", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.err == nil) != (tt.text == "") {
				t.Fatalf("err = %v, want %q", tt.err, tt.text)
			}
			if tt.err == nil {
				return
			}
			if !strings.HasPrefix(tt.err.Error(), tt.text) {
				t.Errorf("error %q, want %q", tt.err, tt.text)
			}
			if bot.IsPermanent(tt.err) != tt.permanent {
				t.Errorf("permanent = %v", bot.IsPermanent(tt.err))
			}
			if d, ok := bot.RetryDelay(tt.err); ok != (tt.retry != 0) || d != tt.retry {
				t.Errorf("retry delay %v %v, want %v", d, ok, tt.retry)
			}
		})
	}
}

// A transport error names the call, never the URL with its token.
func TestCallFailedRedactsURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	url := srv.URL + "/cgi-bin/message/send?access_token=SECRET-TOKEN"
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewHTTPClient().Do(req)
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if !strings.Contains(err.Error(), "SECRET-TOKEN") {
		t.Fatalf("the test is void: %q does not carry the URL", err)
	}
	call := Call{Channel: "wecom", Method: http.MethodPost, Path: "/cgi-bin/message/send"}
	got := call.Failed(err)
	if strings.Contains(got.Error(), "SECRET-TOKEN") || strings.Contains(got.Error(), "access_token") ||
		!strings.HasPrefix(got.Error(), "wecom: POST /cgi-bin/message/send: ") {
		t.Errorf("Failed = %q", got)
	}
	if bot.IsPermanent(got) {
		t.Error("a transport failure is permanent")
	}
	plain := errors.New("boom")
	if got := call.Failed(plain); !errors.Is(got, plain) {
		t.Errorf("Failed(%v) = %v, does not wrap it", plain, got)
	}
}

func TestEncodeJSON(t *testing.T) {
	b, err := EncodeJSON(map[string]string{"content": `<font color="warning">a & b</font>`})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"content":"<font color=\"warning\">a & b</font>"}`+"\n" {
		t.Errorf("EncodeJSON = %s", got)
	}
	if _, err := EncodeJSON(func() {}); err == nil {
		t.Error("a func encoded")
	}
}
