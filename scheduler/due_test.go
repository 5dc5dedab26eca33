package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
)

// rulesFor is the demo organisation's rules under a holiday policy.
func rulesFor(t testing.TB, policy string) *Rules {
	t.Helper()
	cfg, _, cal := demo(t, func(c *config.Config) { c.Org.HolidayPolicy = policy })
	return NewRules(cfg.Policies, cal)
}

// show is an occasion as the table tests write it.
func show(o Occasion, ok bool) string {
	if !ok {
		return "-"
	}
	s := o.Period + " due " + o.DeadlineText()
	if o.Reason != "" {
		s += " (" + o.Reason + ")"
	}
	return s
}

func TestRulesTable(t *testing.T) {
	for _, tt := range []struct {
		policy, rule, day, want string
	}{
		// Attendance: Mondays and Thursdays at 17:00.
		{"before", "attendance", "2026-11-26", "2026-11-26 due 2026-11-26 17:00"},
		{"before", "attendance", "2026-11-25", "-"},
		// National Day: Thursday 10-01 and Monday 10-05 move onto Wednesday 09-30.
		{"before", "attendance", "2026-09-30", "2026-09-30 due 2026-09-30 17:00 (2026-10-01 is 国庆节: deadline moved to 2026-09-30; 2026-10-05 is 国庆节: deadline moved to 2026-09-30)"},
		{"before", "attendance", "2026-10-01", "-"},
		{"after", "attendance", "2026-10-08", "2026-10-08 due 2026-10-08 17:00 (2026-10-01 is 国庆节: deadline moved to 2026-10-08; 2026-10-05 is 国庆节: deadline moved to 2026-10-08)"},
		{"after", "attendance", "2026-09-30", "-"},
		{"keep", "attendance", "2026-10-01", "2026-10-01 due 2026-10-01 17:00"},
		// The summer vacation (2026-07-11 … 08-31) has no forms.
		{"before", "attendance", "2026-07-09", "2026-07-09 due 2026-07-09 17:00"},
		{"before", "attendance", "2026-07-13", "-"},
		{"before", "attendance", "2026-08-31", "-"},
		{"before", "attendance", "2026-09-03", "2026-09-03 due 2026-09-03 17:00"},

		// The 15th of November 2026 is a Sunday: deadline Friday the 13th,
		// reminders 5 and 1 working days before, the shortfall list the
		// working day after.
		{"before", "info-5", "2026-11-06", "2026-11 due 2026-11-13 (2026-11-15 is 周日: deadline moved to 2026-11-13)"},
		{"before", "info-1", "2026-11-12", "2026-11 due 2026-11-13 (2026-11-15 is 周日: deadline moved to 2026-11-13)"},
		{"before", "info-1", "2026-11-13", "-"},
		{"before", "info-shortfall", "2026-11-16", "2026-11 due 2026-11-13 (2026-11-15 is 周日: deadline moved to 2026-11-13)"},
		{"after", "info-1", "2026-11-13", "2026-11 due 2026-11-16 (2026-11-15 is 周日: deadline moved to 2026-11-16)"},
		{"keep", "info-shortfall", "2026-11-16", "2026-11 due 2026-11-15"},
		// A 调休 Saturday counts as a working day: 2026-05-09.
		{"before", "info-5", "2026-05-09", "2026-05 due 2026-05-15"},
		// The 28th of November 2026 is a Saturday.
		{"before", "media-3", "2026-11-24", "2026-11 due 2026-11-27 (2026-11-28 is 周六: deadline moved to 2026-11-27)"},
		{"before", "media-1", "2026-11-26", "2026-11 due 2026-11-27 (2026-11-28 is 周六: deadline moved to 2026-11-27)"},
		{"before", "media-overdue", "2026-11-30", "2026-11 due 2026-11-27 (2026-11-28 is 周六: deadline moved to 2026-11-27)"},

		// Monthly summary of October, out on 11-01, confirmed by 11-05.
		{"before", "summary", "2026-11-01", "2026-10 due 2026-11-05"},
		{"before", "summary", "2026-11-02", "-"},
		{"before", "confirm-remind", "2026-11-04", "2026-10 due 2026-11-05"},
		{"before", "confirm-overdue", "2026-11-06", "2026-10 due 2026-11-05"},
		// December 5th 2026 is a Saturday: due Friday the 4th, reminded
		// Thursday, overdue Monday.
		{"before", "confirm-remind", "2026-12-03", "2026-11 due 2026-12-04 (2026-12-05 is 周六: deadline moved to 2026-12-04)"},
		{"before", "confirm-overdue", "2026-12-07", "2026-11 due 2026-12-04 (2026-12-05 is 周六: deadline moved to 2026-12-04)"},
		// October 5th is National Day: "before" would put it before the
		// summary, so it goes to the first working day from the 2nd.
		{"before", "summary", "2026-10-01", "2026-09 due 2026-10-08 (2026-10-05 is 国庆节: deadline moved to 2026-10-08)"},
		{"before", "confirm-remind", "2026-10-08", "2026-09 due 2026-10-08 (2026-10-05 is 国庆节: deadline moved to 2026-10-08)"},
		{"before", "confirm-remind", "2026-09-30", "-"},
		{"before", "confirm-overdue", "2026-10-09", "2026-09 due 2026-10-08 (2026-10-05 is 国庆节: deadline moved to 2026-10-08)"},

		// Quarterly research: 14 days before the quarter's end.
		{"before", "research", "2026-12-17", "2026Q4 due 2026-12-31"},
		{"before", "research", "2026-09-16", "2026Q3 due 2026-09-30"},
		// Ranking: the first working day after the quarter; 2027-01-01 to
		// 01-03 are 元旦.
		{"before", "ranking", "2027-01-04", "2026Q4 due 2026-12-31"},
		{"before", "ranking", "2026-10-08", "2026Q3 due 2026-09-30"},
		{"before", "ranking", "2026-10-01", "-"},

		// Weekly report: Monday 12:00 for the week before.
		{"before", "weekly", "2026-11-23", "2026-W47 due 2026-11-23 12:00"},
		{"before", "weekly", "2026-11-24", "-"},
		{"before", "weekly", "2026-09-30", "2026-W40 due 2026-09-30 12:00 (2026-10-05 is 国庆节: deadline moved to 2026-09-30)"},
		{"after", "weekly", "2026-10-08", "2026-W40 due 2026-10-08 12:00 (2026-10-05 is 国庆节: deadline moved to 2026-10-08)"},
	} {
		t.Run(tt.policy+"/"+tt.rule+"/"+tt.day, func(t *testing.T) {
			r := rulesFor(t, tt.policy)
			at := cst(t, tt.day+" 09:00:00")
			var o Occasion
			var ok bool
			switch tt.rule {
			case "attendance":
				o, ok = r.AttendanceDue(at)
			case "info-5":
				o, ok = r.InfoRemind(at, 5)
			case "info-1":
				o, ok = r.InfoRemind(at, 1)
			case "info-shortfall":
				o, ok = r.InfoShortfall(at)
			case "media-3":
				o, ok = r.MediaRemind(at, 3)
			case "media-1":
				o, ok = r.MediaRemind(at, 1)
			case "media-overdue":
				o, ok = r.MediaOverdue(at)
			case "summary":
				o, ok = r.SummaryMonth(at)
			case "confirm-remind":
				o, ok = r.ConfirmRemind(at)
			case "confirm-overdue":
				o, ok = r.ConfirmOverdue(at)
			case "research":
				o, ok = r.ResearchRemind(at)
			case "ranking":
				o, ok = r.Ranking(at)
			case "weekly":
				o, ok = r.WeeklyDue(at)
			default:
				t.Fatalf("unknown rule %q", tt.rule)
			}
			if got := show(o, ok); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestRulesWholeYear walks every day of 2026 and 2027 under each policy
// and checks what must hold whatever the holidays.
func TestRulesWholeYear(t *testing.T) {
	for _, policy := range []string{"before", "after", "keep"} {
		t.Run(policy, func(t *testing.T) {
			r := rulesFor(t, policy)
			cal := r.Calendar()
			from, to := cst(t, "2026-01-01 00:00:00"), cst(t, "2028-01-01 00:00:00")
			count := map[string]int{}
			periods := map[string]map[string]bool{}
			seen := func(rule, period string) {
				count[rule]++
				if periods[rule] == nil {
					periods[rule] = map[string]bool{}
				}
				if periods[rule][period] {
					t.Errorf("%s: period %s on two days", rule, period)
				}
				periods[rule][period] = true
			}
			formDays := map[string]bool{}
			for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
				at := day.Add(9 * time.Hour)
				if o, ok := r.AttendanceDue(at); ok {
					seen("attendance", o.Period)
					formDays[o.Period] = true
					if _, vac := cal.InVacation(o.Deadline); vac {
						t.Errorf("%s: form due in a vacation", o.Period)
					}
					if policy != "keep" && !cal.IsWorkday(o.Deadline) {
						t.Errorf("%s: form due on a non-working day", o.Period)
					}
				}
				for _, rule := range []struct {
					name string
					f    func(time.Time) (Occasion, bool)
					rel  int // working days from the deadline to the firing: <0 before, >0 after
				}{
					{"info-5", func(t time.Time) (Occasion, bool) { return r.InfoRemind(t, 5) }, -5},
					{"info-1", func(t time.Time) (Occasion, bool) { return r.InfoRemind(t, 1) }, -1},
					{"info-shortfall", r.InfoShortfall, 1},
					{"media-3", func(t time.Time) (Occasion, bool) { return r.MediaRemind(t, 3) }, -3},
					{"media-1", func(t time.Time) (Occasion, bool) { return r.MediaRemind(t, 1) }, -1},
					{"media-overdue", r.MediaOverdue, 1},
					{"summary", r.SummaryMonth, 0},
					{"confirm-remind", r.ConfirmRemind, 0},
					{"confirm-overdue", r.ConfirmOverdue, 1},
					{"research", r.ResearchRemind, 0},
					{"ranking", r.Ranking, 0},
					{"weekly", r.WeeklyDue, 0},
				} {
					o, ok := rule.f(at)
					if !ok {
						continue
					}
					seen(rule.name, o.Period)
					if rule.rel != 0 {
						if !cal.IsWorkday(at) {
							t.Errorf("%s %s fires on a non-working day %s", rule.name, o.Period, day.Format(time.DateOnly))
						}
						if got := cal.AddWorkdays(o.Deadline, rule.rel); !sameDay(got, at) {
							t.Errorf("%s %s fires %s, %d working days from %s is %s", rule.name, o.Period,
								day.Format(time.DateOnly), rule.rel, o.DeadlineText(), got.Format(time.DateOnly))
						}
					}
					if rule.name == "confirm-remind" && o.end().Before(at) {
						t.Errorf("%s reminder %s after its deadline %s", o.Period, day.Format(time.DateOnly), o.DeadlineText())
					}
				}
			}
			// Every month of the two years is reminded, listed and summarised once.
			for _, rule := range []string{"info-5", "info-1", "info-shortfall", "media-3", "media-1", "media-overdue",
				"summary", "confirm-remind", "confirm-overdue"} {
				if count[rule] != 24 {
					t.Errorf("%s: %d firings in two years, want 24", rule, count[rule])
				}
			}
			for _, rule := range []string{"research", "ranking"} {
				if count[rule] != 8 {
					t.Errorf("%s: %d firings in two years, want 8", rule, count[rule])
				}
			}
			// Every week has its report; every Monday and Thursday outside
			// the vacations has a form (possibly merged with another).
			if count["weekly"] < 100 || count["weekly"] > 105 {
				t.Errorf("weekly: %d reports in two years", count["weekly"])
			}
			nominal := 0
			for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
				if w := day.Weekday(); w != time.Monday && w != time.Thursday {
					continue
				}
				if _, vac := cal.InVacation(day); vac {
					continue
				}
				nominal++
				moved, _ := cal.Deadline(day.Add(17 * time.Hour))
				inRange := !moved.Before(from) && moved.Before(to)
				if _, vac := cal.InVacation(moved); inRange && !vac && !formDays[moved.Format(time.DateOnly)] {
					t.Errorf("the form of %s (due %s) is never due", day.Format(time.DateOnly), moved.Format(time.DateOnly))
				}
			}
			if count["attendance"] > nominal || count["attendance"] < nominal-20 {
				t.Errorf("%d forms for %d due days", count["attendance"], nominal)
			}
			t.Log(fmt.Sprint(count))
		})
	}
}

func TestOccasionTexts(t *testing.T) {
	r := rulesFor(t, "before")
	o, _ := r.WeeklyDue(cst(t, "2026-11-23 09:00:00"))
	if o.Label != "11月16日—11月22日这一周" || !o.Start.Equal(cst(t, "2026-11-16 00:00:00")) {
		t.Errorf("weekly label %q start %v", o.Label, o.Start)
	}
	o, _ = r.WeeklyDue(cst(t, "2026-02-14 09:00:00"))
	if o.Period != "2026-W07" || o.Label != "2月9日—2月22日这两周" {
		t.Errorf("two weeks moved onto one day: %q %q", o.Period, o.Label)
	}
	o, _ = r.InfoRemind(cst(t, "2026-11-06 09:00:00"), 5)
	if o.Note != "11月15日为周日，截止日期调整为11月13日" || o.Label != "2026年11月" {
		t.Errorf("note %q label %q", o.Note, o.Label)
	}
	o, _ = r.ResearchRemind(cst(t, "2026-12-17 09:00:00"))
	if o.Label != "2026年第四季度" || !o.Start.Equal(cst(t, "2026-10-01 00:00:00")) {
		t.Errorf("quarter label %q start %v", o.Label, o.Start)
	}
}
