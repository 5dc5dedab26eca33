// Package outbox delivers the pushes queued in the store: a background loop
// that hands each due push to a Notifier, marks it delivered, retries
// failures with backoff and parks permanent failures. It resumes whatever
// was queued before a restart.
package outbox

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/store"
)

// Queue is the part of the store the loop needs.
type Queue interface {
	Due(now time.Time, limit int) ([]store.OutboxItem, error)
	NextDue() (time.Time, error)
	Delivered(seqs ...uint64) error
	Retry(seq uint64, at time.Time, cause error) error
	Fail(seq uint64, cause error) error
	Wake() <-chan struct{}
}

// Loop delivers queued pushes.
type Loop struct {
	Queue    Queue
	Notifier bot.Notifier
	Now      func() time.Time
	Log      *slog.Logger
	// Result is told the outcome of every attempt: "delivered", "retry" or "failed".
	Result func(n bot.Notification, result string)
	// Timeout bounds one delivery attempt; default 15s.
	Timeout time.Duration
	// Workers is how many pushes are delivered at once; default 8.
	Workers int
	// Poll is the longest the loop sleeps between scans; default 1s.
	Poll time.Duration
	// Batch, when set, names the batch a push may share with others of the
	// same text ("" for none: sent alone). Pushes of one batch go to the
	// Notifier's NotifyMany in one go, so a fan-out to thousands of members
	// costs as few platform calls as the platform's limits allow.
	Batch func(n bot.Notification) string
}

// Backoff is the delay before retry number attempt (1, 2, …): 5s doubling,
// at most 10 minutes.
func Backoff(attempt int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// Run delivers until ctx is cancelled.
func (l *Loop) Run(ctx context.Context) {
	if l.Timeout == 0 {
		l.Timeout = 15 * time.Second
	}
	if l.Workers == 0 {
		l.Workers = 8
	}
	if l.Poll == 0 {
		l.Poll = time.Second
	}
	if l.Log == nil {
		l.Log = slog.Default()
	}
	const batch = 1000 // one WeCom app message reaches at most 1,000 users
	for ctx.Err() == nil {
		items, err := l.Queue.Due(l.Now(), batch)
		if err != nil {
			l.Log.Error("outbox: read", "err", err)
		}
		l.deliver(ctx, items)
		if len(items) == batch {
			continue
		}
		wait := l.Poll
		if next, err := l.Queue.NextDue(); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(l.Now()), 0))
		}
		if len(items) > 0 && wait == 0 {
			continue
		}
		t := time.NewTimer(max(wait, 10*time.Millisecond))
		select {
		case <-ctx.Done():
		case <-l.Queue.Wake():
		case <-t.C:
		}
		t.Stop()
	}
}

func (l *Loop) deliver(ctx context.Context, items []store.OutboxItem) {
	sem := make(chan struct{}, l.Workers)
	var wg sync.WaitGroup
	for _, group := range l.batches(items) {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Timeout)
			defer cancel()
			if len(group) == 1 {
				n := group[0].Notification
				if n.ID == "" {
					n.ID = strconv.FormatUint(group[0].Seq, 10)
				}
				l.settle(group[0], l.Notifier.Notify(actx, n))
				return
			}
			members := make([]string, len(group))
			for i, it := range group {
				members[i] = it.Notification.To.Member
			}
			errs := l.Notifier.(bot.Batcher).NotifyMany(actx, group[0].Notification, members)
			var done []uint64
			for i, it := range group {
				if errs[i] == nil {
					done = append(done, it.Seq)
					l.report(it.Notification, "delivered")
					continue
				}
				l.settle(it, errs[i])
			}
			if err := l.Queue.Delivered(done...); err != nil {
				l.Log.Error("outbox: record delivery", "n", len(done), "err", err)
			}
		}()
	}
	wg.Wait()
}

// batches groups the pushes that may go out together (same batch name);
// every other push is a group of one. Order of first appearance is kept.
func (l *Loop) batches(items []store.OutboxItem) [][]store.OutboxItem {
	_, canBatch := l.Notifier.(bot.Batcher)
	var out [][]store.OutboxItem
	index := map[string]int{}
	for _, it := range items {
		name := ""
		if canBatch && l.Batch != nil && it.Notification.To.Member != "" {
			name = l.Batch(it.Notification)
		}
		if i, ok := index[name]; ok && name != "" {
			out[i] = append(out[i], it)
			continue
		}
		if name != "" {
			index[name] = len(out)
		}
		out = append(out, []store.OutboxItem{it})
	}
	return out
}

// settle records the outcome of one push's attempt.
func (l *Loop) settle(it store.OutboxItem, err error) {
	n := it.Notification
	result := "delivered"
	switch {
	case err == nil:
		err = l.Queue.Delivered(it.Seq)
	case bot.IsPermanent(err):
		result = "failed"
		l.Log.Error("outbox: push failed permanently", "seq", it.Seq, "to", n.To.String(), "err", err)
		err = l.Queue.Fail(it.Seq, err)
	default:
		result = "retry"
		delay := Backoff(it.Attempts + 1)
		level := slog.LevelWarn
		if d, ok := bot.RetryDelay(err); ok {
			// A platform's rate limit defers the push: flow control, not a
			// fault, and a reminder burst defers thousands of them.
			delay, level = max(delay, d), slog.LevelDebug
		}
		l.Log.Log(context.Background(), level, "outbox: push not delivered, will retry", "seq", it.Seq,
			"to", n.To.String(), "attempt", it.Attempts+1, "in", delay, "err", err)
		err = l.Queue.Retry(it.Seq, l.Now().Add(delay), err)
	}
	if err != nil {
		l.Log.Error("outbox: record result", "seq", it.Seq, "err", err)
	}
	l.report(n, result)
}

func (l *Loop) report(n bot.Notification, result string) {
	if l.Result != nil {
		l.Result(n, result)
	}
}
