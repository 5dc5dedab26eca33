package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	"github.com/baosong/baosong/bot"
)

// DedupeRetention is how long a message id is remembered.
const DedupeRetention = 7 * 24 * time.Hour

type dedupeEntry struct {
	At      time.Time `json:"at"`
	Nonce   string    `json:"nonce,omitempty"` // the handling that claimed it
	Replies []string  `json:"replies,omitempty"`
	Records []string  `json:"records,omitempty"` // ids of the records the handling stored
	Done    bool      `json:"done"`
}

// claim records the context's message claim in this transaction, or fails
// with bot.ErrDuplicate when another handling of the message got there first.
func (t *Tx) claim() error {
	c, ok := bot.ClaimFrom(t.ctx)
	if !ok {
		return nil
	}
	b := t.bucket(bucketDedupe)
	if raw := b.Get([]byte(c.Key)); raw != nil {
		var e dedupeEntry
		if json.Unmarshal(raw, &e) == nil && e.Nonce == c.Nonce && !e.Done {
			return nil
		}
		return bot.ErrDuplicate
	}
	return putDedupe(t.tx, c.Key, dedupeEntry{At: t.Now(), Nonce: c.Nonce})
}

func putDedupe(tx kvTx, key string, e dedupeEntry) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketDedupe).Put([]byte(key), raw); err != nil {
		return err
	}
	idx := append(u64(uint64(e.At.UnixNano())), key...)
	return tx.Bucket(bucketDedupeAt).Put(idx, nil)
}

// Seen returns what is remembered of a message key. found is true when the
// message was handled (or is being handled: then the replies may be empty,
// and the records say what it stored).
func (s *DB) Seen(_ context.Context, key string) (h bot.Handled, found bool, err error) {
	err = s.kv.View(func(tx kvTx) error {
		raw := tx.Bucket(bucketDedupe).Get([]byte(key))
		if raw == nil {
			return nil
		}
		var e dedupeEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		found, h = true, bot.Handled{Replies: e.Replies, Records: e.Records}
		return nil
	})
	return h, found, err
}

// noteRecord adds a record id to the claim of the message being handled, in
// the transaction that stores the record.
func (t *Tx) noteRecord(id string) error {
	c, ok := bot.ClaimFrom(t.ctx)
	if !ok {
		return nil
	}
	b := t.bucket(bucketDedupe)
	raw := b.Get([]byte(c.Key))
	if raw == nil {
		return nil
	}
	var e dedupeEntry
	if err := json.Unmarshal(raw, &e); err != nil || e.Done || slices.Contains(e.Records, id) {
		return err
	}
	e.Records = append(e.Records, id)
	out, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put([]byte(c.Key), out)
}

// Remember durably stores the replies given to a message, closing its claim.
// It does not overwrite the replies of a handling that finished first.
func (s *DB) Remember(ctx context.Context, key string, replies []string) error {
	at := s.now()
	return s.batch(func(tx kvTx) error {
		b := tx.Bucket(bucketDedupe)
		if raw := b.Get([]byte(key)); raw != nil {
			var e dedupeEntry
			if json.Unmarshal(raw, &e) == nil {
				if e.Done {
					return nil
				}
				if c, ok := bot.ClaimFrom(ctx); ok && e.Nonce != "" && e.Nonce != c.Nonce {
					return nil
				}
				at = e.At
			}
		}
		var records []string
		if raw := b.Get([]byte(key)); raw != nil {
			var e dedupeEntry
			if json.Unmarshal(raw, &e) == nil {
				records = e.Records
			}
		}
		return putDedupe(tx, key, dedupeEntry{At: at, Replies: replies, Records: records, Done: true})
	})
}

// PurgeDedupe forgets message ids older than the retention; returns how many.
func (s *DB) PurgeDedupe() (int, error) {
	cutoff := u64(uint64(s.now().Add(-DedupeRetention).UnixNano()))
	n := 0
	err := s.kv.Update(func(tx kvTx) error {
		n = 0 // this may run more than once
		idx, b := tx.Bucket(bucketDedupeAt), tx.Bucket(bucketDedupe)
		c := idx.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.First() {
			key := string(k[8:])
			// Only drop the entry if this index row is its latest timestamp.
			if raw := b.Get([]byte(key)); raw != nil {
				var e dedupeEntry
				if json.Unmarshal(raw, &e) == nil && binary.BigEndian.Uint64(k[:8]) == uint64(e.At.UnixNano()) {
					if err := b.Delete([]byte(key)); err != nil {
						return err
					}
					n++
				}
			}
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
