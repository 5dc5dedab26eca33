package store

import (
	"errors"
	"testing"
)

// A write transaction reads what this process's last ones read and wrote
// without asking PostgreSQL, and never a value another process (or a
// rolled-back or bucket-deleting transaction) has since changed.
func TestPostgresCacheFollowsOtherProcesses(t *testing.T) {
	if testPG == "" {
		t.Skip("two processes on one PostgreSQL database")
	}
	dir := t.TempDir()
	a, trips, err := OpenCounting(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	bucket, key := []byte("cache-test"), []byte("k")
	put := func(db *DB, v string) {
		t.Helper()
		if err := db.kv.Update(func(tx kvTx) error { return tx.Bucket(bucket).Put(key, []byte(v)) }); err != nil {
			t.Fatal(err)
		}
	}
	// read reads another key first (the transaction's first read always
	// goes to the database) and then the key, in a write transaction or a
	// read-only one; it returns the key's value and the round trips of a's
	// transaction.
	read := func(db *DB, in func(func(kvTx) error) error) (string, int64) {
		t.Helper()
		var got []byte
		before := trips.Load()
		err := in(func(tx kvTx) error {
			tx.Bucket(bucket).Get([]byte("other"))
			got = tx.Bucket(bucket).Get(key)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if cap(got) != len(got) { // shared by transactions: an append must copy, as on bbolt
			t.Errorf("a value read with room to append into: len %d cap %d", len(got), cap(got))
		}
		if got == nil {
			return "<absent>", trips.Load() - before
		}
		return string(got), trips.Load() - before
	}
	get := func(db *DB) (string, int64) { return read(db, db.kv.Update) }
	view := func(db *DB) (string, int64) { return read(db, db.kv.View) }
	put(a, "1")
	view(a) // the read-only transaction's statements prepared on the connection
	get(a)  // "other" is now known absent too
	if v, n := get(a); v != "1" || n != 2 {
		t.Fatalf("a reads its own write: %q in %d round trips, want 1 in 2 (the first read, the commit)", v, n)
	}
	if v, n := view(a); v != "1" || n != 2 {
		t.Fatalf("a's read-only transaction reads %q in %d round trips, want 1 in 2", v, n)
	}
	put(b, "2")
	if v, n := view(a); v != "2" || n != 3 {
		t.Fatalf("after the other process wrote, a's read-only transaction reads %q in %d round trips, want 2 from the database in 3", v, n)
	}
	if v, n := get(a); v != "2" || n != 3 {
		t.Fatalf("after the other process wrote, a reads %q in %d round trips, want 2 from the database in 3", v, n)
	}
	if v, n := get(a); v != "2" || n != 2 {
		t.Fatalf("a reads %q in %d round trips, want 2 from its cache again", v, n)
	}
	refused := errors.New("refused")
	if err := a.kv.Update(func(tx kvTx) error {
		tx.Bucket(bucket).Put(key, []byte("rolled back"))
		return refused
	}); !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if v, _ := get(a); v != "2" {
		t.Fatalf("after a rolled-back write a reads %q, want 2", v)
	}
	err = a.kv.Update(func(tx kvTx) error {
		tx.Bucket(bucket).Get([]byte("other"))
		if err := tx.DeleteBucket(bucket); err != nil {
			return err
		}
		if v := tx.Bucket(bucket).Get(key); v != nil {
			t.Errorf("after deleting the bucket a reads %q in the same transaction", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := get(a); v != "<absent>" {
		t.Fatalf("after deleting the bucket a reads %q", v)
	}
	put(a, "3")
	if err := b.kv.Update(func(tx kvTx) error { return tx.Bucket(bucket).Delete(key) }); err != nil {
		t.Fatal(err)
	}
	if v, _ := get(a); v != "<absent>" {
		t.Fatalf("after the other process deleted the key a reads %q", v)
	}
	put(a, "4")
	if err := b.kv.Update(func(tx kvTx) error { return tx.Bucket(bucket).Put(key, []byte("5")) }); err != nil {
		t.Fatal(err)
	}
	if v, _ := view(a); v != "5" {
		t.Fatalf("after the other process wrote, a's read-only transaction reads %q, want 5", v)
	}
}

// Nodes started together on an empty database (a deployment's first start)
// all open it: PostgreSQL refuses all but one of concurrent CREATE TABLE IF
// NOT EXISTS with a unique violation, which means the table is there.
func TestPostgresNodesStartTogether(t *testing.T) {
	if testPG == "" {
		t.Skip("processes on one PostgreSQL database")
	}
	for round := range 5 {
		dir := t.TempDir()
		errs := make(chan error, 6)
		dbs := make(chan *DB, 6)
		for range 6 {
			go func() {
				db, err := OpenTest(dir, Options{})
				errs <- err
				dbs <- db
			}()
		}
		for range 6 {
			if err := <-errs; err != nil {
				t.Errorf("round %d: a node could not open the empty database: %v", round, err)
			}
			if db := <-dbs; db != nil {
				db.Close()
			}
		}
	}
}
