// Package app wires baosong together: configuration → directory, store,
// handlers, channels, outbox and scheduler → one http.Handler. The command
// line (cmd/baosong) and the end-to-end tests both start it from here.
package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/local"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/wecombot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/console"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/handlers"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/outbox"
	"github.com/baosong/baosong/scheduler"
	"github.com/baosong/baosong/store"
)

// Options start an App.
type Options struct {
	Config *config.Config
	Data   string           // data directory; default Config.Server.Data
	Now    func() time.Time // the one clock of rules, scheduler and outbox; default time.Now
	Log    *slog.Logger
	// HTTPClient calls the WeCom and DingTalk APIs; default each platform
	// package's shared client (fault tests pass one with a short timeout).
	HTTPClient *http.Client
}

// App is a running baosong.
type App struct {
	Config   *config.Config
	Dir      *org.Directory
	Store    *store.DB
	Metrics  *Metrics
	Handlers *handlers.Handlers
	Bot      bot.Handler // the whole inbound chain
	Notifier bot.Notifier
	// Scheduler runs every job of SPEC §6 (app/schedule.go); the incident
	// clock runs beside it.
	Scheduler *scheduler.Engine
	// Console is the web console; nil when [console] is off.
	Console *console.Console
	// The services, built once here on the one clock and shared by the
	// handlers, the console, the scheduler and the incident clock.
	att       *attendance.Service
	desk      *desk.Service
	incidents *incident.Service
	now       func() time.Time
	log       *slog.Logger
	httpc     *http.Client // platform API client; nil: the platforms' own
	mux       *http.ServeMux
	cancel    context.CancelFunc
	resign    context.CancelFunc // ends the leader's work (Start)
	led       <-chan struct{}    // closed when it has ended
	wg        sync.WaitGroup
	waiters   []func()                    // platform callbacks' work still running after their HTTP answer
	runners   []func(ctx context.Context) // long connections to platforms (SPEC §14), run from Start until Close
	// leaderRuns are the long connections a platform allows one of (the
	// WeCom AI bot): run by the leader while it leads.
	leaderRuns []func(ctx context.Context)
	links      []*platform.Link // the state of both, for /healthz?verbose=1
}

// openStore opens the store the configuration names: the bbolt file in the
// data directory, or PostgreSQL.
func openStore(o Options) (*store.DB, error) {
	if o.Config.Postgres() {
		return store.OpenPostgres(o.Config.StoreDSN(), store.Options{Now: o.Now})
	}
	return store.Open(o.Data, store.Options{Now: o.Now})
}

// New opens the store and wires everything; Start runs the background loops.
func New(o Options) (*App, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Data == "" {
		o.Data = o.Config.Server.Data
	}
	dir, err := org.New(o.Config)
	if err != nil {
		return nil, err
	}
	db, err := openStore(o)
	if err != nil {
		return nil, err
	}
	a := &App{Config: o.Config, Dir: dir, Store: db, now: o.Now, log: o.Log, httpc: o.HTTPClient, mux: http.NewServeMux()}
	a.Metrics = newMetrics(func() float64 {
		n, _ := db.Depth()
		return float64(n)
	})
	a.services()
	if a.Console, err = a.newConsole(); err != nil {
		db.Close()
		return nil, err
	}
	a.Handlers = handlers.New(handlers.Deps{Dir: dir, Policies: o.Config.Policies, Attendance: a.att, Desk: a.desk,
		Incidents: a.incidents, Deliveries: deliveries{db}, Now: o.Now, Log: o.Log, Console: a.loginLinks(),
		Count: func(name string) {
			a.Metrics.Rejections.WithLabelValues(name).Inc()
			_ = db.Count(name)
		}})
	a.Bot = a.chain(a.Handlers.Router())
	by := map[string]bot.Notifier{bot.Local: local.Notifier{Store: db, Now: o.Now}}
	if err := a.platforms(by); err != nil {
		db.Close()
		return nil, err
	}
	a.Notifier = bot.Multi{Channel: a.channelOf, By: by}
	if a.Scheduler, err = a.newScheduler(); err != nil {
		db.Close()
		return nil, err
	}
	a.routes()
	return a, nil
}

