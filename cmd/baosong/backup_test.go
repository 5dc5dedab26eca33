package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/store"
)

func TestBackupOfARunningServer(t *testing.T) {
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, Data: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	defer a.Close()
	srv := httptest.NewServer(a)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/hook/local", "application/json",
		strings.NewReader(`{"from":"cadre-g1c1","text":"考勤 旷课：张三2节","id":"before-backup"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := run([]string{"backup", "-server", srv.URL, "-o", filepath.Join(dir, "baosong.db")}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "已备份") {
		t.Errorf("output: %s", out.String())
	}
	db, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, found, err := db.Seen(context.Background(), "local|cadre-g1c1|before-backup"); !found || err != nil {
		t.Errorf("the backup lacks the message: %v", err)
	}
	if code := run([]string{"backup"}, &out, &errs); code != 2 {
		t.Errorf("without -o: exit %d", code)
	}
}

// A backup cut short is never saved as if it were whole: the CLI checks the
// length the server announced and the SHA-256 trailer, exits 1 and leaves no
// file (an older backup under that name stays as it was).
func TestBackupCutShortLeavesNoFile(t *testing.T) {
	whole := bytes.Repeat([]byte("baosong-db-page."), 1024) // 16 KiB
	sum := sha256.Sum256(whole)
	announce := func(w http.ResponseWriter) {
		w.Header().Set("Trailer", app.BackupSHA256Trailer)
		w.Header().Set(app.BackupLengthHeader, strconv.Itoa(len(whole)))
	}
	servers := []struct {
		name, says string
		handler    http.HandlerFunc
	}{
		{"the server stops half way", "应为 16384 字节", func(w http.ResponseWriter, r *http.Request) {
			announce(w)
			_, _ = w.Write(whole[:5000]) // a failed read: the handler returns, the response ends cleanly
		}},
		{"the connection drops", "传输中断", func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n%s: %d\r\nTrailer: %s\r\n\r\n%x\r\n",
				app.BackupLengthHeader, len(whole), app.BackupSHA256Trailer, len(whole))
			_, _ = buf.Write(whole[:7000])
			_ = buf.Flush()
			conn.Close()
		}},
		{"whole length, no checksum", "未发送校验和", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(app.BackupLengthHeader, strconv.Itoa(len(whole)))
			_, _ = w.Write(whole)
		}},
		{"whole length, another checksum", "校验失败", func(w http.ResponseWriter, r *http.Request) {
			announce(w)
			_, _ = w.Write(whole[:len(whole)-1])
			_, _ = w.Write([]byte("X"))
			w.Header().Set(app.BackupSHA256Trailer, hex.EncodeToString(sum[:]))
		}},
		{"no length announced", "未声明备份长度", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(whole)
		}},
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := httptest.NewServer(s.handler)
			defer srv.Close()
			dir := t.TempDir()
			out := filepath.Join(dir, "baosong.db")
			var stdout, stderr bytes.Buffer
			if code := run([]string{"backup", "-server", srv.URL, "-o", out}, &stdout, &stderr); code != 1 {
				t.Fatalf("exit %d, want 1: %s%s", code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), s.says) || !strings.Contains(stderr.String(), "未保存文件") {
				t.Errorf("stderr %q lacks %q", stderr.String(), s.says)
			}
			if strings.Contains(stdout.String(), "已备份") {
				t.Errorf("reported success: %s", stdout.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left %v behind", entries)
			}
			// An older backup under the same name is kept as it was.
			if err := os.WriteFile(out, []byte("yesterday"), 0o600); err != nil {
				t.Fatal(err)
			}
			run([]string{"backup", "-server", srv.URL, "-o", out}, &stdout, &stderr)
			if raw, _ := os.ReadFile(out); string(raw) != "yesterday" {
				t.Errorf("the older backup was replaced by %d bytes", len(raw))
			}
		})
	}
}
