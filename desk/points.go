package desk

// The points ledger (篇6 三, SPEC §8).
//
// Per month and officer: the items counted for the month (CountedMonth, not
// a draft, returned or rejected item), the monthly quota by unit category,
// the shortfall, and — once the month's information deadline has passed,
// when nothing sent later can count for it any more — the penalty of
// `penalty` yuan per item below the quota. The month is settled (closed) at
// InfoPolicy.Close, the end of the later of its information and media
// deadline days; until then an item returned or rejected stops counting and
// the penalty grows accordingly. Rewards are per item by its
// highest adoption level only (县级 20, 市级 50, 区级/省级 80, 国家级 150):
// an adoption is settled in the month of the item (its CountedMonth) or,
// when recorded after that month closed, in the first month still open at
// the time; a later adoption at a higher level adds only the difference, so
// an item never earns more than its highest level's reward.
//
// Everything is replayed from the items' steps as of the month's close (or
// now, for an open month), so a closed month's figures never change and can
// always be recomputed. Penalties apply from [submission] points_from, or
// from the month of the first item. A quarter or a year sums its months up
// to the current one.

import (
	"sort"
	"time"

	"github.com/baosong/baosong/org"
)

// PointsRow is one member's ledger over a period; its JSON is the points
// export of SPEC §10.1 plus extra fields.
type PointsRow struct {
	Member        string `json:"member"`
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	UnitName      string `json:"unit_name"`
	Adopted       int    `json:"adopted"` // items whose first adoption was settled in the period
	RewardYuan    int    `json:"reward_yuan"`
	Quota         int    `json:"quota"`
	Counted       int    `json:"counted"`
	Late          int    `json:"late"` // of the counted items, how many were late for their own month (延期)
	Shortfall     int    `json:"shortfall"`
	PenaltyYuan   int    `json:"penalty_yuan"`
	NetYuan       int    `json:"net_yuan"`
	Research      int    `json:"research"`       // 调研 items counted
	ResearchQuota int    `json:"research_quota"` // 调研 items due over the quarters touched
	Closed        bool   `json:"closed"`         // every month of the period is settled
	Rank          int    `json:"rank"`
}

// periodMonths lists the months of [from, to) up to now's month.
func (p *InfoPolicy) periodMonths(from, to, now time.Time) []string {
	var out []string
	current := p.monthOf(now)
	for m := from.In(p.Loc); m.Before(to); m = m.AddDate(0, 1, 0) {
		name := p.monthOf(m)
		if name > current {
			break
		}
		out = append(out, name)
	}
	return out
}

// asOf is the instant a month's figures are read at: its close, or now.
func (p *InfoPolicy) asOf(month string, now time.Time) (time.Time, bool) {
	c := p.Close(month)
	if now.Before(c) {
		return now, false
	}
	return c.Add(-time.Nanosecond), true
}

// firstMonth is the month penalties start.
func (p *InfoPolicy) firstMonth(arts []*Article) string {
	if p.PointsFrom != "" {
		return p.PointsFrom
	}
	first := ""
	for _, a := range arts {
		if a.CountedMonth != "" && (first == "" || a.CountedMonth < first) {
			first = a.CountedMonth
		}
	}
	return first
}

