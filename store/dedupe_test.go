package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

// A handled message keeps its replies packed, about a third of their JSON
// for a form's reply, and a redelivery reads them back as given; an entry
// stored as plain JSON (before the replies were packed) reads as before;
// so does one packed by schema 8; the purge still finds a packed entry's time.
func TestDedupeKeepsRepliesPacked(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	db, err := OpenTest(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	replies := []string{"已收到 A4030：高一(10)班 12月7日(周一)17:00截止的日常信息报表（按时）。\n旷课：尹鑫娥 2节、梁秀娥 1节\n" +
		"晚归：龚婷娥\n请假：贾宇娥 2节 病假 批准人班主任\n已通知班主任（班主任g1c10）及时联系家长。\n" +
		"本期报表已有 51 条（最近的是 A3890、A3903、A4021），内容合并计算；如有重复，可“撤回 编号”。\n" +
		"如需修改：更正 A4030 后写全部内容，如 更正 A4030 旷课：尹鑫娥2节；撤回：撤回 A4030", "第二条回复"}
	ctx := bot.WithClaim(context.Background(), bot.Claim{Key: "local|cadre-g1c10|m1", Nonce: "n1"})
	err = db.update(ctx, func(t *Tx) error { return t.Put("A4030", map[string]string{"id": "A4030"}) })
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Remember(ctx, "local|cadre-g1c10|m1", replies); err != nil {
		t.Fatal(err)
	}
	h, found, err := db.Seen(ctx, "local|cadre-g1c10|m1")
	if err != nil || !found || !slices.Equal(h.Replies, replies) || !slices.Equal(h.Records, []string{"A4030"}) {
		t.Fatalf("seen %v %+v, %v; want the replies and A4030", found, h, err)
	}
	var stored, plain []byte
	err = db.kv.View(func(tx kvTx) error {
		stored = tx.Bucket(bucketDedupe).Get([]byte("local|cadre-g1c10|m1"))
		var err error
		plain, err = json.Marshal(dedupeEntry{At: now, Replies: replies, Records: []string{"A4030"}, Done: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) > len(plain)*2/5 {
		t.Errorf("the entry takes %d bytes, its JSON %d: want at most 40%%", len(stored), len(plain))
	}
	packed, err := packReplies(replies)
	if err != nil {
		t.Fatal(err)
	}
	if head := len(stored) - len(packed); head > 16 { // the time, the record ids
		t.Errorf("the entry takes %d bytes besides its replies, want ≤ 16", head)
	}

	// An entry packed by schema 8: its head as JSON, then the replies.
	head, _ := json.Marshal(dedupeEntry{At: now, Records: []string{"A17"}, Done: true})
	v7 := append(binary.AppendUvarint([]byte{dedupePacked}, uint64(len(head))), append(head, packed...)...)
	err = db.batch(func(tx kvTx) error { return tx.Bucket(bucketDedupe).Put([]byte("local|x|v7"), v7) })
	if err != nil {
		t.Fatal(err)
	}
	if h, found, err := db.Seen(ctx, "local|x|v7"); err != nil || !found || !slices.Equal(h.Replies, replies) || !slices.Equal(h.Records, []string{"A17"}) {
		t.Errorf("an entry packed by schema 8: %v %+v, %v", found, h, err)
	}

	// An entry stored as JSON by an older version.
	err = db.batch(func(tx kvTx) error {
		return tx.Bucket(bucketDedupe).Put([]byte("local|x|old"), plain)
	})
	if err != nil {
		t.Fatal(err)
	}
	if h, found, err := db.Seen(ctx, "local|x|old"); err != nil || !found || !slices.Equal(h.Replies, replies) {
		t.Errorf("an entry of JSON: %v %+v, %v", found, h, err)
	}

	now = now.Add(DedupeRetention + time.Hour)
	if n, err := db.PurgeDedupe(); err != nil || n != 1 {
		t.Errorf("purged %d, %v; want the packed entry (the JSON one was put without its index)", n, err)
	}
	if _, found, _ := db.Seen(ctx, "local|cadre-g1c10|m1"); found {
		t.Error("the packed entry outlived the retention")
	}
}
