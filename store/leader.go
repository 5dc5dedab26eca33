package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Leadership (SPEC §16). Any number of processes may serve requests on one
// PostgreSQL database, but the work that acts on its own — the scheduler,
// the incident and absence clocks, the outbox loop — runs on one of them at
// a time, the leader: the process holding a session advisory lock
// (pg_try_advisory_lock) on a connection of its own. A process that loses
// the connection has lost the lock; it stops that work at once, and another
// takes the lock within electEvery. On bbolt the file lock admits one
// process, which always leads.
//
// The guarantees of SPEC §11 do not rest on the election: a claim, a
// reminder's key, an escalation step and a first acknowledgement are
// decided inside the transaction that stores them, so even two processes
// that both believed they led could not store or queue anything twice.

// electEvery is how often a process that does not lead asks for the lock,
// and how long the leader's connection may stay silent before it checks
// that the connection (and so the lock) is still there.
const electEvery = time.Second

// Lead runs the leader's work while this process leads: start begins it
// and returns the stop that ends it, called as soon as the process stops
// leading or ctx ends; it may start again later. The first attempt is made
// before Lead returns, so that a process alone on its database (always on
// bbolt) has started the work when Lead returns. The channel is closed once
// ctx has ended and the work has stopped.
func (s *DB) Lead(ctx context.Context, start func() (stop func())) <-chan struct{} {
	done := make(chan struct{})
	e, shared := s.kv.(*pgEngine)
	if !shared {
		stop := start()
		s.leading.Store(true)
		go func() {
			defer close(done)
			<-ctx.Done()
			s.leading.Store(false)
			stop()
		}()
		return done
	}
	c := &candidate{e: e, db: s}
	var stop func()
	elect := func() {
		if c.try(ctx) {
			stop = start()
			s.leading.Store(true)
		}
	}
	elect()
	go func() {
		defer close(done)
		defer c.drop()
		for {
			if stop != nil {
				c.hold(ctx)
				s.leading.Store(false)
				stop()
				stop = nil
			}
			t := time.NewTimer(electEvery)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			elect()
		}
	}()
	return done
}

// Leading reports whether this process leads now.
func (s *DB) Leading() bool { return s.leading.Load() }

// candidate is a process's part in the election on PostgreSQL: its own
// connection, which holds the lock while it leads and listens for what the
// other processes stored for the leader's work.
type candidate struct {
	e    *pgEngine
	db   *DB
	conn *pgx.Conn
}

// try asks for the lock, connecting first when needed; true when this
// process holds it now.
func (c *candidate) try(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, pgTimeout)
	defer cancel()
	if c.conn == nil {
		conn, err := pgx.ConnectConfig(ctx, c.e.pool.Config().ConnConfig.Copy())
		if err != nil {
			return false
		}
		c.conn = conn
	}
	var won bool
	err := c.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, pgLockClass, c.e.lockID).Scan(&won)
	if err == nil && won && c.e.channel != "" {
		_, err = c.conn.Exec(ctx, `LISTEN `+pgx.Identifier{c.e.channel}.Sanitize())
	}
	if err != nil {
		c.drop() // a session that may hold the lock ends with its connection
		return false
	}
	return won
}

// hold keeps the lock until ctx ends or the connection is lost, passing on
// the other processes' announcements; a quiet connection is pinged every
// electEvery. Without announcements (a database without NOTIFY) the
// leader's loops are woken every electEvery instead, to read what the
// others stored.
func (c *candidate) hold(ctx context.Context) {
	for ctx.Err() == nil {
		wctx, cancel := context.WithTimeout(ctx, electEvery)
		n, err := c.conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			c.db.heard(n.Payload)
			continue
		case ctx.Err() != nil:
			return
		case pgconn.Timeout(err):
			if c.e.channel == "" {
				c.db.signal()
				c.db.incidentDue(c.db.now())
			}
			pctx, cancel := context.WithTimeout(ctx, electEvery)
			err = c.conn.Ping(pctx)
			cancel()
			if err == nil || ctx.Err() != nil {
				continue
			}
		}
		c.drop()
		return
	}
}

// drop closes the connection, and with it the session's lock.
func (c *candidate) drop() {
	if c.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), electEvery)
	defer cancel()
	_ = c.conn.Close(ctx)
	c.conn = nil
}

// pgLockClass is the first key of the leader's advisory lock ("baos"); the
// second is a hash of the schema, so that schemas of one database (a test
// each) elect their leaders apart.
const pgLockClass int32 = 0x62616f73

// identify reads the schema the store's table is in and derives the lock
// and the notification channel of its processes from it.
func (e *pgEngine) identify(ctx context.Context) error {
	var schema string
	if err := e.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	h := fnv.New32a()
	h.Write([]byte(schema))
	e.lockID = int32(h.Sum32())
	e.channel = fmt.Sprintf("baosong_%08x", h.Sum32())
	if _, err := e.pool.Exec(ctx, `SELECT pg_notify($1, '')`, e.channel); err != nil {
		e.channel = "" // a PostgreSQL-compatible database without NOTIFY: the leader polls (hold)
	}
	return nil
}

// What a process announces to the leader, on the channel, when a
// transaction committed something for its work.
const (
	announcePushes   = "o"  // pushes were queued: wake the outbox loop
	announceIncident = "i:" // + unix nanos: an incident needs its clock then
)

// announce tells the leader, when this process is not it, that the
// transaction stored work for it (the notification goes out when the
// transaction commits, and not at all when it rolls back).
func (t *Tx) announce(payload string) {
	if p, ok := t.tx.(*pgTx); ok && p.channel != "" && !t.db.leading.Load() {
		p.pending.Queue(`SELECT pg_notify($1, $2)`, p.channel, payload)
	}
}

// heard passes an announcement on to the leader's loops.
func (s *DB) heard(payload string) {
	switch {
	case payload == announcePushes:
		s.signal()
	case len(payload) > len(announceIncident) && payload[:len(announceIncident)] == announceIncident:
		if n, err := strconv.ParseInt(payload[len(announceIncident):], 10, 64); err == nil {
			s.incidentDue(time.Unix(0, n))
		}
	}
}

// followerPoll is how often a process that does not lead reads again the
// pushes a request waits for (AwaitDelivery): the leader delivers them, so
// this process's settled signal never comes.
func (s *DB) followerPoll() <-chan time.Time {
	if s.leading.Load() {
		return nil
	}
	return time.After(20 * time.Millisecond)
}
