package local

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

type emptyInbox struct{}

func (emptyInbox) Inbox(string, uint64, int) ([]Message, error) { return nil, nil }

// Whoever can post to the hook speaks as any member: without a token only
// loopback callers are answered; with one, every caller needs it.
func TestHookAuthorization(t *testing.T) {
	handled := 0
	newMux := func(token string) *http.ServeMux {
		h := &Hook{Token: token, Inbox: emptyInbox{}, Now: time.Now,
			Handler: bot.HandlerFunc(func(context.Context, *bot.Message) (*bot.Reply, error) {
				handled++
				return bot.Text("ok"), nil
			})}
		mux := http.NewServeMux()
		h.Register(mux)
		return mux
	}
	tests := []struct {
		name, token, remote, auth string
		status                    int
	}{
		{"no token, loopback v4", "", "127.0.0.1:5000", "", 200},
		{"no token, loopback v6", "", "[::1]:5000", "", 200},
		{"no token, another host", "", "203.0.113.7:5000", "", 403},
		{"no token, another host with a token", "", "203.0.113.7:5000", "Bearer x", 403},
		{"no token, no address", "", "", "", 403},
		{"token, another host, right token", "s3cret", "203.0.113.7:5000", "Bearer s3cret", 200},
		{"token, loopback, no token", "s3cret", "127.0.0.1:5000", "", 401},
		{"token, another host, wrong token", "s3cret", "203.0.113.7:5000", "Bearer s3cre", 401},
		{"token, another host, not bearer", "s3cret", "203.0.113.7:5000", "s3cret", 401},
	}
	for _, tt := range tests {
		for _, req := range []*http.Request{
			httptest.NewRequest(http.MethodPost, "/hook/local", strings.NewReader(`{"from":"leader-1","text":"收到 E1"}`)),
			httptest.NewRequest(http.MethodGet, "/hook/local/inbox?member=leader-1", nil),
		} {
			req.RemoteAddr = tt.remote
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			before := handled
			w := httptest.NewRecorder()
			newMux(tt.token).ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Errorf("%s: %s %s: HTTP %d, want %d", tt.name, req.Method, req.URL.Path, w.Code, tt.status)
			}
			if req.Method == http.MethodPost && (handled > before) != (tt.status == 200) {
				t.Errorf("%s: handled %d messages", tt.name, handled-before)
			}
		}
	}
}