// services builds each domain service once, over the store, on the app's
// clock (incidents read it in the organisation's zone), each with its
// policy.
func (a *App) services() {
	p := a.Config.Policies
	a.att = attendance.New(p.Attendance, p.Outing, a.Dir, a.Store, a.now)
	a.att.Log, a.att.Catchup = a.log, p.Schedule.Catchup.Duration
	a.desk = desk.New(p.Submission, p.Weekly, a.Dir, a.Store, a.now)
	// 积分, 排名 and the quarterly circular count the classes' attendance
	// forms too (篇1 第九条).
	a.desk.Forms = a.att
	loc := a.Config.Location()
	a.incidents = incident.NewService(a.Store, incident.PolicyFrom(p.Incident), a.Dir,
		func() time.Time { return a.now().In(loc) })
}

// deliveries answers handlers.Deliveries from the store's outbox.
type deliveries struct{ db *store.DB }

func (d deliveries) AwaitDelivery(ctx context.Context, wait time.Duration, keys ...string) (waiting, failed []string, err error) {
	st, err := d.db.AwaitDelivery(ctx, wait, keys...)
	return st.Waiting, st.Failed, err
}

// chain puts the middleware around the router, outermost first.
func (a *App) chain(h bot.Handler) bot.Handler {
	reject := func(reason string) {
		a.Metrics.Rejections.WithLabelValues(reason).Inc()
		_ = a.Store.Count("rejected:" + reason)
	}
	find := func(channel, user string) (string, bool) {
		m, ok := a.Dir.ByUser(channel, user)
		if !ok {
			return "", false
		}
		return m.ID, true
	}
	return bot.Chain(h,
		bot.Recover(a.log),
		bot.Observe(a.log, func(m *bot.Message, took time.Duration, _ error) {
			a.Metrics.observe(m.Channel, m.Intent, took)
		}),
		bot.Lookup(find, reject),
		handlers.TooLong(func() { reject("too_long") }),
		bot.Dedupe(a.Store),
		bot.RateLimit(a.Config.Server.RatePerMinute, a.now, reject),
	)
}

// channelOf names the channel a recipient is reached on.
func (a *App) channelOf(r bot.Recipient) string {
	if r.Group != "" {
		if g, ok := a.Dir.Group(r.Group); ok {
			if g.Channel == bot.WeCom && g.Robot == "" && g.ChatID != "" {
				return wecombot.Channel // a group reached only by the AI bot, in it
			}
			return g.Channel
		}
		return ""
	}
	if m, ok := a.Dir.Member(r.Member); ok {
		if m.Channel == bot.WeCom && a.Config.WeComBot.Enabled && !a.Config.WeCom.Enabled {
			return wecombot.Channel // without the app only the AI bot reaches a member ([wecom.robots] reach groups)
		}
		return m.Channel
	}
	return ""
}

func (a *App) routes() {
	lh := &local.Hook{Handler: a.Bot, Inbox: a.Store, Token: a.Config.Server.LocalToken, Now: a.now,
		Reject: func(reason string) { a.Metrics.Rejections.WithLabelValues(reason).Inc() }}
	lh.Register(a.mux)
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.mux.Handle("GET /metrics", promhttp.HandlerFor(a.Metrics.Registry, promhttp.HandlerOpts{}))
	a.mux.Handle("POST /api/backup", a.admin(http.HandlerFunc(a.backup)))
	if a.Console != nil {
		a.Console.Register(a.mux)
	}
	a.mux.Handle("GET /api/export", a.admin(export.Handler(a.exportSource())))
}

// ServeHTTP serves every endpoint.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// unhealthyAfter is how many failed commits in a row make /healthz fail.
const unhealthyAfter = 3

// healthz answers "ok" while the store and, on the leader, the scheduler
// work (503 with the cause otherwise). With ?verbose=1 it answers JSON that
// adds whether this node leads (SPEC §16) and the state of each long
// connection to a platform; a connection that is down does not
// make the server unhealthy (it reconnects by itself, and local keeps
// working), it shows here and in /metrics.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if err := a.Store.View(func(*store.Tx) error { return nil }); err != nil {
		status, code = "store unavailable", http.StatusServiceUnavailable
	} else if n := a.Store.FailingWrites(); n >= unhealthyAfter {
		status, code = fmt.Sprintf("store: the last %d writes failed (disk full or database damaged)", n), http.StatusServiceUnavailable
	} else if a.Store.Leading() && !a.Scheduler.Running() {
		status, code = "scheduler not running", http.StatusServiceUnavailable
	}
	if r.URL.Query().Get("verbose") != "1" {
		if code != http.StatusOK {
			http.Error(w, status, code)
			return
		}
		_, _ = w.Write([]byte(status))
		return
	}
	links := make([]platform.LinkState, 0, len(a.links))
	for _, l := range a.links {
		links = append(links, l.State())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(struct {
		Status      string               `json:"status"`
		Leader      bool                 `json:"leader"`
		Connections []platform.LinkState `json:"connections"`
	}{status, a.Store.Leading(), links})
}

