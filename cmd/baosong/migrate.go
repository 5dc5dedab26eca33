package main

import (
	"fmt"
	"io"

	"github.com/baosong/baosong/store"
)

// runMigrate copies a stopped server's whole store to another engine:
// bbolt to PostgreSQL, or back. The destination must hold no data.
func runMigrate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr)
	from := fs.String("from", "", "the store to copy: bbolt:DIR or postgres:DSN")
	to := fs.String("to", "", "the empty store to copy into: postgres:DSN or bbolt:DIR")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -from and -to are required", errUsage)
	}
	src, err := store.OpenURL(*from, store.Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenURL(*to, store.Options{})
	if err != nil {
		return err
	}
	defer dst.Close()
	n, err := store.Copy(dst, src)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %d keys from %s to %s\n", n, src.Path(), dst.Path())
	return nil
}
