package console

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/baosong/baosong/attendance"
)

// Change is one line of a record's history (who changed it, when, through
// which channel, what).
type Change struct {
	At                          time.Time
	By, Channel, Action, Detail string
}

type entryData struct {
	ID, Class, Form, By, At, State string
	Withdrawn                      bool
	Rows                           []string
	Followups                      []followupView
	History                        []change
}

type change struct{ At, By, Action, Detail string }

// entry is one attendance entry (A12) of a class the viewer sees: its
// items, the causes of its absences and its history.
func (c *Console) entry(r *http.Request, v *viewer) (string, string, any, error) {
	e, err := c.Forms.Entry(r.PathValue("id"))
	if errors.Is(err, attendance.ErrNoEntry) || (err == nil && e == nil) {
		return "", "", nil, errNotFound
	}
	if err != nil {
		return "", "", nil, err
	}
	u, ok := c.Dir.Unit(e.Unit)
	if !ok || !slices.Contains(c.classes(v.Member), u) {
		return "", "", nil, errForbidden
	}
	d := &entryData{ID: e.ID, Class: u.Name, Form: attendance.FormLabel(e.Due, c.loc), By: c.Dir.MemberName(e.Submitter),
		At: e.At.In(c.loc).Format("2006-01-02 15:04"), Withdrawn: e.Withdrawn}
	if e.Late() {
		d.State = "迟交"
	}
	for _, row := range e.Rows {
		d.Rows = append(d.Rows, attendance.DescribeRow(row))
	}
	for _, fu := range e.Followups {
		d.Followups = append(d.Followups, followupView{Entry: e.ID, Class: u.Name, Student: fu.Student,
			State: causeLabels[fu.State], Cause: fu.Cause})
	}
	hist, err := c.History(e.ID)
	if err != nil {
		return "", "", nil, err
	}
	for _, h := range hist {
		d.History = append(d.History, change{At: h.At.In(c.loc).Format("01-02 15:04"), By: c.Dir.MemberName(h.By),
			Action: h.Action, Detail: h.Detail})
	}
	return "entry", "考勤 " + e.ID, d, nil
}