// admin lets a request through with the admin bearer token, or from
// loopback while no token is configured.
func (a *App) admin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := a.Config.Server.AdminToken
		if token == "" {
			if !local.Loopback(r) {
				http.Error(w, "admin endpoints answer loopback clients only while admin_token is empty (a request through a reverse proxy is not loopback)", http.StatusForbidden)
				return
			}
		} else if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || !constEq(got, token) {
			http.Error(w, "admin token required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// The backup's integrity: its length in a header before the copy, and its
// SHA-256 (hex) in a trailer after it. A copy cut short (a failed read, a
// dropped connection) lacks the trailer or the length; `baosong backup`
// checks both and keeps nothing else.
const (
	BackupLengthHeader  = "X-Backup-Length"
	BackupSHA256Trailer = "X-Backup-Sha256"
)

func (a *App) backup(w http.ResponseWriter, _ *http.Request) {
	if a.Config.Postgres() {
		http.Error(w, "数据保存在 PostgreSQL 中，请在数据库服务器上用 pg_dump 备份（如 pg_dump -Fc -f baosong.dump DSN）；"+
			"baosong backup 只复制 bbolt 文件 (a PostgreSQL store is backed up with pg_dump)", http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="baosong.db"`)
	w.Header().Set("Trailer", BackupSHA256Trailer)
	sum := sha256.New()
	_, err := a.Store.Backup(io.MultiWriter(w, sum), func(size int64) {
		w.Header().Set(BackupLengthHeader, strconv.FormatInt(size, 10))
	})
	if err != nil {
		a.log.Error("backup", "err", err)
		return
	}
	w.Header().Set(BackupSHA256Trailer, hex.EncodeToString(sum.Sum(nil)))
}

// Start runs the background work until Close: the long connections to the
// platforms, and the leader's work (lead) while this node leads — always
// on bbolt; on PostgreSQL the node elected among those sharing the
// database (SPEC §16, store.Lead), every node handling requests.
func (a *App) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	lctx, resign := context.WithCancel(ctx)
	a.resign = resign
	a.led = a.Store.Lead(lctx, a.lead)
	for _, run := range a.runners {
		a.spawn(func() { run(ctx) })
	}
}

// lead starts the work one node does for all — the outbox loop, the
// incident clock, the scheduler (with the absence clock), the housekeeping
// and the long connections a platform allows one of — and returns what
// stops it: the loops at once, the scheduler waiting for running jobs.
func (a *App) lead() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	loop := &outbox.Loop{Queue: a.Store, Notifier: a.Notifier, Now: a.now, Log: a.log,
		Result: func(n bot.Notification, result string) {
			a.Metrics.Pushes.WithLabelValues(a.channelOf(n.To), result).Inc()
		},
		Fault: func(error) { a.Metrics.OutboxFaults.Inc() },
		Batch: a.batchOf, Digest: incident.Digest,
		// Local inboxes list pushes in queue order and never fail: delivered side by side.
		Serial: func(to bot.Recipient) bool { return a.channelOf(to) != bot.Local }}
	run(loop.Run)
	run(a.housekeeping)
	a.startIncidentClock(run)
	a.startScheduler(run)
	for _, r := range a.leaderRuns {
		run(r)
	}
	a.log.Info("leader: this node runs the scheduler, the clocks and the outbox", "store", a.Store.Path())
	return func() {
		cancel()
		a.stopScheduler()
		wg.Wait()
		a.log.Info("leader: this node no longer runs the scheduler, the clocks and the outbox")
	}
}

func (a *App) spawn(f func()) {
	a.wg.Add(1)
	go func() { defer a.wg.Done(); f() }()
}

// housekeeping purges message ids older than the dedupe retention, hourly.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.Store.PurgeDedupe(); err != nil {
			a.log.Error("purge dedupe", "err", err)
		} else if n > 0 {
			a.log.Info("purged old message ids", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close waits for the platform callbacks' work, stops the leader's work
// (waiting for running jobs) and the long connections, and closes the store.
func (a *App) Close() error {
	for _, wait := range a.waiters {
		wait()
	}
	if a.resign != nil {
		a.resign()
		<-a.led
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if err := a.Store.Close(); err != nil {
		return fmt.Errorf("app: close store: %w", err)
	}
	return nil
}

func constEq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
