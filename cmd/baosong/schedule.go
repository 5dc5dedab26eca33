package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/scheduler"
)

// runSchedule prints the next firings of the scheduled jobs that have
// something to do, on the working-day calendar, without the every-minute
// incident clock. It reads the configuration only: the recipients are
// those a firing addresses before anyone has reported. A routine job (it
// fires every working day on stored records: the outing notices) is shown
// at its next firing only.
func runSchedule(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("schedule", stderr)
	path := fs.String("config", "", "configuration file (default: the embedded demo 示例中学)")
	fromFlag := fs.String("from", "", "first instant, RFC 3339 (default: now)")
	n := fs.Int("n", 20, "how many firings to print (1 to 10000)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *n > 10000 {
		return fmt.Errorf("%w: -n %d: want 1 to 10000", errUsage, *n)
	}
	from := time.Now()
	if *fromFlag != "" {
		t, err := time.Parse(time.RFC3339, *fromFlag)
		if err != nil {
			return fmt.Errorf("%w: -from %q is not RFC 3339 (e.g. 2026-11-26T00:00:00+08:00)", errUsage, *fromFlag)
		}
		from = t
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	dir, err := org.New(cfg)
	if err != nil {
		return err
	}
	cal := dir.Calendar()
	e, err := scheduler.New(scheduler.Options{Location: cal.Location()})
	if err != nil {
		return err
	}
	jobs := scheduler.Enabled(scheduler.DefaultJobs(scheduler.Deps{Policies: cfg.Policies, Dir: dir}), cfg.Schedule.Off)
	for _, j := range jobs {
		if err := e.Add(j); err != nil {
			return err
		}
	}
	from = from.In(cal.Location())
	fmt.Fprintf(stdout, "%s: the next %d firings from %s (%s; recipients before anyone reports)\n",
		cfg.Org.Name, *n, from.Format("2006-01-02 15:04"), cal.Location())
	if y := org.HolidayDataThrough(); from.Year() > y {
		fmt.Fprintf(stdout, "note: the holiday calendar knows statutory holidays through %d only\n", y)
	}
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TIME\tJOB\tPERIOD\tDEADLINE\tRECIPIENTS\tCALENDAR")
	printed := 0
	routine := map[string]bool{}     // jobs shown once: they fire every working day
	horizon := from.AddDate(5, 0, 0) // a job whose firings all skip must not spin forever
	for f := range e.Firings(from) {
		if f.At.After(horizon) {
			break
		}
		if f.Skip || routine[f.Job] {
			continue
		}
		why := f.Reason
		if f.Routine {
			routine[f.Job] = true
			why = "every working day, for the outings registered up to the next working day"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", f.At.Format("2006-01-02 Mon 15:04"), f.Job, f.Period, f.Deadline,
			f.Recipients, why)
		if printed++; printed == *n {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(stdout, strings.TrimRight(line, " \n"))
	}
	var clocks []scheduler.ItemClock
	for _, c := range scheduler.ItemClocks(scheduler.Deps{Policies: cfg.Policies, Dir: dir}) {
		if !slices.Contains(cfg.Schedule.Off, c.Job) {
			clocks = append(clocks, c)
		}
	}
	if len(clocks) > 0 {
		fmt.Fprintln(stdout, "every minute, over the stored records:")
		for _, c := range clocks {
			fmt.Fprintf(stdout, "  %-20s %s\n", c.Job, c.Rule)
		}
	}
	return nil
}
