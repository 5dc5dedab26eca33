package platform

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

// Every platform call goes through API.Do: a JSON body with its
// Content-Type, the answer decoded, and each way a call fails classified
// for the outbox without the URL (it carries the token) in the error.
func TestAPIDo(t *testing.T) {
	var got struct{ method, ctype, body, query string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.ctype, got.body, got.query = r.Method, r.Header.Get("Content-Type"), string(b), r.URL.RawQuery
		switch r.URL.Path {
		case "/busy":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		case "/html":
			_, _ = io.WriteString(w, "<html>维护中</html>")
		case "/huge":
			_, _ = io.WriteString(w, `{"errmsg":"`+strings.Repeat("x", MaxAnswer)+`"}`)
		default:
			_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"T"}`)
		}
	}))
	defer srv.Close()
	api := NewAPI("wecom", srv.Client())
	ctx := context.Background()

	var res struct {
		ErrCode     int    `json:"errcode"`
		AccessToken string `json:"access_token"`
	}
	if err := api.Do(ctx, http.MethodGet, srv.URL+"/cgi-bin/gettoken?corpsecret=SECRET-1", "/cgi-bin/gettoken", nil, &res); err != nil {
		t.Fatal(err)
	}
	if res.AccessToken != "T" || got.method != http.MethodGet || got.ctype != "" || got.query != "corpsecret=SECRET-1" {
		t.Errorf("GET: answer %+v, sent %+v", res, got)
	}
	body := []byte(`{"content":"<font>a & b</font>"}`)
	if err := api.Do(ctx, http.MethodPost, srv.URL+"/send?access_token=SECRET-2", "/send", body, &res); err != nil {
		t.Fatal(err)
	}
	if got.method != http.MethodPost || got.ctype != "application/json; charset=utf-8" || got.body != string(body) {
		t.Errorf("POST sent %+v", got)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name      string
		url       string
		want      string
		permanent bool
		retry     time.Duration
	}{
		{"429", srv.URL + "/busy?access_token=SECRET-3", "wecom: POST /send: HTTP 429", false, HTTPBackoff},
		{"502", srv.URL + "/down?access_token=SECRET-3", "wecom: POST /send: HTTP 502", false, 0},
		{"not JSON", srv.URL + "/html?access_token=SECRET-3", "wecom: POST /send: answer is not JSON", false, 0},
		{"too large", srv.URL + "/huge?access_token=SECRET-3", "wecom: POST /send: ", false, 0},
		{"refused", closed.URL + "/send?access_token=SECRET-3", "wecom: POST /send: ", false, 0},
		// A robot URL mistyped in the configuration never works: not retried.
		{"bad URL", "https://[qyapi.weixin.qq.com/send?key=SECRET-3", "wecom: POST /send: invalid URL", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := api.Do(ctx, http.MethodPost, tt.url, "/send", body, &res)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("error %v, want %q without the URL", err, tt.want)
			}
			if bot.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v", bot.IsPermanent(err))
			}
			if d, ok := bot.RetryDelay(err); ok != (tt.retry != 0) || d != tt.retry {
				t.Errorf("retry delay %v %v, want %v", d, ok, tt.retry)
			}
		})
	}
}

// A call that outlives the client's timeout fails, retryably, and the
// client handed in is not changed for its other users.
func TestAPIUsesTheGivenClient(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	hc := &http.Client{Timeout: 20 * time.Millisecond}
	o := Build("dingtalk", []Option{WithHTTPClient(hc)})
	err := o.API().Do(context.Background(), http.MethodGet, srv.URL+"/gettoken?appsecret=SECRET", "/gettoken", nil, &struct{}{})
	if err == nil || bot.IsPermanent(err) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("timeout: %v", err)
	}
	if hc.CheckRedirect != nil || hc.Transport != nil || hc.Jar != nil {
		t.Error("the given HTTP client was changed")
	}
	if Build("dingtalk", nil).API() != Build("dingtalk", nil).API() || Build("dingtalk", nil).API() == Build("wecom", nil).API() {
		t.Error("want one shared client per platform")
	}
}

func TestCodes(t *testing.T) {
	var log bytes.Buffer
	o := Build("wecom", []Option{WithLogger(slog.New(slog.NewTextHandler(&log, nil)))})
	codes := Codes{
		45009: {Retry: time.Minute},
		60020: {Permanent: true, Fix: "60020 出口IP不在企业可信IP中"},
		45002: {Permanent: true},
	}
	tests := []struct {
		code      int
		want      string
		permanent bool
		retry     time.Duration
		log       string
	}{
		{0, "", false, 0, ""},
		{45009, "wecom: /cgi-bin/message/send: errcode 45009: m", false, time.Minute, ""},
		{60020, "wecom: /cgi-bin/message/send: errcode 60020: m", true, 0, "wecom: 60020 出口IP不在企业可信IP中"},
		{45002, "wecom: /cgi-bin/message/send: errcode 45002: m", true, 0, ""},
		{-1, "wecom: /cgi-bin/message/send: errcode -1: m", false, 0, ""},
	}
	for _, tt := range tests {
		log.Reset()
		err := codes.Error(o, "/cgi-bin/message/send", tt.code, "m")
		if (err == nil) != (tt.want == "") || err != nil && err.Error() != tt.want {
			t.Errorf("%d: error %v, want %q", tt.code, err, tt.want)
			continue
		}
		if bot.IsPermanent(err) != tt.permanent {
			t.Errorf("%d: permanent = %v", tt.code, bot.IsPermanent(err))
		}
		if d, ok := bot.RetryDelay(err); ok != (tt.retry != 0) || d != tt.retry {
			t.Errorf("%d: retry delay %v %v, want %v", tt.code, d, ok, tt.retry)
		}
		if !strings.Contains(log.String(), tt.log) || (tt.log == "") != (log.Len() == 0) {
			t.Errorf("%d: log %q, want %q", tt.code, log.String(), tt.log)
		}
	}
}
