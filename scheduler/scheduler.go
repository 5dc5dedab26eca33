// Package scheduler is baosong's one cron engine: every reminder, overdue
// list and periodic circular of SPEC §6 is a Job whose Task it runs at the
// job's cron times, in the organisation's time zone.
//
// # One injected clock
//
// Every clock of the program reads one injected now func() (`baosong serve
// -now T` starts it at T and lets it run on, see RunningClock). The runner of
// robfig/cron reads time.Now and its timers, so it cannot follow such a
// clock. The engine therefore uses robfig/cron for what it does well — the
// spec parser, the job chain (Recover, SkipIfStillRunning) and its entries
// (Schedule, WrappedJob) — and never starts the cron runner: its own loop
// reads the injected clock every Tick and runs an entry's WrappedJob when
// Schedule.Next of the last time checked has come. The Task gets the
// scheduled firing time as now, not the (slightly later) time it was noticed.
//
// # At most once per process, catch-up, exactly once downstream
//
// Each firing is considered once in a process: the loop's cursor per job only
// moves forward. A firing noticed late (at start after downtime, or after the
// clock jumped) runs if it is less than Catchup old (default 2h) and is
// logged and skipped otherwise; when several firings of one job are due at
// once, only the latest runs and the older ones are logged as superseded
// (tasks compute from stored state, so the latest subsumes them), and a
// firing that comes while the job's previous run is still going is skipped
// (SkipIfStillRunning).
//
// The jobs themselves merge what the engine cannot see: reminders of one
// deadline at several times (attendance-remind-1500 and -1630) are one
// family, and a caught-up firing runs only if no later firing of its family
// about the same deadline has come by now or comes within [schedule]
// catchup_merge (see mergedInto).
//
// The engine keeps no state across restarts, so after a restart it may run a
// firing again that the previous process already ran (Options.Since narrows
// this). Exactly-once delivery is achieved downstream: every reminder a task
// queues carries the idempotency key job|period|recipient, and the outbox
// refuses a key it has seen.
//
// # Calendar decisions belong to the jobs
//
// The engine knows nothing of holidays or vacations. A job that must not act
// on a day the calendar rules out (a holiday, a vacation), or whose date moves
// with a deadline, decides so in its Task, and says so in its Describe for
// planning (see Plan).
//
// # The default jobs
//
// DefaultJobs are the jobs of SPEC §6: attendance reminders and the overdue
// list, the monthly summary and its confirmation chase, the monthly
// information and media deadlines, the quarterly research reminder and
// ranking, the weekly department report. Each fires daily at its
// configured time; Rules (pure: configuration and calendar in, Occasion
// out) decide whether the day has something to do and about which period
// and deadline. What is missing is asked of the domains through small
// interfaces (Sources) at the moment of the firing, so overdue lists come
// from stored state; the pushes go to the Outbox keyed job|period|recipient.
// The app adds the every-minute absence clock (JobAbsenceClock); the
// incident clock (JobIncidentClock) runs beside the engine on a timer of
// its own (incident.Clock), since escalation is due to the second.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Defaults of Options.
const (
	DefaultCatchup = 2 * time.Hour
	DefaultTick    = 500 * time.Millisecond
)

// caughtUpAfter: a firing run more than this after its time is a catch-up
// (the loop reads the clock at least every 30 s, so one on time never is).
const caughtUpAfter = time.Minute

// Task is the work of a job. now is the scheduled firing time in the
// engine's time zone. ctx is cancelled when the engine is stopped hard.
type Task func(ctx context.Context, now time.Time) error

// Job is a named Task on a cron schedule.
type Job struct {
	Name string // unique, e.g. "attendance-remind-1630"
	Spec string // 5-field cron in the engine's time zone, e.g. "30 16 * * 1,4"
	Task Task
	// Describe, optional, says what a firing at would do, for planning
	// (`baosong schedule`); the engine never calls it when running the Task.
	// It and the Task should share one pure decision so the plan and the
	// run agree.
	Describe func(at time.Time) Description
}

