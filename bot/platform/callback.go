package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
)

// MaxBody is the largest callback body accepted; larger ones get 413.
const MaxBody = 64 << 10

// User-facing texts of every adapter's callback.
const (
	TextOnlyText = "目前只能处理文字消息，请直接输入文字。"
	TextBusy     = "系统繁忙，请稍后再试。"
)

// Reject answers a refused callback with status and counts it by reason.
func (o Options) Reject(w http.ResponseWriter, status int, reason string) {
	o.Metrics.Rejected.WithLabelValues(reason).Inc()
	o.Logger.Debug(o.Channel+": callback rejected", "reason", reason, "status", status)
	http.Error(w, http.StatusText(status), status)
}

// ReadBody reads a callback body of at most MaxBody bytes. When it cannot,
// it rejects the request (413 too_large, 400 malformed) and returns false.
func (o Options) ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			o.Reject(w, http.StatusRequestEntityTooLarge, "too_large")
		} else {
			o.Reject(w, http.StatusBadRequest, "malformed")
		}
		return nil, false
	}
	return body, true
}

// Handle calls h; an error or a panic is logged and becomes TextBusy.
func (o Options) Handle(ctx context.Context, h bot.Handler, m *bot.Message) (rep *bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			o.Logger.Error(o.Channel+": handler panicked", "panic", fmt.Sprint(p))
			rep = bot.Text(TextBusy)
		}
	}()
	rep, err := h.Handle(ctx, m)
	if err != nil {
		o.Logger.Error(o.Channel+": handler failed", "msg", m.Key(), "err", err)
		return bot.Text(TextBusy)
	}
	return rep
}

// JoinReply joins the reply's non-empty texts with a blank line.
func JoinReply(rep *bot.Reply) string {
	if rep == nil {
		return ""
	}
	var parts []string
	for _, t := range rep.Texts {
		if strings.TrimSpace(t) != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n")
}

// Work is what a callback goes on doing after its HTTP answer: handlers
// that outlive the budget, reply deliveries. The zero value is ready.
type Work struct{ wg sync.WaitGroup }

// Wait blocks until all work has finished.
func (w *Work) Wait() { w.wg.Wait() }

// Go runs f in the background under a context that keeps reqCtx's values
// but not its cancellation, bounded by WorkTimeout.
func (w *Work) Go(reqCtx context.Context, f func(ctx context.Context)) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), WorkTimeout)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer cancel()
		f(ctx)
	}()
}

// Answer runs handle in the background (as Go does) and waits at most
// budget for its reply: it returns the reply and true if handle returned in
// time, or nil and false once the budget ran out. Either way the background
// goroutine then calls after with handle's context and reply, and whether
// Answer returned that reply.
func (w *Work) Answer(reqCtx context.Context, budget time.Duration, handle func(ctx context.Context) *bot.Reply,
	after func(ctx context.Context, rep *bot.Reply, answered bool)) (*bot.Reply, bool) {
	done := make(chan *bot.Reply)
	gaveUp := make(chan struct{})
	w.Go(reqCtx, func(ctx context.Context) {
		rep := handle(ctx)
		select {
		case done <- rep:
			after(ctx, rep, true)
		case <-gaveUp:
			after(ctx, rep, false)
		}
	})
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case rep := <-done:
		return rep, true
	case <-timer.C:
		close(gaveUp)
		return nil, false
	}
}
