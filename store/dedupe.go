package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/baosong/baosong/bot"
)

// DedupeRetention is how long a message id is remembered.
const DedupeRetention = 7 * 24 * time.Hour

type dedupeEntry struct {
	At      time.Time `json:"at"`
	Nonce   string    `json:"nonce,omitempty"` // the handling that claimed it
	Replies []string  `json:"replies,omitempty"`
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

func putDedupe(tx *bolt.Tx, key string, e dedupeEntry) error {
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

// Seen returns the replies remembered for a message key. found is true when
// the message was handled (or is being handled: then replies may be empty).
func (s *DB) Seen(_ context.Context, key string) (replies []string, found bool, err error) {
	err = s.bolt.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketDedupe).Get([]byte(key))
		if raw == nil {
			return nil
		}
		var e dedupeEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		found, replies = true, e.Replies
		return nil
	})
	return replies, found, err
}

// Remember durably stores the replies given to a message, closing its claim.
// It does not overwrite the replies of a handling that finished first.
func (s *DB) Remember(ctx context.Context, key string, replies []string) error {
	at := s.now()
	return s.bolt.Batch(func(tx *bolt.Tx) error {
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
		return putDedupe(tx, key, dedupeEntry{At: at, Replies: replies, Done: true})
	})
}

// PurgeDedupe forgets message ids older than the retention; returns how many.
func (s *DB) PurgeDedupe() (int, error) {
	cutoff := u64(uint64(s.now().Add(-DedupeRetention).UnixNano()))
	n := 0
	err := s.bolt.Update(func(tx *bolt.Tx) error {
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
