package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
