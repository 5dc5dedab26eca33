package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// maxOpen is how many open incidents a page lists.
const maxOpen = 50

// stateLabels are the form states as the grid shows them.
var stateLabels = map[string]string{attendance.FormOnTime: "按时", attendance.FormLate: "迟交",
	attendance.FormMissing: "缺报", attendance.FormOpen: "未到期"}

type incidentRow struct {
	ID, Severity, Unit, Summary string
	Since                       string // since the report
	Acked                       string // by whom and after how long; "" while unacknowledged
	Written                     string // the written report's state or when it is due
	WrittenLate                 bool
	Closed                      bool
	Levels                      int // escalation levels alerted so far
}

func (c *Console) incidentRow(inc *incident.Incident, now time.Time) incidentRow {
	r := incidentRow{ID: inc.ID, Severity: inc.Severity, Unit: c.Dir.UnitName(inc.Unit), Summary: inc.Text,
		Since: since(now, inc.ReportedAt), Closed: inc.Closed, Levels: inc.LevelReached + 1}
	if rs := []rune(r.Summary); len(rs) > 60 {
		r.Summary = string(rs[:60]) + "…"
	}
	if inc.Acked() {
		r.Acked = c.Dir.MemberName(inc.AckedBy) + "（" + org.Span(inc.AckedAt.Sub(inc.ReportedAt)) + "后确认）"
	}
	switch incident.WrittenState(inc, now) {
	case incident.WrittenOnTime:
		r.Written = "书面报告已按时提交"
	case incident.WrittenLate:
		r.Written, r.WrittenLate = "书面报告迟交", true
	case incident.WrittenMissing:
		r.Written, r.WrittenLate = "书面报告逾期未交（应于 "+inc.WrittenDue.In(c.loc).Format("01-02 15:04")+" 前）", true
	default:
		r.Written = "书面报告 " + org.Span(inc.WrittenDue.Sub(now)) + "后到期（" + inc.WrittenDue.In(c.loc).Format("15:04") + "）"
	}
	return r
}

// openIncidents lists the open incidents the viewer may see, newest first.
func (c *Console) openIncidents(m *org.Member, now time.Time) ([]incidentRow, error) {
	open, err := c.Incidents.Open(maxOpen)
	if err != nil {
		return nil, err
	}
	var out []incidentRow
	for _, inc := range open {
		if c.seesIncident(m, inc) {
			out = append(out, c.incidentRow(inc, now))
		}
	}
	return out, nil
}

// slot is one due time of the week's grid.
type slot struct {
	Label   string   // 周一 11-23 17:00
	Due     bool     // passed
	Missing []string // classes 缺报
	Lacking []string // classes without an entry yet, before the due time
}

type cell struct {
	State, Label, Entry string
}

type gridRow struct {
	Class string
	Cells []cell
}

type todayData struct {
	Incidents []incidentRow
	Week      string
	Slots     []*slot
	Grid      []gridRow
	NoClasses bool
	Weekly    *weeklyLine // departments without last week's report (the desk's roles)
	Desk      bool        // the viewer sees the desk: the quota section loads after the page (/today/quota)
	Month     string      // for the download links
}

type weeklyLine struct {
	Label   string
	Missing []string
}

var weekdays = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func (c *Console) today(r *http.Request, v *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	d := &todayData{Month: now.Format("2006-01")}
	var err error
	if d.Incidents, err = c.openIncidents(v.Member, now); err != nil {
		return "", "", nil, err
	}
	classes := c.classes(v.Member)
	d.NoClasses = len(classes) == 0
	monday := c.Schedule.Calendar().Monday(now)
	d.Week = monday.Format("1月2日") + "—" + monday.AddDate(0, 0, 6).Format("1月2日")
	if !d.NoClasses {
		if err := c.grid(d, classes, monday, now); err != nil {
			return "", "", nil, err
		}
	}
	if d.Desk = seesDesk(v.Member); d.Desk {
		if err := c.weeklyDue(r, d, now); err != nil {
			return "", "", nil, err
		}
	}
	return "today", "今日", d, nil
}

// grid fills the class × due-slot grid of the week.
func (c *Console) grid(d *todayData, classes []*org.Unit, monday, now time.Time) error {
	dues := c.Schedule.Between(monday, monday.AddDate(0, 0, 7))
	rows := make([]gridRow, len(classes))
	for i, u := range classes {
		rows[i] = gridRow{Class: u.Name, Cells: make([]cell, len(dues))}
	}
	for j, due := range dues {
		due = due.In(c.loc)
		s := &slot{Label: weekdays[due.Weekday()] + " " + due.Format("01-02 15:04"), Due: !now.Before(due)}
		forms, err := c.Forms.FormsDue(classes, due)
		if err != nil {
			return err
		}
		for i, f := range forms {
			state := f.State(now)
			ce := cell{State: state, Label: stateLabels[state]}
			if live := f.Live(); len(live) > 0 {
				ce.Entry = live[0].ID
			}
			rows[i].Cells[j] = ce
			switch {
			case state == attendance.FormMissing:
				s.Missing = append(s.Missing, classes[i].Name)
			case state == attendance.FormOpen:
				s.Lacking = append(s.Lacking, classes[i].Name)
			}
		}
		d.Slots = append(d.Slots, s)
	}
	d.Grid = rows
	return nil
}

// weeklyDue fills last week's missing department reports.
func (c *Console) weeklyDue(r *http.Request, d *todayData, now time.Time) error {
	weeks := c.Desk.WeeksDue(now.AddDate(0, 0, -7), now)
	if n := len(weeks); n > 0 {
		w := weeks[n-1]
		miss, err := c.Desk.WeeklyMissing(r.Context(), w.Monday)
		if err != nil {
			return err
		}
		names := make([]string, len(miss))
		for i, u := range miss {
			names[i] = c.Dir.UnitName(u)
		}
		d.Weekly = &weeklyLine{Label: w.Monday.In(c.loc).Format("1月2日") + "起一周（" +
			w.Due.In(c.loc).Format("01-02 15:04") + " 截止）", Missing: names}
	}
	return nil
}

// quota is the 今日 section of the officers below this month's quota so
// far. It reads every item of the year (about 58 ms for 5,000 items), so
// the home page loads it after itself (htmx, hx-trigger="load") and stays
// fast; without scripts the section links to 信息.
func (c *Console) quota(r *http.Request, v *viewer) (string, string, any, error) {
	if !seesDesk(v.Member) {
		return "", "", nil, errForbidden
	}
	gaps, err := c.Desk.BelowQuota(r.Context(), c.Now().In(c.loc))
	if err != nil {
		return "", "", nil, err
	}
	var out []string
	for _, g := range gaps {
		out = append(out, c.Dir.MemberName(g.Member)+" "+strconv.Itoa(g.Counted)+"/"+strconv.Itoa(g.Quota))
	}
	return "today#quota", "", out, nil
}
