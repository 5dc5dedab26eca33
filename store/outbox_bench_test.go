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
// is the next) while 10,000 pushes to 60 teachers wait behind a push
// deferred by a rate limit and 10 are due: the turn must not cost in
// proportion to the backlog.
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
		if i >= backlog { // the due ones go to others
			ns[i].To.Member = fmt.Sprintf("head-%d", i)
		}
	}
	if _, err := db.Enqueue(ns...); err != nil {
		b.Fatal(err)
	}
	for i := range 60 { // each teacher's first push is deferred: the rest wait behind it
		if err := db.Retry(uint64(i+1), now.Add(time.Minute), errors.New("paced")); err != nil {
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

// BenchmarkRetryBeforeABacklog is a push deferred by a rate limit (WeCom
// takes 30 a minute for one member) while 2,000 more for the same member
// wait behind it: the deferral must not cost in proportion to them.
func BenchmarkRetryBeforeABacklog(b *testing.B) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := store.Open(b.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ns := make([]bot.Notification, 2001)
	for i := range ns {
		ns[i] = bot.Notification{Key: fmt.Sprintf("n%d", i), To: bot.Recipient{Member: "lead-g1"},
			Text: fmt.Sprintf("高一(%d)班 张三 旷课2节，请及时联系家长。", i)}
	}
	if _, err := db.Enqueue(ns...); err != nil {
		b.Fatal(err)
	}
	at := now
	for b.Loop() {
		at = at.Add(2 * time.Second)
		if err := db.Retry(1, at, errors.New("paced")); err != nil {
			b.Fatal(err)
		}
	}
	if due, err := db.Due(at, 10); err != nil || len(due) < 10 || due[0].Seq != 1 || !due[0].NextAt.Equal(at) {
		b.Fatalf("after the retries: %d due, %v", len(due), err)
	}
}

// BenchmarkOutboxScan is one scan of the outbox loop while 1,000 pushes to
// 100 teachers are due and the pushes of 99 of them are in flight or behind
// one in flight: read-all reads every due push and leaves the loop to pass
// over those it cannot start (as before schema 7), skip passes over them by
// the due index (Scan) and reads the 10 it can start.
func BenchmarkOutboxScan(b *testing.B) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := store.OpenTest(b.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const backlog = 1000
	ns := make([]bot.Notification, backlog)
	for i := range ns {
		ns[i] = bot.Notification{Key: fmt.Sprintf("n%d", i), To: bot.Recipient{Member: fmt.Sprintf("teacher-%d", i%100)},
			Text: "高一(1)班 张三 旷课2节，请及时联系家长。"}
	}
	if _, err := db.Enqueue(ns...); err != nil {
		b.Fatal(err)
	}
	free := bot.Recipient{Member: "teacher-99"}
	b.Run("read-all", func(b *testing.B) {
		for b.Loop() {
			due, err := db.Due(now, backlog)
			if err != nil || len(due) != backlog {
				b.Fatalf("%d due, %v", len(due), err)
			}
		}
	})
	b.Run("skip", func(b *testing.B) {
		for b.Loop() {
			due, err := db.Scan(now, backlog, func(_ uint64, to bot.Recipient) bool { return to != free })
			if err != nil || len(due) != backlog/100 {
				b.Fatalf("%d due, %v", len(due), err)
			}
		}
	})
}
