package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a test clock the store reads.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// nodes opens n handles on one store: n processes on one PostgreSQL
// database, or one bbolt handle n times (its file admits one process).
func nodes(t *testing.T, n int, o Options) []*DB {
	t.Helper()
	dir := t.TempDir()
	var out []*DB
	for i := range n {
		if i > 0 && testPG == "" {
			out = append(out, out[0])
			continue
		}
		db, err := OpenTest(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out = append(out, db)
	}
	return out
}

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func mustBind(t *testing.T, db *DB, key, value string, until time.Time, want bool) {
	t.Helper()
	if ok, err := db.Bind(key, []byte(value), until); err != nil || ok != want {
		t.Fatalf("Bind(%s, %s) = %v, %v; want %v", key, value, ok, err, want)
	}
}

func lookup(t *testing.T, db *DB, key string) string {
	t.Helper()
	v, ok, err := db.Lookup(key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "<absent>"
	}
	return string(v)
}

// A key keeps its first value until it expires, whichever node asks: the
// same value again is the same binding, another is refused; once expired
// it reads as absent and binds anew. It survives a restart.
func TestBindFirstValueWinsUntilExpiry(t *testing.T) {
	clk := newClock(t0)
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	mustBind(t, db, "sign|1", "msg-a", t0.Add(time.Hour), true)
	mustBind(t, db, "sign|1", "msg-a", t0.Add(time.Hour), true)
	mustBind(t, db, "sign|1", "msg-b", t0.Add(2*time.Hour), false)
	db.Close()
	if db, err = OpenTest(dir, Options{Now: clk.now}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustBind(t, db, "sign|1", "msg-b", t0.Add(2*time.Hour), false)
	if got := lookup(t, db, "sign|1"); got != "msg-a" {
		t.Fatalf("after a restart: %s", got)
	}
	clk.set(t0.Add(time.Hour - time.Nanosecond))
	if got := lookup(t, db, "sign|1"); got != "msg-a" {
		t.Fatalf("just before expiry: %s", got)
	}
	clk.set(t0.Add(time.Hour))
	if got := lookup(t, db, "sign|1"); got != "<absent>" {
		t.Fatalf("at expiry: %s", got)
	}
	mustBind(t, db, "sign|1", "msg-b", t0.Add(2*time.Hour), true)
	if got := lookup(t, db, "sign|1"); got != "msg-b" {
		t.Fatalf("bound anew: %s", got)
	}
}

// Of many nodes binding one key to different values at once, exactly one
// wins and every node then reads its value.
func TestBindRaceOneWinner(t *testing.T) {
	dbs := nodes(t, 3, Options{Now: newClock(t0).now})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			ok, err := dbs[i%len(dbs)].Bind("link|x", []byte(fmt.Sprint("member-", i)), t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d binds won, want 1", wins.Load())
	}
	first := lookup(t, dbs[0], "link|x")
	for _, db := range dbs {
		if got := lookup(t, db, "link|x"); got != first {
			t.Errorf("nodes disagree: %s and %s", first, got)
		}
	}
}

// A one-time token is taken once: of concurrent Takes on several nodes one
// gets it; an expired one is nobody's; Drop ends a key at once.
func TestTakeOnceAndDrop(t *testing.T) {
	clk := newClock(t0)
	dbs := nodes(t, 3, Options{Now: clk.now})
	mustBind(t, dbs[0], "link|a", "office-1", t0.Add(10*time.Minute), true)
	var got atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			v, ok, err := dbs[i%len(dbs)].Take("link|a")
			if err != nil {
				t.Error(err)
			}
			if ok {
				got.Add(1)
				if string(v) != "office-1" {
					t.Errorf("took %q", v)
				}
			}
		})
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d takes got the token, want 1", got.Load())
	}
	mustBind(t, dbs[1], "link|b", "office-1", t0.Add(10*time.Minute), true)
	clk.set(t0.Add(10 * time.Minute))
	if _, ok, err := dbs[2].Take("link|b"); ok || err != nil {
		t.Errorf("an expired token was taken: %v %v", ok, err)
	}
	mustBind(t, dbs[0], "session|c", "leader-1", t0.Add(time.Hour), true)
	if err := dbs[1].Drop("session|c"); err != nil {
		t.Fatal(err)
	}
	if got := lookup(t, dbs[2], "session|c"); got != "<absent>" {
		t.Errorf("dropped key reads %s", got)
	}
	if err := dbs[1].Drop("session|never"); err != nil {
		t.Errorf("dropping an absent key: %v", err)
	}
}

// Expired keys do not stay: each Bind deletes up to expiringPrune of them
// (value and index together), so the bucket keeps up with what expires.
func TestBindPrunesExpired(t *testing.T) {
	clk := newClock(t0)
	db := nodes(t, 1, Options{Now: clk.now})[0]
	for i := range 40 {
		mustBind(t, db, fmt.Sprint("sign|", i), "m", t0.Add(time.Hour), true)
	}
	mustBind(t, db, "session|live", "leader-1", t0.Add(8*time.Hour), true)
	rows := func() (n, idx int) {
		t.Helper()
		err := db.kv.View(func(tx kvTx) error {
			count := func(k, v []byte) error { n++; return nil }
			if err := tx.Bucket(bucketExpiringAt).ForEach(count); err != nil {
				return err
			}
			idx, n = n, 0
			return tx.Bucket(bucketExpiring).ForEach(count)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n, idx
	}
	if n, _ := rows(); n != 41 {
		t.Fatalf("%d keys before expiry, want 41", n)
	}
	clk.set(t0.Add(time.Hour))
	mustBind(t, db, "sign|new1", "m", t0.Add(2*time.Hour), true)
	if n, idx := rows(); n != 41-expiringPrune+1 || idx != n {
		t.Fatalf("after one Bind: %d keys, %d index rows; want %d", n, idx, 41-expiringPrune+1)
	}
	mustBind(t, db, "sign|new2", "m", t0.Add(2*time.Hour), true)
	mustBind(t, db, "sign|new3", "m", t0.Add(2*time.Hour), true)
	if n, idx := rows(); n != 4 || idx != 4 {
		t.Fatalf("after three Binds: %d keys, %d index rows; want the 4 live ones", n, idx)
	}
	if got := lookup(t, db, "session|live"); got != "leader-1" {
		t.Errorf("a live key was pruned: %s", got)
	}
}

// BenchmarkBind is the cost a DingTalk callback adds to bind its sign (one
// durable write): serial, and with concurrent callbacks sharing commits.
func BenchmarkBind(b *testing.B) {
	db, err := OpenTest(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	until := time.Now().Add(time.Hour)
	var n atomic.Int64
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Bind(fmt.Sprint("dingtalk|sign|", n.Add(1)), []byte("0123456789abcdef"), until); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := db.Bind(fmt.Sprint("dingtalk|sign|", n.Add(1)), []byte("0123456789abcdef"), until); err != nil {
					b.Error(err)
				}
			}
		})
	})
}
