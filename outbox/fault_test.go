package outbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/outbox"
	"github.com/baosong/baosong/store"
)

// brokenQueue is a store whose reads fail: by panicking (as bbolt does on a
// damaged page) or with an error.
type brokenQueue struct {
	*store.DB
	panics bool
	reads  atomic.Int64
}

func (q *brokenQueue) Scan(time.Time, int, func(uint64, bot.Recipient) bool) ([]outbox.Item, error) {
	q.reads.Add(1)
	if q.panics {
		panic("assertion failed: Page expected to be: 16, but self identifies as 7097813307239017862")
	}
	return nil, errors.New("store: outbox 7: invalid character")
}

// runLoop runs the loop until the test ends; faults receives each Fault.
func runLoop(t *testing.T, loop *outbox.Loop) <-chan error {
	t.Helper()
	faults := make(chan error, 100)
	loop.Fault = func(err error) { faults <- err }
	loop.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the loop did not stop")
		}
	})
	return faults
}

// A queue that cannot be read (a damaged store) does not make the loop
// spin or crash: each failed pass is counted and followed by a pause.
func TestLoopPausesWhenTheQueueCannotBeRead(t *testing.T) {
	for _, panics := range []bool{true, false} {
		db, err := store.Open(t.TempDir(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		q := &brokenQueue{DB: db, panics: panics}
		faults := runLoop(t, &outbox.Loop{Queue: q, Notifier: &flaky{}, Now: time.Now, Poll: time.Millisecond})
		select {
		case err := <-faults:
			if err == nil {
				t.Error("a nil fault")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no fault was counted")
		}
		time.Sleep(50 * time.Millisecond) // fifty polls' worth: the loop must be pausing
		if n := q.reads.Load(); n != 1 {
			t.Errorf("panics=%v: %d reads in 50 ms, want 1 (then a pause of %v)", panics, n, outbox.Backoff(1))
		}
	}
}

// panicky panics on the push "poison" and delivers the others.
type panicky struct {
	mu        sync.Mutex
	delivered []string
}

func (p *panicky) Notify(_ context.Context, n bot.Notification) error {
	if n.Text == "poison" {
		panic("nil map in a notifier")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delivered = append(p.delivered, n.Text)
	return nil
}

// deliveredIs reports whether n pushes were delivered.
func (p *panicky) deliveredIs(n int) func() bool {
	return func() bool { p.mu.Lock(); defer p.mu.Unlock(); return len(p.delivered) == n }
}

// A notifier that panics on one push: the push is retried later with its
// own backoff, the fault is counted, and the pushes to others go out at once.
func TestLoopRetriesAPushWhoseDeliveryPanics(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := &panicky{}
	faults := runLoop(t, &outbox.Loop{Queue: db, Notifier: n, Now: time.Now, Poll: time.Millisecond})
	for _, text := range []string{"poison", "ok"} {
		if _, err := db.Enqueue(bot.Notification{Key: text, To: bot.Recipient{Member: "m-" + text}, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-faults:
	case <-time.After(5 * time.Second):
		t.Fatal("no fault was counted")
	}
	waitFor(t, "the other push to be delivered", n.deliveredIs(1))
	// Only the poisoned push stays queued, waiting for its retry.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		next, err := db.NextDue()
		depth, _ := db.Depth()
		if err == nil && depth == 1 && time.Until(next) > time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox depth %d, next due in %v (%v); want the poisoned push alone, due after its backoff",
				depth, time.Until(next), err)
		}
	}
	if _, err := db.Enqueue(bot.Notification{Key: "later", To: bot.Recipient{Member: "m-ok"}, Text: "later"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the push queued after the panic to be delivered", n.deliveredIs(2))
}

// countingQueue counts the scans of a working store.
type countingQueue struct {
	*store.DB
	reads atomic.Int64
}

func (q *countingQueue) Scan(now time.Time, limit int, skip func(uint64, bot.Recipient) bool) ([]outbox.Item, error) {
	q.reads.Add(1)
	return q.DB.Scan(now, limit, skip)
}

// A panic outside the notifier (here in the digest) is not a crash and not
// a spin: the next scan counts a fault and pauses the loop.
func TestLoopPausesAfterAPanicOutsideTheNotifier(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := &countingQueue{DB: db}
	for _, text := range []string{"E1", "E2"} {
		if _, err := db.Enqueue(bot.Notification{Key: text, To: bot.Recipient{Member: "m"}, Text: text, Digest: text}); err != nil {
			t.Fatal(err)
		}
	}
	faults := runLoop(t, &outbox.Loop{Queue: q, Notifier: &panicky{}, Now: time.Now, Poll: time.Millisecond,
		Digest: func([]bot.Notification) bot.Notification { panic("index out of range") }})
	select {
	case <-faults:
	case <-time.After(5 * time.Second):
		t.Fatal("no fault was counted")
	}
	paused := q.reads.Load()
	time.Sleep(50 * time.Millisecond)
	if n := q.reads.Load(); n != paused {
		t.Errorf("%d scans during the pause", n-paused)
	}
}
