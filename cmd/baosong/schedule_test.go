package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baosong/baosong"
)

var updateSchedule = flag.Bool("update-schedule", false, "rewrite the golden files")

func schedule(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"schedule"}, args...), &out, &errOut)
	return out.String() + errOut.String(), code
}

func TestScheduleGolden(t *testing.T) {
	got, code := schedule(t, "-from", "2026-11-01T00:00:00+08:00", "-n", "42")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	const golden = "testdata/schedule-2026-11.golden"
	if *updateSchedule {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("schedule output differs from %s:\n%s", golden, got)
	}
	// What the golden file must say whatever else changes: the 15th of
	// November 2026 is a Sunday, so the deadline is Friday the 13th and the
	// reminders go out 5 and 1 working days before.
	for _, line := range []string{
		"2026-11-06 Fri 09:00  info-remind-5d           2026-11     2026-11-13        2           2026-11-15 is 周日: deadline moved to 2026-11-13",
		"2026-11-12 Thu 09:00  info-remind-1d           2026-11     2026-11-13        2           2026-11-15 is 周日: deadline moved to 2026-11-13",
		"2026-11-26 Thu 16:30  attendance-remind-1630   2026-11-26  2026-11-26 17:00  8",
		// Outing notices (篇10): listed once, they run every working day.
		"2026-11-02 Mon 15:00  outing-remind            2026-11-03  2026-11-02 18:00  4           every working day, for the outings registered up to the next working day",
		"2026-11-02 Mon 18:00  outing-overdue           2026-11-03  2026-11-02 18:00  1           every working day, for the outings registered up to the next working day",
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("output lacks\n%s", line)
		}
	}
	if strings.Contains(got, "incident-clock") {
		t.Error("the incident clock is listed")
	}
	// The statistics clocks of 篇7 (issue 14 item 2) run every minute over
	// the stored items: listed after the table, once.
	for _, line := range []string{
		"every minute, over the stored records:",
		"  statistics-remind    统计信息 not at the office 18 小时 after its 数据时间, by day (07:30–22:00) → its holder (submitter or unit head)",
		"  statistics-overdue   统计信息 not at the office 24 小时 after its 数据时间 → the office (1)",
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("output lacks\n%s", line)
		}
	}
	if n := strings.Count(got, "\n"); n != 47 {
		t.Errorf("%d lines, want a heading, a header, 42 firings and the 3 lines of the statistics clocks", n)
	}
}

func TestScheduleOffAndErrors(t *testing.T) {
	cfg := strings.Replace(string(baosong.ExampleConfig), `off = []`, `off = ["attendance-remind-1500", "weekly-remind"]`, 1)
	path := filepath.Join(t.TempDir(), "baosong.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	got, code := schedule(t, "-config", path, "-from", "2026-11-23T00:00:00+08:00", "-n", "10")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, got)
	}
	if strings.Contains(got, "attendance-remind-1500") || strings.Contains(got, "weekly-remind") {
		t.Errorf("switched-off jobs listed:\n%s", got)
	}
	if !strings.Contains(got, "attendance-remind-1630") {
		t.Errorf("the 16:30 reminder is missing:\n%s", got)
	}
	for _, args := range [][]string{{"-n", "0"}, {"-from", "tomorrow"}, {"-x"}} {
		if _, code := schedule(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, code := schedule(t, "-config", filepath.Join(t.TempDir(), "none.toml")); code != 1 {
		t.Errorf("missing config: exit %d, want 1", code)
	}
}
