package attendance_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads "2026-11-26 16:02" in Shanghai.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02") {
		layout = "2006-01-02"
	}
	t, err := time.ParseInLocation(layout, s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func schedule(t testing.TB, opts ...func(*config.Config)) *attendance.Schedule {
	t.Helper()
	cfg := testorg.Config(t, opts...)
	return attendance.NewSchedule(cfg.Attendance, testorg.Calendar(t, cfg))
}

func policy(p string) func(*config.Config) { return func(c *config.Config) { c.Org.HolidayPolicy = p } }

func labels(s *attendance.Schedule, ts []time.Time) string {
	out := make([]string, len(ts))
	for i, d := range ts {
		out[i] = attendance.FormLabel(d, s.Location())
	}
	return strings.Join(out, " ")
}

func TestScheduleBetween(t *testing.T) {
	cases := []struct {
		name     string
		opts     []func(*config.Config)
		from, to string
		want     string
	}{
		{"ordinary weeks: Monday and Thursday 17:00", nil, "2026-11-16", "2026-11-30",
			"11月16日(周一)17:00 11月19日(周四)17:00 11月23日(周一)17:00 11月26日(周四)17:00"},
		{"the range is half open", nil, "2026-11-16 17:00", "2026-11-26 17:00",
			"11月16日(周一)17:00 11月19日(周四)17:00 11月23日(周一)17:00"},
		{"元旦 on a Thursday moves to the working day before", nil, "2025-12-28", "2026-01-06",
			"12月29日(周一)17:00 12月31日(周三)17:00 1月5日(周一)17:00"},
		{"国庆: Thursday and Monday both move to 9-30 and make one form", nil, "2026-09-27", "2026-10-13",
			"9月28日(周一)17:00 9月30日(周三)17:00 10月8日(周四)17:00 10月12日(周一)17:00"},
		{"清明 Monday moves to Friday", nil, "2026-04-01", "2026-04-10",
			"4月2日(周四)17:00 4月3日(周五)17:00 4月9日(周四)17:00"},
		{"policy after: 清明 Monday moves to Tuesday", []func(*config.Config){policy("after")}, "2026-04-01", "2026-04-10",
			"4月2日(周四)17:00 4月7日(周二)17:00 4月9日(周四)17:00"},
		{"policy keep: the holiday keeps its form", []func(*config.Config){policy("keep")}, "2026-04-01", "2026-04-10",
			"4月2日(周四)17:00 4月6日(周一)17:00 4月9日(周四)17:00"},
		{"no form inside the summer vacation", nil, "2026-07-01", "2026-09-08",
			"7月2日(周四)17:00 7月6日(周一)17:00 7月9日(周四)17:00 9月3日(周四)17:00 9月7日(周一)17:00"},
		{"other due days and time", []func(*config.Config){func(c *config.Config) {
			c.Attendance.DueWeekdays = []int{5}
			c.Attendance.DueTime = org.ClockTime{Hour: 12}
		}}, "2026-11-01", "2026-11-16", "11月6日(周五)12:00 11月13日(周五)12:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := schedule(t, c.opts...)
			if got := labels(s, s.Between(at(c.from), at(c.to))); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// The form due on a day (On: the day the scheduler reminds of) is the form
// Between lists, for every day of two years under each holiday policy, and
// the moves it names are the due days the policy carried onto it: 国庆's
// Thursday 10-01 and Monday 10-05 onto Wednesday 9-30 under "before".
func TestScheduleOnIsBetween(t *testing.T) {
	for _, p := range []string{"before", "after", "keep"} {
		s := schedule(t, policy(p))
		from, to := at("2026-01-01"), at("2028-01-01")
		var days []time.Time
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			due, ok := s.On(d.Add(9 * time.Hour))
			if !ok {
				continue
			}
			days = append(days, due.At)
			for _, m := range due.Moves {
				if moved, _ := s.Calendar().Deadline(m.Nominal.Add(17 * time.Hour)); !moved.Equal(due.At) {
					t.Errorf("%s: %s moved onto %s, the calendar says %s", p, m.Nominal, due.At, moved)
				}
			}
		}
		if got, want := labels(s, days), labels(s, s.Between(from, to)); got != want {
			t.Errorf("%s: the days with a form differ from the forms due:\n%s\n%s", p, got, want)
		}
	}
	due, ok := schedule(t).On(at("2026-09-30 08:00"))
	var moves []string
	for _, m := range due.Moves {
		moves = append(moves, m.Nominal.Format("01-02")+" "+m.Reason)
	}
	if !ok || !due.At.Equal(at("2026-09-30 17:00")) || strings.Join(moves, "; ") !=
		"10-01 2026-10-01 is 国庆节: deadline moved to 2026-09-30; 10-05 2026-10-05 is 国庆节: deadline moved to 2026-09-30" {
		t.Errorf("the form of 9-30 = %v %v, moves %q", due.At, ok, moves)
	}
	if _, ok := schedule(t).On(at("2026-10-01 17:00")); ok {
		t.Error("a form is due on 国庆 10-01")
	}
}

func TestScheduleNextPrev(t *testing.T) {
	s := schedule(t)
	cases := []struct {
		t, next, prev string
	}{
		{"2026-11-26 16:59", "2026-11-26 17:00", "2026-11-23 17:00"},
		{"2026-11-26 17:00", "2026-11-26 17:00", "2026-11-23 17:00"}, // at the due time: that form
		{"2026-11-26 17:01", "2026-11-30 17:00", "2026-11-26 17:00"},
		{"2026-10-03 10:00", "2026-10-08 17:00", "2026-09-30 17:00"}, // inside 国庆
		{"2026-08-10 09:00", "2026-09-03 17:00", "2026-07-09 17:00"}, // inside the summer vacation
	}
	for _, c := range cases {
		next, ok := s.Next(at(c.t))
		if !ok || !next.Equal(at(c.next)) {
			t.Errorf("Next(%s) = %v %v, want %s", c.t, next, ok, c.next)
		}
		prev, ok := s.Prev(at(c.t))
		if !ok || !prev.Equal(at(c.prev)) {
			t.Errorf("Prev(%s) = %v %v, want %s", c.t, prev, ok, c.prev)
		}
	}
}

func TestAttribute(t *testing.T) {
	s := schedule(t)
	cases := []struct {
		name    string
		at      string
		date    string
		missing []string // due times whose form has no live entry
		want    string
		err     error
	}{
		{"inside a window: the form due at its end", "2026-11-25 09:00", "", nil, "2026-11-26 17:00", nil},
		{"exactly at the due time: still that form", "2026-11-26 17:00", "", []string{"2026-11-23 17:00"}, "2026-11-26 17:00", nil},
		{"after a due time whose form is missing: completes it late", "2026-11-26 18:30", "", []string{"2026-11-26 17:00"}, "2026-11-26 17:00", nil},
		{"after a due time whose form is in: the next form", "2026-11-26 18:30", "", nil, "2026-11-30 17:00", nil},
		{"only the latest due time is completed late", "2026-11-27 08:00", "", []string{"2026-11-23 17:00"}, "2026-11-30 17:00", nil},
		{"between due days: completes the missing form", "2026-11-25 20:00", "", []string{"2026-11-23 17:00"}, "2026-11-23 17:00", nil},
		{"on the next due day: that day's form, though the last is missing", "2026-11-26 00:00", "", []string{"2026-11-23 17:00"}, "2026-11-26 17:00", nil},
		{"on the due day after the due time: completes it late", "2026-11-26 23:59", "", []string{"2026-11-26 17:00"}, "2026-11-26 17:00", nil},
		{"a date: the form due that day", "2026-11-27 08:00", "2026-11-26", nil, "2026-11-26 17:00", nil},
		{"a date inside a window: the form at its end", "2026-11-30 08:00", "2026-11-24", nil, "2026-11-26 17:00", nil},
		{"a date wins over a missing form", "2026-11-27 08:00", "2026-11-27", []string{"2026-11-26 17:00"}, "2026-11-30 17:00", nil},
		{"a date of the previous form", "2026-11-27 08:00", "2026-11-24", nil, "2026-11-26 17:00", nil},
		{"a date older than the previous form is refused", "2026-11-27 08:00", "2026-11-20", []string{"2026-11-23 17:00"}, "", attendance.ErrTooOld},
		{"last year's 12月31日 is refused", "2026-11-26 12:00", "2025-12-31", nil, "", attendance.ErrTooOld},
		{"a date on the message's day", "2026-11-26 09:00", "2026-11-26", nil, "2026-11-26 17:00", nil},
		{"a future date is refused", "2026-11-26 09:00", "2026-11-27", nil, "", attendance.ErrFutureDate},
		{"a date in 国庆: the form after the holiday", "2026-10-09 09:00", "2026-10-02", nil, "2026-10-08 17:00", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			miss := map[int64]bool{}
			for _, m := range c.missing {
				miss[at(m).Unix()] = true
			}
			var date time.Time
			if c.date != "" {
				date = at(c.date)
			}
			got, err := attendance.Attribute(s, at(c.at), date, func(due time.Time) (bool, error) { return miss[due.Unix()], nil })
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if c.err == nil && !got.Equal(at(c.want)) {
				t.Errorf("got %s, want %s", got.In(shanghai).Format("2006-01-02 15:04"), c.want)
			}
		})
	}
	boom := errors.New("boom")
	if _, err := attendance.Attribute(s, at("2026-11-27 09:00"), time.Time{}, func(time.Time) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("store error lost: %v", err)
	}
}

func entry(id, at0 string, withdrawn bool, rows ...attendance.Row) *attendance.Entry {
	return &attendance.Entry{ID: id, Unit: "g1c1", At: at(at0), Withdrawn: withdrawn, Rows: rows}
}

func TestFormState(t *testing.T) {
	due := at("2026-11-26 17:00")
	cases := []struct {
		name    string
		entries []*attendance.Entry
		now     string
		want    string
	}{
		{"no entry before the due time", nil, "2026-11-26 16:00", attendance.FormOpen},
		{"no entry at the due time", nil, "2026-11-26 17:00", attendance.FormOpen},
		{"no entry after the due time", nil, "2026-11-26 17:01", attendance.FormMissing},
		{"an entry by the due time", []*attendance.Entry{entry("A1", "2026-11-26 17:00", false)}, "2026-11-30 00:00", attendance.FormOnTime},
		{"first entry after the due time", []*attendance.Entry{entry("A1", "2026-11-26 17:01", false)}, "2026-11-30 00:00", attendance.FormLate},
		{"judged on the earliest message time, not the id",
			[]*attendance.Entry{entry("A2", "2026-11-27 09:00", false), entry("A1", "2026-11-26 10:00", false)}, "2026-11-30 00:00", attendance.FormOnTime},
		{"a withdrawn on-time entry leaves a late form",
			[]*attendance.Entry{entry("A1", "2026-11-26 10:00", true), entry("A2", "2026-11-27 09:00", false)}, "2026-11-30 00:00", attendance.FormLate},
		{"all withdrawn: missing again", []*attendance.Entry{entry("A1", "2026-11-26 10:00", true)}, "2026-11-30 00:00", attendance.FormMissing},
		{"all withdrawn, not yet due: open", []*attendance.Entry{entry("A1", "2026-11-26 10:00", true)}, "2026-11-26 12:00", attendance.FormOpen},
	}
	for _, c := range cases {
		f := &attendance.Form{Unit: "g1c1", Due: due, Entries: c.entries}
		if got := f.State(at(c.now)); got != c.want {
			t.Errorf("%s: state %s, want %s", c.name, got, c.want)
		}
	}
	forms := []*attendance.Form{
		{Unit: "g1c1", Due: due, Entries: []*attendance.Entry{entry("A1", "2026-11-26 10:00", false)}},
		{Unit: "g1c2", Due: due},
		{Unit: "g2c1", Due: due, Entries: []*attendance.Entry{entry("A2", "2026-11-26 10:00", true)}},
	}
	if got := unitsOf(attendance.Missing(forms, at("2026-11-26 17:05"))); got != "g1c2 g2c1" {
		t.Errorf("Missing after the due time = %s", got)
	}
	if got := unitsOf(attendance.Missing(forms, at("2026-11-26 16:30"))); got != "" {
		t.Errorf("Missing before the due time = %s", got)
	}
	if got := unitsOf(attendance.Lacking(forms)); got != "g1c2 g2c1" {
		t.Errorf("Lacking = %s", got)
	}
}

func unitsOf(fs []*attendance.Form) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Unit)
	}
	return strings.Join(out, " ")
}

