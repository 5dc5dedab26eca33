// Package outbox delivers the pushes queued in the store: a background loop
// that hands each due push to a Notifier, marks it delivered, retries
// failures with backoff and parks permanent failures. It resumes whatever
// was queued before a restart.
package outbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
)

// Item is a queued push and its delivery state (the store keeps it as
// JSON).
type Item struct {
	Seq          uint64           `json:"seq"`
	Notification bot.Notification `json:"notification"`
	Attempts     int              `json:"attempts"`
	NextAt       time.Time        `json:"next_at"`
	LastError    string           `json:"last_error,omitempty"`
}

// Queue is the part of the store the loop needs.
type Queue interface {
	// Scan lists up to limit queued pushes whose next attempt is due, most
	// urgent and earliest due first, a recipient's in the order they are to
	// go. It asks skip first about each recipient whose first push is due,
	// by that push's seq and the recipient, and does not read the pushes of
	// those skipped; they count towards limit.
	Scan(now time.Time, limit int, skip func(seq uint64, to bot.Recipient) bool) ([]Item, error)
	NextDue() (time.Time, error)
	Delivered(seqs ...uint64) error
	Retry(seq uint64, at time.Time, cause error) error
	Fail(seq uint64, cause error) error
	// Merge makes the push into carry n and takes the others out of the
	// queue, in one transaction: they go out as part of it.
	Merge(into uint64, n bot.Notification, others ...uint64) error
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
	// costs as few platform calls as the platform's limits allow. Pushes
	// with a Digest line are not batched: they may merge per recipient.
	Batch func(n bot.Notification) string
	// Serial, when set, says whether a recipient's pushes go out one after
	// the other (by priority, each behind the one before, merged into
	// digests): for a platform that paces or fails. The others' pushes go
	// out side by side, each on its own (an inbox that keeps them in queue
	// order whatever the order of delivery). nil: every recipient is serial.
	Serial func(to bot.Recipient) bool
	// Digest, when set, merges pushes to one recipient that have a
	// Notification.Digest line and go out together into one push (e.g. a
	// round of repeats: 仍有 3 起急报未确认). It gets them in order.
	Digest func(ns []bot.Notification) bot.Notification
	// Fault is told of every delivery that panicked (a failed attempt,
	// retried with backoff like any other) and of every scan that could not
	// use the queue (a damaged store: the loop then pauses Backoff(such
	// scans in a row), at most PauseMax, instead of spinning).
	Fault func(err error)

	broken chan error // a worker panicked outside the notifier
}

