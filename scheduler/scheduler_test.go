package scheduler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// Inside a synctest bubble time is fake: time.Sleep below advances the fake
// clock instantly once every goroutine is blocked; nothing really sleeps.

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// cst parses "2026-05-07 16:29:50" in Asia/Shanghai.
func cst(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// recorder is a Task that records the firing times it got, and the clock
// time it ran at.
type recorder struct {
	clock func() time.Time
	mu    sync.Mutex
	at    []time.Time
	ran   []time.Time
}

func (r *recorder) task(_ context.Context, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = append(r.at, now)
	r.ran = append(r.ran, r.clock())
	return nil
}

// got lists the firing times as "2006-01-02 15:04:05 MST".
func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, at := range r.at {
		s = append(s, at.Format("2006-01-02 15:04:05 MST"))
	}
	return s
}

func sameList(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

func stopEngine(t *testing.T, e *Engine) {
	t.Helper()
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEngineFiresOnceAtTheMinuteInItsZone(t *testing.T) {
	tests := []struct {
		name string
		zone *time.Location
		spec string
		want []string
	}{
		{"Thursday 16:30 in Shanghai", shanghai, "30 16 * * 1,4", []string{"2026-05-07 16:30:00 CST"}},
		{"16:30 UTC is not 16:30 in Shanghai", time.UTC, "30 16 * * 1,4", nil},
		{"Monday only", shanghai, "30 16 * * 1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := RunningClock(cst(t, "2026-05-07 16:29:50")) // a Thursday
				rec := &recorder{clock: clock}
				e, err := New(Options{Location: tt.zone, Now: clock, Logger: (&logBuffer{}).logger()})
				if err != nil {
					t.Fatal(err)
				}
				if err := e.Add(Job{Name: "remind", Spec: tt.spec, Task: rec.task}); err != nil {
					t.Fatal(err)
				}
				if err := e.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				defer stopEngine(t, e)

				time.Sleep(9 * time.Second)
				synctest.Wait()
				if got := rec.got(); len(got) != 0 {
					t.Fatalf("fired early: %v", got)
				}
				time.Sleep(2 * time.Second)
				synctest.Wait()
				if got := rec.got(); !sameList(got, tt.want) {
					t.Fatalf("after 16:30: fired %v, want %v", got, tt.want)
				}
				if len(tt.want) > 0 {
					if late := rec.ran[0].Sub(rec.at[0]); late < 0 || late > DefaultTick {
						t.Errorf("ran %v after the firing time, want within a tick", late)
					}
					if rec.at[0].Location() != tt.zone {
						t.Errorf("now is in %v, want %v", rec.at[0].Location(), tt.zone)
					}
				}
				time.Sleep(3 * time.Minute)
				synctest.Wait()
				if got := rec.got(); !sameList(got, tt.want) {
					t.Fatalf("three minutes later: fired %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestEngineSkipIfStillRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := RunningClock(cst(t, "2026-05-07 10:00:30"))
		logs := &logBuffer{}
		e, err := New(Options{Location: shanghai, Now: clock, Logger: logs.logger()})
		if err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		var mu sync.Mutex
		var started []string
		task := func(ctx context.Context, now time.Time) error {
			mu.Lock()
			started = append(started, now.Format("15:04"))
			first := len(started) == 1
			mu.Unlock()
			if first {
				<-release
			}
			return nil
		}
		if err := e.Add(Job{Name: "incident-clock", Spec: "* * * * *", Task: task}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		defer stopEngine(t, e)

		// At the start the 10:00 firing is caught up; it blocks.
		synctest.Wait()
		time.Sleep(30 * time.Second) // 10:01:00: skipped, the first still runs
		synctest.Wait()
		close(release)
		time.Sleep(time.Minute) // 10:02:00 runs
		synctest.Wait()
		mu.Lock()
		got := strings.Join(started, " ")
		mu.Unlock()
		if got != "10:00 10:02" {
			t.Errorf("runs started at %s, want 10:00 10:02", got)
		}
		if !strings.Contains(logs.String(), "firing skipped, the previous run is still going") ||
			!strings.Contains(logs.String(), "job=incident-clock") {
			t.Errorf("skip not logged with the job name:\n%s", logs)
		}
	})
}

func TestEngineRecoversFromPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := RunningClock(cst(t, "2026-05-07 10:00:30"))
		logs := &logBuffer{}
		e, err := New(Options{Location: shanghai, Now: clock, Logger: logs.logger()})
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		task := func(ctx context.Context, now time.Time) error {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return errors.New("store closed")
		}
		if err := e.Add(Job{Name: "overdue", Spec: "* * * * *", Task: task}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		defer stopEngine(t, e)
		time.Sleep(time.Minute) // 10:00 (caught up at the start) panics, 10:01 fails
		synctest.Wait()
		if n := calls.Load(); n != 2 {
			t.Fatalf("task ran %d times, want 2 (the engine must survive the panic)", n)
		}
		out := logs.String()
		for _, want := range []string{
			"scheduler: task panicked", "job=overdue", "scheduler: cron: panic", "boom",
			"scheduler: task failed", "store closed",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestEngineCatchup(t *testing.T) {
	tests := []struct {
		name    string
		start   string
		since   string
		catchup time.Duration
		spec    string
		want    []string
		log     string
	}{
		{"missed 1h30 ago runs late", "2026-05-07 18:00:00", "", 0, "30 16 * * *",
			[]string{"2026-05-07 16:30:00 CST"}, "catching up a missed firing"},
		{"missed 3h ago is skipped", "2026-05-07 18:00:00", "", 0, "0 15 * * *",
			nil, ""},
		{"shorter window", "2026-05-07 18:00:00", "", time.Hour, "30 16 * * *",
			nil, ""},
		{"exactly at the window's edge is skipped", "2026-05-07 18:00:00", "", 0, "0 16 * * *",
			nil, ""},
		{"due at the start runs", "2026-05-07 18:00:00", "", 0, "0 18 * * *",
			[]string{"2026-05-07 18:00:00 CST"}, ""},
		{"only the latest of several runs", "2026-05-07 18:10:00", "", 0, "*/30 * * * *",
			[]string{"2026-05-07 18:00:00 CST"}, "superseded by a later one\" job=j count=3"},
		{"already run by the previous process", "2026-05-07 18:00:00", "2026-05-07 17:30:00", 0, "0 17 * * *",
			nil, ""},
		{"previous process died before it", "2026-05-07 18:00:00", "2026-05-07 16:59:00", 0, "0 17 * * *",
			[]string{"2026-05-07 17:00:00 CST"}, ""},
		{"down for a day: older firings logged", "2026-05-07 18:00:00", "2026-05-06 18:00:00", 0, "0 9,12 * * *",
			nil, "older than the catch-up window\" job=j count=2 first=2026-05-07T09:00:00.000+08:00 last=2026-05-07T12:00:00.000+08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := RunningClock(cst(t, tt.start))
				logs := &logBuffer{}
				o := Options{Location: shanghai, Now: clock, Logger: logs.logger(), Catchup: tt.catchup}
				if tt.since != "" {
					o.Since = cst(t, tt.since)
				}
				e, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				rec := &recorder{clock: clock}
				if err := e.Add(Job{Name: "j", Spec: tt.spec, Task: rec.task}); err != nil {
					t.Fatal(err)
				}
				if err := e.Start(t.Context()); err != nil {
					t.Fatal(err)
				}
				defer stopEngine(t, e)
				synctest.Wait()
				if got := rec.got(); !sameList(got, tt.want) {
					t.Errorf("at start: ran %v, want %v", got, tt.want)
				}
				time.Sleep(5 * time.Second) // nothing is caught up twice
				synctest.Wait()
				if got := rec.got(); !sameList(got, tt.want) {
					t.Errorf("5s later: ran %v, want %v", got, tt.want)
				}
				if !strings.Contains(logs.String(), tt.log) {
					t.Errorf("log lacks %q:\n%s", tt.log, logs)
				}
			})
		})
	}
}

// A clock set back (an NTP step, a restarted -now) must not replay a firing
// the process already ran.
func TestEngineNeverRunsAFiringTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		run := RunningClock(cst(t, "2026-05-07 16:29:50"))
		var back atomic.Int64
		clock := func() time.Time { return run().Add(-time.Duration(back.Load())) }
		rec := &recorder{clock: clock}
		e, err := New(Options{Location: shanghai, Now: clock, Logger: (&logBuffer{}).logger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Add(Job{Name: "remind", Spec: "30 16 * * 4", Task: rec.task}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		defer stopEngine(t, e)
		time.Sleep(20 * time.Second) // 16:30:10
		synctest.Wait()
		back.Store(int64(5 * time.Minute)) // 16:25:10
		time.Sleep(10 * time.Minute)       // the clock passes 16:30 again
		synctest.Wait()
		if got, want := rec.got(), []string{"2026-05-07 16:30:00 CST"}; !sameList(got, want) {
			t.Fatalf("ran %v, want %v", got, want)
		}
	})
}

func TestEngineStopWaitsForRunningTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := RunningClock(cst(t, "2026-05-07 16:29:59"))
		e, err := New(Options{Location: shanghai, Now: clock, Logger: (&logBuffer{}).logger()})
		if err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		var finished atomic.Bool
		task := func(ctx context.Context, now time.Time) error {
			<-release
			finished.Store(true)
			return nil
		}
		if err := e.Add(Job{Name: "remind", Spec: "30 16 * * *", Task: task}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		stopped := make(chan error, 1)
		go func() { stopped <- e.Stop(context.Background()) }()
		synctest.Wait()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned %v while the task still runs", err)
		default:
		}
		close(release)
		synctest.Wait()
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("Stop did not return after the task ended")
		}
		if !finished.Load() {
			t.Fatal("task did not finish")
		}
		if err := e.Stop(context.Background()); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
	})
}

func TestEngineStopTimeoutCancelsTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := RunningClock(cst(t, "2026-05-07 16:29:59"))
		e, err := New(Options{Location: shanghai, Now: clock, Logger: (&logBuffer{}).logger()})
		if err != nil {
			t.Fatal(err)
		}
		cancelled := make(chan struct{})
		task := func(ctx context.Context, now time.Time) error {
			<-ctx.Done()
			close(cancelled)
			return ctx.Err()
		}
		if err := e.Add(Job{Name: "remind", Spec: "30 16 * * *", Task: task}); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Stop = %v, want a deadline error", err)
		}
		<-cancelled
	})
}

func TestEngineLifecycle(t *testing.T) {
	e, err := New(Options{Location: shanghai, Logger: (&logBuffer{}).logger()})
	if err != nil {
		t.Fatal(err)
	}
	noop := func(context.Context, time.Time) error { return nil }
	if err := e.Add(Job{Name: "a", Spec: "0 9 * * 1", Task: noop}); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); !errors.Is(err, ErrStarted) {
		t.Errorf("second Start = %v, want ErrStarted", err)
	}
	if err := e.Add(Job{Name: "b", Spec: "0 9 * * 1", Task: noop}); !errors.Is(err, ErrStarted) {
		t.Errorf("Add after Start = %v, want ErrStarted", err)
	}
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err != nil { // a node elected again
		t.Errorf("Start after Stop = %v", err)
	}
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	idle, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := idle.Stop(context.Background()); err != nil {
		t.Errorf("Stop before Start = %v", err)
	}
	if idle.Location().String() != "Asia/Shanghai" {
		t.Errorf("default zone %v", idle.Location())
	}
}

