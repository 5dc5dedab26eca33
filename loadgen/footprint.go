package loadgen

import (
	"fmt"
	"io"
	"strings"

	"github.com/baosong/baosong/store"
)

// Footprint prints what a stopped server's database holds per attendance
// entry (one form message): the keys and values of each bucket that holds
// any, and their total. where is a data directory, bbolt:DIR or
// postgres:DSN.
func Footprint(w io.Writer, where string) error {
	if !strings.Contains(where, ":") {
		where = "bbolt:" + where
	}
	db, err := store.OpenURL(where, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	sizes, err := db.Footprint()
	if err != nil {
		return err
	}
	forms := 0
	for _, b := range sizes {
		if b.Name == "attendance" {
			forms = b.Keys
		}
	}
	if forms == 0 {
		return fmt.Errorf("loadgen: %s holds no attendance entries", db.Path())
	}
	var total int64
	fmt.Fprintf(w, "%d attendance entries in %s; bytes of keys and values per entry:\n", forms, db.Path())
	for _, b := range sizes {
		if b.Keys > 0 {
			fmt.Fprintf(w, "  %-20s %8d keys %8.1f B\n", b.Name, b.Keys, float64(b.Bytes)/float64(forms))
			total += b.Bytes
		}
	}
	fmt.Fprintf(w, "  %-20s %8s      %8.1f B\n", "total", "", float64(total)/float64(forms))
	return nil
}