// PauseMax is the longest the loop pauses after scans that could not use
// the queue.
const PauseMax = time.Minute

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
//
// Each recipient's due pushes go out one after the other, by Priority and
// then oldest first, while other recipients are served at the same time
// (Workers): a robot that does not answer holds only its own queue. When a
// push fails, the rest of its recipient's queue stays behind it (the store
// holds them until its retry), so that they all follow it, in order, once
// it is through. Pushes that may share a platform call (Batch) go together.
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
	var (
		wg       sync.WaitGroup
		slots    = make(chan struct{}, l.Workers)
		busy     = map[string]bool{} // recipients with pushes in flight
		flying   = map[uint64]bool{} // pushes in flight
		inflight = 0                 // units started and not done
		done     = make(chan *unit)
	)
	finished := func(u *unit) {
		inflight--
		for _, to := range u.to {
			delete(busy, to)
		}
		for _, it := range u.items {
			delete(flying, it.Seq)
		}
	}
	defer wg.Wait()
	l.broken = make(chan error, 1)
	faults := 0
	for ctx.Err() == nil {
		// The scan passes over the pushes in flight and the queues of
		// recipients in flight without reading them, so that it costs what
		// it can start, not the backlog.
		skip := func(seq uint64, to bot.Recipient) bool {
			return flying[seq] || busy[l.queue(seq, to)]
		}
		items, err := l.due(batch, skip)
		if err != nil {
			faults++
			wait := min(Backoff(faults), PauseMax)
			l.fault(err)
			l.Log.Error("outbox: cannot use the queue, pausing", "scans", faults, "in", wait, "err", err)
			t := time.NewTimer(wait)
			for paused := true; paused; {
				select {
				case <-ctx.Done():
					paused = false
				case <-t.C:
					paused = false
				case u := <-done:
					finished(u)
				}
			}
			t.Stop()
			continue
		}
		faults = 0
		units := l.plan(items)
		for _, u := range units {
			for _, to := range u.to {
				busy[to] = true
			}
			for _, it := range u.items {
				flying[it.Seq] = true
			}
			inflight++
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				l.runSafely(ctx, u)
				<-slots
				select {
				case done <- u:
				case <-ctx.Done():
				}
			}()
		}
		// Scan again when something new is queued (unless every worker is
		// busy: then when one is free), when a unit is done (its
		// recipient's next push is at the head of the queue now), or when
		// the next push falls due (while pushes are in flight, their stale
		// due times do not count: Poll).
		for again := false; !again && ctx.Err() == nil; {
			wait := l.Poll
			if len(busy) == 0 {
				if next, err := l.Queue.NextDue(); err == nil && !next.IsZero() {
					wait = min(wait, max(next.Sub(l.Now()), 0))
				}
			}
			var wake <-chan struct{}
			if inflight < l.Workers {
				wake = l.Queue.Wake()
			}
			t := time.NewTimer(max(wait, 10*time.Millisecond))
			select {
			case <-ctx.Done():
			case <-wake:
				again = true
			case u := <-done:
				finished(u)
				again = true
			case <-t.C:
				again = true
			}
			t.Stop()
		}
	}
}

// due reads the due pushes. A panic (bbolt on a damaged page) is an error,
// and so is a worker's failure to record an outcome since the last read.
func (l *Loop) due(limit int, skip func(uint64, bot.Recipient) bool) (items []Item, err error) {
	select {
	case err := <-l.broken:
		return nil, err
	default:
	}
	err = safely(func() error {
		items, err = l.Queue.Scan(l.Now(), limit, skip)
		return err
	})
	return items, err
}

// errPanicked marks a panic turned into an error.
var errPanicked = errors.New("outbox: panic")

// safely runs f, turning a panic into an error.
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errPanicked, p)
		}
	}()
	return f()
}

func (l *Loop) fault(err error) {
	if l.Fault != nil {
		l.Fault(err)
	}
}

// notify delivers one push; a notifier that panics fails the attempt (it is
// retried like any failed one) and the fault is counted.
func (l *Loop) notify(ctx context.Context, n bot.Notification) error {
	err := safely(func() error { return l.Notifier.Notify(ctx, n) })
	if errors.Is(err, errPanicked) {
		l.fault(err)
	}
	return err
}

// runSafely runs a unit. A panic outside the notifier (a damaged store)
// makes the next scan pause the loop.
func (l *Loop) runSafely(ctx context.Context, u *unit) {
	if err := safely(func() error { l.run(ctx, u); return nil }); err != nil {
		select {
		case l.broken <- err:
		default:
		}
	}
}

// unit is what one worker delivers: one recipient's pushes in order, or a
// batch of pushes of one text to many members.
type unit struct {
	items []Item
	to    []string // the recipients
	batch bool
}

// queue names the queue of a recipient whose pushes go out one after the
// other (Serial), or else the push's own.
func (l *Loop) queue(seq uint64, to bot.Recipient) string {
	if l.Serial != nil && !l.Serial(to) {
		return "\x00" + strconv.FormatUint(seq, 10) // a unit of its own
	}
	return to.String()
}