func TestNewErrors(t *testing.T) {
	for _, o := range []Options{
		{Catchup: time.Second},
		{Catchup: -time.Hour},
		{Tick: time.Millisecond},
		{Tick: time.Minute},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestAddErrors(t *testing.T) {
	noop := func(context.Context, time.Time) error { return nil }
	tests := []struct {
		job  Job
		want string
	}{
		{Job{Spec: "0 9 * * *", Task: noop}, "has no name"},
		{Job{Name: "a", Spec: "0 9 * * *", Task: noop}, "added twice"},
		{Job{Name: "b", Spec: "0 9 * * *"}, "has no task"},
		{Job{Name: "c", Spec: "0 25 * * *", Task: noop}, `job "c": spec "0 25 * * *"`},
		{Job{Name: "d", Spec: "", Task: noop}, `job "d": spec ""`},
		{Job{Name: "e", Spec: "0 9 * *", Task: noop}, `job "e": spec "0 9 * *"`},
		{Job{Name: "f", Spec: "TZ=0", Task: noop}, "names a time zone"},
		{Job{Name: "g", Spec: "CRON_TZ=UTC 0 9 * * *", Task: noop}, "names a time zone"},
		{Job{Name: "h", Spec: "0 0 30 2 *", Task: noop}, "never fires"},
	}
	e, err := New(Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Add(Job{Name: "a", Spec: "0 9 * * *", Task: noop}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		err := e.Add(tt.job)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "scheduler: ") {
			t.Errorf("Add(%q, %q) = %v, want an error with %q", tt.job.Name, tt.job.Spec, err, tt.want)
		}
	}
	if n := len(e.Plan(cst(t, "2026-05-07 00:00:00"), 10)); n != 10 {
		t.Errorf("plan has %d firings; rejected jobs must leave no trace", n)
	}
	for _, f := range e.Plan(cst(t, "2026-05-07 00:00:00"), 10) {
		if f.Job != "a" {
			t.Errorf("plan lists rejected job %q", f.Job)
		}
	}
}

func TestRunningClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := cst(t, "2026-05-07 16:29:50")
		clock := RunningClock(start)
		if got := clock(); !got.Equal(start) {
			t.Fatalf("clock() = %v, want %v", got, start)
		}
		time.Sleep(10 * time.Second)
		if got, want := clock(), cst(t, "2026-05-07 16:30:00"); !got.Equal(want) {
			t.Fatalf("10s later clock() = %v, want %v", got, want)
		}
	})
}

