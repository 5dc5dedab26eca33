package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The store's tests are its contract: they run once on bbolt and, when
// BAOSONG_TEST_PG names a PostgreSQL database (a DSN), once more on it. Each
// test directory becomes its own schema of that database, so a test that
// reopens its directory reopens its data.
var testPG string

func TestMain(m *testing.M) {
	code := m.Run()
	dsn := os.Getenv("BAOSONG_TEST_PG")
	if dsn == "" {
		fmt.Println("store: BAOSONG_TEST_PG is unset (a PostgreSQL DSN): the PostgreSQL run of the store tests is skipped")
	} else if code == 0 {
		if err := dropTestSchemas(dsn); err != nil {
			fmt.Println("store: BAOSONG_TEST_PG:", err)
			os.Exit(1)
		}
		fmt.Println("store: the store tests again, on PostgreSQL")
		testPG = dsn
		code = m.Run()
	}
	os.Exit(code)
}

// dropTestSchemas removes the schemas of an earlier run.
func dropTestSchemas(dsn string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'baosong_test_%'`)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := c.Exec(ctx, `DROP SCHEMA `+n+` CASCADE`); err != nil {
			return err
		}
	}
	return nil
}

// OpenTest opens the store of a test directory on the engine under test.
func OpenTest(dir string, o Options) (*DB, error) {
	if testPG == "" {
		return Open(dir, o)
	}
	h := fnv.New64a()
	h.Write([]byte(dir))
	schema := fmt.Sprintf("baosong_test_%x", h.Sum64())
	ctx := context.Background()
	c, err := pgx.Connect(ctx, testPG)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return nil, err
	}
	u, err := url.Parse(testPG)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return OpenPostgres(u.String(), o)
}

// SkipOnPostgres skips a test of bbolt itself (its file, its lock).
func SkipOnPostgres(t *testing.T) {
	if testPG != "" {
		t.Skip("a test of the bbolt file")
	}
}
