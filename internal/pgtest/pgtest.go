// Package pgtest gives tests a PostgreSQL database of their own: a schema of
// the database BAOSONG_TEST_PG names (a DSN), one per key (a test's data
// directory), so a test that reopens its directory reopens its data.
package pgtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Env is the DSN of the test database; "" when PostgreSQL tests are off.
func Env() string { return os.Getenv("BAOSONG_TEST_PG") }

// Skipped is what a test run says when BAOSONG_TEST_PG is unset.
const Skipped = "BAOSONG_TEST_PG is unset (a PostgreSQL DSN): the PostgreSQL run is skipped"

// DSN creates (if needed) the schema for key in the database of dsn and
// returns a DSN whose search_path is that schema.
func DSN(dsn, key string) (string, error) {
	h := fnv.New64a()
	h.Write([]byte(key))
	schema := fmt.Sprintf("baosong_test_%x", h.Sum64())
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	made.Lock() // one at a time: concurrent CREATE SCHEMA IF NOT EXISTS of one name fail
	defer made.Unlock()
	if _, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return "", err
	}
	if !slices.Contains(made.schemas, schema) {
		made.schemas = append(made.schemas, schema)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// made lists the schemas DSN created in this process.
var made struct {
	sync.Mutex
	schemas []string
}

// Drop removes the schemas this process made. Those of other test
// processes stay: they may be running (go test ./... runs packages side by
// side, helpers share a server), and dropping their schemas fails them.
func Drop(dsn string) error {
	made.Lock()
	names := made.schemas
	made.schemas = nil
	made.Unlock()
	if len(names) == 0 {
		return nil
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	for _, n := range names {
		if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+n+` CASCADE`); err != nil {
			return err
		}
	}
	return nil
}
