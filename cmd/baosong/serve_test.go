package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baosong/baosong/store"
)

// Random bytes written into the database file: serve refuses to start with
// one clear line and exit 1, rather than answer /healthz 200 and panic in
// the handlers.
func TestServeRefusesADamagedDatabase(t *testing.T) {
	data := t.TempDir()
	db, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c"} {
		if err := db.Count(name); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	path := filepath.Join(data, "baosong.db")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 6))
	for i := 2 * os.Getpagesize(); i < len(raw); i++ { // every page but the two meta pages
		raw[i] = byte(rng.Uint32())
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code := run([]string{"serve", "-data", data, "-listen", "127.0.0.1:0"}, &out, &errs)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs.String())
	}
	msg := strings.TrimSuffix(errs.String(), "\n")
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "数据库文件已损坏") || !strings.Contains(msg, "database file is damaged") ||
		!strings.Contains(msg, "备份") {
		t.Errorf("not one clear line:\n%s", errs.String())
	}
	if out.Len() > 0 {
		t.Errorf("stdout: %s", out.String())
	}
}
