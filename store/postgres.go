package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL engine keeps every bucket in one table, ordered by (bucket,
// key) like bbolt's buckets, so every key layout of buckets.go and every
// ordered scan carries over unchanged. Writes run at SERIALIZABLE and are
// retried when PostgreSQL cannot serialize them; the SQL is plain (no
// extensions, no ON CONFLICT), so openGauss and KingbaseES stay in reach.
const pgSchema = `CREATE TABLE IF NOT EXISTS baosong_kv (
	bucket text NOT NULL,
	key bytea NOT NULL,
	value bytea NOT NULL,
	PRIMARY KEY (bucket, key)
)`

// pgAttempts bounds the tries of one write transaction; pgTimeout one try.
const (
	pgAttempts = 10
	pgTimeout  = 30 * time.Second
)

type pgEngine struct {
	pool    *pgxpool.Pool
	where   string
	w       *committer
	lockID  int32  // the leader's advisory lock, with pgLockClass (leader.go)
	channel string // where the processes announce work to the leader
	cache   pgCache
}

// OpenPostgres opens the store on a PostgreSQL database (a DSN such as
// postgres://user:pass@host:5432/baosong), creating its table if needed.
func OpenPostgres(dsn string, o Options) (*DB, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	e, err := openPostgres(dsn)
	if err != nil {
		return nil, err
	}
	return start(e, o)
}

func openPostgres(dsn string) (*pgEngine, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres dsn: %w", err)
	}
	return newPostgres(cfg)
}

func newPostgres(cfg *pgxpool.Config) (*pgEngine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	e := &pgEngine{pool: pool, where: fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)}
	e.w = &committer{update: e.serializable, max: 1000}
	if err := create(ctx, e, append([]string{pgSchema}, pgWrittenSchema...)...); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres %s: %w", e.where, err)
	}
	if err := e.identify(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres %s: %w", e.where, err)
	}
	return e, nil
}

func (e *pgEngine) View(fn func(kvTx) error) error { return e.once(pgRead, fn) }

// Update and Batch share commits like bbolt's (see committer): the writes
// of one node go to PostgreSQL one group at a time, so they never conflict
// with each other, only with another node's.
func (e *pgEngine) Update(fn func(kvTx) error) error { return e.w.do(fn) }

func (e *pgEngine) Batch(fn func(kvTx) error) error { return e.w.do(fn) }

// The statements that begin a transaction, sent with its first query.
//
// pgRead is a snapshot, like a bbolt read: REPEATABLE READ never fails to
// serialize.
//
// pgWrite begins a write transaction. Every write transaction locks the
// table against the others (readers go on): the nodes sharing a database
// write one after the other, as a node's own writes already do (committer),
// instead of failing to serialize on the keys they all write (sequences,
// counters, indexes) and retrying. The lock comes before the transaction's
// snapshot (LOCK TABLE takes none), so a write sees every write before it.
var (
	pgRead  = pgBegin{sql: []string{`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`}}
	pgWrite = pgBegin{sql: []string{`BEGIN ISOLATION LEVEL SERIALIZABLE`, `LOCK TABLE baosong_kv IN SHARE ROW EXCLUSIVE MODE`}, write: true}
)

// pgBegin is how a transaction begins.
type pgBegin struct {
	sql   []string
	write bool
}

// serializable runs fn in one SERIALIZABLE transaction, again while
// PostgreSQL cannot serialize it with concurrent ones.
func (e *pgEngine) serializable(fn func(kvTx) error) error {
	var err error
	for try := range pgAttempts {
		if err = e.once(pgWrite, fn); !retryable(err) {
			break
		}
		time.Sleep(time.Duration(rand.Int64N(int64(time.Millisecond) << min(try, 7))))
	}
	return err
}

func (e *pgEngine) FailingWrites() int64 { return e.w.failing.Load() }

func (e *pgEngine) Backup(io.Writer, func(int64)) (int64, error) {
	return 0, errors.New("store: a PostgreSQL store is backed up with pg_dump")
}

func (e *pgEngine) Where() string { return e.where }

func (e *pgEngine) Close() error {
	e.pool.Close()
	return nil
}

// dbError is a failure of the database (not of the transaction's logic).
type dbError struct{ err error }

func (d *dbError) Error() string { return "store: postgres: " + d.err.Error() }
func (d *dbError) Unwrap() error { return d.err }

// retryable reports a transaction PostgreSQL could not serialize (40001), a
// deadlock (40P01) or two inserts of one key (23505): run it again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "23505")
}

