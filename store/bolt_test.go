package store

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

// mapped is how many bytes of path the process has mapped (Linux).
func mapped(t *testing.T, path string) int64 {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps:", err)
	}
	var n int64
	for line := range strings.Lines(string(raw)) {
		f := strings.Fields(line)
		if len(f) < 6 || f[5] != path {
			continue
		}
		from, to, _ := strings.Cut(f[0], "-")
		a, _ := strconv.ParseUint(from, 16, 64)
		b, _ := strconv.ParseUint(to, 16, 64)
		n += int64(b - a)
	}
	return n
}

// A new database is mapped 1 GiB from the start and its file grows in
// 64 MiB steps once past that size, so that a growing database is not
// remapped (which holds up every request) while a school fills it: the map
// stays where it was while the file grows by thousands of pushes.
func TestBoltMapsAheadOfTheFile(t *testing.T) {
	SkipOnPostgres(t)
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, "baosong.db")
	if n := mapped(t, path); n != boltMmapSize {
		t.Fatalf("mapped %d bytes of a new database, want %d", n, boltMmapSize)
	}
	addr := &db.kv.(*boltEngine).db.Info().Data
	before := *addr
	ns := make([]bot.Notification, 2000)
	for i := range ns {
		ns[i] = bot.Notification{To: bot.Recipient{Member: "teacher-" + strconv.Itoa(i)}, Text: strings.Repeat("旷课", 200), At: time.Now()}
	}
	for range 5 {
		if _, err := db.Enqueue(ns...); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() < 8<<20 {
		t.Fatalf("the file grew to %d bytes only: the test proves nothing", info.Size())
	}
	if after := db.kv.(*boltEngine).db.Info().Data; after != before || mapped(t, path) != boltMmapSize {
		t.Errorf("remapped while the file grew to %d bytes", info.Size())
	}
	if db.kv.(*boltEngine).db.AllocSize != boltAllocSize {
		t.Errorf("grows %d bytes at a time, want %d", db.kv.(*boltEngine).db.AllocSize, boltAllocSize)
	}
}
