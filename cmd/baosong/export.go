package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/store"
)

// runExport writes an export file. Without -server it reads the data
// directory of a stopped server (read-only); when a running server holds the
// database it asks that server instead (its configured listen address).
func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	what := fs.String("what", "", "kind: "+strings.Join(export.Kinds(), ", "))
	period := fs.String("period", "", "period: 2026-11, 2026Q4 or 2026")
	out := fs.String("o", "", "output file: .xlsx, .csv or .json")
	cfgPath := fs.String("config", "", "configuration file (default: the embedded demo)")
	data := fs.String("data", "", "data directory (default: [server] data)")
	server := fs.String("server", "", "URL of a running server, e.g. http://127.0.0.1:8080")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *what == "" || *period == "" || *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -what, -period and -o are required", errUsage)
	}
	if !slices.Contains(export.Kinds(), *what) {
		fmt.Fprintf(stderr, "未知的导出类型 %q，可选：%s\n", *what, strings.Join(export.Kinds(), "、"))
		return errUsage
	}
	format, err := export.FormatOf(*out)
	if err != nil {
		return fmt.Errorf("%w: -o 的扩展名应为 .xlsx、.csv 或 .json", errUsage)
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		if *server != "" {
			return fetchExport(*server, cfg.Server.AdminToken, *what, *period, format, w)
		}
		err := exportLocal(cfg, *data, *what, *period, format, w)
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "数据库正被运行中的服务使用，改为通过 http://%s 导出\n", cfg.Server.Listen)
			return fetchExport("http://"+cfg.Server.Listen, cfg.Server.AdminToken, *what, *period, format, w)
		}
		return err
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已导出 %s %s → %s\n", *what, *period, *out)
	return nil
}

func exportLocal(cfg *config.Config, data, what, period, format string, w io.Writer) error {
	if cfg.Postgres() && data == "" { // the configuration's PostgreSQL store (-data still names a bbolt directory)
		db, err := store.OpenPostgres(cfg.StoreDSN(), store.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer db.Close()
		return exportFrom(cfg, db, what, period, format, w)
	}
	if data == "" {
		data = cfg.Server.Data
	}
	if _, err := os.Stat(filepath.Join(data, "baosong.db")); err != nil {
		return fmt.Errorf("数据目录 %s 中没有数据库（-data 指定数据目录）: %w", data, err)
	}
	db, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return exportFrom(cfg, db, what, period, format, w)
}

func exportFrom(cfg *config.Config, db *store.DB, what, period, format string, w io.Writer) error {
	src, err := app.ExportSource(cfg, db, time.Now)
	if err != nil {
		return err
	}
	return export.Write(src, what, period, format, w)
}

func fetchExport(server, token, what, period, format string, w io.Writer) error {
	q := url.Values{"what": {what}, "period": {period}, "format": {format}}
	_, err := fetchAdmin(http.MethodGet, server, "/api/export?"+q.Encode(), token, w)
	return err
}

// fetchAdmin calls an admin endpoint of a running server and copies the
// answer to w; the response it returns has its body read and its Trailer set.
func fetchAdmin(method, server, path, token string, w io.Writer) (*http.Response, error) {
	req, err := http.NewRequest(method, strings.TrimRight(server, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("无法连接 %s（服务是否已启动？）: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return nil, fmt.Errorf("服务拒绝请求（HTTP %d）: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return nil, fmt.Errorf("传输中断 transfer cut short: %w", err)
	}
	return resp, nil
}

// writeFileAtomic writes through a temporary file in the same directory and
// renames it, so a failed export leaves no half file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
