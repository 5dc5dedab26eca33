package desk

// Unit statistics and the circular (通报, 篇1 第九条, 篇6 三).

import (
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/org"
)

// UnitStat is one unit's information work over a period.
type UnitStat struct {
	Unit      string         `json:"unit"`
	UnitName  string         `json:"unit_name"`
	Submitted int            `json:"submitted"` // items counted for the period's months (drafts excluded)
	Approved  int            `json:"approved"`  // of them, approved (by the head or sent straight on) and not rejected
	Adopted   int            `json:"adopted"`
	ByLevel   map[string]int `json:"by_level"` // adopted items by their highest level
	Late      int            `json:"late"`     // 延期
	Returned  int            `json:"returned"` // currently returned for revision
	Rejected  int            `json:"rejected"`
	Quota     int            `json:"quota"`
	Shortfall int            `json:"shortfall"`
	GoodDeeds int            `json:"good_deeds"`
	// Weekly reports due in the period (missing: those whose due time passed).
	WeeklyOnTime  int `json:"weekly_on_time"`
	WeeklyLate    int `json:"weekly_late"`
	WeeklyMissing int `json:"weekly_missing"`
}

// FormCounter counts the classes' attendance forms of a period by state at
// now, for Stats.Forms; *attendance.Service implements it (FormLines).
// It is the one place the desk meets attendance, and the dependency runs
// this way only: attendance knows nothing of the desk.
type FormCounter interface {
	FormLines(p org.Period, now time.Time) ([]attendance.FormLine, error)
}

// Stats is the statistics of a period: per unit, and the ledger.
type Stats struct {
	Period   org.Period
	At       time.Time
	Units    []UnitStat
	People   []PointsRow
	UnitRank []UnitPoints
	Forms    []attendance.FormLine
}

// Statistics computes a period's statistics at now. Pure. Units are the
// departments with an officer or an item, then every other unit with a
// good deed, in directory order.
func (d *Service) Statistics(per org.Period, arts []*Article, weeks []*Weekly, deeds []*GoodDeed, now time.Time) *Stats {
	p := d.Policy
	rows := p.Points(d.Dir, arts, per.From, per.To, now)
	months := map[string]bool{}
	for _, m := range p.periodMonths(per.From, per.To, now) {
		months[m] = true
	}
	stat := map[string]*UnitStat{}
	var order []string
	get := func(unit string) *UnitStat {
		if s, ok := stat[unit]; ok {
			return s
		}
		s := &UnitStat{Unit: unit, UnitName: d.Dir.UnitName(unit), ByLevel: map[string]int{}}
		stat[unit] = s
		order = append(order, unit)
		return s
	}
	for _, u := range d.Departments() {
		get(u.ID)
	}
	for _, a := range arts {
		if !months[a.CountedMonth] {
			continue
		}
		s := get(a.Unit)
		s.Submitted++
		if a.Late {
			s.Late++
		}
		switch a.Status {
		case Approved, Adopted, Signed:
			s.Approved++
		case Returned:
			s.Returned++
		case Rejected:
			s.Rejected++
		}
		if lv := highestLevel(adoptedBy(a.Adoptions, now)); lv != "" {
			s.Adopted++
			s.ByLevel[lv]++
		}
	}
	for _, r := range rows {
		if r.Unit == "" {
			continue
		}
		s := get(r.Unit)
		s.Quota += r.Quota
		s.Shortfall += r.Shortfall
	}
	for _, w := range weeks {
		if w.Due.Before(per.From) || !w.Due.Before(per.To) {
			continue
		}
		if w.Late {
			get(w.Unit).WeeklyLate++
		} else {
			get(w.Unit).WeeklyOnTime++
		}
	}
	for _, wd := range d.WeeksDue(per.From, per.To) {
		if wd.Due.After(now) {
			break
		}
		for _, unit := range WeeklyMissingOf(d.Departments(), weeks, wd.Monday) {
			get(unit).WeeklyMissing++
		}
	}
	for _, g := range deeds {
		if !g.At.Before(per.From) && g.At.Before(per.To) && g.Unit != "" {
			get(g.Unit).GoodDeeds++
		}
	}
	out := &Stats{Period: per, At: now, People: rows, UnitRank: UnitTotals(rows)}
	for _, u := range order {
		out.Units = append(out.Units, *stat[u])
	}
	return out
}

func adoptedBy(ads []Adoption, now time.Time) []Adoption {
	var out []Adoption
	for _, ad := range ads {
		if !ad.At.After(now) {
			out = append(out, ad)
		}
	}
	return out
}

