package platform

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baosong/baosong/bot"
)

func TestReadBody(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		ok     bool
		status int
		reason string
	}{
		{"fits", strings.Repeat("x", MaxBody), true, 200, ""},
		{"too large", strings.Repeat("x", MaxBody+1), false, 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			o := Build("wecom", []Option{WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))})
			w := httptest.NewRecorder()
			body, ok := o.ReadBody(w, httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tt.body)))
			if ok != tt.ok || w.Code != tt.status {
				t.Fatalf("ok %v, status %d; want %v, %d", ok, w.Code, tt.ok, tt.status)
			}
			if ok && string(body) != tt.body {
				t.Error("body changed")
			}
			if !ok {
				if got := value(t, o.Metrics.Rejected.WithLabelValues(tt.reason)); got != 1 {
					t.Errorf("rejected{reason=%s} = %v", tt.reason, got)
				}
				if !strings.Contains(log.String(), "wecom: callback rejected") {
					t.Errorf("log = %q", log.String())
				}
			}
		})
	}
	o := Build("dingtalk", nil)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/hook", errReader{})
	if _, ok := o.ReadBody(w, r); ok || w.Code != 400 || value(t, o.Metrics.Rejected.WithLabelValues("malformed")) != 1 {
		t.Errorf("broken body: ok %v, status %d", ok, w.Code)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestHandle(t *testing.T) {
	m := &bot.Message{Channel: "wecom", ID: "7", Text: "x"}
	tests := []struct {
		name string
		h    bot.HandlerFunc
		want string
		log  string
	}{
		{"reply", func(context.Context, *bot.Message) (*bot.Reply, error) { return bot.Text("好"), nil }, "好", ""},
		{"error", func(context.Context, *bot.Message) (*bot.Reply, error) { return nil, errors.New("store closed") }, TextBusy, "wecom: handler failed"},
		{"panic", func(context.Context, *bot.Message) (*bot.Reply, error) { panic("boom") }, TextBusy, "wecom: handler panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			o := Build("wecom", []Option{WithLogger(slog.New(slog.NewTextHandler(&log, nil)))})
			rep := o.Handle(context.Background(), tt.h, m)
			if rep == nil || len(rep.Texts) != 1 || rep.Texts[0] != tt.want {
				t.Errorf("reply %+v, want %q", rep, tt.want)
			}
			if !strings.Contains(log.String(), tt.log) || (tt.log == "") != (log.Len() == 0) {
				t.Errorf("log %q, want %q", log.String(), tt.log)
			}
		})
	}
}

func TestJoinReply(t *testing.T) {
	for _, tt := range []struct {
		rep  *bot.Reply
		want string
	}{
		{nil, ""},
		{bot.Text(), ""},
		{bot.Text(" ", "\n"), ""},
		{bot.Text("a", " ", "b"), "a\n\nb"},
	} {
		if got := JoinReply(tt.rep); got != tt.want {
			t.Errorf("JoinReply(%v) = %q, want %q", tt.rep, got, tt.want)
		}
	}
}

type ctxKey struct{}

func TestWorkAnswerInTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var w Work
		reqCtx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
		type call struct {
			rep      *bot.Reply
			answered bool
			ctxErr   error
			value    any
		}
		after := make(chan call, 1)
		rep, ok := w.Answer(reqCtx, time.Second, func(ctx context.Context) *bot.Reply {
			time.Sleep(900 * time.Millisecond) // fake time inside the bubble
			return bot.Text("好")
		}, func(ctx context.Context, rep *bot.Reply, answered bool) {
			after <- call{rep, answered, ctx.Err(), ctx.Value(ctxKey{})}
		})
		cancel() // the HTTP request ends
		w.Wait()
		if !ok || rep == nil || rep.Texts[0] != "好" {
			t.Fatalf("Answer = %+v, %v; want the reply in time", rep, ok)
		}
		c := <-after
		if !c.answered || c.rep != rep || c.ctxErr != nil || c.value != "v" {
			t.Errorf("after got %+v", c)
		}
	})
}

func TestWorkAnswerLate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var w Work
		release := make(chan struct{})
		var answered, afterCalled bool
		var afterCtxErr error
		start := time.Now()
		rep, ok := w.Answer(context.Background(), time.Second, func(ctx context.Context) *bot.Reply {
			<-release
			return bot.Text("迟到")
		}, func(ctx context.Context, rep *bot.Reply, a bool) {
			afterCalled, answered, afterCtxErr = rep.Texts[0] == "迟到", a, ctx.Err()
		})
		if ok || rep != nil || time.Since(start) != time.Second {
			t.Fatalf("Answer = %+v, %v after %v; want nothing at the budget", rep, ok, time.Since(start))
		}
		synctest.Wait()
		if afterCalled {
			t.Fatal("after ran before handle returned")
		}
		close(release)
		w.Wait()
		if !afterCalled || answered || afterCtxErr != nil {
			t.Errorf("after: called %v, answered %v, ctx err %v", afterCalled, answered, afterCtxErr)
		}
	})
}

// Work outlives its request but not WorkTimeout.
func TestWorkGoTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var w Work
		reqCtx, cancel := context.WithCancel(context.Background())
		cancel()
		var err error
		var waited time.Duration
		w.Go(reqCtx, func(ctx context.Context) {
			start := time.Now()
			<-ctx.Done()
			err, waited = ctx.Err(), time.Since(start)
		})
		w.Wait()
		if !errors.Is(err, context.DeadlineExceeded) || waited != WorkTimeout {
			t.Errorf("work ended with %v after %v; want the deadline after %v", err, waited, WorkTimeout)
		}
	})
}