// Description is what a job says about one of its firings.
type Description struct {
	Period     string // the period the firing is about, e.g. "2026-W40 周四"
	Deadline   string // the deadline it reminds of, after the holiday policy
	Recipients int    // how many recipients it addresses before anyone has reported (planning reads no stored state)
	Reason     string // the calendar's word, e.g. "2026-10-01 is 国庆节: deadline moved to 2026-09-30"
	Skip       bool   // the Task will do nothing at this firing (holiday, vacation, not the day)
	// Routine marks a job that fires every working day and acts only on
	// stored records (outing notices): `baosong schedule` shows its next
	// firing once instead of every day.
	Routine bool
}

// Options configure an Engine. The zero value is usable.
type Options struct {
	Location *time.Location   // time zone of the specs; nil means Asia/Shanghai
	Now      func() time.Time // the clock; nil means time.Now
	Logger   *slog.Logger     // nil means slog.Default()
	Catchup  time.Duration    // how late a firing may still run; 0 means DefaultCatchup, else at least a minute
	Tick     time.Duration    // how often the clock is read; 0 means DefaultTick, else 10ms to 30s
	// Since is when a previous process was last known to be running (zero
	// if unknown). Firings up to Since are not caught up at start; missed
	// firings between Since and the catch-up window are logged as skipped.
	Since time.Time
}

// ErrStarted is returned by Start while the engine runs, and by Add once it
// has been started.
var ErrStarted = errors.New("scheduler: engine already started")

// Engine runs Jobs. Add every job, then Start; Stop ends it.
type Engine struct {
	loc     *time.Location
	now     func() time.Time
	log     *slog.Logger
	catchup time.Duration
	tick    time.Duration
	since   time.Time
	cron    *cron.Cron

	mu      sync.Mutex
	entries []*entry // in Add order
	started bool     // Start ran once: no more Add
	run     *run     // the loop running now; nil when stopped

	// The watermark (see Watermark): the loop's last clock reading and the
	// firings dispatched and not yet finished.
	wmu        sync.Mutex
	considered time.Time
	inflight   map[*call]time.Time

	running sync.WaitGroup // the tasks of every run
}

// run is one run of the loop, from a Start to its Stop.
type run struct {
	stop       chan struct{}
	loopDone   chan struct{}
	cancelJobs context.CancelFunc
}

// entry is one job as the engine runs it.
type entry struct {
	job      Job
	schedule cron.Schedule
	wrapped  cron.Job // the runner inside the cron chain
	runner   *runner
	next     time.Time // the loop's cursor: the next firing not yet considered
}

// New makes an engine with no jobs.
func New(o Options) (*Engine, error) {
	e := &Engine{
		loc: o.Location, now: o.Now, log: o.Logger, catchup: o.Catchup, tick: o.Tick, since: o.Since,
		inflight: map[*call]time.Time{},
	}
	if e.loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("scheduler: default time zone: %w", err)
		}
		e.loc = loc
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	switch {
	case e.catchup == 0:
		e.catchup = DefaultCatchup
	case e.catchup < time.Minute:
		return nil, fmt.Errorf("scheduler: catch-up window %v: want at least a minute", e.catchup)
	}
	switch {
	case e.tick == 0:
		e.tick = DefaultTick
	case e.tick < 10*time.Millisecond || e.tick > 30*time.Second:
		return nil, fmt.Errorf("scheduler: tick %v: want 10ms to 30s", e.tick)
	}
	logger := cronLogger{e.log}
	e.cron = cron.New(
		cron.WithLocation(e.loc),
		cron.WithLogger(logger),
		// Order matters: the first wrapper is the outermost. In v3.0.1
		// SkipIfStillRunning returns its token only when the job returns,
		// so a panic unwinding through it would mark the job as running
		// forever (robfig/cron#366, fixed after v3.0.1); Recover must sit
		// inside it.
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)),
	)
	return e, nil
}

// Location is the engine's time zone.
func (e *Engine) Location() *time.Location { return e.loc }