// Circular renders the statistics as the 通报 text. orgName heads it.
func (s *Stats) Circular(orgName string) string {
	var b strings.Builder
	closed := true
	for _, r := range s.People {
		closed = closed && r.Closed
	}
	fmt.Fprintf(&b, "【%s信息工作通报】%s", orgName, org.PeriodLabel(s.Period.Name))
	if !closed {
		b.WriteString("（暂计，未结算）")
	}
	fmt.Fprintf(&b, "\n统计截至 %s。\n一、各单位信息报送情况", s.At.Format("2006-01-02 15:04"))
	for _, u := range s.Units {
		fmt.Fprintf(&b, "\n%s：报送 %d 篇", u.UnitName, u.Submitted)
		if u.Late > 0 {
			fmt.Fprintf(&b, "（其中延期 %d 篇）", u.Late)
		}
		fmt.Fprintf(&b, "，审核通过 %d 篇，采用 %d 篇", u.Approved, u.Adopted)
		if lv := levelList(u.ByLevel); lv != "" {
			fmt.Fprintf(&b, "（%s）", lv)
		}
		if u.Quota > 0 {
			fmt.Fprintf(&b, "，任务 %d 篇", u.Quota)
			if u.Shortfall > 0 {
				fmt.Fprintf(&b, "，少报 %d 篇", u.Shortfall)
			} else {
				b.WriteString("，已完成")
			}
		}
		if u.WeeklyOnTime+u.WeeklyLate+u.WeeklyMissing > 0 {
			fmt.Fprintf(&b, "；周报按时 %d、逾期 %d、未报 %d", u.WeeklyOnTime, u.WeeklyLate, u.WeeklyMissing)
		}
		if u.GoodDeeds > 0 {
			fmt.Fprintf(&b, "；好人好事 %d 件", u.GoodDeeds)
		}
		b.WriteString("。")
	}
	b.WriteString("\n二、单位排名（按净奖励）")
	for _, u := range s.UnitRank {
		fmt.Fprintf(&b, "\n第%d名 %s：奖励 %d 元，扣罚 %d 元，合计 %d 元", u.Rank, u.UnitName, u.RewardYuan, u.PenaltyYuan, u.NetYuan)
	}
	b.WriteString("\n三、个人积分排名")
	for _, r := range s.People {
		fmt.Fprintf(&b, "\n第%d名 %s（%s）：计入 %d 篇，采用 %d 篇，奖励 %d 元", r.Rank, r.Name, r.UnitName, r.Counted, r.Adopted, r.RewardYuan)
		if r.Shortfall > 0 {
			fmt.Fprintf(&b, "，少报 %d 篇", r.Shortfall)
		}
		if r.PenaltyYuan > 0 {
			fmt.Fprintf(&b, "，罚 %d 元", r.PenaltyYuan)
		}
		fmt.Fprintf(&b, "，合计 %d 元", r.NetYuan)
		if r.ResearchQuota > 0 && r.Research < r.ResearchQuota {
			fmt.Fprintf(&b, "；调研信息 %d/%d 篇，未完成", r.Research, r.ResearchQuota)
		}
	}
	if len(s.Forms) > 0 {
		b.WriteString("\n四、班级《日常信息报表》报送情况")
		for _, f := range s.Forms {
			fmt.Fprintf(&b, "\n%s：按时 %d、逾期 %d、未报 %d", f.UnitName, f.OnTime, f.Late, f.Missing)
		}
	}
	return b.String()
}

func levelList(by map[string]int) string {
	var parts []string
	for i := len(AdoptionLevels) - 1; i >= 0; i-- {
		if n := by[AdoptionLevels[i]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", AdoptionLevels[i], n))
		}
	}
	return strings.Join(parts, "、")
}

// circularRecipients are where a circular goes: the groups carrying the
// units' circulars, the members of units without such a group, the office
// and the leaders, each once.
func (d *Service) circularRecipients(units []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(r string) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, u := range units {
		groups := d.Dir.GroupsFor(u, "")
		for _, g := range groups {
			add("group:" + g.Name)
		}
		if len(groups) == 0 {
			for _, m := range d.Dir.InUnit(u, "") {
				add(m.ID)
			}
		}
	}
	for _, role := range []string{org.Office, org.Leader} {
		for _, m := range d.Dir.WithRole(role) {
			add(m.ID)
		}
	}
	return out
}
