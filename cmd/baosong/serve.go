package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/scheduler"
	"github.com/baosong/baosong/store"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	path := fs.String("config", "", "configuration file (default: the embedded demo 示例中学)")
	listen := fs.String("listen", "", "listen address (default [server] listen, 127.0.0.1:8080)")
	data := fs.String("data", "", "data directory (default [server] data, ./data)")
	nowFlag := fs.String("now", "", "start the clock at this RFC 3339 instant and let it run on (demos and tests only)")
	verbose := fs.Bool("v", false, "log every message at debug level")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060")
	insecure := fs.Bool("insecure-loopback", false, "start although WeCom/DingTalk is enabled and admin_token or local_token is empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *pprofAddr != "" {
		if host, _, err := net.SplitHostPort(*pprofAddr); err != nil || !isLoopback(host) {
			return fmt.Errorf("%w: -pprof %q must be a loopback address such as 127.0.0.1:6060", errUsage, *pprofAddr)
		}
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	if w := cfg.OpenToTheProxy(); w != "" {
		if !*insecure {
			return fmt.Errorf("拒绝启动 refusing to start：%s；确需如此请加 -insecure-loopback", w)
		}
		fmt.Fprintf(stderr, "警告 WARNING（-insecure-loopback）：%s。\n", w)
	}
	now := time.Now
	if *nowFlag != "" {
		start, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return fmt.Errorf("%w: -now %q is not RFC 3339", errUsage, *nowFlag)
		}
		now = scheduler.RunningClock(start) // the one clock of rules, scheduler and outbox
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if *listen == "" {
		*listen = cfg.Server.Listen
	}
	a, err := app.New(app.Options{Config: cfg, Data: *data, Now: now, Log: log})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("数据目录正被另一个 baosong 进程使用（%v）；请先停止它，或用 -data 指定其他目录", err)
	}
	if errors.Is(err, store.ErrCorrupt) {
		return fmt.Errorf("数据库文件已损坏，服务未启动 database file is damaged（%s）：请用最近的备份（baosong backup 保存的文件）替换它后再启动",
			strings.ReplaceAll(err.Error(), "\n", " "))
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen %s: %w", *listen, err)
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	if *pprofAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		go func() { log.Error("pprof", "err", http.ListenAndServe(*pprofAddr, mux)) }()
	}
	a.Start()
	debug.FreeOSMemory() // hand back what loading a large configuration used (10,000 members: ~30 MiB)
	fmt.Fprintf(stdout, "baosong %s: %s listening on http://%s (data %s)\n", version, cfg.Org.Name, ln.Addr(), a.Store.Path())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	}
	if cerr := a.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