// Add registers a job. It fails on an empty or repeated name, a nil Task, a
// spec that does not parse or never fires, or once the engine has started.
// A spec may not name its own time zone (TZ=…): the organisation's applies.
func (e *Engine) Add(j Job) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started {
		return ErrStarted
	}
	if j.Name == "" {
		return fmt.Errorf("scheduler: job with spec %q has no name", j.Spec)
	}
	for _, en := range e.entries {
		if en.job.Name == j.Name {
			return fmt.Errorf("scheduler: job %q added twice", j.Name)
		}
	}
	if j.Task == nil {
		return fmt.Errorf("scheduler: job %q has no task", j.Name)
	}
	spec := strings.TrimSpace(j.Spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		// Also keeps robfig/cron v3.0.1 from panicking on "TZ=x" (its issue #554).
		return fmt.Errorf("scheduler: job %q: spec %q names a time zone; specs use the organisation's", j.Name, j.Spec)
	}
	r := &runner{engine: e, job: j}
	id, err := e.cron.AddJob(spec, r)
	if err != nil {
		return fmt.Errorf("scheduler: job %q: spec %q: %w", j.Name, j.Spec, err)
	}
	ce := e.cron.Entry(id)
	if ce.Schedule.Next(e.now().In(e.loc)).IsZero() {
		e.cron.Remove(id)
		return fmt.Errorf("scheduler: job %q: spec %q never fires", j.Name, j.Spec)
	}
	e.entries = append(e.entries, &entry{job: j, schedule: ce.Schedule, wrapped: ce.WrappedJob, runner: r})
	return nil
}

// Start starts the loop. Firings missed before the start are caught up at
// once (see the package comment). ctx is the parent of every Task's
// context; cancelling it stops the loop and cancels running tasks. An engine
// stopped (or whose ctx ended) may be started again: it goes on from where
// its previous run got to (Watermark), or Options.Since if later.
func (e *Engine) Start(ctx context.Context) error { return e.StartFrom(ctx, e.since) }

// StartFrom is Start with since in place of Options.Since: the watermark
// another process saved, when the engine takes over from it (the elected
// node of several sharing one database).
func (e *Engine) StartFrom(ctx context.Context, since time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.run != nil {
		select {
		case <-e.run.loopDone: // its ctx ended: stopped but for the name
			e.run.cancelJobs()
		default:
			return ErrStarted
		}
	}
	e.started = true
	if w := e.Watermark(); w.After(since) {
		since = w
	}
	jobsCtx, cancel := context.WithCancel(ctx)
	r := &run{stop: make(chan struct{}), loopDone: make(chan struct{}), cancelJobs: cancel}
	e.run = r
	start := e.now().In(e.loc)
	from := start.Add(-e.catchup)
	if !since.IsZero() {
		from = since
		if from.After(start) {
			from = start
		}
	}
	for _, en := range e.entries {
		en.next = en.schedule.Next(from.In(e.loc))
	}
	e.log.Info("scheduler: started", "jobs", len(e.entries), "clock", start, "zone", e.loc.String(), "catchup", e.catchup)
	go e.loop(jobsCtx, r, start)
	return nil
}

// Running reports whether the engine has started and its loop has not
// ended (Stop, or the Start context cancelled).
func (e *Engine) Running() bool {
	e.mu.Lock()
	r := e.run
	e.mu.Unlock()
	if r == nil {
		return false
	}
	select {
	case <-r.loopDone:
		return false
	default:
		return true
	}
}

// Stop stops the loop and waits for running tasks until ctx is done; then
// it cancels their context and returns ctx's error. It does nothing on an
// engine that is not running.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	r := e.run
	e.run = nil
	e.mu.Unlock()
	if r == nil {
		return nil
	}
	close(r.stop)
	<-r.loopDone
	done := make(chan struct{})
	go func() {
		e.running.Wait()
		close(done)
	}()
	defer r.cancelJobs()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("scheduler: stop with tasks still running: %w", ctx.Err())
	}
}

// loop owns the entries' cursors and reads the clock every tick.
func (e *Engine) loop(ctx context.Context, r *run, start time.Time) {
	defer close(r.loopDone)
	e.fireDue(ctx, start)
	ticker := time.NewTicker(e.tick)
	defer ticker.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-ctx.Done():
			return
		case <-ticker.C:
			e.fireDue(ctx, e.now())
		}
	}
}

