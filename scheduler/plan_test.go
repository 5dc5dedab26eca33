package scheduler

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/org"
)

// defaultSpecs is a realistic job set after SPEC §6: the jobs whose dates
// move with the calendar fire daily and decide in their Task.
var defaultSpecs = []struct{ name, spec string }{
	{"attendance-remind-1500", "0 15 * * 1,4"},
	{"attendance-remind-1630", "30 16 * * 1,4"},
	{"attendance-overdue", "5 17 * * 1,4"},
	{"monthly-summary", "0 8 1 * *"},
	{"monthly-confirm-remind", "0 9 4 * *"},
	{"monthly-confirm-overdue", "0 9 6 * *"},
	{"info-deadline", "0 9 * * *"},
	{"media-summary", "0 9 * * *"},
	{"quarterly-research", "0 9 * 3,6,9,12 *"},
	{"quarterly-ranking", "0 9 * 1,4,7,10 *"},
	{"weekly-remind", "0 9 * * 1"},
	{"weekly-overdue", "5 12 * * 1"},
}

func noopTask(context.Context, time.Time) error { return nil }

func newPlanEngine(t testing.TB, loc *time.Location, names ...string) *Engine {
	t.Helper()
	e, err := New(Options{Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range defaultSpecs {
		for _, n := range names {
			if n == j.name {
				if err := e.Add(Job{Name: j.name, Spec: j.spec, Task: noopTask}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return e
}

func TestPlanWeek(t *testing.T) {
	e := newPlanEngine(t, shanghai, "attendance-remind-1500", "attendance-remind-1630", "attendance-overdue",
		"monthly-summary", "info-deadline", "weekly-remind", "weekly-overdue")
	// Monday 2026-06-01 08:00 is itself a firing: from is inclusive.
	plan := e.Plan(cst(t, "2026-06-01 08:00:00"), 17)
	want := []string{
		"Mon 2026-06-01 08:00 CST monthly-summary",
		"Mon 2026-06-01 09:00 CST info-deadline", // same time: in the order added
		"Mon 2026-06-01 09:00 CST weekly-remind",
		"Mon 2026-06-01 12:05 CST weekly-overdue",
		"Mon 2026-06-01 15:00 CST attendance-remind-1500",
		"Mon 2026-06-01 16:30 CST attendance-remind-1630",
		"Mon 2026-06-01 17:05 CST attendance-overdue",
		"Tue 2026-06-02 09:00 CST info-deadline",
		"Wed 2026-06-03 09:00 CST info-deadline",
		"Thu 2026-06-04 09:00 CST info-deadline",
		"Thu 2026-06-04 15:00 CST attendance-remind-1500",
		"Thu 2026-06-04 16:30 CST attendance-remind-1630",
		"Thu 2026-06-04 17:05 CST attendance-overdue",
		"Fri 2026-06-05 09:00 CST info-deadline",
		"Sat 2026-06-06 09:00 CST info-deadline",
		"Sun 2026-06-07 09:00 CST info-deadline",
		"Mon 2026-06-08 09:00 CST info-deadline",
	}
	var got []string
	for _, f := range plan {
		got = append(got, f.At.Format("Mon 2006-01-02 15:04 MST")+" "+f.Job)
	}
	if !sameList(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", fmt.Sprint(got), fmt.Sprint(want))
	}
	// The same instant given in UTC plans the same firings.
	utc := e.Plan(cst(t, "2026-06-01 08:00:00").UTC(), 17)
	for i := range plan {
		if !utc[i].At.Equal(plan[i].At) || utc[i].At.Location() != shanghai {
			t.Fatalf("plan from a UTC instant differs at %d: %v", i, utc[i])
		}
	}
	if e.Plan(cst(t, "2026-06-01 08:00:00"), 0) != nil {
		t.Error("Plan(from, 0) is not empty")
	}
}

func TestPlanInItsZone(t *testing.T) {
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{
		{shanghai, "2026-06-01T15:00:00+08:00"},
		{time.UTC, "2026-06-01T15:00:00Z"},
	} {
		e := newPlanEngine(t, tt.loc, "attendance-remind-1500")
		if got := e.Plan(from, 1)[0].At.Format(time.RFC3339); got != tt.want {
			t.Errorf("%v: first firing %s, want %s", tt.loc, got, tt.want)
		}
	}
}

// How jobs use Describe with the calendar: the engine only lists firings;
// the job says which it skips and why, and where a moved deadline puts it.
func TestPlanDescribeWithCalendar(t *testing.T) {
	cal, err := org.NewCalendar(org.CalendarConfig{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	attendance := func(at time.Time) Description {
		if !cal.IsWorkday(at) {
			return Description{Skip: true, Reason: at.Format(time.DateOnly) + " is " + cal.DayName(at) + ": no attendance form"}
		}
		return Description{Period: at.Format(time.DateOnly)}
	}
	// Reminders 5 and 1 working days before the 15th, moved by the policy.
	deadline := func(at time.Time) Description {
		due, reason := cal.Deadline(time.Date(at.Year(), at.Month(), 15, 17, 0, 0, 0, shanghai))
		d := Description{Period: at.Format("2006-01"), Deadline: due.Format("2006-01-02 15:04"), Reason: reason, Skip: true}
		for _, n := range []int{-5, -1} {
			if r := cal.AddWorkdays(due, n); r.Year() == at.Year() && r.YearDay() == at.YearDay() {
				d.Skip = false
			}
		}
		return d
	}
	e, err := New(Options{Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []Job{
		{Name: "attendance-remind-1500", Spec: "0 15 * * 1,4", Task: noopTask, Describe: attendance},
		{Name: "info-deadline", Spec: "0 9 * * *", Task: noopTask, Describe: deadline},
	} {
		if err := e.Add(j); err != nil {
			t.Fatal(err)
		}
	}

	var got []string
	for f := range e.Firings(cst(t, "2026-09-28 00:00:00")) {
		if f.Job == "attendance-remind-1500" {
			got = append(got, fmt.Sprintf("%s %v %s", f.At.Format("01-02 15:04"), f.Skip, f.Reason))
		}
		if len(got) == 4 {
			break
		}
	}
	want := []string{
		"09-28 15:00 false ",
		"10-01 15:00 true 2026-10-01 is 国庆节: no attendance form",
		"10-05 15:00 true 2026-10-05 is 国庆节: no attendance form",
		"10-08 15:00 false ",
	}
	if !sameList(got, want) {
		t.Errorf("attendance around National Day:\n%q\nwant\n%q", got, want)
	}

	got = nil
	for f := range e.Firings(cst(t, "2026-11-01 00:00:00")) {
		if f.Job == "info-deadline" && !f.Skip {
			got = append(got, fmt.Sprintf("%s due %s (%s)", f.At.Format("01-02 15:04"), f.Deadline, f.Reason))
		}
		if len(got) == 2 {
			break
		}
	}
	want = []string{
		"11-06 09:00 due 2026-11-13 17:00 (2026-11-15 is 周日: deadline moved to 2026-11-13)",
		"11-12 09:00 due 2026-11-13 17:00 (2026-11-15 is 周日: deadline moved to 2026-11-13)",
	}
	if !sameList(got, want) {
		t.Errorf("information deadline reminders in November 2026:\n%q\nwant\n%q", got, want)
	}
}

// BenchmarkPlanMonth plans October 2026 for the default job set, without
// and with the every-minute incident clock.
func BenchmarkPlanMonth(b *testing.B) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)
	end := from.AddDate(0, 1, 0)
	var names []string
	for _, j := range defaultSpecs {
		names = append(names, j.name)
	}
	for _, incidents := range []bool{false, true} {
		b.Run(fmt.Sprintf("jobs=%d/incident-clock=%v", len(names), incidents), func(b *testing.B) {
			e := newPlanEngine(b, shanghai, names...)
			if incidents {
				if err := e.Add(Job{Name: "incident-clock", Spec: "* * * * *", Task: noopTask}); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			for b.Loop() {
				n = 0
				for f := range e.Firings(from) {
					if !f.At.Before(end) {
						break
					}
					n++
				}
			}
			b.ReportMetric(float64(n), "firings/op")
		})
	}
}
