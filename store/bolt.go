package store

import (
	"io"

	"errors"

	bolt "go.etcd.io/bbolt"
	bolterr "go.etcd.io/bbolt/errors"
)

// boltEngine is the engine on one bbolt file; writes share commits (see
// committer).
type boltEngine struct {
	db *bolt.DB
	w  *committer
}

// The file is mapped 1 GiB at a time and grows 64 MiB at a time. bbolt
// remaps the file when it outgrows the map, which waits for every read in
// progress and holds up new ones and the commit (a 242 ms stall was seen in
// a soak while the map doubled), and growing the file costs a truncate and
// an fsync: done rarely, neither holds up requests. The map is address
// space, not memory; a file smaller than the step grows only as needed.
const (
	boltMmapSize  = 1 << 30
	boltAllocSize = 64 << 20
)

func newBolt(db *bolt.DB) *boltEngine {
	db.AllocSize = boltAllocSize
	e := &boltEngine{db: db}
	e.w = &committer{update: e.Update, max: 1000}
	return e
}

func (e *boltEngine) View(fn func(kvTx) error) error {
	return e.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (e *boltEngine) Update(fn func(kvTx) error) error {
	return e.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (e *boltEngine) Batch(fn func(kvTx) error) error { return e.w.do(fn) }

func (e *boltEngine) FailingWrites() int64 { return e.w.failing.Load() }

func (e *boltEngine) Backup(w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := e.db.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

func (e *boltEngine) Where() string { return e.db.Path() }

func (e *boltEngine) Close() error { return e.db.Close() }

// boltTx and boltBucket hold one pointer each, so wrapping them in an
// interface costs no allocation.
type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Bucket(name []byte) kvBucket {
	if b := t.tx.Bucket(name); b != nil {
		return boltBucket{b}
	}
	return nil
}

func (t boltTx) CreateBucketIfNotExists(name []byte) error {
	_, err := t.tx.CreateBucketIfNotExists(name)
	return err
}

func (t boltTx) DeleteBucket(name []byte) error {
	err := t.tx.DeleteBucket(name)
	if errors.Is(err, bolterr.ErrBucketNotFound) {
		return nil
	}
	return err
}

type boltBucket struct{ *bolt.Bucket }

func (b boltBucket) Cursor() kvCursor { return b.Bucket.Cursor() }
