package attendance

import (
	"slices"
	"strconv"
	"time"
)

// StudentMonth is what one student's month ledger needs, kept by the store
// next to the student index (one record per class, student and month) so
// that a threshold check reads one record however many entries named the
// student this month. Everything is kept as reported, independent of the
// thresholds: coverage of 旷课 by leave depends on DayHours, so the forms
// where both meet are kept apart (Mixed).
type StudentMonth struct {
	AbsentHours   int        `json:"ah,omitempty"` // 旷课 rows' hours
	AbsentDays    int        `json:"ad,omitempty"` // 旷课 rows' days (rows without hours)
	Nights        int        `json:"n,omitempty"`  // 夜不归宿
	DaysLeft      int        `json:"dl,omitempty"` // 擅自离校 days
	LateReturns   int        `json:"lr,omitempty"` // 晚归
	LeaveHours    int        `json:"lh,omitempty"` // 请假 hours
	LeaveDays     int        `json:"ld,omitempty"` // 请假 days
	PendingLeaves int        `json:"pl,omitempty"` // 请假 without approver
	Mixed         []FormPart `json:"mx,omitempty"` // forms with both 旷课 and approved leave, by due
	First         Place      `json:"f"`            // where the ledger first meets the student
}

// FormPart is one student's 旷课 and approved leave in one form.
type FormPart struct {
	Due         int64 `json:"due"` // the form's due time, unix seconds
	AbsentHours int   `json:"ah,omitempty"`
	AbsentDays  int   `json:"ad,omitempty"`
	LeaveHours  int   `json:"lh,omitempty"` // approved leave only
	LeaveDays   int   `json:"ld,omitempty"`
}

// Place orders a student's rows as Ledger meets them: by form due time, entry
// number, then row.
type Place struct {
	Due   int64  `json:"due"`
	Entry uint64 `json:"e"`
	Row   int    `json:"r"`
}

func (p Place) less(q Place) bool {
	if p.Due != q.Due {
		return p.Due < q.Due
	}
	if p.Entry != q.Entry {
		return p.Entry < q.Entry
	}
	return p.Row < q.Row
}

// Empty reports whether no row was added.
func (m *StudentMonth) Empty() bool { return m.First == (Place{}) }

// Add counts the student's rows of a live entry (rows naming others are
// skipped) except the form part: see SetPart.
func (m *StudentMonth) Add(e *Entry, student string) {
	if e.Withdrawn {
		return
	}
	n, _ := strconv.ParseUint(e.ID[min(1, len(e.ID)):], 10, 64)
	for i, r := range e.Rows {
		if r.Who() != student {
			continue
		}
		if p := (Place{e.Due.Unix(), n, i}); m.Empty() || p.less(m.First) {
			m.First = p
		}
		switch r.Type {
		case Absent:
			m.AbsentHours, m.AbsentDays = addAbsent(m.AbsentHours, m.AbsentDays, r)
		case NightAway:
			m.Nights += max(r.Days, 1)
		case LeftSchool:
			m.DaysLeft += r.Days
		case LateReturn:
			m.LateReturns++
		case Leave:
			m.LeaveHours += r.Hours
			m.LeaveDays += r.Days
			if r.Approver == "" {
				m.PendingLeaves++
			}
		}
	}
}

// addAbsent adds a 旷课 row as Thresholds.absentHours counts it: its hours,
// or else its days.
func addAbsent(hours, days int, r Row) (int, int) {
	if r.Hours > 0 {
		return hours + r.Hours, days
	}
	return hours, days + r.Days
}

// PartOf sums the student's 旷课 and approved leave in the live entries of
// one form; ok when both are there (coverage is possible).
func PartOf(due time.Time, es []*Entry, student string) (p FormPart, ok bool) {
	p.Due = due.Unix()
	for _, e := range es {
		if e.Withdrawn {
			continue
		}
		for _, r := range e.Rows {
			if r.Who() != student {
				continue
			}
			switch {
			case r.Type == Absent:
				p.AbsentHours, p.AbsentDays = addAbsent(p.AbsentHours, p.AbsentDays, r)
			case r.Type == Leave && r.Approver != "":
				p.LeaveHours += r.Hours
				p.LeaveDays += r.Days
			}
		}
	}
	return p, p.mixed()
}

// mixed reports whether the part has both 旷课 and approved leave.
func (p FormPart) mixed() bool {
	return p.AbsentHours+p.AbsentDays > 0 && p.LeaveHours+p.LeaveDays > 0
}

// Add is the part after e, a new entry of the form, is added; ok as PartOf.
func (p FormPart) Add(e *Entry, student string) (FormPart, bool) {
	q, _ := PartOf(e.Due, []*Entry{e}, student)
	p.AbsentHours += q.AbsentHours
	p.AbsentDays += q.AbsentDays
	p.LeaveHours += q.LeaveHours
	p.LeaveDays += q.LeaveDays
	return p, p.mixed()
}

// Touches reports whether the rows can change the student's form part.
func Touches(rows []Row, student string) bool {
	return slices.ContainsFunc(rows, func(r Row) bool {
		return r.Who() == student && (r.Type == Absent || r.Type == Leave && r.Approver != "")
	})
}

// SetPart replaces the form's part (dropped when ok is false).
func (m *StudentMonth) SetPart(p FormPart, ok bool) {
	i, found := slices.BinarySearchFunc(m.Mixed, p.Due, func(x FormPart, due int64) int {
		switch {
		case x.Due < due:
			return -1
		case x.Due > due:
			return 1
		}
		return 0
	})
	switch {
	case ok && found:
		m.Mixed[i] = p
	case ok:
		m.Mixed = slices.Insert(m.Mixed, i, p)
	case found:
		m.Mixed = slices.Delete(m.Mixed, i, i+1)
	}
}

// SummarizeMonth computes a student's month from the live entries naming
// the student (rows of others are skipped).
func SummarizeMonth(es []*Entry, student string) StudentMonth {
	var m StudentMonth
	byDue := map[int64][]*Entry{}
	var dues []time.Time
	for _, e := range es {
		m.Add(e, student)
		if _, ok := byDue[e.Due.Unix()]; !ok {
			dues = append(dues, e.Due)
		}
		byDue[e.Due.Unix()] = append(byDue[e.Due.Unix()], e)
	}
	for _, d := range dues {
		m.SetPart(PartOf(d, byDue[d.Unix()], student))
	}
	return m
}

// Tally is the student's ledger line for the month, as Ledger computes it
// from the month's forms.
func (m *StudentMonth) Tally(unit, student string, th Thresholds) *Tally {
	t := &Tally{Unit: unit, Student: student, Nights: m.Nights, DaysLeft: m.DaysLeft, LateReturns: m.LateReturns,
		LeaveHours: m.LeaveHours, LeaveDays: m.LeaveDays, PendingLeaves: m.PendingLeaves,
		ReportedHours: m.AbsentHours + m.AbsentDays*th.DayHours}
	for _, p := range m.Mixed {
		t.CoveredHours += min(p.AbsentHours+p.AbsentDays*th.DayHours, p.LeaveHours+p.LeaveDays*th.DayHours)
	}
	t.AbsentHours = t.ReportedHours - t.CoveredHours
	t.Level = th.Level(t.AbsentHours, t.DaysLeft)
	return t
}
