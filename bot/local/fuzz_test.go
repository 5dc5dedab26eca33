package local

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/bot"
)

// FuzzHook posts any body to POST /hook/local: the answer is always JSON,
// 200 only for a well-formed request (whose text reaches the handler as
// sent), else 400 or 413 with an error.
func FuzzHook(f *testing.F) {
	for _, s := range []string{`{"from":"cadre-g1c1","text":"考勤 全勤"}`, `{"from":"a","text":"b","id":"1","at":"2026-11-26T16:02:00+08:00"}`,
		`{"from":"a","at":"yesterday"}`, `{"text":"x"}`, "{\"from\":\"a\",\"text\":\"\xff\"}", `[]`, `{"from":`, ``} {
		f.Add([]byte(s))
	}
	hook := &Hook{
		Handler: bot.HandlerFunc(func(_ context.Context, m *bot.Message) (*bot.Reply, error) { return bot.Text(m.Text), nil }),
		Now:     func() time.Time { return time.Date(2026, 11, 26, 16, 2, 0, 0, time.UTC) },
	}
	mux := http.NewServeMux()
	hook.Register(mux)
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/hook/local", bytes.NewReader(body))
		r.RemoteAddr = "127.0.0.1:40000" // no token: loopback only
		mux.ServeHTTP(w, r)
		var resp Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("HTTP %d answer is not JSON: %q", w.Code, w.Body)
		}
		switch w.Code {
		case http.StatusOK:
			var req Request
			if !utf8.Valid(body) || json.Unmarshal(body, &req) != nil || req.From == "" {
				t.Fatalf("accepted %q", body)
			}
			if len(resp.Replies) != 1 || resp.Replies[0].Text != req.Text {
				t.Fatalf("handler saw %+v, sent %q", resp.Replies, req.Text)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if resp.Error == "" {
				t.Fatalf("HTTP %d without an error", w.Code)
			}
		default:
			t.Fatalf("HTTP %d for %q", w.Code, body)
		}
	})
}
