package scheduler

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// demo is the demo organisation, adjusted by opts before validation.
func demo(t testing.TB, opts ...func(*config.Config)) (*config.Config, *org.Directory, *org.Calendar) {
	t.Helper()
	cfg := testorg.Config(t, opts...)
	return cfg, testorg.Directory(t, cfg), testorg.Calendar(t, cfg)
}

// planEngine holds the default jobs, for planning only.
func planEngine(t testing.TB, d Deps) *Engine {
	t.Helper()
	e, err := New(Options{Location: d.Dir.Calendar().Location()})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range Enabled(DefaultJobs(d), d.Policies.Schedule.Off) {
		if err := e.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// yearPlan lists every firing with something to do in [from, to).
func yearPlan(e *Engine, from, to time.Time) []string {
	var out []string
	for f := range e.Firings(from) {
		if !f.At.Before(to) {
			break
		}
		if f.Skip {
			continue
		}
		line := fmt.Sprintf("%s %s %s | due %s | %d", f.At.Format("2006-01-02 Mon 15:04"), f.Job, f.Period, f.Deadline, f.Recipients)
		if f.Reason != "" {
			line += " | " + f.Reason
		}
		out = append(out, line)
	}
	return out
}

func TestYearPlanGolden(t *testing.T) {
	cfg, dir, _ := demo(t)
	e := planEngine(t, Deps{Policies: cfg.Policies, Dir: dir})
	got := strings.Join(yearPlan(e, cst(t, "2026-01-01 00:00:00"), cst(t, "2027-01-01 00:00:00")), "\n") + "\n"
	const golden = "testdata/plan-2026.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the 2026 plan differs from %s (run go test -run YearPlanGolden -update and review the diff)", golden)
	}
}
