package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/store"
)

func open(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.OpenTest(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

type rec struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func TestTypedIDsHistoryAndReopen(t *testing.T) {
	dir := t.TempDir()
	db := open(t, dir)
	ctx := bot.WithActor(context.Background(), bot.Actor{Member: "cadre-g1c1", Channel: "local"})
	var ids []string
	for range 3 {
		err := db.Update(ctx, func(tx *store.Tx) error {
			id, err := tx.NextID("A")
			if err != nil {
				return err
			}
			ids = append(ids, id)
			if err := tx.Put(id, rec{ID: id, Text: "x"}); err != nil {
				return err
			}
			return tx.Record(id, "create", "考勤 全勤", tx.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if ids[0] != "A1" || ids[2] != "A3" {
		t.Fatalf("ids %v", ids)
	}
	db.Close()
	db = open(t, dir)
	defer db.Close()
	var got rec
	if err := db.View(func(tx *store.Tx) error { return tx.Get("#a2", &got) }); err != nil || got.ID != "A2" {
		t.Fatalf("get after reopen: %+v %v", got, err)
	}
	if err := db.View(func(tx *store.Tx) error { return tx.Get("A9", &got) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing record: %v", err)
	}
	h, err := db.HistoryOf("A2")
	if err != nil || len(h) != 1 || h[0].By != "cadre-g1c1" || h[0].Channel != "local" || h[0].Action != "create" {
		t.Errorf("history: %+v %v", h, err)
	}
	var n int
	_ = db.View(func(tx *store.Tx) error {
		return store.Each(tx, "A", func(*rec) bool { n++; return true })
	})
	if n != 3 {
		t.Errorf("Each saw %d", n)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error { id, _ := tx.NextID("A"); ids = append(ids, id); return nil }); err != nil || ids[3] != "A4" {
		t.Errorf("sequence after reopen: %v %v", ids, err)
	}
}

func TestFailedTransactionLeavesNoGap(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	boom := errors.New("boom")
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.Sequence("reg:2026"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n uint64
	_ = db.Update(context.Background(), func(tx *store.Tx) error { n, err = tx.Sequence("reg:2026"); return err })
	if n != 1 {
		t.Errorf("sequence after rollback = %d, want 1", n)
	}
}

func TestClaimStopsASecondHandling(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	first := bot.WithClaim(context.Background(), bot.Claim{Key: "local|m1", Nonce: "a"})
	second := bot.WithClaim(context.Background(), bot.Claim{Key: "local|m1", Nonce: "b"})
	write := func(ctx context.Context) error {
		return db.Update(ctx, func(tx *store.Tx) error { _, err := tx.NextID("A"); return err })
	}
	if err := write(first); err != nil {
		t.Fatal(err)
	}
	if err := write(first); err != nil {
		t.Errorf("the same handling may write twice: %v", err)
	}
	if err := write(second); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("second handling: %v, want ErrDuplicate", err)
	}
	if err := db.Remember(first, "local|m1", []string{"已收到"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Remember(second, "local|m1", []string{"另一个回复"}); err != nil {
		t.Fatal(err)
	}
	h, found, _ := db.Seen(context.Background(), "local|m1")
	if !found || len(h.Replies) != 1 || h.Replies[0] != "已收到" {
		t.Errorf("seen: %v %v", h, found)
	}
}

func TestConcurrentClaimsOneWins(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, dup := 0, 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := bot.WithClaim(context.Background(), bot.Claim{Key: "wecom|123", Nonce: string(rune('a' + i))})
			err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.NextID("E"); return err })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, bot.ErrDuplicate):
				dup++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || dup != 19 {
		t.Errorf("ok=%d dup=%d", ok, dup)
	}
}

func TestDedupePurge(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.OpenTest(t.TempDir(), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.Remember(context.Background(), "local|old", []string{"a"})
	now = now.Add(6 * 24 * time.Hour)
	_ = db.Remember(context.Background(), "local|new", []string{"b"})
	now = now.Add(2 * 24 * time.Hour) // old is 8 days old, new 2 days
	n, err := db.PurgeDedupe()
	if err != nil || n != 1 {
		t.Fatalf("purged %d %v", n, err)
	}
	if _, found, _ := db.Seen(context.Background(), "local|old"); found {
		t.Error("old id kept")
	}
	if _, found, _ := db.Seen(context.Background(), "local|new"); !found {
		t.Error("new id purged")
	}
}

func TestOutboxLifecycle(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
	db, err := store.OpenTest(t.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.Enqueue(
		bot.Notification{Key: "k1", To: bot.Recipient{Member: "a"}, Text: "one"},
		bot.Notification{Key: "k2", To: bot.Recipient{Member: "b"}, Text: "two"},
		bot.Notification{Key: "k1", To: bot.Recipient{Member: "a"}, Text: "one again"},
	)
	if err != nil || n != 2 {
		t.Fatalf("queued %d %v", n, err)
	}
	due, _ := db.Due(now, 10)
	if len(due) != 2 || due[0].Notification.ID != "1" {
		t.Fatalf("due %+v", due)
	}
	_ = db.Retry(due[0].Seq, now.Add(time.Minute), errors.New("HTTP 502"))
	_ = db.Fail(due[1].Seq, errors.New("60020 not trusted"))
	if d, _ := db.Due(now, 10); len(d) != 0 {
		t.Errorf("retry not postponed: %+v", d)
	}
	if next, _ := db.NextDue(); !next.Equal(now.Add(time.Minute)) {
		t.Errorf("next due %v", next)
	}
	failed, _ := db.Failed(10)
	if len(failed) != 1 || failed[0].LastError != "60020 not trusted" {
		t.Errorf("failed %+v", failed)
	}
	_ = db.DeliverLocal("a", due[0].Seq, "one", now)
	_ = db.DeliverLocal("a", due[0].Seq, "one", now) // a redelivery overwrites, never duplicates
	if depth, _ := db.Depth(); depth != 0 {
		t.Errorf("depth %d", depth)
	}
	in, _ := db.Inbox("a", 0, 10)
	if len(in) != 1 || in[0].Text != "one" {
		t.Errorf("inbox %+v", in)
	}
	if in, _ := db.Inbox("a", in[0].Seq, 10); len(in) != 0 {
		t.Errorf("inbox after last seq: %+v", in)
	}
}

func TestOpenWhileHeldFailsFast(t *testing.T) {
	store.SkipOnPostgres(t)
	dir := t.TempDir()
	db := open(t, dir)
	defer db.Close()
	start := time.Now()
	_, err := store.OpenTest(dir, store.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("open hung")
	}
}

// A handling cut short after its record committed (a kill before the reply
// was remembered) still tells a resend which records it stored.
func TestClaimKnowsItsRecords(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	ctx := bot.WithClaim(context.Background(), bot.Claim{Key: "local|m7", Nonce: "a"})
	err := db.Update(ctx, func(tx *store.Tx) error {
		id, err := tx.NextID("S")
		if err != nil {
			return err
		}
		return tx.Put(id, rec{ID: id})
	})
	if err != nil {
		t.Fatal(err)
	}
	h, found, err := db.Seen(context.Background(), "local|m7")
	if err != nil || !found || len(h.Replies) != 0 || len(h.Records) != 1 || h.Records[0] != "S1" {
		t.Fatalf("seen: %+v %v %v", h, found, err)
	}
	if err := db.Remember(ctx, "local|m7", []string{"已收到 S1"}); err != nil {
		t.Fatal(err)
	}
	h, _, _ = db.Seen(context.Background(), "local|m7")
	if len(h.Replies) != 1 || len(h.Records) != 1 {
		t.Errorf("after remember: %+v", h)
	}
}
