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
	if _, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return "", err
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

// DropAll removes the schemas of earlier runs.
func DropAll(dsn string) error {
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
