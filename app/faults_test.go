package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/internal/testorg"
)

// mountTmpfs mounts a small tmpfs for the test, or skips when this machine
// does not allow it (not root, no mount).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fillFS fills the rest of the file system at dir with the file dir/filler.
func fillFS(t *testing.T, dir string) {
	t.Helper()
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := filler.Write(buf); err != nil {
			break
		}
	}
	filler.Close()
}

// A read-only data directory: the server refuses to start with one clear
// error naming the database, rather than acknowledging what it cannot keep.
func TestReadOnlyDataDirRefusesToStart(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	_, err := app.New(app.Options{Config: testorg.Config(t), Data: dir})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "baosong.db")) || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("err = %v", err)
	}
}

// A full disk: once bbolt cannot grow its file, messages are refused with
// the same clear answer, and what was acknowledged before is still there.
func TestFullDiskRefusesToAcknowledge(t *testing.T) {
	skipOnPostgres(t, "a full disk under the bbolt file")
	dir := mountTmpfs(t, "2m")
	ta := startTestApp(t, filepath.Join(dir, "data"), time.Time{})
	fillFS(t, dir)
	refused := 0
	var acked []string
	for i := range 400 {
		id := fmt.Sprintf("full-%d", i)
		code, out := ta.post(fmt.Sprintf(`{"from":"cadre-g1c1","text":"帮助 %s","id":%q}`, strings.Repeat("长", 200), id))
		switch {
		case code == 503 && strings.Contains(out.Replies[0].Text, "未被记录"):
			refused++
		case code == 200:
			acked = append(acked, id)
		default:
			t.Fatalf("HTTP %d %+v", code, out)
		}
		if refused > 3 {
			break
		}
	}
	if refused == 0 {
		t.Fatal("a full disk never refused a message")
	}
	// Every acknowledged message is remembered.
	for _, id := range acked {
		if _, found, err := ta.Store.Seen(context.Background(), "local|cadre-g1c1|"+id); !found || err != nil {
			t.Errorf("acknowledged %s lost: %v", id, err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	if r := ta.sayAt("cadre-g1c1", "帮助", "after-full", time.Time{}); !strings.Contains(r, "您可以发送") {
		t.Errorf("after space is freed: %s", r)
	}
}
