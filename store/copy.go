package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotEmpty means the destination of a copy already holds records.
var ErrNotEmpty = errors.New("store: the destination already holds data")

// copyChunk is how many keys one write transaction of a copy carries.
const copyChunk = 1000

// Copy copies every bucket of src into dst, which must hold no data yet
// (baosong migrate: bbolt to PostgreSQL and back). It returns how many keys
// it copied. Stop the server first: writes made meanwhile may be missed.
func Copy(dst, src *DB) (int, error) {
	err := dst.kv.View(func(tx kvTx) error {
		if k, _ := tx.Bucket(bucketSeq).Cursor().First(); k != nil {
			return fmt.Errorf("%w: %s", ErrNotEmpty, dst.Path())
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	err = src.kv.View(func(tx kvTx) error {
		for _, name := range allBuckets {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			var keys, values [][]byte
			put := func() error {
				err := dst.kv.Update(func(w kvTx) error {
					d := w.Bucket(name)
					for i, k := range keys {
						if err := d.Put(k, values[i]); err != nil {
							return err
						}
					}
					return nil
				})
				n += len(keys)
				keys, values = keys[:0], values[:0]
				return err
			}
			err := b.ForEach(func(k, v []byte) error {
				keys, values = append(keys, k), append(values, v)
				if len(keys) == copyChunk {
					return put()
				}
				return nil
			})
			if err == nil {
				err = put()
			}
			if err != nil {
				return fmt.Errorf("store: copy %s: %w", name, err)
			}
		}
		return nil
	})
	return n, err
}

// OpenURL opens "bbolt:DIR" or "postgres:DSN" (a DSN alone, postgres://…,
// is PostgreSQL too).
func OpenURL(where string, o Options) (*DB, error) {
	switch {
	case strings.HasPrefix(where, "bbolt:"):
		return Open(strings.TrimPrefix(where, "bbolt:"), o)
	case strings.HasPrefix(where, "postgres:") && !strings.HasPrefix(where, "postgres://"):
		return OpenPostgres(strings.TrimPrefix(where, "postgres:"), o)
	case strings.HasPrefix(where, "postgres://"), strings.HasPrefix(where, "postgresql://"):
		return OpenPostgres(where, o)
	}
	return nil, fmt.Errorf("store: %q is neither bbolt:DIR nor postgres:DSN", where)
}
