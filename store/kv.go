package store

import "io"

// The store's records live in an ordered key-value engine: named buckets of
// byte keys kept in order, read and written in transactions. bbolt (one
// file, bolt.go) and PostgreSQL (one table, postgres.go) implement it; every
// method of DB runs against these interfaces, never an engine directly.

// engine is a key-value database.
type engine interface {
	// View runs fn in a read-only transaction.
	View(fn func(kvTx) error) error
	// Update runs fn in one durable read-write transaction; fn may run more
	// than once (a transaction the database could not serialize is retried).
	Update(fn func(kvTx) error) error
	// Batch is Update shared with concurrent writes where the engine can.
	Batch(fn func(kvTx) error) error
	// FailingWrites counts the commits in a row that failed in the engine.
	FailingWrites() int64
	// Backup writes a consistent copy of the database to w.
	Backup(w io.Writer, size func(int64)) (int64, error)
	// Where says where the data is, for the log (a file, a database).
	Where() string
	Close() error
}

// kvTx is one transaction.
type kvTx interface {
	// Bucket is the named bucket; nil when it does not exist (a read-only
	// database written before the bucket was added).
	Bucket(name []byte) kvBucket
	CreateBucketIfNotExists(name []byte) error
	// DeleteBucket drops a bucket and its keys.
	DeleteBucket(name []byte) error
}

// kvBucket is a bucket of ordered keys. A byte slice it returns is valid
// until the transaction ends; a nil value from Get means absent.
type kvBucket interface {
	Get(key []byte) []byte
	Put(key, value []byte) error
	Delete(key []byte) error
	Cursor() kvCursor
	// ForEach calls fn for every key in order.
	ForEach(fn func(k, v []byte) error) error
}

// kvCursor walks a bucket in key order; a nil key means past either end.
type kvCursor interface {
	First() (k, v []byte)
	Last() (k, v []byte)
	// Seek moves to the first key ≥ seek.
	Seek(seek []byte) (k, v []byte)
	Next() (k, v []byte)
	Prev() (k, v []byte)
}
