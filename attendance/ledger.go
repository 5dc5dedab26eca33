package attendance

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

// Discipline levels (篇2 第四条), mildest first; "" is none.
const (
	LevelNone       = ""
	LevelYellow     = "黄牌警示"
	LevelCriticize  = "通报批评"
	LevelDiscipline = "纪律处分"
)

// DisciplineLevels lists the levels mildest first.
var DisciplineLevels = []string{LevelYellow, LevelCriticize, LevelDiscipline}

// DisciplineRank orders levels: 0 for none, 1 黄牌警示 … 3 纪律处分.
func DisciplineRank(level string) int {
	for i, l := range DisciplineLevels {
		if l == level {
			return i + 1
		}
	}
	return 0
}

// Thresholds are the monthly discipline thresholds per student.
type Thresholds struct {
	YellowHours     int // 旷课 hours → 黄牌警示
	CriticizeHours  int // → 通报批评
	DisciplineHours int // → 纪律处分
	DisciplineDays  int // 擅自离校 more than this many days → 纪律处分
	DayHours        int // class hours in one school day (leave or 旷课 given in days)
}

// ThresholdsOf reads the thresholds from the attendance policy.
func ThresholdsOf(a org.AttendancePolicy) Thresholds {
	return Thresholds{YellowHours: a.YellowHours, CriticizeHours: a.CriticizeHours,
		DisciplineHours: a.DisciplineHours, DisciplineDays: a.DisciplineDays, DayHours: a.DayHours}
}

// Level is the level a month's totals reach: ≥ DisciplineHours hours or more
// than DisciplineDays days left → 纪律处分; ≥ CriticizeHours → 通报批评;
// ≥ YellowHours → 黄牌警示.
func (th Thresholds) Level(absentHours, daysLeft int) string {
	switch {
	case absentHours >= th.DisciplineHours || daysLeft > th.DisciplineDays:
		return LevelDiscipline
	case absentHours >= th.CriticizeHours:
		return LevelCriticize
	case absentHours >= th.YellowHours:
		return LevelYellow
	}
	return LevelNone
}

// Why names what brought a tally to its level: 旷课累计 16 节, 擅自离校 4 天,
// or both joined by 、 when each alone reaches it.
func (th Thresholds) Why(t *Tally) string {
	var parts []string
	if t.AbsentHours > 0 && th.Level(t.AbsentHours, 0) == t.Level {
		parts = append(parts, fmt.Sprintf("旷课累计 %d 节", t.AbsentHours))
	}
	if t.Level == LevelDiscipline && t.DaysLeft > th.DisciplineDays {
		parts = append(parts, fmt.Sprintf("擅自离校 %d 天", t.DaysLeft))
	}
	return strings.Join(parts, "、")
}

// Tally is one student's totals over some forms (a month for the ledger).
type Tally struct {
	Unit          string
	Student       string // as Row.Who: 张三 or 张三[23]
	ReportedHours int    // 旷课 hours as reported
	CoveredHours  int    // of those, covered by an approved leave of the same form
	AbsentHours   int    // ReportedHours − CoveredHours: what counts toward the thresholds
	Nights        int    // 夜不归宿
	DaysLeft      int    // 擅自离校 days
	LateReturns   int    // 晚归
	LeaveHours    int    // 请假 given in hours
	LeaveDays     int    // 请假 given in days
	PendingLeaves int    // 请假 rows without approver (待补请假条)
	Level         string // reached with AbsentHours and DaysLeft (the highest month's, over several months)
}

// Any reports whether the tally holds anything worth a line.
func (t *Tally) Any() bool {
	return t.ReportedHours+t.Nights+t.DaysLeft+t.LateReturns+t.LeaveHours+t.LeaveDays+t.PendingLeaves > 0
}

// Ledger totals the forms per student (the forms of one month make the
// monthly ledger of 篇2 第四条) and sets each student's level. Withdrawn
// entries count for nothing. An approved leave (one with an approver) covers
// 旷课 hours of the same student in the same form, up to its hours (days ×
// DayHours); leave never covers 夜不归宿 or 擅自离校. Students come by unit in
// the order the forms list them, then by first appearance. Rows count as
// count says, as they do in the store's month records (StudentMonth).
func Ledger(forms []*Form, th Thresholds) []*Tally {
	type key struct{ unit, who string }
	byKey := map[key]*Tally{}
	var out []*Tally
	get := func(unit string, r Row) *Tally {
		k := key{unit, r.Who()}
		t, ok := byKey[k]
		if !ok {
			t = &Tally{Unit: unit, Student: k.who}
			byKey[k] = t
			out = append(out, t)
		}
		return t
	}
	for _, f := range forms {
		parts := map[*Tally]FormPart{}
		for _, e := range f.Entries {
			if e.Withdrawn {
				continue
			}
			for _, r := range e.Rows {
				t := get(f.Unit, r)
				c, p := count(r)
				c.addTo(t, th)
				parts[t] = parts[t].plus(p)
			}
		}
		for t, p := range parts {
			t.CoveredHours += p.covered(th)
		}
	}
	for _, t := range out {
		t.settle(th)
	}
	unitOrder := map[string]int{}
	for _, f := range forms {
		if _, ok := unitOrder[f.Unit]; !ok {
			unitOrder[f.Unit] = len(unitOrder)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return unitOrder[out[i].Unit] < unitOrder[out[j].Unit] })
	return out
}

// settle sets what follows from the totals: the hours that count and the level.
func (t *Tally) settle(th Thresholds) {
	t.AbsentHours = t.ReportedHours - t.CoveredHours
	t.Level = th.Level(t.AbsentHours, t.DaysLeft)
}

// Crossing is a level a student reached in a month.
type Crossing struct {
	Month   string // 2026-11
	Tally   *Tally
	Level   string
	Reached bool // first reached by this change (its pushes were queued now)
}

// MonthOf names the month of t in loc: 2026-11.
func MonthOf(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01") }
