package store

import (
	"bytes"
	"encoding/binary"
	"time"
)

// Short-lived state that every node sharing the store must decide the same
// way: the console's login links and sessions (keyed by the hash of their
// token) and the DingTalk signs already used. A key holds a value until an
// instant; from then on it reads as absent, and a later Bind deletes it. Each
// decision is one transaction, so of two nodes asking at once one wins, as
// on one node.

// expiringPrune is how many expired keys one Bind deletes at most: every
// key is added by a Bind, so the bucket keeps up with its expiries and holds
// what is live and a few more.
const expiringPrune = 16

// Bind gives key the value until the instant, unless key holds a value that
// has not expired: then it changes nothing and reports whether that value is
// value (the same binding again). It deletes some expired keys as it goes.
func (s *DB) Bind(key string, value []byte, until time.Time) (bool, error) {
	now := s.now()
	var bound bool
	err := s.batch(func(tx kvTx) error {
		if err := pruneExpiring(tx, now); err != nil {
			return err
		}
		b := tx.Bucket(bucketExpiring)
		if v, ok := liveValue(b.Get([]byte(key)), now); ok {
			bound = bytes.Equal(v, value)
			return nil
		}
		bound = true
		if err := dropExpiring(tx, key); err != nil {
			return err
		}
		at := u64(uint64(until.UnixNano()))
		if err := b.Put([]byte(key), append(at, value...)); err != nil {
			return err
		}
		return tx.Bucket(bucketExpiringAt).Put(append(at, key...), nil)
	})
	return bound, err
}

// Lookup returns key's value while it has not expired.
func (s *DB) Lookup(key string) ([]byte, bool, error) {
	var v []byte
	var ok bool
	err := s.kv.View(func(tx kvTx) error {
		if b := tx.Bucket(bucketExpiring); b != nil { // nil: a read-only store older than the bucket
			v, ok = liveValue(b.Get([]byte(key)), s.now())
			v = bytes.Clone(v)
		}
		return nil
	})
	return v, ok, err
}

// Take returns key's value while it has not expired and deletes the key:
// of concurrent Takes of one key, one gets the value (a one-time token).
func (s *DB) Take(key string) ([]byte, bool, error) {
	now := s.now()
	var v []byte
	var ok bool
	err := s.batch(func(tx kvTx) error {
		v, ok = liveValue(tx.Bucket(bucketExpiring).Get([]byte(key)), now)
		v = bytes.Clone(v)
		return dropExpiring(tx, key)
	})
	return v, ok, err
}

// Drop deletes key.
func (s *DB) Drop(key string) error {
	return s.batch(func(tx kvTx) error { return dropExpiring(tx, key) })
}

// liveValue splits a stored value from its expiry; ok is false when raw is
// absent or expired at now.
func liveValue(raw []byte, now time.Time) (v []byte, ok bool) {
	if len(raw) < 8 || !now.Before(time.Unix(0, int64(binary.BigEndian.Uint64(raw)))) {
		return nil, false
	}
	return raw[8:], true
}

// dropExpiring deletes key and its index row.
func dropExpiring(tx kvTx, key string) error {
	b := tx.Bucket(bucketExpiring)
	raw := b.Get([]byte(key))
	if len(raw) < 8 {
		return nil
	}
	if err := tx.Bucket(bucketExpiringAt).Delete(append(bytes.Clone(raw[:8]), key...)); err != nil {
		return err
	}
	return b.Delete([]byte(key))
}

// pruneExpiring deletes up to expiringPrune keys expired at now, oldest
// first.
func pruneExpiring(tx kvTx, now time.Time) error {
	limit := u64(uint64(now.UnixNano()))
	var keys []string
	c := tx.Bucket(bucketExpiringAt).Cursor()
	for k, _ := c.First(); k != nil && len(keys) < expiringPrune && bytes.Compare(k[:8], limit) <= 0; k, _ = c.Next() {
		keys = append(keys, string(k[8:]))
	}
	for _, key := range keys {
		if err := dropExpiring(tx, key); err != nil {
			return err
		}
	}
	return nil
}
