package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/outbox"
)

// Enqueue queues pushes in this transaction, so they commit or vanish with
// the record that causes them. A notification whose Key was queued before
// (ever) is skipped; the result says how many were queued.
func (t *Tx) Enqueue(ns ...bot.Notification) (int, error) {
	keys := t.bucket(bucketOutboxKeys)
	queued := 0
	for _, n := range ns {
		if n.Key != "" && keys.Get([]byte(n.Key)) != nil {
			continue
		}
		seq, err := t.next("outbox")
		if err != nil {
			return queued, err
		}
		n.ID = strconv.FormatUint(seq, 10)
		if n.At.IsZero() {
			n.At = t.Now()
		}
		it := outbox.Item{Seq: seq, Notification: n, NextAt: n.At}
		if err := putQueued(t.tx, &it); err != nil {
			return queued, err
		}
		if n.Key != "" {
			if err := keys.Put([]byte(n.Key), u64(seq)); err != nil {
				return queued, err
			}
		}
		queued++
	}
	if queued > 0 {
		t.queued = true
		t.announce(announcePushes)
	}
	return queued, nil
}

// putQueued writes a queued push and puts it in its recipient's queue.
func putQueued(tx kvTx, it *outbox.Item) error {
	raw, err := json.Marshal(it)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketOutbox).Put(u64(it.Seq), raw); err != nil {
		return err
	}
	return queuePush(tx, it)
}

// queuePush puts a push in its recipient's queue and keeps the due index on
// the queue's head: the index holds one entry per recipient, its first push
// (most urgent, then oldest) when that is due, so that a recipient's backlog
// costs nothing until it is at the head, and a retry holds the queue by
// moving one entry. A push that comes to the head past one waiting for its
// retry (a more urgent one queued meanwhile) waits until then too, so that
// the recipient gets its pushes in order once the retry is through.
func queuePush(tx kvTx, it *outbox.Item) error {
	q := tx.Bucket(bucketOutboxTo)
	prefix := toPrefix(it.Notification.To)
	k, v := toKey(it), toValue(it)
	k0, v0 := headOf(q, prefix)
	if k0 != nil && bytes.Compare(k, k0) > 0 { // behind the head
		return q.Put(k, v)
	}
	if k0 != nil && !bytes.Equal(k, k0) && v0[8] == 1 && bytes.Compare(v[:8], v0[:8]) < 0 {
		v = append(v0[:8:8], 1)
	}
	if err := q.Put(k, v); err != nil {
		return err
	}
	due := tx.Bucket(bucketOutboxDue)
	if k0 != nil {
		if err := due.Delete(dueKeyOf(len(prefix), k0, v0)); err != nil {
			return err
		}
	}
	return due.Put(dueKeyOf(len(prefix), k, v), dueValue(it.Notification.To))
}

// unqueuePush takes a push out of its recipient's queue, setting its NextAt
// to where it stood there (a head may wait longer than the push says); when
// it was the head, the next push becomes the head.
func unqueuePush(tx kvTx, it *outbox.Item) error {
	q, due := tx.Bucket(bucketOutboxTo), tx.Bucket(bucketOutboxDue)
	prefix, k := toPrefix(it.Notification.To), toKey(it)
	v := bytes.Clone(q.Get(k))
	if len(v) != 9 {
		return nil
	}
	it.NextAt = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
	if err := q.Delete(k); err != nil {
		return err
	}
	head := dueKeyOf(len(prefix), k, v)
	if due.Get(head) == nil { // behind the head: the head stays
		return nil
	}
	if err := due.Delete(head); err != nil {
		return err
	}
	if k1, v1 := headOf(q, prefix); k1 != nil {
		return due.Put(dueKeyOf(len(prefix), k1, v1), dueValue(it.Notification.To))
	}
	return nil
}

// headOf reads (copies of) the first entry of a recipient's queue; nil when
// the queue is empty.
func headOf(q kvBucket, prefix []byte) (k, v []byte) {
	k, v = q.Cursor().Seek(prefix)
	if !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+9 || len(v) != 9 {
		return nil, nil
	}
	return bytes.Clone(k), bytes.Clone(v)
}

// toValue is the recipient queue value of a queued push: when it is due,
// and 1 when it waits for a retry (its own or, at the head, an older
// push's), else 0.
func toValue(it *outbox.Item) []byte {
	waiting := byte(0)
	if it.NextAt.After(it.Notification.At) {
		waiting = 1
	}
	return append(nanos(it.NextAt), waiting)
}

// toPrefix is the recipient's part of its queue's keys.
func toPrefix(to bot.Recipient) []byte { return []byte(to.String() + "\x00") }

