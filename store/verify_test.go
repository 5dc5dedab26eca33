package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// filledStore closes a store holding a few pages of counters and returns
// its directory and the ids of its leaf and branch pages.
func filledStore(t *testing.T) (dir string, pages []int) {
	t.Helper()
	dir = t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.kv.Update(func(tx kvTx) error {
		for i := range 400 {
			if err := tx.Bucket(bucketCounters).Put(fmt.Appendf(nil, "counter-%04d-padding-to-fill-pages", i), u64(1)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.kv.(*boltEngine).db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return err
			}
			if info.Type == "leaf" || info.Type == "branch" {
				pages = append(pages, id)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, pages
}

// Random bytes written into the database file: Open refuses it with
// ErrCorrupt (no panic, no half-open store), wherever the bytes land on a
// page in use.
func TestOpenRefusesADamagedFile(t *testing.T) {
	SkipOnPostgres(t)
	_, pages := filledStore(t)
	if len(pages) < 3 {
		t.Fatalf("only %d pages in use", len(pages))
	}
	size := os.Getpagesize()
	cases := map[string]func(f *os.File, rng *rand.Rand) error{
		"every page after the meta pages": func(f *os.File, rng *rand.Rand) error {
			info, _ := f.Stat()
			return scribble(f, rng, int64(2*size), int(info.Size())-2*size)
		},
		"both meta pages": func(f *os.File, rng *rand.Rand) error { return scribble(f, rng, 0, 2*size) },
	}
	for _, id := range pages {
		cases[fmt.Sprintf("page %d in use", id)] = func(f *os.File, rng *rand.Rand) error {
			return scribble(f, rng, int64(id*size), 64)
		}
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir, _ := filledStore(t)
			f, err := os.OpenFile(filepath.Join(dir, "baosong.db"), os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := damage(f, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			f.Close()
			db, err := Open(dir, Options{})
			if err == nil {
				db.Close()
				t.Fatal("a damaged file was opened")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func scribble(f *os.File, rng *rand.Rand, at int64, n int) error {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	_, err := f.WriteAt(b, at)
	return err
}
