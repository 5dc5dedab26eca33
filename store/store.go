// Package store keeps everything in one bbolt file, <data>/baosong.db: the
// records, their history, message dedupe, the outbox and the local inboxes.
// It is the only package that imports bbolt. Every write is one fsynced
// transaction; concurrent writers are grouped into shared commits.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/baosong/baosong/bot"
)

// SchemaVersion is the layout version this code writes.
const SchemaVersion = 10

// migrations[v] upgrades a database from schema v to v+1.
var migrations = map[uint64]func(kvTx) error{
	// 1, 4, 5, 6: the outbox's indexes (due index, recipient queues, the
	// due index by priority, with recipients), built again in their
	// present layout by 9.
	2: summarizeForms,  // each attendance form's summary
	3: summarizeMonths, // each student's attendance month record
	7: indexStatistics, // the open 统计 items
	// 8: nothing to convert; from 9 the history, the student index and the
	// handled messages are written shorter (encodeHistory, encodeStudentRows,
	// packDedupe), which older programs cannot read, while this one reads both.
	9: func(tx kvTx) error { // each form's answer for each student (查明), the
		// cause index by when asked, the outbox by recipient with the due
		// index on each recipient's head
		if err := indexCauses(tx); err != nil {
			return err
		}
		return indexOutbox(tx)
	},
}

// ErrLocked means another process holds the database.
var ErrLocked = errors.New("store: database is held by another process")

// ErrNotFound means no record has the id.
var ErrNotFound = errors.New("store: not found")

// DB is the opened database.
type DB struct {
	kv           engine
	now          func() time.Time
	wake         chan struct{} // signalled when the outbox gets new items
	incidents    chan struct{} // signalled when an incident was stored with a next due instant
	imu          sync.Mutex
	nextIncident time.Time   // the earliest of those instants not yet taken (IncidentDue)
	settled      broadcast   // signalled when a push was delivered, retried or parked
	leading      atomic.Bool // this process does the leader's work (Lead)
	articles     articleCache
}

// Options tune Open.
type Options struct {
	Now      func() time.Time // the clock; time.Now by default
	ReadOnly bool             // open a stopped server's data for export
	Timeout  time.Duration    // how long to wait for the file lock; default 1s
}

