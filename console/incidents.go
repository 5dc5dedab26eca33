package console

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// listDays is how far back the 急报 page lists closed incidents.
const listDays = 90

type incidentsData struct {
	Open, Closed []incidentRow
	All          bool // the viewer sees every incident (downloads offered)
	Period       string
}

func (c *Console) incidents(_ *http.Request, v *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	d := &incidentsData{All: seesAllIncidents(v.Member), Period: now.Format("2006")}
	var err error
	if d.Open, err = c.openIncidents(v.Member, now); err != nil {
		return "", "", nil, err
	}
	list, err := c.Incidents.Between(now.AddDate(0, 0, -listDays), now.Add(time.Second))
	if err != nil {
		return "", "", nil, err
	}
	for _, inc := range slices.Backward(list) {
		if inc.Closed && c.seesIncident(v.Member, inc) {
			d.Closed = append(d.Closed, c.incidentRow(inc, now))
		}
	}
	return "incidents", "急报", d, nil
}

type step struct {
	At, Type, By, Text string
}

type incidentData struct {
	incidentRow
	Text, Place, Reported, Why string
	TTA                        string // time to acknowledge
	Steps                      []step
}

// incident is one incident's timeline: reported → escalation steps →
// acknowledged → 续报 → 书面 → 结案, each with its time; with ?part=timeline
// (htmx) only the timeline.
func (c *Console) incident(r *http.Request, v *viewer) (string, string, any, error) {
	inc, err := c.Incidents.Get(r.PathValue("id"))
	if errors.Is(err, incident.ErrNotFound) || (err == nil && inc == nil) {
		return "", "", nil, errNotFound
	}
	if err != nil {
		return "", "", nil, err
	}
	if !c.seesIncident(v.Member, inc) {
		return "", "", nil, errForbidden
	}
	now := c.Now().In(c.loc)
	d := &incidentData{incidentRow: c.incidentRow(inc, now), Text: inc.Text, Place: inc.Place,
		Reported: inc.ReportedAt.In(c.loc).Format("2006-01-02 15:04")}
	if inc.Acked() {
		d.TTA = org.Span(inc.AckedAt.Sub(inc.ReportedAt))
	} else if !inc.Closed {
		d.TTA = "未确认（已 " + org.Span(now.Sub(inc.ReportedAt)) + "）"
	}
	for _, e := range inc.Timeline {
		by := ""
		if e.By != "" {
			by = c.Dir.MemberName(e.By)
		}
		d.Steps = append(d.Steps, step{At: e.At.In(c.loc).Format("01-02 15:04"), Type: e.Type, By: by, Text: e.Text})
	}
	if r.URL.Query().Get("part") == "timeline" {
		return "incident#timeline", inc.ID, d, nil
	}
	return "incident", "急报 " + inc.ID, d, nil
}
