package console

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// chartWeeks is how many weeks the charts cover (this one included);
// chartMonths how many months the time-to-acknowledge chart covers.
const (
	chartWeeks  = 12
	chartMonths = 6
)

// The charts are plain SVG drawn by the template from points computed
// here, in a 320 × 120 box (y grows downwards).
const (
	chartW, chartH = 320.0, 120.0
)

type series struct {
	Name, Color, Points string // Points: "x,y x,y …" for a polyline
	Last                string // the last value, as text
}

type bar struct {
	X, Y, W, H float64
	Color, Tip string
}

type chartsData struct {
	Weeks     []string // labels, oldest first
	Rates     []series // on-time rate per week per grade
	Bars      []bar    // incidents per week by severity, stacked
	Severity  []series // legend only (Name, Color)
	MaxBar    int
	TTA       []bar // median time to acknowledge per month
	TTALabels []string
	TTAMax    string
	NoClasses bool
	Incidents bool
}

var palette = []string{"#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2"}

var severityColors = map[string]string{incident.Normal: "#60a5fa", incident.Major: "#f97316", incident.ReportUp: "#dc2626"}

// charts draws, over the viewer's scope: the on-time rate of the forms per
// week per grade, the incidents per week by severity and the median
// time-to-acknowledge per month.
func (c *Console) charts(_ *http.Request, v *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	monday := c.Schedule.Calendar().Monday(now)
	first := monday.AddDate(0, 0, -7*(chartWeeks-1))
	end := monday.AddDate(0, 0, 7)
	d := &chartsData{}
	for w := range chartWeeks {
		d.Weeks = append(d.Weeks, first.AddDate(0, 0, 7*w).Format("01-02"))
	}
	classes := c.classes(v.Member)
	d.NoClasses = len(classes) == 0
	if !d.NoClasses {
		s, err := c.Forms.Summary(org.Period{Name: "charts", From: first, To: end}, classes, now)
		if err != nil {
			return "", "", nil, err
		}
		d.Rates = c.rates(s, first, now)
	}
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, c.loc).AddDate(0, -(chartMonths - 1), 0)
	if from.After(first) {
		from = first
	}
	list, err := c.Incidents.Between(from, now.Add(time.Second))
	if err != nil {
		return "", "", nil, err
	}
	var mine []*incident.Incident
	for _, inc := range list {
		if c.seesIncident(v.Member, inc) {
			mine = append(mine, inc)
		}
	}
	d.Incidents = len(mine) > 0
	d.Bars, d.Severity, d.MaxBar = incidentBars(mine, first)
	d.TTA, d.TTALabels, d.TTAMax = ttaBars(mine, now, c.loc)
	return "charts", "图表", d, nil
}

// rates is the share of forms due each week that came on time, per grade;
// forms not yet due are left out, and a week without a due form is a gap.
func (c *Console) rates(s *attendance.Summary, first, now time.Time) []series {
	type tally struct{ on, due int }
	per := map[string]*[chartWeeks]tally{}
	var grades []string
	for _, f := range s.Forms {
		u, ok := c.Dir.Unit(f.Unit)
		if !ok {
			continue
		}
		w := int(f.Due.Sub(first) / (7 * 24 * time.Hour))
		state := f.State(now)
		if w < 0 || w >= chartWeeks || state == attendance.FormOpen {
			continue
		}
		t := per[u.Grade]
		if t == nil {
			t = &[chartWeeks]tally{}
			per[u.Grade] = t
			grades = append(grades, u.Grade)
		}
		t[w].due++
		if state == attendance.FormOnTime {
			t[w].on++
		}
	}
	var out []series
	for i, g := range grades {
		var pts []string
		last := ""
		for w, t := range per[g] {
			if t.due == 0 {
				continue
			}
			rate := float64(t.on) / float64(t.due)
			pts = append(pts, fmt.Sprintf("%.0f,%.0f", x(w, chartWeeks), chartH-rate*chartH))
			last = fmt.Sprintf("%.0f%%", rate*100)
		}
		out = append(out, series{Name: g, Color: palette[i%len(palette)], Points: strings.Join(pts, " "), Last: last})
	}
	return out
}

// x is the centre of slot i of n across the chart.
func x(i, n int) float64 { return (float64(i) + 0.5) * chartW / float64(n) }

func incidentBars(list []*incident.Incident, first time.Time) ([]bar, []series, int) {
	sev := []string{incident.Normal, incident.Major, incident.ReportUp}
	var counts [chartWeeks]map[string]int
	most := 0
	for _, inc := range list {
		w := int(inc.ReportedAt.Sub(first) / (7 * 24 * time.Hour))
		if inc.ReportedAt.Before(first) || w >= chartWeeks {
			continue
		}
		if counts[w] == nil {
			counts[w] = map[string]int{}
		}
		counts[w][inc.Severity]++
	}
	for _, m := range counts {
		n := 0
		for _, k := range m {
			n += k
		}
		most = max(most, n)
	}
	var bars []bar
	if most == 0 {
		return nil, nil, 0
	}
	bw := chartW / chartWeeks * 0.7
	for w, m := range counts {
		y := chartH
		for _, s := range sev {
			if m[s] == 0 {
				continue
			}
			h := float64(m[s]) / float64(most) * chartH
			y -= h
			bars = append(bars, bar{X: x(w, chartWeeks) - bw/2, Y: y, W: bw, H: h, Color: severityColors[s],
				Tip: fmt.Sprintf("%s %d 起", s, m[s])})
		}
	}
	legend := make([]series, len(sev))
	for i, s := range sev {
		legend[i] = series{Name: s, Color: severityColors[s]}
	}
	return bars, legend, most
}

// ttaBars is the median time from report to first acknowledgement per
// month, over the incidents acknowledged.
func ttaBars(list []*incident.Incident, now time.Time, loc *time.Location) ([]bar, []string, string) {
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -(chartMonths - 1), 0)
	var per [chartMonths][]time.Duration
	for _, inc := range list {
		if !inc.Acked() || inc.ReportedAt.Before(start) {
			continue
		}
		t := inc.ReportedAt.In(loc)
		m := (t.Year()-start.Year())*12 + int(t.Month()) - int(start.Month())
		if m < chartMonths {
			per[m] = append(per[m], inc.AckedAt.Sub(inc.ReportedAt))
		}
	}
	var med [chartMonths]time.Duration
	var top time.Duration
	labels := make([]string, chartMonths)
	for i := range chartMonths {
		labels[i] = start.AddDate(0, i, 0).Format("1月")
		if ds := per[i]; len(ds) > 0 {
			slices.Sort(ds)
			med[i] = ds[len(ds)/2]
			if len(ds)%2 == 0 {
				med[i] = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
			}
			top = max(top, med[i])
		}
	}
	if top == 0 {
		return nil, labels, ""
	}
	var bars []bar
	bw := chartW / chartMonths * 0.6
	for i, m := range med {
		if m == 0 {
			continue
		}
		h := float64(m) / float64(top) * chartH
		bars = append(bars, bar{X: x(i, chartMonths) - bw/2, Y: chartH - h, W: bw, H: h, Color: "#2563eb",
			Tip: labels[i] + " 中位数 " + org.Span(m)})
	}
	return bars, labels, org.Span(top)
}
