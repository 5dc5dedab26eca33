package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/store"
)

// BenchmarkOutboxBacklog is one turn of the outbox loop (what is due, when
// is the next) while 10,000 pushes wait for a rate limit to lift and 10 are
// due: the turn must not cost in proportion to the backlog.
func BenchmarkOutboxBacklog(b *testing.B) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := store.Open(b.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const backlog = 10000
	ns := make([]bot.Notification, backlog+10)
	for i := range ns {
		ns[i] = bot.Notification{Key: fmt.Sprintf("n%d", i), To: bot.Recipient{Member: fmt.Sprintf("teacher-%d", i%60)},
			Text: "高一(1)班 张三 旷课2节，请及时联系家长。"}
	}
	if _, err := db.Enqueue(ns...); err != nil {
		b.Fatal(err)
	}
	items, err := db.Due(now, backlog+10)
	if err != nil || len(items) != backlog+10 {
		b.Fatalf("%d due, %v", len(items), err)
	}
	for _, it := range items[:backlog] {
		if err := db.Retry(it.Seq, now.Add(time.Minute), errors.New("paced")); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		due, err := db.Due(now, 1000)
		if err != nil || len(due) != 10 {
			b.Fatalf("%d due, %v", len(due), err)
		}
		if next, err := db.NextDue(); err != nil || next.After(now) {
			b.Fatalf("next due %v, %v", next, err)
		}
	}
}
