package console

import (
	"net/http"
	"slices"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/org"
)

type attendanceData struct {
	Month, Prev, Next string // 2026-11 and its neighbours, for the links
	Label             string
	Levels            bool // the viewer sees the 8/12/15 levels
	Grades            []gradeView
	// Compact: a wide scope (more than detailClasses classes) lists each
	// class's counts and only the students at a level; ?c=<class> opens
	// one class whole.
	Compact   bool
	Class     string // the class opened with ?c=, "" for all
	Followups []followupView
	Leaves    []leaveView // 待补请假条
	Empty     bool
}

type gradeView struct {
	Grade, Confirmed string
	Classes          []*attendance.ClassSummary
}

type followupView struct {
	Entry, Class, Student, State, Cause string
}

type leaveView struct {
	Entry, Class, Student, What string
}

// detailClasses is the widest scope whose students the 考勤 page lists
// whole; beyond it the page stays small on a phone (and under 100 KB).
const detailClasses = 8

var causeLabels = map[string]string{attendance.CausePending: "待查明", attendance.CauseFound: "查明",
	attendance.CauseNotFound: "未查明", attendance.CauseOverdue: "逾期未答复"}

// attendance is the month's ledger of the viewer's classes: forms by state,
// each student's totals against the 8/12/15 levels, the causes of absences
// (查明/未查明) and the leave slips still to complete.
func (c *Console) attendance(r *http.Request, v *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	p := org.MonthPeriod(now, c.loc)
	if m := r.URL.Query().Get("m"); m != "" {
		q, err := org.ParsePeriod(m, c.loc)
		if err != nil || q.To.Sub(q.From) > 31*24*time.Hour {
			return "", "", nil, errNotFound
		}
		p = q
	}
	classes := c.classes(v.Member)
	class := r.URL.Query().Get("c")
	if class != "" {
		u, ok := c.Dir.Unit(class)
		if !ok || !slices.Contains(classes, u) {
			return "", "", nil, errForbidden
		}
		classes = []*org.Unit{u}
	}
	d := &attendanceData{Class: class, Compact: len(classes) > detailClasses, Month: p.Name, Label: p.From.Format("2006年1月"), Levels: c.seesLevels(v.Member),
		Prev: p.From.AddDate(0, -1, 0).Format("2006-01"), Next: p.From.AddDate(0, 1, 0).Format("2006-01"),
		Empty: len(classes) == 0}
	if d.Empty {
		return "attendance", "考勤", d, nil
	}
	s, err := c.Forms.Summary(p, classes, now)
	if err != nil {
		return "", "", nil, err
	}
	for _, g := range s.Grades {
		if d.Compact {
			for _, cs := range g.Classes {
				cs.Students = slices.DeleteFunc(cs.Students, func(t *attendance.Tally) bool { return t.Level == "" })
			}
		}
		gv := gradeView{Grade: g.Grade, Classes: g.Classes}
		if cf := g.Confirmed; cf != nil {
			gv.Confirmed = c.Dir.MemberName(cf.By) + " " + cf.At.In(c.loc).Format("01-02 15:04") + " 已确认"
		}
		d.Grades = append(d.Grades, gv)
	}
	for _, f := range s.Forms {
		if d.Compact {
			break // follow-ups and leave slips per class: ?c=
		}
		class := c.Dir.UnitName(f.Unit)
		for _, e := range f.Live() {
			for _, fu := range e.Followups {
				if fu.Via == "" {
					d.Followups = append(d.Followups, followupView{Entry: e.ID, Class: class, Student: fu.Student,
						State: causeLabels[fu.State], Cause: fu.Cause})
				}
			}
			for _, row := range e.Rows {
				if row.Type == attendance.Leave && row.Approver == "" {
					d.Leaves = append(d.Leaves, leaveView{Entry: e.ID, Class: class, Student: row.Who(),
						What: attendance.DescribeRow(row)})
				}
			}
		}
	}
	return "attendance", "考勤", d, nil
}
