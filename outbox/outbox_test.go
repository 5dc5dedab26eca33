package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform/platformtest"
	"github.com/baosong/baosong/outbox"
	"github.com/baosong/baosong/store"
)

// flaky fails each push a given number of times, then delivers it.
type flaky struct {
	mu        sync.Mutex
	failures  map[string]int // text → remaining failures
	permanent map[string]bool
	delivered map[string]int
	attempts  int
}

func (f *flaky) Notify(_ context.Context, n bot.Notification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if f.permanent[n.Text] {
		return bot.Permanent(errors.New("60020 not allow to access from your ip"))
	}
	if f.failures[n.Text] > 0 {
		f.failures[n.Text]--
		if n.Text == "limited" {
			return bot.RetryAfter(errors.New("45009"), time.Hour)
		}
		return errors.New("HTTP 502")
	}
	f.delivered[n.Text]++
	return nil
}

func TestLoopRetriesParksAndNeverDuplicates(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	db, err := store.Open(t.TempDir(), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := &flaky{failures: map[string]int{"flaky": 2, "limited": 1}, permanent: map[string]bool{"bad": true}, delivered: map[string]int{}}
	results := map[string]int{}
	loop := &outbox.Loop{Queue: db, Notifier: n, Now: clock, Poll: 5 * time.Millisecond,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Result: func(_ bot.Notification, r string) { mu.Lock(); results[r]++; mu.Unlock() }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	for _, text := range []string{"ok", "flaky", "bad", "limited"} { // one recipient each: they do not wait for one another
		if _, err := db.Enqueue(bot.Notification{Key: text, To: bot.Recipient{Member: "m-" + text}, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	delivered := func(text string) func() bool {
		return func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.delivered[text] == 1 }
	}
	waitFor(t, "ok delivered", delivered("ok"))
	waitFor(t, "bad parked", func() bool { f, _ := db.Failed(10); return len(f) == 1 })
	failuresLeft := func(text string, want int) func() bool {
		return func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.failures[text] == want }
	}
	// flaky failed once and waits 5 s (backoff); move the clock past each backoff.
	waitFor(t, "flaky failed once", failuresLeft("flaky", 1))
	time.Sleep(20 * time.Millisecond)
	if delivered("flaky")() || !failuresLeft("flaky", 1)() {
		t.Fatal("flaky retried before its backoff")
	}
	advance(6 * time.Second)
	waitFor(t, "flaky failed twice", failuresLeft("flaky", 0))
	advance(11 * time.Second)
	waitFor(t, "flaky delivered after two retries", delivered("flaky"))
	// limited asked for an hour: not before.
	waitFor(t, "limited failed", failuresLeft("limited", 0))
	advance(30 * time.Minute)
	time.Sleep(30 * time.Millisecond)
	if delivered("limited")() {
		t.Fatal("rate-limited push retried before its delay")
	}
	advance(31 * time.Minute)
	waitFor(t, "limited delivered", delivered("limited"))
	waitFor(t, "outbox empty", func() bool { d, _ := db.Depth(); return d == 0 })
	n.mu.Lock()
	defer n.mu.Unlock()
	for text, c := range n.delivered {
		if c != 1 {
			t.Errorf("%s delivered %d times", text, c)
		}
	}
	if n.delivered["bad"] != 0 {
		t.Error("permanent failure delivered")
	}
	// The outcome is reported after the outbox records it: wait for the last report.
	waitFor(t, "results reported", func() bool { mu.Lock(); defer mu.Unlock(); return results["delivered"] == 3 })
	mu.Lock()
	defer mu.Unlock()
	if results["delivered"] != 3 || results["failed"] != 1 || results["retry"] != 3 {
		t.Errorf("results %v", results)
	}
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 4: 40 * time.Second, 20: 10 * time.Minute} {
		if got := outbox.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}

// batcher counts NotifyMany calls as a platform would count API calls (≤ 1000 users each).
type batcher struct {
	mu       sync.Mutex
	calls    int
	received map[string]int
}

func (b *batcher) Notify(ctx context.Context, n bot.Notification) error {
	return b.NotifyMany(ctx, n, []string{n.To.Member})[0]
}

func (b *batcher) NotifyMany(_ context.Context, _ bot.Notification, members []string) []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < len(members); i += 1000 {
		b.calls++
	}
	for _, m := range members {
		b.received[m]++
	}
	return make([]error, len(members))
}

func TestFanOutIsBatched(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ns []bot.Notification
	for i := range 2500 {
		ns = append(ns, bot.Notification{Key: fmt.Sprintf("remind|2026-11-26|m%d", i),
			To: bot.Recipient{Member: fmt.Sprintf("m%d", i)}, Text: "请于 11月26日 17:00 前提交日常信息报表"})
	}
	ns = append(ns, bot.Notification{Key: "other", To: bot.Recipient{Member: "m1"}, Text: "另一条"})
	if _, err := db.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	b := &batcher{received: map[string]int{}}
	loop := &outbox.Loop{Queue: db, Notifier: b, Now: time.Now, Poll: 5 * time.Millisecond,
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Batch: func(n bot.Notification) string { return n.Text }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d, _ := db.Depth(); d == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("outbox not drained")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	// 2,500 members in scans of 1,000: three batches (one platform call each) plus the odd one.
	if b.calls != 4 || len(b.received) != 2500 {
		t.Errorf("%d calls for %d members", b.calls, len(b.received))
	}
	for m, n := range b.received {
		if n != 1 && m != "m1" {
			t.Errorf("%s got %d", m, n)
		}
	}
}

// openAt opens a store on a settable clock.
func openAt(t *testing.T) (*platformtest.Clock, *store.DB) {
	t.Helper()
	clock := platformtest.NewClock(time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC))
	db, err := store.Open(t.TempDir(), store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return clock, db
}

// recorder delivers pushes in the order asked, fails the group's first
// attempt, and holds pushes to "slow" until released.
type recorder struct {
	mu      sync.Mutex
	order   []string
	failed  bool
	release chan struct{}
}

func (r *recorder) Notify(_ context.Context, n bot.Notification) error {
	if n.To.Member == "slow" {
		<-r.release
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n.To.Group != "" && !r.failed {
		r.failed = true
		return errors.New("HTTP 502")
	}
	r.order = append(r.order, n.Text)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.order)
}

// A recipient's pushes go out by priority, then oldest first; after a
// failed attempt they all wait for its retry and then go together, in that
// order; a recipient that does not answer holds up nobody else.
func TestRecipientQueueByPriority(t *testing.T) {
	clock, db := openAt(t)
	now := clock.Now()
	rec := &recorder{release: make(chan struct{})}
	group := bot.Recipient{Group: "值班群"}
	var ns []bot.Notification
	for _, p := range []struct {
		text     string
		priority int
	}{{"reminder", bot.PriorityReminder}, {"repeat", bot.PriorityRepeat}, {"notice", 0},
		{"escalation", bot.PriorityEscalate}, {"alert", bot.PriorityAlert}, {"second alert", bot.PriorityAlert}} {
		ns = append(ns, bot.Notification{To: group, Text: p.text, Priority: p.priority})
	}
	ns = append(ns, bot.Notification{To: bot.Recipient{Member: "slow"}, Text: "slow"})
	if _, err := db.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	runLoop(t, &outbox.Loop{Queue: db, Notifier: rec, Now: clock.Now, Poll: 5 * time.Millisecond})
	t.Cleanup(func() { close(rec.release) }) // before the loop stops

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; delivered %v", what, rec.got())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	// The group's first push failed: all six wait for its retry in 5 s
	// (none is due now; at the retry all are, the failed one first).
	waitFor("the group's queue held", func() bool {
		var texts []string
		for _, at := range []time.Time{now, now.Add(outbox.Backoff(1))} {
			items, _ := db.Due(at, 100)
			for _, it := range items {
				if it.Notification.To == group {
					texts = append(texts, fmt.Sprintf("%s %d", it.Notification.Text, it.Attempts))
				}
			}
		}
		return slices.Equal(texts, []string{"reminder 0", "repeat 0", "notice 0", "escalation 0", "alert 1", "second alert 0"})
	})
	// A push queued meanwhile waits too.
	if _, err := db.Enqueue(bot.Notification{To: group, Text: "third alert", Priority: bot.PriorityAlert}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(outbox.Backoff(1))
	want := []string{"alert", "second alert", "third alert", "escalation", "notice", "repeat", "reminder"}
	waitFor("the group's queue, in order", func() bool { return len(rec.got()) == len(want) })
	if got := rec.got(); !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	// All that while the push to "slow" was in flight.
	waitFor("the group's pushes recorded as delivered", func() bool { d, _ := db.Depth(); return d == 1 })
	if slices.Contains(rec.got(), "slow") {
		t.Error("the slow push was delivered before it was released")
	}
}

// paced answers like a robot at its pacing limit: the first pushes are
// deferred by 3 s, then it takes them.
type paced struct {
	mu       sync.Mutex
	deferred int
	got      []string
}

func (p *paced) Notify(_ context.Context, n bot.Notification) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.deferred > 0 {
		p.deferred--
		return bot.RetryAfter(errors.New("dingtalk: robot ddg: rate limit reached"), 3*time.Second)
	}
	p.got = append(p.got, n.Text)
	return nil
}

// A push deferred by a robot's pacing waits for the slot the robot names,
// however often it was deferred: no growing backoff behind a paced robot.
func TestPacedPushWaitsForTheFreeSlotOnly(t *testing.T) {
	clock, db := openAt(t)
	runLoop(t, &outbox.Loop{Queue: db, Notifier: &paced{deferred: 4}, Now: clock.Now, Poll: 5 * time.Millisecond})
	if _, err := db.Enqueue(bot.Notification{To: bot.Recipient{Group: "ddg"}, Text: "【急报 E21｜一般】", Priority: bot.PriorityAlert}); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 4; attempt++ {
		deadline := time.Now().Add(5 * time.Second)
		for {
			items, _ := db.Due(clock.Now().Add(time.Hour), 10)
			if len(items) == 1 && items[0].Attempts == attempt {
				if want := clock.Now().Add(3 * time.Second); !items[0].NextAt.Equal(want) {
					t.Fatalf("deferred %d times: due at %s, want %s", attempt, items[0].NextAt, want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not deferred %d times: %+v", attempt, items)
			}
			time.Sleep(2 * time.Millisecond)
		}
		clock.Advance(3 * time.Second)
	}
	waitFor(t, "the paced push to be delivered in the fifth slot", func() bool { d, _ := db.Depth(); return d == 0 })
}

// readingQueue records the pushes each scan of the loop reads.
type readingQueue struct {
	*store.DB
	mu    sync.Mutex
	scans int
	read  map[uint64]int // seq → times read
}

func (q *readingQueue) Scan(now time.Time, limit int, skip func(uint64, bot.Recipient) bool) ([]outbox.Item, error) {
	items, err := q.DB.Scan(now, limit, skip)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.scans++
	for _, it := range items {
		q.read[it.Seq]++
	}
	return items, err
}

func (q *readingQueue) state() (scans int, read map[uint64]int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.scans, maps.Clone(q.read)
}

// A scan reads only the pushes the loop can start: not one in flight, not
// those queued behind it for the same recipient, however often the loop
// scans (here at each of 20 pushes queued one by one, and every 5 ms). Each
// push is read once, and the held-up recipient still gets its pushes in
// order once the first is through. So too when pushes may be batched by
// text (as WeCom's are) and every text is different: the held-up
// recipient's backlog goes out as one unit, not one push per scan.
func TestScanReadsOnlyWhatTheLoopCanStart(t *testing.T) {
	for _, batched := range []bool{false, true} {
		t.Run(fmt.Sprintf("batched=%v", batched), func(t *testing.T) { scanReadsOnlyWhatTheLoopCanStart(t, batched) })
	}
}

func scanReadsOnlyWhatTheLoopCanStart(t *testing.T, batched bool) {
	clock, db := openAt(t)
	rec := &recorder{release: make(chan struct{})}
	q := &readingQueue{DB: db, read: map[uint64]int{}}
	loop := &outbox.Loop{Queue: q, Notifier: rec, Now: clock.Now, Poll: 5 * time.Millisecond}
	if batched {
		loop.Notifier, loop.Batch = batchingRecorder{rec}, func(n bot.Notification) string { return n.Text }
	}
	runLoop(t, loop)
	slow := bot.Recipient{Member: "slow"}
	enqueue := func(to bot.Recipient, text string) {
		t.Helper()
		if _, err := db.Enqueue(bot.Notification{To: to, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	enqueue(slow, "slow 1") // seq 1, held in flight by the notifier
	waitFor(t, "the first push in flight", func() bool { _, read := q.state(); return read[1] == 1 })
	var want []string
	for i := 1; i <= 10; i++ {
		enqueue(slow, fmt.Sprintf("slow %d", i+1))
		enqueue(bot.Recipient{Member: fmt.Sprintf("m%d", i)}, fmt.Sprintf("other %d", i))
		want = append(want, fmt.Sprintf("other %d", i))
	}
	waitFor(t, "the pushes to the others", func() bool { return len(rec.got()) == 10 })
	before, _ := q.state()
	waitFor(t, "ten more scans", func() bool { scans, _ := q.state(); return scans >= before+10 })
	_, read := q.state()
	for seq, n := range read {
		if n != 1 {
			t.Errorf("push %d read by %d scans, want 1", seq, n)
		}
	}
	for seq := uint64(2); seq <= 20; seq += 2 {
		if read[seq] != 0 {
			t.Errorf("push %d (slow) read while the first push to slow is in flight", seq)
		}
	}
	close(rec.release)
	for i := 1; i <= 11; i++ {
		want = append(want, fmt.Sprintf("slow %d", i))
	}
	waitFor(t, "every push", func() bool { d, _ := db.Depth(); return d == 0 })
	if got := rec.got(); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) ||
		!slices.Equal(slices.DeleteFunc(got, func(s string) bool { return s[0] != 's' }), want[10:]) {
		t.Errorf("delivered %v, want the others and then slow 1…11 in order", rec.got())
	}
	if _, read := q.state(); len(read) != 21 || slices.ContainsFunc(slices.Collect(maps.Values(read)), func(n int) bool { return n != 1 }) {
		t.Errorf("pushes read: %v, want each of the 21 once", read)
	}
}

// batchingRecorder is a recorder that takes batches, one member at a time.
type batchingRecorder struct{ *recorder }

func (b batchingRecorder) NotifyMany(ctx context.Context, n bot.Notification, members []string) []error {
	errs := make([]error, len(members))
	for i, m := range members {
		n.To = bot.Recipient{Member: m}
		errs[i] = b.Notify(ctx, n)
	}
	return errs
}