func absent(who string, h int) attendance.Row {
	return attendance.Row{Type: attendance.Absent, Student: who, Hours: h}
}

func TestLedger(t *testing.T) {
	th := attendance.ThresholdsOf(testorg.Config(t).Attendance)
	leave := func(who string, h, d int, approver string) attendance.Row {
		return attendance.Row{Type: attendance.Leave, Student: who, Hours: h, Days: d, Approver: approver}
	}
	form := func(rows ...attendance.Row) *attendance.Form {
		return &attendance.Form{Unit: "g1c1", Entries: []*attendance.Entry{{ID: "A1", Rows: rows}}}
	}
	cases := []struct {
		name   string
		forms  []*attendance.Form
		absent int
		level  string
	}{
		{"7 hours: nothing", []*attendance.Form{form(absent("张三", 7))}, 7, attendance.LevelNone},
		{"8 hours: yellow card", []*attendance.Form{form(absent("张三", 5)), form(absent("张三", 3))}, 8, attendance.LevelYellow},
		{"11 hours: still yellow", []*attendance.Form{form(absent("张三", 11))}, 11, attendance.LevelYellow},
		{"12 hours: criticism", []*attendance.Form{form(absent("张三", 12))}, 12, attendance.LevelCriticize},
		{"15 hours: discipline", []*attendance.Form{form(absent("张三", 15))}, 15, attendance.LevelDiscipline},
		{"absence in days counts day_hours", []*attendance.Form{form(attendance.Row{Type: attendance.Absent, Student: "张三", Days: 1})}, 8, attendance.LevelYellow},
		{"approved leave covers absence in its form", []*attendance.Form{form(absent("张三", 10), leave("张三", 3, 0, "刘老师"))}, 7, attendance.LevelNone},
		{"a leave in days covers up to days × day_hours", []*attendance.Form{form(absent("张三", 10), leave("张三", 0, 1, "刘老师"))}, 2, attendance.LevelNone},
		{"leave without approver covers nothing", []*attendance.Form{form(absent("张三", 10), leave("张三", 3, 0, ""))}, 10, attendance.LevelYellow},
		{"leave covers only its own form", []*attendance.Form{form(absent("张三", 9)), form(leave("张三", 5, 0, "刘老师"))}, 9, attendance.LevelYellow},
		{"leave covers only its student", []*attendance.Form{form(absent("张三", 9), leave("李四", 5, 0, "刘老师"))}, 9, attendance.LevelYellow},
		{"withdrawn entries count for nothing", []*attendance.Form{{Unit: "g1c1", Entries: []*attendance.Entry{
			{ID: "A1", Withdrawn: true, Rows: []attendance.Row{absent("张三", 9)}}, {ID: "A2", Rows: []attendance.Row{absent("张三", 1)}}}}}, 1, attendance.LevelNone},
		{"3 days left school: nothing", []*attendance.Form{form(attendance.Row{Type: attendance.LeftSchool, Student: "张三", Days: 3})}, 0, attendance.LevelNone},
		{"4 days left school: discipline", []*attendance.Form{form(attendance.Row{Type: attendance.LeftSchool, Student: "张三", Days: 2}),
			form(attendance.Row{Type: attendance.LeftSchool, Student: "张三", Days: 2})}, 0, attendance.LevelDiscipline},
	}
	for _, c := range cases {
		ts := attendance.Ledger(c.forms, th)
		var got *attendance.Tally
		for _, x := range ts {
			if x.Student == "张三" {
				got = x
			}
		}
		if got == nil {
			t.Errorf("%s: no tally for 张三 in %+v", c.name, ts)
			continue
		}
		if got.AbsentHours != c.absent || got.Level != c.level {
			t.Errorf("%s: absent %d level %q, want %d %q", c.name, got.AbsentHours, got.Level, c.absent, c.level)
		}
	}
	ts := attendance.Ledger([]*attendance.Form{form(
		attendance.Row{Type: attendance.NightAway, Student: "李四"}, attendance.Row{Type: attendance.NightAway, Student: "李四", Days: 2},
		attendance.Row{Type: attendance.LateReturn, Student: "王五", Time: "23:40"},
		attendance.Row{Type: attendance.Absent, Student: "张三", No: "23", Hours: 2}, absent("张三", 1),
		leave("赵六", 3, 0, ""), leave("赵六", 0, 2, "刘老师"))}, th)
	got := map[string]attendance.Tally{}
	for _, x := range ts {
		got[x.Student] = *x
	}
	if x := got["李四"]; x.Nights != 3 {
		t.Errorf("nights %d, want 3", x.Nights)
	}
	if x := got["王五"]; x.LateReturns != 1 {
		t.Errorf("late returns %d", x.LateReturns)
	}
	if got["张三[23]"].ReportedHours != 2 || got["张三"].ReportedHours != 1 {
		t.Errorf("a student number tells namesakes apart: %+v", got)
	}
	if x := got["赵六"]; x.LeaveHours != 3 || x.LeaveDays != 2 || x.PendingLeaves != 1 {
		t.Errorf("leave %+v", x)
	}
}

