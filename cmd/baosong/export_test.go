package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/config"
)

// exportApp runs the demo school over data with its clock at 2026-11-27 09:00.
func exportApp(t *testing.T, data string) (*app.App, *httptest.Server) {
	t.Helper()
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, cfg.Location()) }
	a, err := app.New(app.Options{Config: cfg, Data: data, Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return a, httptest.NewServer(a)
}

func exportRun(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"export"}, args...), &out, &errOut)
	return out.String() + errOut.String(), code
}

func exportedIDs(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kind  string `json:"kind"`
		Forms []struct {
			Entries []struct {
				ID string `json:"id"`
			} `json:"entries"`
		} `json:"forms"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Kind != "attendance" {
		t.Fatalf("%s: %v %s", path, err, raw)
	}
	var ids []string
	for _, f := range doc.Forms {
		for _, e := range f.Entries {
			ids = append(ids, e.ID)
		}
	}
	return strings.Join(ids, ",")
}

func TestExportStoppedAndRunning(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	a, srv := exportApp(t, data)
	resp, err := http.Post(srv.URL+"/hook/local", "application/json",
		strings.NewReader(`{"from":"cadre-g1c1","text":"考勤 旷课：张三2节","at":"2026-11-26T16:02:00+08:00"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// A stopped server's data directory, every format.
	for _, name := range []string{"a.json", "a.csv", "a.xlsx"} {
		msg, code := exportRun(t, "-what", "attendance", "-period", "2026-11", "-o", filepath.Join(out, name), "-data", data)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, msg)
		}
	}
	if ids := exportedIDs(t, filepath.Join(out, "a.json")); ids != "A1" {
		t.Errorf("entries %q", ids)
	}
	if csv, _ := os.ReadFile(filepath.Join(out, "a.csv")); !strings.Contains(string(csv), "高一(1)班") {
		t.Errorf("csv %s", csv)
	}

	// A running server: through -server, and, when its database is locked,
	// through the listen address of the configuration.
	a, srv = exportApp(t, data)
	defer func() { srv.Close(); a.Close() }()
	msg, code := exportRun(t, "-what", "attendance", "-period", "2026-11", "-o", filepath.Join(out, "b.json"), "-server", srv.URL)
	if code != 0 || exportedIDs(t, filepath.Join(out, "b.json")) != "A1" {
		t.Fatalf("through -server: exit %d %s", code, msg)
	}
	cfgFile := filepath.Join(out, "baosong.toml")
	cfgText := strings.Replace(string(baosong.ExampleConfig), `listen = "127.0.0.1:8080"`,
		`listen = "`+strings.TrimPrefix(srv.URL, "http://")+`"`, 1)
	if err := os.WriteFile(cfgFile, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	msg, code = exportRun(t, "-what", "attendance", "-period", "2026-11", "-o", filepath.Join(out, "c.json"), "-data", data, "-config", cfgFile)
	if code != 0 || !strings.Contains(msg, "改为通过") || exportedIDs(t, filepath.Join(out, "c.json")) != "A1" {
		t.Fatalf("locked database: exit %d %s", code, msg)
	}
}

func TestExportUsage(t *testing.T) {
	out := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-what", "attendance", "-period", "2026-11"}, 2, "usage: baosong export"},
		{[]string{"-what", "attendance", "-period", "2026-11", "-o", filepath.Join(out, "x.pdf")}, 2, "usage"},
		{[]string{"-what", "nothing", "-period", "2026-11", "-o", filepath.Join(out, "x.json")}, 2, "未知的导出类型 \"nothing\"，可选：archive、attendance"},
		{[]string{"-what", "attendance", "-period", "2026-11", "-o", filepath.Join(out, "x.json"), "-data", filepath.Join(out, "none")}, 1, "没有数据库"},
	}
	for _, c := range cases {
		msg, code := exportRun(t, c.args...)
		if code != c.code || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, msg)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("failed exports left files: %v", entries)
	}
}
