package attendance

import (
	"time"

	"github.com/baosong/baosong/org"
)

// Summary is the 《日常信息月度汇总表》 of a period (a month, or any longer
// period for exports): per grade, per class, the forms and their states, and
// per student the totals and the level. A form counts in the period that
// holds its due time; a level is reached per month (the ledger is monthly),
// and over several months a student shows the highest level of any month.
type Summary struct {
	Period org.Period
	Now    time.Time // states are judged at this instant
	Forms  []*Form   // every form due in the period of the classes summarised, by class then due time
	Grades []*GradeSummary
}

// GradeSummary is one grade of a summary.
type GradeSummary struct {
	Grade     string
	Classes   []*ClassSummary
	Confirmed *Confirmation // the grade lead's confirmation of the month; nil when none
}

// ClassSummary is one class of a summary.
type ClassSummary struct {
	Unit, Name                  string
	OnTime, Late, Missing, Open int      // forms by state
	Students                    []*Tally // students with anything recorded, in order of first appearance
}

// Confirmation is a grade lead's confirmation of a monthly summary.
type Confirmation struct {
	Period string    `json:"period"` // 2026-11
	Grade  string    `json:"grade"`
	By     string    `json:"by"` // member id
	At     time.Time `json:"at"`
}

// Summarize builds the summary of the classes (in their order, grouped by
// grade in order of first appearance) from their forms due in the period,
// judging states at now. It is the one summary function: 统计, the monthly
// job and the export all call it (through Service.Summary).
func Summarize(p org.Period, classes []*org.Unit, forms []*Form, th Thresholds, now time.Time) *Summary {
	s := &Summary{Period: p, Now: now}
	byUnit := map[string][]*Form{}
	for _, f := range forms {
		if !f.Due.Before(p.From) && f.Due.Before(p.To) {
			byUnit[f.Unit] = append(byUnit[f.Unit], f)
		}
	}
	grades := map[string]*GradeSummary{}
	loc := p.From.Location()
	for _, u := range classes {
		if u.Kind != org.Class {
			continue
		}
		g := grades[u.Grade]
		if g == nil {
			g = &GradeSummary{Grade: u.Grade}
			grades[u.Grade] = g
			s.Grades = append(s.Grades, g)
		}
		c := &ClassSummary{Unit: u.ID, Name: u.Name}
		g.Classes = append(g.Classes, c)
		mine := byUnit[u.ID]
		s.Forms = append(s.Forms, mine...)
		var months []string
		perMonth := map[string][]*Form{}
		for _, f := range mine {
			switch f.State(now) {
			case FormOnTime:
				c.OnTime++
			case FormLate:
				c.Late++
			case FormMissing:
				c.Missing++
			default:
				c.Open++
			}
			m := MonthOf(f.Due, loc)
			if _, ok := perMonth[m]; !ok {
				months = append(months, m)
			}
			perMonth[m] = append(perMonth[m], f)
		}
		c.Students = mergeTallies(months, perMonth, th)
	}
	return s
}

// mergeTallies computes the ledger month by month and adds the months up;
// the level is the highest reached in any month.
func mergeTallies(months []string, perMonth map[string][]*Form, th Thresholds) []*Tally {
	if len(months) == 1 {
		return keepAny(Ledger(perMonth[months[0]], th))
	}
	var out []*Tally
	byWho := map[string]*Tally{}
	for _, m := range months {
		for _, t := range Ledger(perMonth[m], th) {
			sum, ok := byWho[t.Student]
			if !ok {
				sum = &Tally{Unit: t.Unit, Student: t.Student}
				byWho[t.Student] = sum
				out = append(out, sum)
			}
			sum.ReportedHours += t.ReportedHours
			sum.CoveredHours += t.CoveredHours
			sum.AbsentHours += t.AbsentHours
			sum.Nights += t.Nights
			sum.DaysLeft += t.DaysLeft
			sum.LateReturns += t.LateReturns
			sum.LeaveHours += t.LeaveHours
			sum.LeaveDays += t.LeaveDays
			sum.PendingLeaves += t.PendingLeaves
			if DisciplineRank(t.Level) > DisciplineRank(sum.Level) {
				sum.Level = t.Level
			}
		}
	}
	return keepAny(out)
}

func keepAny(ts []*Tally) []*Tally {
	out := ts[:0]
	for _, t := range ts {
		if t.Any() {
			out = append(out, t)
		}
	}
	return out
}

// Students lists every student line of the summary, grade by grade, class
// by class.
func (s *Summary) Students() []*Tally {
	var out []*Tally
	for _, g := range s.Grades {
		for _, c := range g.Classes {
			out = append(out, c.Students...)
		}
	}
	return out
}

// AtLevel lists the students at a level (预警), most serious first, then in
// summary order.
func (s *Summary) AtLevel() []*Tally {
	var out []*Tally
	for rank := len(DisciplineLevels); rank >= 1; rank-- {
		for _, t := range s.Students() {
			if DisciplineRank(t.Level) == rank {
				out = append(out, t)
			}
		}
	}
	return out
}

// Class finds a class of the summary.
func (s *Summary) Class(unit string) (*ClassSummary, bool) {
	for _, g := range s.Grades {
		for _, c := range g.Classes {
			if c.Unit == unit {
				return c, true
			}
		}
	}
	return nil, false
}
