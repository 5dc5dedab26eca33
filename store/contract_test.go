package store

import (
	"fmt"
	"os"
	"testing"

	"github.com/baosong/baosong/internal/pgtest"
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

// SkipOnPostgres skips a test of bbolt itself (its file, its lock).
func SkipOnPostgres(t *testing.T) {
	if testPG != "" {
		t.Skip("a test of the bbolt file")
	}
}
