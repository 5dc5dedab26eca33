// Package testorg is where the tests of many packages start: the demo
// organisation of config.example.toml (adjusted by the test, validated),
// its directory and calendar, and a real store in a temporary directory.
package testorg

import (
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// Config is the example configuration after opts, validated.
func Config(t testing.TB, opts ...func(*config.Config)) *config.Config {
	t.Helper()
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(cfg)
	}
	if p := cfg.Validate(); len(p) > 0 {
		t.Fatal(p)
	}
	return cfg
}

// Directory is cfg's directory.
func Directory(t testing.TB, cfg *config.Config) *org.Directory {
	t.Helper()
	dir, err := org.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Calendar is cfg's working-day calendar.
func Calendar(t testing.TB, cfg *config.Config) *org.Calendar {
	t.Helper()
	cal, err := org.CalendarOf(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// Store is a real (bbolt) store in a temporary directory, closed with the
// test; now is its clock (nil: the real one).
func Store(t testing.TB, now func() time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
