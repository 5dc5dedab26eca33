package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

// runBackup asks a running server for a consistent copy of its database
// (POST /api/backup, one read transaction) and writes it atomically.
func runBackup(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	out := fs.String("o", "", "output file, e.g. baosong-2026-11-27.db")
	server := fs.String("server", "http://127.0.0.1:8080", "URL of the running server")
	token := fs.String("token", os.Getenv("BAOSONG_ADMIN_TOKEN"), "admin_token of the server (or $BAOSONG_ADMIN_TOKEN)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: -o is required", errUsage)
	}
	if err := writeFileAtomic(*out, func(w io.Writer) error {
		return fetchAdmin(http.MethodPost, *server, "/api/backup", *token, w)
	}); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份数据库 → %s（%d 字节）\n", *out, info.Size())
	return nil
}
