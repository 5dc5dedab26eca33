package store

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"

	"github.com/jackc/pgx/v5"
)

// The values this process's write transactions read and wrote stay known
// to its next write transaction, which then reads them without asking the
// database, as long as no other process wrote in between. Every write
// transaction replaces the token of baosong_written with a random one and
// reads the one it replaces, in the round trip of its first read (after
// its LOCK TABLE, so the writes of all processes are in one order and each
// sees the token of the write before it): when that token is the one this
// process's cache was left at, the cache holds the database as it is. When
// another process wrote (or the database was restored from a dump), the
// tokens differ and the transaction reads from the database alone; at its
// commit it leaves the cache holding what it read and wrote, at its token.
// A read-only transaction (View) reads the token with its first read too,
// in its snapshot, and reads from the cache while the cache is at that
// token; it leaves nothing in the cache.
var pgWrittenSchema = []string{
	`CREATE TABLE IF NOT EXISTS baosong_written (id integer PRIMARY KEY, token bigint NOT NULL)`,
	`INSERT INTO baosong_written (id, token) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM baosong_written)`,
}

// pgCacheMax bounds the bytes the cache holds; past it, it starts over.
const pgCacheMax = 16 << 20

// pgCache is the values the last write transactions of this process read
// and wrote, as of the database's token.
type pgCache struct {
	mu    sync.Mutex
	token int64
	vals  map[string]known
	size  int
}

// create runs statements that create what is missing (CREATE … IF NOT
// EXISTS, INSERT … WHERE NOT EXISTS) in one transaction under an advisory
// lock: processes starting at once on an empty database would otherwise
// race, and PostgreSQL refuses the losers of concurrent CREATE TABLE IF NOT
// EXISTS (a duplicate type or catalogue row) instead of finding the table.
func create(ctx context.Context, e *pgEngine, qs ...string) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgCreateLock); err != nil {
			return err
		}
		for _, q := range qs {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// pgCreateLock is the advisory lock (one 64-bit key: apart from the
// leader's two-key lock) held while creating the tables ("baosongC").
const pgCreateLock int64 = 0x62616f736f6e6743

// stamp queues, after the transaction's BEGIN (and a write's LOCK TABLE),
// the read of the token and a write's new token.
func (t *pgTx) stamp(c *pgCache, write bool) {
	t.cache = c
	t.pending.Queue(`SELECT token FROM baosong_written WHERE id = 1`).QueryRow(func(r pgx.Row) error { return r.Scan(&t.prev) })
	if write {
		t.token = rand.Int64() | 1
		t.pending.Queue(`UPDATE baosong_written SET token = $1 WHERE id = 1`, t.token)
	}
}

// cached answers a key from the cache while the cache holds the database
// as this transaction found it. (A cache's values change only with its
// token, to a new one.)
func (t *pgTx) cached(id string) (known, bool) {
	if !t.sent || t.err != nil || t.wiped {
		return known{}, false
	}
	c := t.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != t.prev {
		return known{}, false
	}
	k, ok := c.vals[id]
	return k, ok
}

// committed leaves in the cache what the transaction read and wrote, as of
// its token: added to the cache when the cache was as the transaction found
// the database, in place of it otherwise (and after a bucket was deleted).
func (t *pgTx) committed() {
	c := t.cache
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vals == nil || c.token != t.prev || t.wiped || c.size > pgCacheMax {
		c.vals, c.size = map[string]known{}, 0
	}
	for id, k := range t.known {
		old, had := c.vals[id]
		if had {
			c.size -= len(id) + len(old.v)
		}
		// A written value is the caller's, and a cached one is shared by
		// the transactions that read it: a copy, with no room to append
		// into (as bbolt's values, whose appends copy).
		k.v = bytes.Clone(k.v)
		k.v = k.v[:len(k.v):len(k.v)]
		c.vals[id] = k
		c.size += len(id) + len(k.v)
	}
	c.token = t.token
}
