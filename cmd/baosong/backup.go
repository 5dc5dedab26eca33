package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/baosong/baosong/app"
)

// runBackup asks a running server for a consistent copy of its database
// (POST /api/backup, one read transaction) and writes it atomically: only a
// copy whose length and SHA-256 match what the server announced is kept
// (app.BackupLengthHeader, app.BackupSHA256Trailer); otherwise no file is
// left and the exit code is 1.
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
		got := &digest{h: sha256.New()}
		resp, err := fetchAdmin(http.MethodPost, *server, "/api/backup", *token, io.MultiWriter(w, got))
		if err != nil {
			return err
		}
		return got.check(resp)
	}); err != nil {
		return fmt.Errorf("备份失败，未保存文件 backup failed, nothing saved: %w", err)
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份数据库 → %s（%d 字节）\n", *out, info.Size())
	return nil
}

// digest counts and hashes the bytes of a backup as they arrive.
type digest struct {
	h hash.Hash
	n int64
}

func (d *digest) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return d.h.Write(p)
}

// check compares what arrived with the length and checksum the server announced.
func (d *digest) check(resp *http.Response) error {
	want, err := strconv.ParseInt(resp.Header.Get(app.BackupLengthHeader), 10, 64)
	if err != nil {
		return errors.New("服务器未声明备份长度 the server announced no length")
	}
	if d.n != want {
		return fmt.Errorf("备份不完整：收到 %d 字节，应为 %d 字节 (truncated)", d.n, want)
	}
	sum := resp.Trailer.Get(app.BackupSHA256Trailer)
	if sum == "" {
		return errors.New("服务器未发送校验和，备份可能不完整 no checksum trailer")
	}
	if got := hex.EncodeToString(d.h.Sum(nil)); got != sum {
		return fmt.Errorf("备份校验失败：SHA-256 %s，应为 %s", got, sum)
	}
	return nil
}