func TestParsePeriod(t *testing.T) {
	cases := []struct{ in, name, from, to string }{
		{"2026-11", "2026-11", "2026-11-01", "2026-12-01"},
		{"2026-12", "2026-12", "2026-12-01", "2027-01-01"},
		{"2026q4", "2026Q4", "2026-10-01", "2027-01-01"},
		{"2026Q1", "2026Q1", "2026-01-01", "2026-04-01"},
		{" 2026 ", "2026", "2026-01-01", "2027-01-01"},
	}
	for _, c := range cases {
		p, err := org.ParsePeriod(c.in, shanghai)
		if err != nil || p.Name != c.name || !p.From.Equal(at(c.from)) || !p.To.Equal(at(c.to)) {
			t.Errorf("ParsePeriod(%q) = %+v, %v", c.in, p, err)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026Q5", "26", "11月", "2026Q", "abcdQ1"} {
		if _, err := org.ParsePeriod(bad, shanghai); !errors.Is(err, org.ErrPeriod) {
			t.Errorf("ParsePeriod(%q) err = %v", bad, err)
		}
	}
}

func TestDescribeRows(t *testing.T) {
	rows := []attendance.Row{
		{Type: attendance.Leave, Student: "赵六", Hours: 3, Reason: "病假", Approver: "刘老师"},
		absent("张三", 2), absent("李四", 1),
		{Type: attendance.LateReturn, Student: "王五", Time: "23:40"},
		{Type: attendance.Leave, Student: "钱八", Days: 1},
		{Type: attendance.LeftSchool, Student: "孙七", Days: 2},
	}
	want := "旷课：张三 2节、李四 1节\n晚归：王五 23:40\n请假：赵六 3节 病假 批准人刘老师、钱八 1天 （待补请假条）\n擅自离校：孙七 2天"
	if got := attendance.DescribeRows(rows); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := attendance.DescribeRows(nil); got != "无异常" {
		t.Errorf("no rows: %q", got)
	}
}