// fireDue considers, once, every firing up to now and runs what is due.
func (e *Engine) fireDue(ctx context.Context, now time.Time) {
	type firing struct {
		en *entry
		c  *call
	}
	var due []firing
	for _, en := range e.entries {
		var latest, firstOld, lastOld time.Time
		old, superseded := 0, 0
		for !en.next.IsZero() && !en.next.After(now) {
			at := en.next
			en.next = en.schedule.Next(at)
			if now.Sub(at) >= e.catchup {
				if old == 0 {
					firstOld = at
				}
				old++
				lastOld = at
				continue
			}
			if !latest.IsZero() {
				superseded++
			}
			latest = at
		}
		if old > 0 {
			e.log.Warn("scheduler: missed firings skipped, older than the catch-up window",
				"job", en.job.Name, "count", old, "first", firstOld, "last", lastOld, "catchup", e.catchup)
		}
		if superseded > 0 {
			e.log.Info("scheduler: older missed firings superseded by a later one",
				"job", en.job.Name, "count", superseded, "run", latest)
		}
		if !latest.IsZero() {
			due = append(due, firing{en, &call{ctx: ctx, at: latest}})
		}
	}
	// The firings become in flight as the clock reading becomes considered,
	// in one step: the watermark never passes a firing not yet running.
	e.wmu.Lock()
	for _, f := range due {
		e.inflight[f.c] = f.c.at
	}
	e.considered = now
	e.wmu.Unlock()
	for _, f := range due {
		e.dispatch(f.en, f.c, now)
	}
}

// Watermark is the latest instant up to which every firing has been
// considered and every run has finished; zero before the loop's first
// reading. A process that saves it now and then and passes the last saved
// value as Options.Since when it restarts neither reruns what it finished
// nor loses a firing it was killed in the middle of (that one comes after
// the watermark and is caught up), and logs the firings it missed beyond
// the catch-up window.
func (e *Engine) Watermark() time.Time {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	w := e.considered
	for _, at := range e.inflight {
		if before := at.Add(-time.Nanosecond); before.Before(w) {
			w = before
		}
	}
	return w
}

// dispatch runs one firing, already in flight, through the cron chain in
// its own goroutine.
func (e *Engine) dispatch(en *entry, c *call, now time.Time) {
	at := c.at
	if late := now.Sub(at); late > caughtUpAfter {
		e.log.Info("scheduler: catching up a missed firing", "job", en.job.Name, "at", at, "late", late.Round(time.Second))
	} else {
		e.log.Debug("scheduler: firing", "job", en.job.Name, "at", at)
	}
	e.running.Go(func() {
		defer func() {
			e.wmu.Lock()
			delete(e.inflight, c)
			e.wmu.Unlock()
		}()
		en.runner.handoff.Lock()
		en.runner.slot = c
		en.wrapped.Run()
		if !c.claimed {
			en.runner.slot = nil
			en.runner.handoff.Unlock()
			e.log.Warn("scheduler: firing skipped, the previous run is still going", "job", en.job.Name, "at", at)
		}
	})
}

// runner is the cron.Job registered for a Job: the innermost link of the
// chain. cron.Job.Run takes no arguments, so dispatch hands the firing over
// in slot, under handoff: the chain calls Run synchronously in dispatch's
// goroutine, and Run claims the slot and releases handoff before the task
// runs; if SkipIfStillRunning skipped Run, dispatch releases it.
type runner struct {
	engine  *Engine
	job     Job
	handoff sync.Mutex
	slot    *call
}

// call is one firing on its way through the chain.
type call struct {
	ctx     context.Context
	at      time.Time
	claimed bool
}

// Run implements cron.Job.
func (r *runner) Run() {
	c := r.slot
	r.slot = nil
	c.claimed = true
	r.handoff.Unlock()
	r.engine.runTask(c.ctx, r.job, c.at)
}

func (e *Engine) runTask(ctx context.Context, j Job, at time.Time) {
	returned := false
	defer func() {
		if !returned { // panicking: cron.Recover logs the value and stack
			e.log.Error("scheduler: task panicked", "job", j.Name, "at", at)
		}
	}()
	err := j.Task(ctx, at)
	returned = true
	if err != nil {
		e.log.Error("scheduler: task failed", "job", j.Name, "at", at, "err", err)
	}
}

// cronLogger adapts slog to cron.Logger. cron's info messages ("skip")
// carry no job name, so they go to debug; the engine logs its own.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Debug("scheduler: cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("scheduler: cron: "+msg, append([]any{"err", err}, kv...)...)
}