// plan sorts the due pushes into units, one per queue at a time. A push
// shares a unit with others of its batch (Batch) only when the scan found
// some: one whose batch it alone is in goes as its recipient's own unit,
// which takes the recipient's next pushes too, so that a recipient's backlog
// goes out in one unit rather than one push (and one more scan reading the
// rest) at a time.
func (l *Loop) plan(items []Item) (units []*unit) {
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.Notification.Priority, b.Notification.Priority), cmp.Compare(a.Seq, b.Seq))
	})
	names := make([]string, len(items))
	shared := map[string]int{} // batch name → pushes of the scan in it
	if _, canBatch := l.Notifier.(bot.Batcher); canBatch && l.Batch != nil {
		for i, it := range items {
			if it.Notification.To.Member != "" && it.Notification.Digest == "" {
				names[i] = l.Batch(it.Notification)
				shared[names[i]]++
			}
		}
	}
	of := map[string]*unit{}      // recipient → its unit in this plan
	batches := map[string]*unit{} // batch name → unit
	for i, it := range items {
		to := l.queue(it.Seq, it.Notification.To)
		if u := of[to]; u != nil && u.batch {
			continue // one unit per recipient at a time: the rest waits
		} else if u != nil {
			u.items = append(u.items, it)
			continue
		}
		name := names[i]
		if shared[name] < 2 {
			name = ""
		}
		u := batches[name]
		if u == nil || name == "" {
			u = &unit{batch: name != ""}
			units = append(units, u)
			if name != "" {
				batches[name] = u
			}
		}
		u.items = append(u.items, it)
		u.to = append(u.to, to)
		of[to] = u
	}
	return units
}

// run delivers a unit. A recipient's pushes stop at the first that is to be
// retried: the others wait behind it.
func (l *Loop) run(ctx context.Context, u *unit) {
	if u.batch && len(u.items) > 1 {
		l.many(ctx, u.items)
		return
	}
	for _, it := range l.digest(u.items) {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Timeout)
		n := it.Notification
		if n.ID == "" {
			n.ID = strconv.FormatUint(it.Seq, 10)
		}
		err := l.notify(actx, n)
		cancel()
		l.settle(it, err)
		if err != nil && !bot.IsPermanent(err) {
			return
		}
	}
}

// digest merges a recipient's pushes that have a Digest line into the
// first of them. The store rewrites it and drops the others in one
// transaction, so that a crash leaves either the digest or the pushes.
func (l *Loop) digest(items []Item) []Item {
	if l.Digest == nil {
		return items
	}
	var in []int
	for i, it := range items {
		if it.Notification.Digest != "" {
			in = append(in, i)
		}
	}
	if len(in) < 2 {
		return items
	}
	ns := make([]bot.Notification, len(in))
	others := make([]uint64, 0, len(in)-1)
	for j, i := range in {
		ns[j] = items[i].Notification
		if j > 0 {
			others = append(others, items[i].Seq)
		}
	}
	merged := l.Digest(ns)
	merged.ID, merged.Key, merged.At = ns[0].ID, ns[0].Key, ns[0].At
	if err := l.Queue.Merge(items[in[0]].Seq, merged, others...); err != nil {
		l.Log.Error("outbox: merge a digest", "seq", items[in[0]].Seq, "err", err)
		return items
	}
	out := make([]Item, 0, len(items)-len(others))
	for i, it := range items {
		switch {
		case i == in[0]:
			it.Notification = merged
		case it.Notification.Digest != "":
			continue
		}
		out = append(out, it)
	}
	return out
}

// many sends one text to many members in one go (bot.Batcher).
func (l *Loop) many(ctx context.Context, group []Item) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.Timeout)
	defer cancel()
	members := make([]string, len(group))
	for i, it := range group {
		members[i] = it.Notification.To.Member
	}
	var errs []error
	if err := safely(func() error {
		errs = l.Notifier.(bot.Batcher).NotifyMany(actx, group[0].Notification, members)
		return nil
	}); err != nil {
		l.fault(err)
		errs = make([]error, len(group))
		for i := range errs {
			errs[i] = err
		}
	}
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
}

// settle records the outcome of one push's attempt.
func (l *Loop) settle(it Item, err error) {
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
			// A platform's rate limit (or a robot's pacing) defers the
			// push to when it says: flow control, not a fault, so the wait
			// does not grow with the attempts (an alert behind a paced robot
			// goes in the next free slot), and a reminder burst defers
			// thousands of them.
			delay, level = d, slog.LevelDebug
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
