package store

import (
	"errors"
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
// 64 MiB steps once past that size.
func TestBoltMapsAheadOfTheFile(t *testing.T) {
	SkipOnPostgres(t)
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := mapped(t, filepath.Join(dir, "baosong.db")); n != boltMmapSize {
		t.Errorf("mapped %d bytes of a new database, want %d", n, boltMmapSize)
	}
	if got := db.kv.(*boltEngine).db.AllocSize; got != boltAllocSize {
		t.Errorf("grows %d bytes at a time, want %d", got, boltAllocSize)
	}
}

// While a read is in progress (an export, a summary), writes that grow the
// file by megabytes go through: bbolt remaps a file that outgrows its map,
// and a remap waits for every read to end, holding up the commit and every
// request behind it (a 242 ms stall in a soak before the map was sized).
func TestGrowingFileDoesNotWaitForReads(t *testing.T) {
	SkipOnPostgres(t)
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reading, written := make(chan struct{}), make(chan error, 1)
	go func() {
		<-reading
		ns := make([]bot.Notification, 4000)
		for i := range ns {
			ns[i] = bot.Notification{To: bot.Recipient{Member: "teacher-" + strconv.Itoa(i)}, Text: strings.Repeat("旷课", 200)}
		}
		_, err := db.Enqueue(ns...)
		written <- err
	}()
	err = db.kv.View(func(kvTx) error {
		close(reading)
		select {
		case err := <-written:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("the write waited for the read to end: the file was remapped")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(db.Path())
	if err != nil || info.Size() < 4<<20 {
		t.Fatalf("the file grew to %d bytes only (%v): the test proves nothing", info.Size(), err)
	}
}
