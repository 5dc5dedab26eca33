package store

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

// dump reads every key of every bucket.
func dump(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.kv.View(func(tx kvTx) error {
		for _, name := range allBuckets {
			if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// baosong migrate: a school's bbolt data copied to the engine under test
// (PostgreSQL in the PostgreSQL run) and back to a new bbolt file is the same
// data key for key, and reads back the same through the store.
func TestCopyThereAndBack(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	src, err := Open(t.TempDir(), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := bot.WithActor(context.Background(), bot.Actor{Member: "cadre-g1c1", Channel: "local"})
	err = src.Update(bot.WithClaim(ctx, bot.Claim{Key: "local|cadre-g1c1|m1", Nonce: "n"}), func(tx *Tx) error {
		for range 1500 { // more keys than one chunk of the copy
			id, err := tx.NextID("A")
			if err != nil {
				return err
			}
			if err := tx.Put(id, map[string]any{"id": id, "text": "考勤 全勤"}); err != nil {
				return err
			}
			if err := tx.Record(id, "create", "考勤 全勤", tx.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	to := bot.Recipient{Member: "teacher-g1c1"}
	if _, err := src.Enqueue(bot.Notification{Key: "k1", Text: "请提交", To: to}, bot.Notification{Key: "k2", Text: "明天", To: to, At: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := src.SetKV("watermark", now); err != nil {
		t.Fatal(err)
	}
	want := dump(t, src)

	mid, err := OpenTest(t.TempDir(), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer mid.Close()
	if n, err := Copy(mid, src); err != nil || n != len(want) {
		t.Fatalf("copied %d of %d keys: %v", n, len(want), err)
	}
	if got := dump(t, mid); !maps.Equal(got, want) {
		t.Fatalf("the copy has %d keys, the original %d, or values differ", len(got), len(want))
	}
	if _, err := Copy(mid, src); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("a copy into a store with data: %v", err)
	}

	back, err := Open(t.TempDir(), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := Copy(back, mid); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, back); !maps.Equal(got, want) {
		t.Fatalf("back: %d keys, the original %d, or values differ", len(got), len(want))
	}
	h, err := back.HistoryOf("A1500")
	if err != nil || len(h) != 1 || h[0].By != "cadre-g1c1" {
		t.Errorf("history of A1500 after the round trip: %+v %v", h, err)
	}
	due, err := back.Due(now, 10)
	if err != nil || len(due) != 1 || due[0].Notification.Text != "请提交" {
		t.Errorf("due after the round trip: %+v %v", due, err)
	}
	if err := back.Update(ctx, func(tx *Tx) error {
		id, err := tx.NextID("A")
		if err == nil && id != "A1501" {
			t.Errorf("next id after the round trip: %s", id)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
