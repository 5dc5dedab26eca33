package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/baosong/baosong/bot"
)

// OutboxItem is a queued push and its delivery state.
type OutboxItem struct {
	Seq          uint64           `json:"seq"`
	Notification bot.Notification `json:"notification"`
	Attempts     int              `json:"attempts"`
	NextAt       time.Time        `json:"next_at"`
	LastError    string           `json:"last_error,omitempty"`
}

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
		raw, err := json.Marshal(OutboxItem{Seq: seq, Notification: n, NextAt: n.At})
		if err != nil {
			return queued, err
		}
		if err := t.bucket(bucketOutbox).Put(u64(seq), raw); err != nil {
			return queued, err
		}
		if err := t.bucket(bucketOutboxDue).Put(dueKey(n.At, seq), nil); err != nil {
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
	}
	return queued, nil
}

// Queued reports whether a notification key was ever queued.
func (t *Tx) Queued(key string) bool { return t.bucket(bucketOutboxKeys).Get([]byte(key)) != nil }

// Enqueue queues pushes in their own transaction.
func (s *DB) Enqueue(ns ...bot.Notification) (int, error) {
	var n int
	err := s.batch(func(btx *bolt.Tx) error {
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

// Due lists up to limit queued pushes whose next attempt is due: the
// earliest due, in queue order. It reads the due index, so a long backlog
// waiting for later costs nothing.
func (s *DB) Due(now time.Time, limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	end := dueKey(now, math.MaxUint64)
	err := s.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		c := tx.Bucket(bucketOutboxDue).Cursor()
		for k, _ := c.First(); k != nil && len(out) < limit && bytes.Compare(k, end) <= 0; k, _ = c.Next() {
			if len(k) != 16 {
				continue
			}
			raw := b.Get(k[8:])
			if raw == nil {
				continue
			}
			var it OutboxItem
			if err := json.Unmarshal(raw, &it); err != nil {
				return fmt.Errorf("store: outbox %d: %w", binary.BigEndian.Uint64(k[8:]), err)
			}
			out = append(out, it)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b OutboxItem) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

// NextDue returns when the earliest queued push is due (zero when none).
func (s *DB) NextDue() (time.Time, error) {
	var next time.Time
	err := s.bolt.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketOutboxDue).Cursor().First(); len(k) == 16 {
			next = time.Unix(0, int64(binary.BigEndian.Uint64(k)))
		}
		return nil
	})
	return next, err
}

// dueKey is the due index key of a queued push: when it is due (unix nanos,
// clamped to what fits) + its seq.
func dueKey(at time.Time, seq uint64) []byte {
	var n int64
	switch {
	case at.Before(time.Unix(0, 0)):
	case at.After(time.Unix(0, math.MaxInt64)):
		n = math.MaxInt64
	default:
		n = at.UnixNano()
	}
	return binary.BigEndian.AppendUint64(u64(uint64(n)), seq)
}

// unqueue takes a push out of the outbox and its due index; nil when it
// was not queued (already delivered).
func unqueue(tx *bolt.Tx, seq uint64) (*OutboxItem, error) {
	b := tx.Bucket(bucketOutbox)
	raw := b.Get(u64(seq))
	if raw == nil {
		return nil, nil
	}
	it := new(OutboxItem)
	if err := json.Unmarshal(raw, it); err != nil {
		return nil, fmt.Errorf("store: outbox %d: %w", seq, err)
	}
	if err := tx.Bucket(bucketOutboxDue).Delete(dueKey(it.NextAt, seq)); err != nil {
		return nil, err
	}
	return it, b.Delete(u64(seq))
}

// indexOutbox builds the due index of the queued pushes (schema 1 → 2).
func indexOutbox(tx *bolt.Tx) error {
	due := tx.Bucket(bucketOutboxDue)
	return tx.Bucket(bucketOutbox).ForEach(func(k, raw []byte) error {
		var it OutboxItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("store: outbox %d: %w", binary.BigEndian.Uint64(k), err)
		}
		return due.Put(dueKey(it.NextAt, binary.BigEndian.Uint64(k)), nil)
	})
}

// Depth counts queued pushes.
func (s *DB) Depth() (int, error) {
	var n int
	err := s.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	return n, err
}

// Delivered removes pushes from the outbox.
func (s *DB) Delivered(seqs ...uint64) error {
	return s.batch(func(tx *bolt.Tx) error {
		for _, seq := range seqs {
			if _, err := unqueue(tx, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retry records a failed attempt and when to try again.
func (s *DB) Retry(seq uint64, at time.Time, cause error) error {
	return s.batch(func(tx *bolt.Tx) error {
		raw, ok, err := failedAttempt(tx, seq, cause, at)
		if !ok || err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutbox).Put(u64(seq), raw); err != nil {
			return err
		}
		return tx.Bucket(bucketOutboxDue).Put(dueKey(at, seq), nil)
	})
}

// Fail moves a push that failed permanently to the failed list.
func (s *DB) Fail(seq uint64, cause error) error {
	return s.batch(func(tx *bolt.Tx) error {
		raw, ok, err := failedAttempt(tx, seq, cause, time.Time{})
		if !ok || err != nil {
			return err
		}
		return tx.Bucket(bucketFailed).Put(u64(seq), raw)
	})
}

// failedAttempt takes a queued push out of the outbox, counts a failed
// attempt with its cause and (when not zero) the time of the next attempt,
// and returns it encoded; ok is false when the push is no longer queued.
func failedAttempt(tx *bolt.Tx, seq uint64, cause error, next time.Time) (raw []byte, ok bool, err error) {
	it, err := unqueue(tx, seq)
	if it == nil || err != nil {
		return nil, false, err
	}
	it.Attempts++
	it.LastError = cause.Error()
	if !next.IsZero() {
		it.NextAt = next
	}
	raw, err = json.Marshal(it)
	return raw, err == nil, err
}

// Failed lists the pushes that failed permanently, newest first, at most limit.
func (s *DB) Failed(limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketFailed).Cursor()
		for k, raw := c.Last(); k != nil && len(out) < limit; k, raw = c.Prev() {
			var it OutboxItem
			if err := json.Unmarshal(raw, &it); err != nil {
				return err
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// InboxMessage is a push delivered to a local-channel inbox.
type InboxMessage struct {
	Seq  uint64    `json:"seq"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// DeliverLocal puts a queued push into its recipient's inbox and removes it
// from the outbox in one transaction: exactly once, whatever crashes when.
// The inbox sequence is the outbox sequence.
func (s *DB) DeliverLocal(inbox string, seq uint64, text string, at time.Time) error {
	raw, err := json.Marshal(InboxMessage{Seq: seq, Text: text, At: at})
	if err != nil {
		return err
	}
	return s.batch(func(tx *bolt.Tx) error {
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
func (s *DB) Inbox(inbox string, after uint64, limit int) ([]InboxMessage, error) {
	out := []InboxMessage{}
	prefix := []byte(inbox + "\x00")
	err := s.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInbox).Cursor()
		for k, raw := c.Seek(inboxKey(inbox, after+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, raw = c.Next() {
			var m InboxMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}
