package store

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baosong/baosong/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The store's tests are its contract: they run once on bbolt and, when
// BAOSONG_TEST_PG names a PostgreSQL database, once more on it (each test
// directory its own schema).
var testPG string

func TestMain(m *testing.M) {
	code := m.Run()
	dsn := pgtest.Env()
	if dsn == "" {
		fmt.Println("store:", pgtest.Skipped)
	} else if code == 0 {
		fmt.Println("store: the store tests again, on PostgreSQL")
		testPG = dsn
		if code = m.Run(); code == 0 { // a failed run's schemas stay, to be looked at
			if err := pgtest.Drop(dsn); err != nil {
				fmt.Println("store: BAOSONG_TEST_PG:", err)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// OpenTest opens the store of a test directory on the engine under test.
func OpenTest(dir string, o Options) (*DB, error) {
	if testPG == "" {
		return Open(dir, o)
	}
	dsn, err := pgtest.DSN(testPG, dir)
	if err != nil {
		return nil, err
	}
	return OpenPostgres(dsn, o)
}

// asSchema turns db into a database of an older schema: undo takes away
// what that schema did not have, the schema number is set back, and the
// store is closed and opened again so the migrations since run. The
// reopened store is closed with the test.
func asSchema(t *testing.T, db *DB, dir string, schema uint64, o Options, undo func(kvTx) error) *DB {
	t.Helper()
	err := db.kv.Update(func(tx kvTx) error {
		if err := undo(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put([]byte("schema"), u64(schema))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = OpenTest(dir, o); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SkipOnPostgres skips a test of bbolt itself (its file, its lock).
func SkipOnPostgres(t *testing.T) {
	if testPG != "" {
		t.Skip("a test of the bbolt file")
	}
}

// OpenCounting is OpenTest counting the messages the store sends to
// PostgreSQL, each a round trip (a query, or a batch of them sent
// together); trips is nil on bbolt.
func OpenCounting(dir string, o Options) (db *DB, trips *atomic.Int64, err error) {
	if testPG == "" {
		db, err = Open(dir, o)
		return db, nil, err
	}
	dsn, err := pgtest.DSN(testPG, dir)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	trips = new(atomic.Int64)
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		return countingConn{c, trips}, err
	}
	e, err := newPostgres(cfg)
	if err != nil {
		return nil, nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	db, err = start(e, o)
	return db, trips, err
}

// countingConn counts the writes to a connection: pgx sends each query, or
// each batch of them, in one write and then waits for the answer.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(p)
}