// toKey is the recipient queue key of a queued push: the recipient, its
// priority and its seq, so that the queue is in delivery order.
func toKey(it *outbox.Item) []byte {
	return binary.BigEndian.AppendUint64(append(toPrefix(it.Notification.To), priority(it)), it.Seq)
}

// priority is a push's priority as one byte that sorts most urgent first.
func priority(it *outbox.Item) byte {
	return byte(min(max(it.Notification.Priority, -128), 127) + 128)
}

// Queued reports whether a notification key was ever queued.
func (t *Tx) Queued(key string) bool { return t.bucket(bucketOutboxKeys).Get([]byte(key)) != nil }

// Enqueue queues pushes in their own transaction.
func (s *DB) Enqueue(ns ...bot.Notification) (int, error) {
	var n int
	err := s.batch(func(btx kvTx) error {
		t := &Tx{tx: btx, db: s}
		var err error
		n, err = t.Enqueue(ns...)
		return err
	})
	if err == nil && n > 0 {
		s.signal()
	}
	return n, err
}

// Wake is signalled when new pushes are queued.
func (s *DB) Wake() <-chan struct{} { return s.wake }

// Due lists up to limit queued pushes whose next attempt is due: the most
// urgent (Notification.Priority) and earliest due first, returned in queue
// order. It reads the due index, so a long backlog waiting for later costs
// nothing, and a backlog of reminders does not hide an alert.
func (s *DB) Due(now time.Time, limit int) ([]outbox.Item, error) {
	return s.Scan(now, limit, nil)
}

// Scan is Due for the delivery loop: skip (when not nil) is asked first
// about each recipient whose queue's head is due, by the head's seq and the
// recipient as the due index has them, and the queues it skips (in flight)
// are not read. Of the others it reads the head and the due pushes behind
// it in the queue's order, up to behind pushes: a backlog behind the head
// is read only as far as it can go now. The heads, skipped or not, count
// towards limit, so that the loop looks at no more than limit queues at a
// time.
func (s *DB) Scan(now time.Time, limit int, skip func(seq uint64, to bot.Recipient) bool) ([]outbox.Item, error) {
	var out []outbox.Item
	end := nanos(now)
	err := s.kv.View(func(tx kvTx) error {
		b, q := tx.Bucket(bucketOutbox), tx.Bucket(bucketOutboxTo)
		c := tx.Bucket(bucketOutboxDue).Cursor()
		seen := 0
		for k, v := c.First(); k != nil && seen < limit; {
			switch {
			case len(k) != 17:
				k, v = c.Next()
				continue
			case bytes.Compare(k[1:9], end) > 0: // this priority's others are later
				if k[0] == 255 {
					return nil
				}
				k, v = c.Seek([]byte{k[0] + 1})
				continue
			}
			seen++
			to := dueRecipient(v)
			if skip == nil || !skip(binary.BigEndian.Uint64(k[9:]), to) {
				prefix := toPrefix(to)
				qc := q.Cursor()
				n := 0
				for qk, qv := qc.Seek(prefix); bytes.HasPrefix(qk, prefix) && len(qk) == len(prefix)+9 && len(qv) == 9 &&
					bytes.Compare(qv[:8], end) <= 0 && n < behind; qk, qv = qc.Next() {
					seq := qk[len(prefix)+1:]
					raw := b.Get(seq)
					if raw == nil {
						break
					}
					var it outbox.Item
					if err := json.Unmarshal(raw, &it); err != nil {
						return fmt.Errorf("store: outbox %d: %w", binary.BigEndian.Uint64(seq), err)
					}
					it.NextAt = time.Unix(0, int64(binary.BigEndian.Uint64(qv)))
					out = append(out, it)
					n++
				}
			}
			k, v = c.Next()
		}
		return nil
	})
	slices.SortFunc(out, func(a, b outbox.Item) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

// behind is the most pushes of one recipient a scan reads: the head of the
// queue and those behind it that can go with it.
const behind = 32

// NextDue returns when the earliest queued push is due (zero when none).
func (s *DB) NextDue() (time.Time, error) {
	var next time.Time
	err := s.kv.View(func(tx kvTx) error {
		c := tx.Bucket(bucketOutboxDue).Cursor()
		for k, _ := c.First(); len(k) == 17; k, _ = c.Seek([]byte{k[0] + 1}) {
			if at := time.Unix(0, int64(binary.BigEndian.Uint64(k[1:9]))); next.IsZero() || at.Before(next) {
				next = at
			}
			if k[0] == 255 {
				break
			}
		}
		return nil
	})
	return next, err
}

// dueKeyOf is the due index key of the push at the head of a queue, from
// its queue key and value (the recipient's prefix is p bytes): its
// priority (one byte, most urgent first), when it is due (nanos) and its
// seq.
func dueKeyOf(p int, k, v []byte) []byte {
	return append(append([]byte{k[p]}, v[:8]...), k[p+1:]...)
}

// dueValue is the due index value of a queued push: its recipient, 'm' and
// the member or 'g' and the group, so that a scan can pass over the pushes
// of a recipient without reading them.
func dueValue(to bot.Recipient) []byte {
	if to.Group != "" {
		return append([]byte{'g'}, to.Group...)
	}
	return append([]byte{'m'}, to.Member...)
}

// dueRecipient reads a due index value (dueValue).
func dueRecipient(v []byte) bot.Recipient {
	switch {
	case len(v) == 0:
		return bot.Recipient{}
	case v[0] == 'g':
		return bot.Recipient{Group: string(v[1:])}
	}
	return bot.Recipient{Member: string(v[1:])}
}

// nanos encodes a time as 8 bytes that sort in time order: unix nanos,
// clamped to what fits.
func nanos(at time.Time) []byte {
	var n int64
	switch {
	case at.Before(time.Unix(0, 0)):
	case at.After(time.Unix(0, math.MaxInt64)):
		n = math.MaxInt64
	default:
		n = at.UnixNano()
	}
	return u64(uint64(n))
}

// unqueue takes a push out of the outbox and its recipient's queue; nil
// when it was not queued (already delivered).
func unqueue(tx kvTx, seq uint64) (*outbox.Item, error) {
	b := tx.Bucket(bucketOutbox)
	raw := b.Get(u64(seq))
	if raw == nil {
		return nil, nil
	}
	it := new(outbox.Item)
	if err := json.Unmarshal(raw, it); err != nil {
		return nil, fmt.Errorf("store: outbox %d: %w", seq, err)
	}
	if err := unqueuePush(tx, it); err != nil {
		return nil, err
	}
	return it, b.Delete(u64(seq))
}

// indexOutbox builds the outbox's indexes again from the queued pushes:
// each recipient's queue and the due index of their heads (the layout of
// schema 10; the older layouts of schemas 1, 4, 5 and 6 are built by the
// same step).
func indexOutbox(tx kvTx) error {
	for _, name := range [][]byte{bucketOutboxDue, bucketOutboxTo} {
		if err := tx.DeleteBucket(name); err != nil { // init created it
			return err
		}
		if err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketOutbox).ForEach(func(k, raw []byte) error {
		var it outbox.Item
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("store: outbox %d: %w", binary.BigEndian.Uint64(k), err)
		}
		it.Seq = binary.BigEndian.Uint64(k)
		return queuePush(tx, &it)
	})
}

// Depth counts queued pushes.
func (s *DB) Depth() (int, error) {
	var n int
	err := s.kv.View(func(tx kvTx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(_, _ []byte) error {
			n++
			return nil
		})
	})
	return n, err
}

