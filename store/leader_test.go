package store

import (
	"context"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/incident"
)

// term records a process's leader's work starting and stopping.
type term struct {
	starts, stops chan time.Time
}

func newTerm() *term { return &term{make(chan time.Time, 10), make(chan time.Time, 10)} }

func (tm *term) start() func() {
	tm.starts <- time.Now()
	return func() { tm.stops <- time.Now() }
}

// within waits for an event on ch.
func within(t *testing.T, ch <-chan time.Time, d time.Duration, what string) time.Time {
	t.Helper()
	select {
	case at := <-ch:
		return at
	case <-time.After(d):
		t.Fatalf("%s: not within %v", what, d)
		return time.Time{}
	}
}

// A process alone leads from the moment Lead returns until its context
// ends (always on bbolt, whose file lock admits one process).
func TestLeadAlone(t *testing.T) {
	db, err := OpenTest(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tm := newTerm()
	ctx, cancel := context.WithCancel(context.Background())
	done := db.Lead(ctx, tm.start)
	if len(tm.starts) != 1 || !db.Leading() {
		t.Fatalf("after Lead: %d starts, leading %v", len(tm.starts), db.Leading())
	}
	cancel()
	<-done
	if len(tm.stops) != 1 || db.Leading() {
		t.Fatalf("after the end: %d stops, leading %v", len(tm.stops), db.Leading())
	}
}

// Two processes on one PostgreSQL database: one leads; what the other
// stores for the leader's work wakes the leader's loops; when the leader's
// connection is cut, it stops at once and the other takes over within 5 s;
// when that one ends, the first leads again.
func TestLeadFailover(t *testing.T) {
	if testPG == "" {
		t.Skip("two processes on one database: PostgreSQL only")
	}
	dir := t.TempDir()
	a, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ta, tb := newTerm(), newTerm()
	actx, acancel := context.WithCancel(context.Background())
	defer acancel()
	bctx, bcancel := context.WithCancel(context.Background())
	defer bcancel()
	adone := a.Lead(actx, ta.start)
	b.Lead(bctx, tb.start)
	if !a.Leading() || b.Leading() || len(tb.starts) != 0 {
		t.Fatalf("a leads %v, b leads %v (%d starts)", a.Leading(), b.Leading(), len(tb.starts))
	}
	within(t, ta.starts, time.Second, "a's start")

	// A push queued and an incident stored through b reach a's loops.
	for len(a.Wake()) > 0 {
		<-a.Wake()
	}
	if _, err := b.Enqueue(bot.Notification{Key: "k1", To: bot.Recipient{Member: "office-1"}, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.Wake():
	case <-time.After(2 * time.Second):
		t.Fatal("a push queued through b did not wake a's outbox loop")
	}
	// A request on b that waits for that push (the reply to 急报 says who
	// has it) learns of its delivery by a's loop at once, not at its wait's end.
	items, err := a.Due(time.Now(), 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("due on a: %v %v", items, err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		if err := a.Delivered(items[0].Seq); err != nil {
			t.Error(err)
		}
	}()
	asked := time.Now()
	d, err := b.AwaitDelivery(context.Background(), 5*time.Second, "k1")
	if err != nil || len(d.Waiting) != 0 || time.Since(asked) > 2*time.Second {
		t.Errorf("b waited %v for a push a delivered after 50 ms: %+v %v", time.Since(asked), d, err)
	}

	due := time.Date(2026, 11, 26, 8, 0, 4, 0, time.UTC)
	if _, err := b.CreateIncident(context.Background(), func(id string) (*incident.Incident, incident.Change, error) {
		return &incident.Incident{ID: id}, incident.Change{Next: due}, nil
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.IncidentsChanged():
		if got := a.IncidentDue(); !got.Equal(due) {
			t.Errorf("a's incident clock told %v, want %v", got, due)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("an incident stored through b did not reach a's incident clock")
	}

	// a's connection is cut (a network fault, a restarted pooler).
	cut := time.Now()
	var pid int
	if err := a.kv.(*pgEngine).pool.QueryRow(context.Background(),
		`SELECT pg_terminate_backend(pid), pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		 AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
		int64(pgLockClass), int64(uint32(a.kv.(*pgEngine).lockID))).Scan(new(bool), &pid); err != nil {
		t.Fatalf("the leader's lock: %v", err)
	}
	stopped := within(t, ta.stops, 2*time.Second, "a stops")
	took := within(t, tb.starts, 5*time.Second, "b takes over").Sub(cut)
	t.Logf("a stopped %v after its connection was cut; b took over after %v", stopped.Sub(cut), took)
	if a.Leading() || !b.Leading() {
		t.Errorf("after the cut: a leads %v, b leads %v", a.Leading(), b.Leading())
	}

	// b ends (a shutdown): a is elected again and starts its work again.
	bcancel()
	within(t, tb.stops, 5*time.Second, "b stops")
	within(t, ta.starts, 5*time.Second, "a leads again")
	acancel()
	<-adone
	within(t, ta.stops, time.Second, "a stops at the end")
}

// On a PostgreSQL-compatible database without NOTIFY the leader still
// learns, within about a second, of the pushes and incident steps the
// other processes stored.
func TestLeadWithoutNotify(t *testing.T) {
	if testPG == "" {
		t.Skip("two processes on one database: PostgreSQL only")
	}
	dir := t.TempDir()
	var dbs [2]*DB
	for i := range dbs {
		db, err := OpenTest(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.kv.(*pgEngine).channel = "" // as identify leaves it there
		dbs[i] = db
	}
	a, b := dbs[0], dbs[1]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.Lead(ctx, newTerm().start)
	b.Lead(ctx, newTerm().start)
	if !a.Leading() || b.Leading() {
		t.Fatalf("a leads %v, b leads %v", a.Leading(), b.Leading())
	}
	for len(a.Wake()) > 0 {
		<-a.Wake()
	}
	if _, err := b.Enqueue(bot.Notification{Key: "k1", To: bot.Recipient{Member: "office-1"}, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateIncident(context.Background(), func(id string) (*incident.Incident, incident.Change, error) {
		return &incident.Incident{ID: id}, incident.Change{Next: time.Now()}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for what, ch := range map[string]<-chan struct{}{"outbox loop": a.Wake(), "incident clock": a.IncidentsChanged()} {
		select {
		case <-ch:
		case <-time.After(3 * time.Second):
			t.Errorf("a's %s not woken", what)
		}
	}
}
