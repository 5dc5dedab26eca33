package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/outbox"
)

// The due index follows every change of the outbox: what Due and NextDue
// say is what a scan of the queued pushes would say, and nothing is left in
// the index once the outbox is empty.
func TestOutboxDueIndex(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := OpenTest(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	to := bot.Recipient{Member: "teacher-g1c1"}
	if _, err := db.Enqueue(
		bot.Notification{Text: "one", To: to},                                                               // seq 1, due now
		bot.Notification{Text: "two", To: to, At: now.Add(time.Hour)},                                       // seq 2, due in an hour
		bot.Notification{Text: "three", To: bot.Recipient{Member: "teacher-g1c2"}, At: now.Add(-time.Hour)}, // seq 3, overdue
		bot.Notification{Text: "four", To: to},                                                              // seq 4, due now
	); err != nil {
		t.Fatal(err)
	}
	seqs := func(limit int) []uint64 {
		t.Helper()
		items, err := db.Due(now, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, it := range items {
			out = append(out, it.Seq)
		}
		return out
	}
	for _, tc := range []struct {
		limit int
		want  []uint64
	}{
		{10, []uint64{1, 3}}, // due ones, in queue order; 4 waits behind 2 (due in an hour)
		{1, []uint64{3}},     // the earliest due first when there are more than the limit
		{2, []uint64{1, 3}},
	} {
		if got := seqs(tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("Due(limit %d) = %v, want %v", tc.limit, got, tc.want)
		}
	}
	next := func() time.Time {
		t.Helper()
		n, err := db.NextDue()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := next(); !got.Equal(now.Add(-time.Hour)) {
		t.Errorf("next due %v, want the overdue one", got)
	}
	if err := db.Retry(3, now.Add(2*time.Hour), errors.New("HTTP 502")); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(1, errors.New("60020")); err != nil {
		t.Fatal(err)
	}
	if err := db.DeliverLocal("teacher-g1c1", 4, "four", now); err != nil {
		t.Fatal(err)
	}
	if got := seqs(10); len(got) != 0 {
		t.Errorf("due after retry, fail and delivery: %v", got)
	}
	if got := next(); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("next due %v, want push 2 in an hour", got)
	}
	now = now.Add(3 * time.Hour)
	if got := seqs(10); !slices.Equal(got, []uint64{2, 3}) {
		t.Errorf("due three hours later: %v", got)
	}
	if err := db.Delivered(2, 3, 3); err != nil { // delivering twice is harmless
		t.Fatal(err)
	}
	if got := next(); !got.IsZero() {
		t.Errorf("next due %v with an empty outbox", got)
	}
	for _, b := range [][]byte{bucketOutboxDue, bucketOutboxTo} {
		if err := db.View(func(t *Tx) error { return expectEmpty(t.tx, b) }); err != nil {
			t.Error(err)
		}
	}
}

// A database written by schema 1 (no due index) gets its index at open.
func TestMigrateOutboxDueIndex(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := OpenTest(dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	to := bot.Recipient{Member: "teacher-g1c1"}
	if _, err := db.Enqueue(bot.Notification{Text: "one", To: to}, bot.Notification{Text: "two", To: to, At: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// Make it a schema 1 database: no due index.
	db = asSchema(t, db, dir, 1, Options{Now: func() time.Time { return now }}, func(tx kvTx) error {
		return tx.DeleteBucket(bucketOutboxDue)
	})
	items, err := db.Due(now, 10)
	if err != nil || len(items) != 1 || items[0].Notification.Text != "one" {
		t.Errorf("due after migration: %+v, %v", items, err)
	}
	if next, _ := db.NextDue(); !next.Equal(now) {
		t.Errorf("next due %v", next)
	}
	var schema uint64
	_ = db.View(func(t *Tx) error {
		schema = binary.BigEndian.Uint64(t.bucket(bucketMeta).Get([]byte("schema")))
		return nil
	})
	if schema != SchemaVersion {
		t.Errorf("schema %d after open, want %d", schema, SchemaVersion)
	}
}

func expectEmpty(tx kvTx, bucket []byte) error {
	if k, _ := tx.Bucket(bucket).Cursor().First(); k != nil {
		return errors.New("store: " + string(bucket) + " is not empty")
	}
	return nil
}

// A backlog of reminders does not hide an alert: Due takes the most urgent
// first when there are more due pushes than the limit, and NextDue sees
// every priority.
func TestOutboxDueByPriority(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	db, err := OpenTest(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ns []bot.Notification
	for i := range 5 {
		ns = append(ns, bot.Notification{To: bot.Recipient{Member: fmt.Sprintf("m%d", i)}, Text: "reminder",
			Priority: bot.PriorityReminder, At: now.Add(-time.Minute)})
	}
	ns = append(ns, bot.Notification{To: bot.Recipient{Group: "ddg"}, Text: "alert", Priority: bot.PriorityAlert},
		bot.Notification{To: bot.Recipient{Member: "m9"}, Text: "later alert", Priority: bot.PriorityAlert, At: now.Add(time.Hour)})
	if _, err := db.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	items, err := db.Due(now, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprintf("%d %s", it.Seq, it.Notification.Text))
	}
	if want := []string{"1 reminder", "6 alert"}; !slices.Equal(got, want) {
		t.Errorf("Due(limit 2) = %v, want %v", got, want)
	}
	if next, _ := db.NextDue(); !next.Equal(now.Add(-time.Minute)) {
		t.Errorf("next due %v, want the reminders' time", next)
	}
}

// The loop's scan passes over the recipients it cannot serve (a push to
// them in flight) by the due index alone: it does not read their pushes
// (here they are unreadable), it tells skip whom each queue is for, and
// they count towards the limit. Of a recipient it serves it reads the due
// pushes of its queue in order, the most urgent first, and stops at one not
// due yet.
func TestScanDoesNotReadSkippedPushes(t *testing.T) {
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := OpenTest(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	busy, free, group := bot.Recipient{Member: "teacher-g1c1"}, bot.Recipient{Member: "teacher-g1c2"}, bot.Recipient{Group: "ddg"}
	if _, err := db.Enqueue(
		bot.Notification{Text: "in flight", To: busy},                                     // seq 1
		bot.Notification{Text: "behind it", To: busy},                                     // seq 2
		bot.Notification{Text: "to the group", To: group},                                 // seq 3
		bot.Notification{Text: "to another", To: free},                                    // seq 4
		bot.Notification{Text: "later", To: free, At: now.Add(time.Hour)},                 // seq 5
		bot.Notification{Text: "alert", To: busy, Priority: bot.PriorityAlert},            // seq 6
		bot.Notification{Text: "alert to another", To: free, Priority: bot.PriorityAlert}, // seq 7
	); err != nil {
		t.Fatal(err)
	}
	err = db.kv.Update(func(tx kvTx) error { // what the scan must not read
		for _, seq := range []uint64{1, 2, 6} {
			if err := tx.Bucket(bucketOutbox).Put(u64(seq), []byte("{not json")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(limit int) (got []string, asked map[uint64]bot.Recipient) {
		t.Helper()
		asked = map[uint64]bot.Recipient{}
		items, err := db.Scan(now, limit, func(seq uint64, to bot.Recipient) bool {
			asked[seq] = to
			return to == busy
		})
		if err != nil {
			t.Fatalf("Scan(limit %d): %v", limit, err)
		}
		for _, it := range items {
			got = append(got, fmt.Sprintf("%d %s", it.Seq, it.Notification.Text))
		}
		return got, asked
	}
	got, asked := scan(10)
	if want := []string{"3 to the group", "4 to another", "7 alert to another"}; !slices.Equal(got, want) {
		t.Errorf("Scan = %v, want %v", got, want)
	}
	wantAsked := map[uint64]bot.Recipient{3: group, 6: busy, 7: free}
	if !maps.Equal(asked, wantAsked) {
		t.Errorf("skip was asked about %v, want %v (each queue's first push)", asked, wantAsked)
	}
	// Most urgent first: the queues of busy (6, skipped, counted) and free
	// (7, then 4 behind it), then the group's, beyond the limit.
	if got, _ := scan(2); !slices.Equal(got, []string{"4 to another", "7 alert to another"}) {
		t.Errorf("Scan(limit 2) = %v, want the free queue only (the skipped count towards the limit)", got)
	}
	if _, err := db.Due(now, 10); err == nil {
		t.Error("Due without skip read the unreadable pushes without an error: the test proves nothing")
	}
}

// A database of schema 6 (due index without recipients) gets them at open.
func TestMigrateOutboxDueRecipients(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	db, err := OpenTest(dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	to := bot.Recipient{Group: "ddg"}
	if _, err := db.Enqueue(bot.Notification{Text: "one", To: to}); err != nil {
		t.Fatal(err)
	}
	db = asSchema(t, db, dir, 6, Options{Now: func() time.Time { return now }}, func(tx kvTx) error {
		due := tx.Bucket(bucketOutboxDue)
		k, _ := due.Cursor().First()
		return due.Put(bytes.Clone(k), nil)
	})
	var asked []bot.Recipient
	items, err := db.Scan(now, 10, func(_ uint64, to bot.Recipient) bool { asked = append(asked, to); return false })
	if err != nil || len(items) != 1 || !slices.Equal(asked, []bot.Recipient{to}) {
		t.Errorf("after migration: %d due, skip asked about %v (want %v), %v", len(items), asked, to, err)
	}
}

// Each recipient's pushes wait in one queue, most urgent then oldest first,
// and only its head is in the due index: a retry holds the whole queue by
// moving that one entry; a more urgent push queued while the head waits
// for its retry waits with it and then goes first; a delivery brings the
// next push to the head. A schema 9 database (every push in the due index,
// the queues by seq alone) is converted at open.
func TestOutboxQueuePerRecipient(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	opts := Options{Now: func() time.Time { return now }}
	db, err := OpenTest(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	lead, other := bot.Recipient{Member: "lead-g1"}, bot.Recipient{Member: "office-1"}
	var ns []bot.Notification
	for i := range 40 {
		ns = append(ns, bot.Notification{To: lead, Text: fmt.Sprintf("notice %d", i+1)}) // seq 1…40
	}
	ns = append(ns, bot.Notification{To: other, Text: "to the office"}) // seq 41
	if _, err := db.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	due := func(db *DB, at time.Time) string {
		t.Helper()
		items, err := db.Due(at, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, fmt.Sprintf("%d@%s", it.Seq, it.NextAt.Sub(now)))
		}
		return strings.Join(out, " ")
	}
	heads := func(db *DB) int {
		t.Helper()
		n := 0
		_ = db.View(func(t *Tx) error {
			return t.tx.Bucket(bucketOutboxDue).ForEach(func(_, _ []byte) error { n++; return nil })
		})
		return n
	}
	var first32 []string
	for seq := 1; seq <= 32; seq++ {
		first32 = append(first32, fmt.Sprintf("%d@0s", seq))
	}
	if got, want := due(db, now), strings.Join(first32, " ")+" 41@0s"; got != want {
		t.Errorf("due: %s, want the lead's first 32 (a scan reads no more of one queue) and the office's", got)
	}
	if n := heads(db); n != 2 {
		t.Errorf("%d entries in the due index, want one per recipient", n)
	}
	// The lead's first push is deferred: the 39 behind it wait too.
	retry := now.Add(2 * time.Second)
	if err := db.Retry(1, retry, errors.New("paced")); err != nil {
		t.Fatal(err)
	}
	if got := due(db, now); got != "41@0s" {
		t.Errorf("due after the retry: %s, want only the office's", got)
	}
	// An alert to the lead meanwhile: more urgent, so first, but it waits
	// for the retry too.
	if _, err := db.Enqueue(bot.Notification{To: lead, Text: "alert", Priority: bot.PriorityAlert}); err != nil { // seq 42
		t.Fatal(err)
	}
	if got := due(db, now.Add(time.Second)); got != "41@0s" {
		t.Errorf("due with the alert queued: %s, want only the office's", got)
	}
	if got := due(db, retry); !strings.HasPrefix(got, "1@2s 2@0s 3@0s") || !strings.HasSuffix(got, "41@0s 42@2s") {
		t.Errorf("due at the retry: %s, want the alert (42) at the head, then 1, then the others", got)
	}
	items, _ := db.Due(retry, 100)
	if err := db.Delivered(42, 1, 41); err != nil {
		t.Fatal(err)
	}
	if got := due(db, now); !strings.HasPrefix(got, "2@0s 3@0s") || len(items) != 33 {
		t.Errorf("due after the deliveries: %s (%d before)", got, len(items))
	}
	if n := heads(db); n != 1 {
		t.Errorf("%d entries in the due index, want the lead's head", n)
	}
	want := due(db, now)

	// The same queue as schema 9 kept it: every push in the due index,
	// the recipient index by seq.
	db = asSchema(t, db, dir, 9, opts, func(tx kvTx) error {
		if err := tx.DeleteBucket(bucketOutboxTo); err != nil {
			return err
		}
		if err := tx.CreateBucketIfNotExists(bucketOutboxTo); err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).ForEach(func(k, raw []byte) error {
			var it outbox.Item
			if err := json.Unmarshal(raw, &it); err != nil {
				return err
			}
			old := append([]byte{priority(&it)}, nanos(it.NextAt)...)
			if err := tx.Bucket(bucketOutboxDue).Put(append(old, k...), dueValue(it.Notification.To)); err != nil {
				return err
			}
			return tx.Bucket(bucketOutboxTo).Put(append(toPrefix(it.Notification.To), k...), toValue(&it))
		})
	})
	if got := due(db, now); got != want {
		t.Errorf("due after the migration: %s, want %s", got, want)
	}
	if n := heads(db); n != 1 {
		t.Errorf("%d entries in the due index after the migration, want 1", n)
	}
}
