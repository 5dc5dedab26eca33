package store

import (
	"errors"
	"fmt"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// ErrCorrupt means the database file is damaged: bbolt cannot read it back
// as the tree it wrote.
var ErrCorrupt = errors.New("store: database file is damaged")

// safely runs f, turning a panic (bbolt asserts on pages it cannot read, and
// a damaged page may point outside the mapped file) into ErrCorrupt.
func safely(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, p)
		}
	}()
	return f()
}

// verify reads every bucket, key and value once: a walk bounded by the size
// of the data that touches every page in use, so a damaged page is found at
// start rather than by a handler in the middle of a message.
func verify(b *bolt.DB) error {
	return safely(func() error {
		return b.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, bk *bolt.Bucket) error { return walk(bk) })
		})
	})
}

func walk(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if child := b.Bucket(k); v == nil && child != nil {
			return walk(child)
		}
		return nil
	})
}

// openBolt opens the file and walks it; a file bbolt cannot read is ErrCorrupt.
func openBolt(path string, o *bolt.Options) (*bolt.DB, error) {
	var b *bolt.DB
	err := safely(func() error {
		var err error
		b, err = bolt.Open(path, 0o600, o)
		return err
	})
	for _, damaged := range []error{bolt.ErrInvalid, bolt.ErrChecksum, bolt.ErrVersionMismatch, bolt.ErrInvalidMapping} {
		if errors.Is(err, damaged) {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := verify(b); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}