func FuzzAddSpec(f *testing.F) {
	for _, s := range []string{"30 16 * * 1,4", "TZ=", "TZ=0", "@every 1s", "@daily", "* * * * * *", "0 0 30 2 *", "*/0 * * * *", "5-1 * * * *"} {
		f.Add(s)
	}
	noop := func(context.Context, time.Time) error { return nil }
	from := time.Date(2026, 5, 7, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		e, err := New(Options{Location: time.UTC, Now: func() time.Time { return from }, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Add(Job{Name: "fuzz", Spec: spec, Task: noop}); err != nil {
			return
		}
		plan := e.Plan(from, 3)
		if len(plan) == 0 {
			t.Fatalf("spec %q accepted but never fires", spec)
		}
		for i, f := range plan {
			if f.At.Before(from) || (i > 0 && !f.At.After(plan[i-1].At)) {
				t.Fatalf("spec %q: plan out of order: %v", spec, plan)
			}
		}
	})
}

func ExampleEngine_Plan() {
	e, _ := New(Options{Location: time.FixedZone("CST", 8*3600)})
	noop := func(context.Context, time.Time) error { return nil }
	_ = e.Add(Job{Name: "attendance-remind-1500", Spec: "0 15 * * 1,4", Task: noop})
	_ = e.Add(Job{Name: "attendance-overdue", Spec: "5 17 * * 1,4", Task: noop})
	for _, f := range e.Plan(time.Date(2026, 5, 7, 16, 0, 0, 0, e.Location()), 3) {
		fmt.Println(f.At.Format("Mon 2006-01-02 15:04"), f.Job)
	}
	// Output:
	// Thu 2026-05-07 17:05 attendance-overdue
	// Mon 2026-05-11 15:00 attendance-remind-1500
	// Mon 2026-05-11 17:05 attendance-overdue
}
