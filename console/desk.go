package console

import (
	"fmt"
	"net/http"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

type deskData struct {
	Full      bool // the whole desk (office, admin, leader); else the viewer's unit's items
	Pipeline  []count
	Levels    []count
	Items     []*desk.Article
	Ranking   []desk.PointsRow
	Period    string // month, quarter or year of the ranking
	Label     string
	Periods   []count // the choices, Name = period, N unused
	Shortfall []desk.PointsRow
}

type count struct {
	Name, Label string
	N           int
}

var statusOrder = []string{desk.Draft, desk.Submitted, desk.Approved, desk.Returned, desk.Adopted,
	desk.Signed, desk.Rejected}

// maxItems is how many recent items the 信息 page lists.
const maxItems = 30

// desk is the information pipeline by state, the adoptions by level and
// the points ranking of the month, quarter or year (?p=2026-11|2026Q4|2026).
func (c *Console) desk(r *http.Request, v *viewer) (string, string, any, error) {
	now := c.Now().In(c.loc)
	arts, err := c.Desk.Articles()
	if err != nil {
		return "", "", nil, err
	}
	d := &deskData{Full: seesDesk(v.Member)}
	byStatus, byLevel := map[string]int{}, map[string]int{}
	for _, a := range arts {
		if !seesArticle(v.Member, a) {
			continue
		}
		byStatus[a.Status]++
		for _, ad := range a.Adoptions {
			byLevel[ad.Level]++
		}
		d.Items = append(d.Items, a)
	}
	for _, s := range statusOrder {
		d.Pipeline = append(d.Pipeline, count{Name: s, Label: desk.StatusName(s, c.Dir.OfficeName()), N: byStatus[s]})
	}
	for _, l := range desk.AdoptionLevels {
		d.Levels = append(d.Levels, count{Name: l, Label: l, N: byLevel[l]})
	}
	if n := len(d.Items); n > maxItems {
		d.Items = d.Items[n-maxItems:]
	}
	if !d.Full {
		return "desk", "信息", d, nil
	}
	month := now.Format("2006-01")
	quarter := fmt.Sprintf("%dQ%d", now.Year(), (int(now.Month())+2)/3)
	year := now.Format("2006")
	d.Periods = []count{{Name: month, Label: "本月"}, {Name: quarter, Label: "本季度"}, {Name: year, Label: "本年"}}
	d.Period = month
	if q := r.URL.Query().Get("p"); q != "" {
		d.Period = q
	}
	p, err := org.ParsePeriod(d.Period, c.loc)
	if err != nil {
		return "", "", nil, errNotFound
	}
	d.Label = p.Name
	d.Ranking = c.Policy.Points(c.Dir, arts, p.From, p.To, now)
	for _, row := range d.Ranking {
		if row.Shortfall > 0 {
			d.Shortfall = append(d.Shortfall, row)
		}
	}
	return "desk", "信息", d, nil
}