// Delivered removes pushes from the outbox.
func (s *DB) Delivered(seqs ...uint64) error {
	return s.settle(func(tx kvTx) error {
		for _, seq := range seqs {
			if _, err := unqueue(tx, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retry records a failed attempt and when to try again. The recipient's
// other queued pushes wait behind it (see queuePush and outbox.Loop).
func (s *DB) Retry(seq uint64, at time.Time, cause error) error {
	return s.settle(func(tx kvTx) error {
		it, err := failedAttempt(tx, seq, cause, at)
		if it == nil || err != nil {
			return err
		}
		return putQueued(tx, it)
	})
}

// Merge makes the queued push into carry n (a digest) and takes the others
// out of the queue, in one transaction: they are delivered with it. Their
// keys then name it, so Undelivered follows the digest.
func (s *DB) Merge(into uint64, n bot.Notification, others ...uint64) error {
	return s.batch(func(tx kvTx) error {
		it, err := unqueue(tx, into)
		if it == nil || err != nil {
			return fmt.Errorf("store: merge into outbox %d: not queued (%v)", into, err)
		}
		it.Notification = n
		if err := putQueued(tx, it); err != nil {
			return err
		}
		keys := tx.Bucket(bucketOutboxKeys)
		for _, seq := range others {
			o, err := unqueue(tx, seq)
			if err != nil {
				return err
			}
			if o != nil && o.Notification.Key != "" {
				if err := keys.Put([]byte(o.Notification.Key), u64(into)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Fail moves a push that failed permanently to the failed list.
func (s *DB) Fail(seq uint64, cause error) error {
	return s.settle(func(tx kvTx) error {
		it, err := failedAttempt(tx, seq, cause, time.Time{})
		if it == nil || err != nil {
			return err
		}
		raw, err := json.Marshal(it)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketFailed).Put(u64(seq), raw)
	})
}

// failedAttempt takes a queued push out of the outbox and counts a failed
// attempt with its cause and (when not zero) the time of the next attempt;
// nil when the push is no longer queued.
func failedAttempt(tx kvTx, seq uint64, cause error, next time.Time) (*outbox.Item, error) {
	it, err := unqueue(tx, seq)
	if it == nil || err != nil {
		return nil, err
	}
	it.Attempts++
	it.LastError = cause.Error()
	if !next.IsZero() {
		it.NextAt = next
	}
	return it, nil
}

// settle runs a write that records the outcome of an attempt and then wakes
// whoever waits for outcomes (AwaitDelivery).
func (s *DB) settle(fn func(kvTx) error) error {
	err := s.batch(fn)
	s.settled.signal()
	return err
}

// Undelivered returns those of keys whose push was queued and is not
// delivered: still in the outbox, or parked as failed.
func (s *DB) Undelivered(keys ...string) ([]string, error) {
	d, err := s.delivery(keys)
	return append(d.Waiting, d.Failed...), err
}

// Delivery is where the pushes of some keys stand.
type Delivery struct {
	Waiting []string // queued, not delivered yet
	Failed  []string // parked: failed permanently
	untried bool     // one of Waiting was never tried
}

// delivery reads where the pushes of keys stand (keys never queued are
// left out).
func (s *DB) delivery(keys []string) (Delivery, error) {
	var d Delivery
	err := s.kv.View(func(tx kvTx) error {
		index, queue, failed := tx.Bucket(bucketOutboxKeys), tx.Bucket(bucketOutbox), tx.Bucket(bucketFailed)
		for _, k := range keys {
			seq := index.Get([]byte(k))
			if seq == nil {
				continue // never queued
			}
			if raw := queue.Get(seq); raw != nil {
				var it outbox.Item
				if err := json.Unmarshal(raw, &it); err != nil {
					return fmt.Errorf("store: outbox %d: %w", binary.BigEndian.Uint64(seq), err)
				}
				d.untried = d.untried || it.Attempts == 0
				d.Waiting = append(d.Waiting, k)
			} else if failed.Get(seq) != nil {
				d.Failed = append(d.Failed, k)
			}
		}
		return nil
	})
	return d, err
}

// AwaitDelivery waits, at most wait, until every push of keys is delivered
// or has failed an attempt, and says where those not delivered stand.
func (s *DB) AwaitDelivery(ctx context.Context, wait time.Duration, keys ...string) (Delivery, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		changed := s.settled.wait() // before reading: no outcome slips between
		d, err := s.delivery(keys)
		if err != nil || !d.untried {
			return d, err
		}
		select {
		case <-changed:
		case <-s.followerPoll():
		case <-timer.C:
			return d, nil
		case <-ctx.Done():
			return d, nil
		}
	}
}

// broadcast wakes every waiter at once: wait returns a channel that the
// next signal closes.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcast) signal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// Failed lists the pushes that failed permanently, newest first, at most limit.
func (s *DB) Failed(limit int) ([]outbox.Item, error) {
	var out []outbox.Item
	err := s.kv.View(func(tx kvTx) error {
		c := tx.Bucket(bucketFailed).Cursor()
		for k, raw := c.Last(); k != nil && len(out) < limit; k, raw = c.Prev() {
			var it outbox.Item
			if err := json.Unmarshal(raw, &it); err != nil {
				return err
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// DeliverLocal puts a queued push into its recipient's inbox and removes it
// from the outbox in one transaction: exactly once, whatever crashes when.
// The inbox sequence is the outbox sequence.
func (s *DB) DeliverLocal(inbox string, seq uint64, text string, at time.Time) error {
	raw, err := json.Marshal(local.Message{Seq: seq, Text: text, At: at})
	if err != nil {
		return err
	}
	return s.settle(func(tx kvTx) error {
		if err := tx.Bucket(bucketInbox).Put(inboxKey(inbox, seq), raw); err != nil {
			return err
		}
		_, err := unqueue(tx, seq)
		return err
	})
}

func inboxKey(inbox string, seq uint64) []byte {
	return append([]byte(inbox+"\x00"), u64(seq)...)
}

// Inbox lists the local pushes to a recipient with sequence > after, oldest
// first, at most limit.
func (s *DB) Inbox(inbox string, after uint64, limit int) ([]local.Message, error) {
	out := []local.Message{}
	prefix := []byte(inbox + "\x00")
	err := s.kv.View(func(tx kvTx) error {
		c := tx.Bucket(bucketInbox).Cursor()
		for k, raw := c.Seek(inboxKey(inbox, after+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, raw = c.Next() {
			var m local.Message
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}
