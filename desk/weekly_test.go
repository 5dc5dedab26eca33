package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/internal/testorg"
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
	// The week of 7 December is due with the one before, on Friday the
	// 4th, because its Monday the 14th is closed too; both moves are named.
	w := dk.Weeks.Of(at("2026-12-07"))
	var moves []string
	for _, m := range w.Moves {
		moves = append(moves, m.Nominal.Format("01-02")+" "+m.Reason)
	}
	if !w.Monday.Equal(at("2026-11-30")) || !w.Sunday.Equal(at("2026-12-13")) || !w.Due.Equal(at("2026-12-04 12:00")) ||
		fmt.Sprint(moves) != "[12-07 2026-12-07 is 校庆假: deadline moved to 2026-12-04 12-14 2026-12-14 is 校庆假: deadline moved to 2026-12-04]" {
		t.Fatalf("the week of 7 December = %+v, moves %s; want the weeks of 30 November and 7 December due Friday the 4th 12:00", w, moves)
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
