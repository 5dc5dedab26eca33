package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/scheduler"
)

// Two weekly deadlines that the holiday policy moves onto one day (a school
// closed 7–14 December) make one report, filed under the earlier week and
// named "这两周", as the scheduler's reminder names it; a report after them
// completes that one, not a week that was never due on its own.
func TestWeeklyReportsOverAHoliday(t *testing.T) {
	cfg := testorg.Config(t, func(c *config.Config) {
		for _, d := range []string{"07", "08", "09", "10", "11", "14"} {
			c.Org.Holidays = append(c.Org.Holidays, "2026-12-"+d+" 校庆假")
		}
	})
	dir := testorg.Directory(t, cfg)
	now := at("2026-12-04 10:00")
	db := testorg.Store(t, func() time.Time { return now })
	dk := desk.New(cfg.Submission, cfg.Weekly, dir, db, func() time.Time { return now })
	if got := dk.WeeklyDue(at("2026-12-07")); !got.Equal(at("2026-12-04 12:00")) {
		t.Fatalf("due of the week of 7 December = %v, want Friday the 4th 12:00", got)
	}
	var dues []string
	for _, w := range dk.WeeksDue(at("2026-12-01"), at("2027-01-01")) {
		dues = append(dues, w.Monday.Format("01-02")+"→"+w.Due.Format("01-02 15:04"))
	}
	if got := fmt.Sprint(dues); got != "[11-30→12-04 12:00 12-14→12-21 12:00 12-21→12-28 12:00]" {
		t.Errorf("WeeksDue = %s", got)
	}
	if got := dk.WeekLabel(at("2026-12-07")); got != "11月30日—12月13日这两周" {
		t.Errorf("WeekLabel = %q", got)
	}
	// The reminder and the overdue list of the 4th say the same.
	o, ok := scheduler.NewRules(cfg.Policies, testorg.Calendar(t, cfg)).WeeklyDue(at("2026-12-04"))
	if !ok || !o.Start.Equal(at("2026-11-30")) || o.Label != dk.WeekLabel(at("2026-11-30")) || !o.Deadline.Equal(at("2026-12-04 12:00")) {
		t.Errorf("scheduler occasion = %+v", o)
	}
	officer, _ := dir.Member("officer-2")
	send := func(when string) *desk.Weekly {
		t.Helper()
		now = at(when)
		w, err := dk.SubmitWeekly(context.Background(), officer, "上周大事：无；出勤：全勤", now)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	// Tuesday the 15th, nothing sent since: the report completes the
	// merged weeks late, and the next one the week of the 14th.
	if w := send("2026-12-15 09:00"); w.Week != "2026-11-30" || !w.Late {
		t.Errorf("first report after the holiday = %+v", w)
	}
	if w := send("2026-12-15 09:05"); w.Week != "2026-12-14" || w.Late || !w.Due.Equal(at("2026-12-21 12:00")) {
		t.Errorf("second report = %+v", w)
	}
	missing, err := dk.WeeklyMissing(context.Background(), at("2026-12-07"))
	if err != nil || fmt.Sprint(missing) != "[office]" {
		t.Errorf("missing for the merged weeks = %v, %v (政教处 only)", missing, err)
	}
}