// Points is the ledger of period [from, to) at now: one row per officer of
// the directory and per other member who submitted, in directory order,
// ranked (see RankPoints). Pure.
func (p *InfoPolicy) Points(dir *org.Directory, arts []*Article, from, to, now time.Time) []PointsRow {
	months := p.periodMonths(from, to, now)
	// Rewards count in any month of the period: an adoption recorded after
	// a month closed is settled in the next one, which may not have begun.
	inPeriod := map[string]bool{}
	for m := from.In(p.Loc); m.Before(to); m = m.AddDate(0, 1, 0) {
		inPeriod[p.monthOf(m)] = true
	}
	byMember := map[string][]*Article{}
	for _, a := range arts {
		byMember[a.Submitter] = append(byMember[a.Submitter], a)
	}
	first := p.firstMonth(arts)
	var rows []PointsRow
	for _, m := range dir.Members() {
		if !m.Has(org.Officer) && len(byMember[m.ID]) == 0 {
			continue
		}
		unit := officerUnit(m, dir)
		row := PointsRow{Member: m.ID, Name: m.Name, Unit: unit, UnitName: dir.UnitName(unit), Closed: true}
		quota := p.QuotaOf(m, dir)
		quarters := map[string]bool{}
		for _, month := range months {
			at, closed := p.asOf(month, now)
			row.Closed = row.Closed && closed
			counted := 0
			for _, a := range byMember[m.ID] {
				if a.CountedMonth != month || !a.countsAt(at) {
					continue
				}
				counted++
				if a.Late {
					row.Late++
				}
				if a.Category == "调研" {
					row.Research++
				}
			}
			row.Counted += counted
			if m.Has(org.Officer) {
				quarters[quarterOf(month)] = true
			}
			if first == "" || month < first {
				continue
			}
			row.Quota += quota
			gap := max(0, quota-counted)
			row.Shortfall += gap
			if !now.Before(p.infoEnd(month)) {
				row.PenaltyYuan += gap * p.Penalty
			}
		}
		row.ResearchQuota = len(quarters) * p.QuarterResearch
		for _, a := range byMember[m.ID] {
			reward, adopted := p.settled(a, inPeriod, now)
			row.RewardYuan += reward
			row.Adopted += adopted
		}
		row.NetYuan = row.RewardYuan - row.PenaltyYuan
		rows = append(rows, row)
	}
	RankPoints(rows)
	return rows
}

// settled is the reward an item earns in the months of the period, and 1
// when its first adoption was settled in the period (see the file comment).
func (p *InfoPolicy) settled(a *Article, inPeriod map[string]bool, now time.Time) (reward, adopted int) {
	ads := append([]Adoption(nil), a.Adoptions...)
	sort.SliceStable(ads, func(i, j int) bool { return ads[i].At.Before(ads[j].At) })
	paid, best := 0, ""
	for i, ad := range ads {
		if ad.At.After(now) {
			break
		}
		month := p.settleMonth(ad.At)
		if month < a.CountedMonth {
			month = a.CountedMonth
		}
		if i == 0 && inPeriod[month] {
			adopted = 1
		}
		if AdoptionRank(ad.Level) > AdoptionRank(best) {
			best = ad.Level
		}
		if r := p.RewardOf(best); r > paid {
			if inPeriod[month] {
				reward += r - paid
			}
			paid = r
		}
	}
	return reward, adopted
}

// quarterOf names the quarter of month "2026-11": 2026Q4.
func quarterOf(month string) string {
	if len(month) != 7 {
		return month
	}
	m := (int(month[5]-'0')*10 + int(month[6]-'0') - 1) / 3
	return month[:4] + "Q" + string(rune('1'+m))
}

// RankPoints orders rows by net yuan, highest first, and numbers them with
// shared ranks for ties (1, 1, 3 …); tied rows keep directory order.
func RankPoints(rows []PointsRow) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].NetYuan > rows[j].NetYuan })
	for i := range rows {
		if i > 0 && rows[i].NetYuan == rows[i-1].NetYuan {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// UnitPoints is a unit's ledger: the sum of its members' rows.
type UnitPoints struct {
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	Members     int    `json:"members"`
	Adopted     int    `json:"adopted"`
	RewardYuan  int    `json:"reward_yuan"`
	Quota       int    `json:"quota"`
	Counted     int    `json:"counted"`
	Shortfall   int    `json:"shortfall"`
	PenaltyYuan int    `json:"penalty_yuan"`
	NetYuan     int    `json:"net_yuan"`
	Rank        int    `json:"rank"`
}

// UnitTotals sums rows per unit and ranks the units by net yuan with shared
// ranks for ties; tied units keep the order they first appear in rows.
func UnitTotals(rows []PointsRow) []UnitPoints {
	index := map[string]int{}
	var out []UnitPoints
	for _, r := range rows {
		i, ok := index[r.Unit]
		if !ok {
			i = len(out)
			index[r.Unit] = i
			out = append(out, UnitPoints{Unit: r.Unit, UnitName: r.UnitName})
		}
		u := &out[i]
		u.Members++
		u.Adopted += r.Adopted
		u.RewardYuan += r.RewardYuan
		u.Quota += r.Quota
		u.Counted += r.Counted
		u.Shortfall += r.Shortfall
		u.PenaltyYuan += r.PenaltyYuan
		u.NetYuan += r.NetYuan
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NetYuan > out[j].NetYuan })
	for i := range out {
		if i > 0 && out[i].NetYuan == out[i-1].NetYuan {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}
