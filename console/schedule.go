package console

import (
	"bytes"
	"net/http"

	"github.com/baosong/baosong/org"
)

// planSize is how many firings the 日程 page lists.
const planSize = 30

type firing struct {
	At, Job, Period, Deadline, Reason string
	Recipients                        int
	Skip                              bool
}

// schedule lists the next firings of the scheduler, as `baosong schedule`
// prints them (the jobs of the whole school: the plan names no person).
func (c *Console) schedule(_ *http.Request, _ *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	var out []firing
	for _, f := range c.Plan.Plan(now, planSize) {
		out = append(out, firing{At: weekdays[f.At.In(c.loc).Weekday()] + " " + f.At.In(c.loc).Format("01-02 15:04"),
			Job: f.Job, Period: f.Period, Deadline: f.Deadline, Reason: f.Reason, Recipients: f.Recipients, Skip: f.Skip})
	}
	return "schedule", "日程", out, nil
}

// download serves the existing exports as xlsx, scoped to the viewer: the
// attendance of their classes; incidents, items, points, weekly reports and
// the archive to the roles that see all of them.
func (c *Console) download(w http.ResponseWriter, r *http.Request) {
	v := c.signedIn(w, r)
	if v == nil {
		return
	}
	q := r.URL.Query()
	what, period := q.Get("what"), q.Get("period")
	var classes []*org.Unit
	var ok bool
	switch what {
	case "attendance":
		classes = c.classes(v.Member)
		ok = len(classes) > 0
	case "incidents":
		ok = seesAllIncidents(v.Member)
	case "submissions", "points", "weekly", "archive":
		ok = seesDesk(v.Member)
	default:
		c.refuse(w, http.StatusNotFound, msgNotFound)
		return
	}
	if !ok {
		c.refuse(w, http.StatusForbidden, msgForbidden)
		return
	}
	if _, err := org.ParsePeriod(period, c.loc); err != nil {
		c.refuse(w, http.StatusBadRequest, msgBadPeriod)
		return
	}
	var b bytes.Buffer // whole or nothing: a failed export is a 500, never a cut file
	if err := c.Export(&b, what, period, classes); err != nil {
		c.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+what+"-"+period+`.xlsx"`)
	_, _ = w.Write(b.Bytes())
}