// Open opens (creating if needed) <dir>/baosong.db.
func Open(dir string, o Options) (*DB, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	if !o.ReadOnly {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	path := filepath.Join(dir, "baosong.db")
	b, err := openBolt(path, &bolt.Options{Timeout: o.Timeout, ReadOnly: o.ReadOnly, InitialMmapSize: boltMmapSize})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return start(newBolt(b), o)
}

// start opens the store on an engine, creating its buckets and migrating
// them to this schema unless read-only.
func start(kv engine, o Options) (*DB, error) {
	s := &DB{kv: kv, now: o.Now, wake: make(chan struct{}, 1), incidents: make(chan struct{}, 1)}
	if !o.ReadOnly {
		if err := kv.Update(s.init); err != nil {
			kv.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *DB) init(tx kvTx) error {
	for _, name := range allBuckets {
		if err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("store: create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	v := uint64(SchemaVersion)
	if raw := meta.Get([]byte("schema")); raw != nil {
		v = binary.BigEndian.Uint64(raw)
	}
	if v > SchemaVersion {
		return fmt.Errorf("store: database schema %d is newer than this program (%d)", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if m := migrations[v]; m != nil {
			if err := m(tx); err != nil {
				return fmt.Errorf("store: migrate from schema %d: %w", v, err)
			}
		}
	}
	return meta.Put([]byte("schema"), u64(SchemaVersion))
}

// FailingWrites is how many commits in a row have failed in the database
// itself (an I/O error, a full disk, a damaged page); 0 after any success.
func (s *DB) FailingWrites() int64 { return s.kv.FailingWrites() }

// Close closes the database.
func (s *DB) Close() error { return s.kv.Close() }

// Path is where the data is: the database file, or the PostgreSQL database.
func (s *DB) Path() string { return s.kv.Where() }

// Now reads the store's clock.
func (s *DB) Now() time.Time { return s.now() }

// Tx is one read-write transaction, with the helpers every record kind uses.
type Tx struct {
	tx     kvTx
	ctx    context.Context
	db     *DB
	queued bool
}

// Now reads the store's clock.
func (t *Tx) Now() time.Time { return t.db.now() }

// update runs fn in one durable transaction, batched with concurrent ones.
// fn may run more than once (a write that fails in a shared commit runs again
// alone, and the others without it), so it must only read and write through
// tx. A message claim in ctx is recorded in the same transaction; another
// handling of the same message gets bot.ErrDuplicate.
func (s *DB) update(ctx context.Context, fn func(*Tx) error) error {
	var queued bool
	err := s.batch(func(btx kvTx) error {
		t := &Tx{tx: btx, ctx: ctx, db: s}
		if err := t.claim(); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		queued = t.queued
		return nil
	})
	if err == nil && queued {
		s.signal()
	}
	return err
}

// batch runs fn in one durable transaction shared with concurrent writes
// (fn may run more than once).
func (s *DB) batch(fn func(kvTx) error) error { return s.kv.Batch(fn) }

// view runs fn in a read-only transaction.
func (s *DB) view(fn func(*Tx) error) error {
	return s.kv.View(func(btx kvTx) error { return fn(&Tx{tx: btx, ctx: context.Background(), db: s}) })
}

func (s *DB) signal() { notify(s.wake) }

// notify signals ch without blocking (a signal already pending suffices).
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (t *Tx) bucket(name []byte) kvBucket { return t.tx.Bucket(name) }

// NextID allocates the next typed id: "A" → "A1", "A2" …
func (t *Tx) NextID(prefix string) (string, error) {
	n, err := t.next(prefix)
	if err != nil {
		return "", err
	}
	return prefix + strconv.FormatUint(n, 10), nil
}

// next increments the named sequence.
func (t *Tx) next(name string) (uint64, error) {
	n := t.seq(name) + 1
	return n, t.bucket(bucketSeq).Put([]byte(name), u64(n))
}

// seq reads the named sequence's last value; 0 before its first.
func (t *Tx) seq(name string) uint64 {
	if raw := t.bucket(bucketSeq).Get([]byte(name)); raw != nil {
		return binary.BigEndian.Uint64(raw)
	}
	return 0
}

// Sequence increments a named sequence (e.g. "reg:2026" for registration
// numbers) and returns the new value; gap-free because it commits or rolls
// back with the transaction.
func (t *Tx) Sequence(name string) (uint64, error) { return t.next(name) }

// ParseID splits a typed id ("A12", "#A12", "a12") into prefix and number.
func ParseID(id string) (prefix string, n uint64, ok bool) {
	id = strings.TrimPrefix(strings.TrimSpace(id), "#")
	if len(id) < 2 {
		return "", 0, false
	}
	prefix = strings.ToUpper(id[:1])
	if _, known := recordBuckets[prefix]; !known {
		return "", 0, false
	}
	n, err := strconv.ParseUint(id[1:], 10, 64)
	if err != nil || n == 0 {
		return "", 0, false
	}
	return prefix, n, true
}

// Put stores a record under its typed id.
func (t *Tx) Put(id string, v any) error {
	prefix, n, ok := ParseID(id)
	if !ok {
		return fmt.Errorf("store: bad record id %q", id)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", id, err)
	}
	if err := t.noteRecord(prefix + strconv.FormatUint(n, 10)); err != nil {
		return err
	}
	if prefix == "S" {
		if _, err := t.next(articlesVersion); err != nil {
			return err
		}
	}
	return t.bucket(recordBuckets[prefix]).Put(u64(n), raw)
}

// Get loads a record by its typed id into v; ErrNotFound when absent.
func (t *Tx) Get(id string, v any) error {
	prefix, n, ok := ParseID(id)
	if !ok {
		return ErrNotFound
	}
	raw := t.bucket(recordBuckets[prefix]).Get(u64(n))
	if raw == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: decode %s: %w", id, err)
	}
	return nil
}

// Each decodes every record of a kind ("A", "S" …) in id order, calling fn
// with a fresh value made by newV; fn returning false stops.
func Each[T any](t *Tx, prefix string, fn func(*T) bool) error {
	b := t.bucket(recordBuckets[prefix])
	if b == nil { // a read-only database written before the kind existed
		return nil
	}
	c := b.Cursor()
	for k, raw := c.First(); k != nil; k, raw = c.Next() {
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("store: decode %s%d: %w", prefix, binary.BigEndian.Uint64(k), err)
		}
		if !fn(v) {
			return nil
		}
	}
	return nil
}

// History is one change to a record.
type History struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Channel string    `json:"channel,omitempty"`
	Action  string    `json:"action"`
	Detail  string    `json:"detail,omitempty"`
}

// Record appends a history entry for the record, by the actor of the
// transaction's context.
func (t *Tx) Record(id, action, detail string, at time.Time) error {
	a := bot.ActorFrom(t.ctx)
	n, err := t.next("history")
	if err != nil {
		return err
	}
	raw := encodeHistory(History{At: at, By: a.Member, Channel: a.Channel, Action: action, Detail: detail})
	return t.bucket(bucketHistory).Put(append([]byte(id+"\x00"), u64(n)...), raw)
}

// historyPacked starts a history record written since schema 9: the time
// (unix nanos, 8 bytes), by, channel and action each as a uvarint length and
// its bytes, then the detail to the end — about 90 bytes fewer than the JSON
// of older records (which start with '{' and still read).
const historyPacked = 1

func encodeHistory(h History) []byte {
	raw := make([]byte, 0, 9+len(h.By)+len(h.Channel)+len(h.Action)+len(h.Detail)+3)
	raw = binary.BigEndian.AppendUint64(append(raw, historyPacked), uint64(h.At.UnixNano()))
	for _, s := range []string{h.By, h.Channel, h.Action} {
		raw = append(binary.AppendUvarint(raw, uint64(len(s))), s...)
	}
	return append(raw, h.Detail...)
}

func decodeHistory(raw []byte) (History, error) {
	var h History
	if len(raw) == 0 || raw[0] != historyPacked {
		err := json.Unmarshal(raw, &h)
		return h, err
	}
	if len(raw) < 9 {
		return h, errors.New("store: short history record")
	}
	h.At = time.Unix(0, int64(binary.BigEndian.Uint64(raw[1:9])))
	raw = raw[9:]
	for _, s := range []*string{&h.By, &h.Channel, &h.Action} {
		n, w := binary.Uvarint(raw)
		if w <= 0 || uint64(len(raw)-w) < n {
			return h, errors.New("store: short history record")
		}
		*s, raw = string(raw[w:w+int(n)]), raw[w+int(n):]
	}
	h.Detail = string(raw)
	return h, nil
}

// HistoryOf lists the changes to a record, oldest first.
func (s *DB) HistoryOf(id string) ([]History, error) {
	var out []History
	err := s.view(func(t *Tx) error {
		prefix := []byte(id + "\x00")
		c := t.bucket(bucketHistory).Cursor()
		for k, raw := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, raw = c.Next() {
			h, err := decodeHistory(raw)
			if err != nil {
				return fmt.Errorf("store: decode history of %s: %w", id, err)
			}
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// Update runs fn in one durable transaction (see update).
func (s *DB) Update(ctx context.Context, fn func(*Tx) error) error { return s.update(ctx, fn) }

// View runs fn in a read-only transaction.
func (s *DB) View(fn func(*Tx) error) error { return s.view(fn) }

// Count increments a named counter durably.
func (s *DB) Count(name string) error {
	return s.batch(func(btx kvTx) error {
		b := btx.Bucket(bucketCounters)
		var n uint64
		if raw := b.Get([]byte(name)); raw != nil {
			n = binary.BigEndian.Uint64(raw)
		}
		return b.Put([]byte(name), u64(n+1))
	})
}

// Counter reads a named counter.
func (s *DB) Counter(name string) (uint64, error) {
	var n uint64
	err := s.view(func(t *Tx) error {
		if raw := t.bucket(bucketCounters).Get([]byte(name)); raw != nil {
			n = binary.BigEndian.Uint64(raw)
		}
		return nil
	})
	return n, err
}

// SetKV stores small named state as JSON.
func (s *DB) SetKV(name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.kv.Update(func(btx kvTx) error { return btx.Bucket(bucketKV).Put([]byte(name), raw) })
}

// KV loads named state; found is false when absent.
func (s *DB) KV(name string, v any) (found bool, err error) {
	err = s.view(func(t *Tx) error {
		raw := t.bucket(bucketKV).Get([]byte(name))
		if raw == nil {
			return nil
		}
		found = true
		return json.Unmarshal(raw, v)
	})
	return found, err
}

// Backup writes a consistent copy of the database to w while it is in use;
// size, when not nil, is told the copy's length before the first byte.
func (s *DB) Backup(w io.Writer, size func(int64)) (int64, error) { return s.kv.Backup(w, size) }

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