// once runs fn in one transaction: committed when fn succeeds, rolled back
// otherwise. A panic in fn is an error (see guarded).
//
// A transaction costs as few round trips as its reads allow: its BEGIN goes
// with its first read, its writes are queued and go with the next read or
// with the COMMIT, and a transaction that read and wrote nothing sends
// nothing. A transaction reads through this process's cache
// (postgres_cache.go); a write transaction leaves its values there when it
// commits.
func (e *pgEngine) once(begin pgBegin, fn func(kvTx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	conn, err := e.pool.Acquire(ctx)
	if err != nil {
		return &dbError{err}
	}
	// A connection given back inside a transaction (a failed ROLLBACK) is
	// closed by the pool, not reused.
	defer conn.Release()
	t := &pgTx{ctx: ctx, conn: conn, known: map[string]known{}, channel: e.channel}
	for _, q := range begin.sql {
		t.pending.Queue(q)
	}
	t.stamp(&e.cache, begin.write)
	opening := t.pending.Len()
	err = guarded(fn, t)
	if err == nil && (t.sent || t.pending.Len() > opening) {
		t.commit()
		if t.err == nil && begin.write {
			t.committed()
		}
	}
	if t.err != nil { // a read failed: that is the cause, whatever fn made of it
		err = t.err
	}
	if err != nil && conn.Conn().PgConn().TxStatus() != 'I' {
		conn.Exec(ctx, `ROLLBACK`)
	}
	return err
}

// pgTx is one transaction. Reads cannot return errors (bbolt's do not fail),
// so the first failure is kept and fails the transaction.
//
// Statements not yet sent (the BEGIN, writes) are queued and go in one round
// trip with the next read or the COMMIT; a Get answers from what the
// transaction wrote or already read of the key, without asking.
type pgTx struct {
	ctx     context.Context
	conn    *pgxpool.Conn
	err     error
	sent    bool             // the BEGIN went to the database
	gen     int              // counts writes: a cursor fetches again after one
	pending pgx.Batch        // statements not sent yet
	known   map[string]known // bucket + 0x00 + key → its value in this transaction
	channel string           // the engine's announcements to the leader
	// The process's cache, the token the transaction found and the one a
	// write transaction leaves.
	cache       *pgCache
	prev, token int64
	wiped       bool // a bucket was deleted: the cache is out of date
}

// known is a key's value as this transaction wrote or read it.
type known struct {
	v      []byte
	absent bool
}

func (t *pgTx) write(k string, v known, sql string, args ...any) {
	t.gen++
	t.known[k] = v
	t.pending.Queue(sql, args...)
}

// send sends the queued statements and the statement last queues (when
// not nil) in one round trip.
func (t *pgTx) send(last func(*pgx.Batch)) {
	if t.err != nil {
		return
	}
	b := t.pending
	t.pending = pgx.Batch{}
	if last != nil {
		last(&b)
	}
	if b.Len() == 0 {
		return
	}
	t.sent = true
	if err := t.conn.SendBatch(t.ctx, &b).Close(); err != nil {
		t.fail(err)
	}
}

// commit sends the queued statements and the COMMIT.
func (t *pgTx) commit() {
	var tag pgconn.CommandTag
	t.send(func(b *pgx.Batch) {
		b.Queue(`COMMIT`).Exec(func(ct pgconn.CommandTag) error {
			tag = ct
			return nil
		})
	})
	if t.err == nil && tag.String() != "COMMIT" { // an aborted transaction's COMMIT rolls back
		t.fail(fmt.Errorf("commit: %s", tag))
	}
}

// lookup answers a key from what the transaction wrote or read, or from the
// cache.
func (t *pgTx) lookup(id string) (known, bool) {
	if k, ok := t.known[id]; ok {
		return k, true
	}
	return t.cached(id)
}

func (t *pgTx) fail(err error) {
	if t.err == nil {
		t.err = &dbError{err}
	}
}

func (t *pgTx) Bucket(name []byte) kvBucket { return pgBucket{t, string(name)} }

// CreateBucketIfNotExists does nothing: a bucket is its rows.
func (t *pgTx) CreateBucketIfNotExists([]byte) error { return nil }

func (t *pgTx) DeleteBucket(name []byte) error {
	t.gen++
	t.wiped = true
	clear(t.known)
	t.pending.Queue(`DELETE FROM baosong_kv WHERE bucket = $1`, string(name))
	return t.err
}

type pgBucket struct {
	t    *pgTx
	name string
}

func (b pgBucket) id(key []byte) string { return b.name + "\x00" + string(key) }

func (b pgBucket) Get(key []byte) []byte {
	id := b.id(key)
	if k, ok := b.t.lookup(id); ok {
		return k.v
	}
	var v []byte
	found := false
	b.t.send(func(q *pgx.Batch) {
		q.Queue(`SELECT value FROM baosong_kv WHERE bucket = $1 AND key = $2`, b.name, key).QueryRow(func(r pgx.Row) error {
			err := r.Scan(&v)
			found = err == nil
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		})
	})
	switch {
	case b.t.err != nil:
		return nil
	case !found:
		b.t.known[id] = known{absent: true}
		return nil
	case v == nil:
		v = []byte{}
	}
	b.t.known[id] = known{v: v}
	return v
}

// Put replaces the key's row: a delete and an insert, plain statements sent
// with the transaction's other writes (a concurrent insert of the same key
// fails one transaction, which is retried).
func (b pgBucket) Put(key, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	id := b.id(key)
	if k, ok := b.t.lookup(id); !ok || !k.absent {
		b.t.pending.Queue(`DELETE FROM baosong_kv WHERE bucket = $1 AND key = $2`, b.name, key)
	}
	b.t.write(id, known{v: value}, `INSERT INTO baosong_kv (bucket, key, value) VALUES ($1, $2, $3)`, b.name, key, value)
	return b.t.err
}

func (b pgBucket) Delete(key []byte) error {
	b.t.write(b.id(key), known{absent: true}, `DELETE FROM baosong_kv WHERE bucket = $1 AND key = $2`, b.name, key)
	return b.t.err
}

func (b pgBucket) Cursor() kvCursor { return &pgCursor{b: b} }

func (b pgBucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return b.t.err
}

// pgCursor reads its bucket in batches of rows in one direction, fetching
// the next batch from the current key when the batch is used up, the
// direction changes or the transaction wrote meanwhile.
type pgCursor struct {
	b    pgBucket
	rows [][2][]byte
	i    int
	desc bool
	gen  int
	full bool // the batch had as many rows as asked: there may be more
	size int
}

const (
	pgFirstBatch = 16
	pgMaxBatch   = 1024
)

// fetch reads a batch from key (all keys when key is nil), ascending from
// key (inclusive when incl) or descending below it.
func (c *pgCursor) fetch(key []byte, desc, incl bool) (k, v []byte) {
	c.size = min(max(c.size*2, pgFirstBatch), pgMaxBatch)
	op, order := ">", "ASC"
	switch {
	case desc:
		op, order = "<", "DESC"
	case incl:
		op = ">="
	}
	if key == nil { // every key: none is empty (bbolt refuses empty keys too)
		key, op = []byte{}, ">"
	}
	c.rows, c.i, c.desc, c.gen = c.rows[:0], 0, desc, c.b.t.gen
	c.b.t.send(func(q *pgx.Batch) {
		q.Queue(`SELECT key, value FROM baosong_kv WHERE bucket = $1 AND key `+op+` $2 ORDER BY key `+order+` LIMIT $3`, c.b.name, key, c.size).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var row [2][]byte
				if err := rows.Scan(&row[0], &row[1]); err != nil {
					return err
				}
				c.rows = append(c.rows, row)
			}
			return rows.Err()
		})
	})
	if c.b.t.err != nil {
		c.rows = c.rows[:0]
	}
	c.full = len(c.rows) == c.size
	return c.current()
}

func (c *pgCursor) current() (k, v []byte) {
	if c.i >= len(c.rows) {
		return nil, nil
	}
	return c.rows[c.i][0], c.rows[c.i][1]
}

func (c *pgCursor) First() (k, v []byte) { c.size = 0; return c.fetch(nil, false, true) }
func (c *pgCursor) Last() (k, v []byte)  { c.size = 0; return c.fetch(nil, true, false) }

func (c *pgCursor) Seek(seek []byte) (k, v []byte) {
	c.size = 0
	return c.fetch(append([]byte{}, seek...), false, true)
}

func (c *pgCursor) Next() (k, v []byte) { return c.step(false) }
func (c *pgCursor) Prev() (k, v []byte) { return c.step(true) }

// step moves one key on in the direction.
func (c *pgCursor) step(desc bool) (k, v []byte) {
	at, _ := c.current()
	if at == nil {
		return nil, nil
	}
	if desc == c.desc && c.gen == c.b.t.gen {
		if c.i+1 < len(c.rows) {
			c.i++
			return c.current()
		}
		if !c.full {
			c.i = len(c.rows)
			return nil, nil
		}
	}
	return c.fetch(at, desc, false)
}
