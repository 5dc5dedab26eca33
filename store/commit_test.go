package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Concurrent writes share commits; one that fails (or panics) gets its own
// error and leaves nothing, and the writes it shared a commit with are
// stored all the same.
func TestCommitterSharedCommits(t *testing.T) {
	db, err := OpenTest(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	errBad := errors.New("bad write")
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = db.batch(func(tx kvTx) error {
				if err := tx.Bucket(bucketKV).Put(fmt.Appendf(nil, "k%d", i), []byte("v")); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errBad
				case 7:
					panic("write bug")
				}
				return nil
			})
		})
	}
	wg.Wait()
	err = db.View(func(t2 *Tx) error {
		for i := range n {
			stored := t2.bucket(bucketKV).Get(fmt.Appendf(nil, "k%d", i)) != nil
			switch i % 10 {
			case 3:
				if !errors.Is(errs[i], errBad) || stored {
					t.Errorf("write %d: err %v, stored %v; want its own error and nothing stored", i, errs[i], stored)
				}
			case 7:
				if errs[i] == nil || stored {
					t.Errorf("panicking write %d: err %v, stored %v", i, errs[i], stored)
				}
			default:
				if errs[i] != nil || !stored {
					t.Errorf("write %d: err %v, stored %v", i, errs[i], stored)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
