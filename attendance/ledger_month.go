package attendance

import (
	"slices"
	"strconv"
	"time"
)

// Counts are a student's rows added up as reported, independent of the
// thresholds: 旷课 is kept in hours and in days (rows without hours), since
// days become hours only with the thresholds' DayHours.
type Counts struct {
	AbsentHours   int `json:"ah,omitempty"` // 旷课 rows' hours
	AbsentDays    int `json:"ad,omitempty"` // 旷课 rows' days (rows without hours)
	Nights        int `json:"n,omitempty"`  // 夜不归宿
	DaysLeft      int `json:"dl,omitempty"` // 擅自离校 days
	LateReturns   int `json:"lr,omitempty"` // 晚归
	LeaveHours    int `json:"lh,omitempty"` // 请假 hours
	LeaveDays     int `json:"ld,omitempty"` // 请假 days
	PendingLeaves int `json:"pl,omitempty"` // 请假 without approver
}

// count is the one place that says what a row counts: toward the student's
// totals (c), and toward the form's part (p: 旷课 and approved leave, which
// may cover it). Ledger and the store's month records both count with it.
func count(r Row) (c Counts, p FormPart) {
	switch r.Type {
	case Absent: // its hours, or else its days
		if r.Hours > 0 {
			c.AbsentHours = r.Hours
		} else {
			c.AbsentDays = r.Days
		}
		p.AbsentHours, p.AbsentDays = c.AbsentHours, c.AbsentDays
	case NightAway:
		c.Nights = max(r.Days, 1)
	case LeftSchool:
		c.DaysLeft = r.Days
	case LateReturn:
		c.LateReturns = 1
	case Leave:
		c.LeaveHours, c.LeaveDays = r.Hours, r.Days
		if r.Approver == "" {
			c.PendingLeaves = 1
		} else {
			p.LeaveHours, p.LeaveDays = r.Hours, r.Days
		}
	}
	return c, p
}

// add adds d to c.
func (c *Counts) add(d Counts) {
	c.AbsentHours += d.AbsentHours
	c.AbsentDays += d.AbsentDays
	c.Nights += d.Nights
	c.DaysLeft += d.DaysLeft
	c.LateReturns += d.LateReturns
	c.LeaveHours += d.LeaveHours
	c.LeaveDays += d.LeaveDays
	c.PendingLeaves += d.PendingLeaves
}

// addTo adds the counts to a tally, 旷课 days as DayHours each.
func (c Counts) addTo(t *Tally, th Thresholds) {
	t.ReportedHours += c.AbsentHours + c.AbsentDays*th.DayHours
	t.Nights += c.Nights
	t.DaysLeft += c.DaysLeft
	t.LateReturns += c.LateReturns
	t.LeaveHours += c.LeaveHours
	t.LeaveDays += c.LeaveDays
	t.PendingLeaves += c.PendingLeaves
}

// StudentMonth is what one student's month ledger needs, kept by the store
// next to the student index (one record per class, student and month) so
// that a threshold check reads one record however many entries named the
// student this month. Everything is kept as reported (Counts); coverage of
// 旷课 by leave depends on DayHours, so the forms where both meet are kept
// apart (Mixed).
type StudentMonth struct {
	Counts
	Mixed []FormPart `json:"mx,omitempty"` // forms with both 旷课 and approved leave, by due
	First Place      `json:"f"`            // where the ledger first meets the student
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
		c, _ := count(r)
		m.add(c)
	}
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
			if r.Who() == student {
				_, q := count(r)
				p = p.plus(q)
			}
		}
	}
	return p, p.mixed()
}

// plus is the part with q's hours and days added (the due stays p's).
func (p FormPart) plus(q FormPart) FormPart {
	p.AbsentHours += q.AbsentHours
	p.AbsentDays += q.AbsentDays
	p.LeaveHours += q.LeaveHours
	p.LeaveDays += q.LeaveDays
	return p
}

// covered is how many 旷课 hours the part's approved leave covers.
func (p FormPart) covered(th Thresholds) int {
	return min(p.AbsentHours+p.AbsentDays*th.DayHours, p.LeaveHours+p.LeaveDays*th.DayHours)
}

// mixed reports whether the part has both 旷课 and approved leave.
func (p FormPart) mixed() bool {
	return p.AbsentHours+p.AbsentDays > 0 && p.LeaveHours+p.LeaveDays > 0
}

// Add is the part after e, a new entry of the form, is added; ok as PartOf.
func (p FormPart) Add(e *Entry, student string) (FormPart, bool) {
	q, _ := PartOf(e.Due, []*Entry{e}, student)
	p = p.plus(q)
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
	t := &Tally{Unit: unit, Student: student}
	m.addTo(t, th)
	for _, p := range m.Mixed {
		t.CoveredHours += p.covered(th)
	}
	t.settle(th)
	return t
}
