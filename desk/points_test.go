package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

// infoPolicy is the demo [submission] section on the demo calendar.
func infoPolicy(t testing.TB, opts ...func(*config.Config)) (*desk.InfoPolicy, *org.Directory) {
	t.Helper()
	cfg := testorg.Config(t, opts...)
	return desk.NewInfoPolicy(cfg.Submission, testorg.Calendar(t, cfg)), testorg.Directory(t, cfg)
}

func TestCountedMonthAndClose(t *testing.T) {
	p, _ := infoPolicy(t)
	tests := []struct {
		at, month string
		late      bool
	}{
		{"2026-11-01 00:00", "2026-11", false},
		{"2026-11-13 23:59", "2026-11", false}, // the 15th is a Sunday: Friday the 13th
		{"2026-11-14 00:00", "2026-12", true},
		{"2026-11-30 23:59", "2026-12", true},
		{"2026-12-15 23:59", "2026-12", false}, // a Tuesday
		{"2026-12-16 08:00", "2027-01", true},
		{"2026-10-09 10:00", "2026-10", false}, // 15 October is a Thursday
	}
	for _, tt := range tests {
		m, late := p.CountedMonth(at(tt.at))
		if m != tt.month || late != tt.late {
			t.Errorf("CountedMonth(%s) = %s, %v; want %s, %v", tt.at, m, late, tt.month, tt.late)
		}
	}
	day, reason := p.InfoDeadline("2026-11")
	if !day.Equal(at("2026-11-13")) || !strings.Contains(reason, "2026-11-13") {
		t.Errorf("InfoDeadline = %v %q", day, reason)
	}
	if c := p.Close("2026-11"); !c.Equal(at("2026-11-28")) { // the 28th is a Saturday: Friday the 27th
		t.Errorf("Close = %v", c)
	}
	after, _ := infoPolicy(t, func(c *config.Config) { c.Org.HolidayPolicy = "after" })
	if m, late := after.CountedMonth(at("2026-11-16 12:00")); m != "2026-11" || late {
		t.Errorf("policy after: %s %v", m, late)
	}
}

// item builds an item of member submitted (complete) at sub, with steps.
func item(p *desk.InfoPolicy, id, member, unit, category, sub string, more ...desk.Step) *desk.Article {
	t := at(sub)
	month, late := p.CountedMonth(t)
	a := &desk.Article{ID: id, Submitter: member, Unit: unit, Category: category, Status: desk.Submitted,
		SubmittedAt: &t, CountedMonth: month, Late: late,
		Steps: []desk.Step{{At: t, By: member, Action: "提交", Status: desk.Submitted}}}
	for _, s := range more {
		a.Steps = append(a.Steps, s)
		a.Status = s.Status
		if s.Action == "采用" {
			a.Adoptions = append(a.Adoptions, desk.Adoption{Level: s.Detail, At: s.At})
		}
	}
	return a
}

func adopt(when, level string) desk.Step {
	return desk.Step{At: at(when), By: "office-1", Action: "采用", Status: desk.Adopted, Detail: level}
}

func row(t *testing.T, rows []desk.PointsRow, member string) desk.PointsRow {
	t.Helper()
	for _, r := range rows {
		if r.Member == member {
			return r
		}
	}
	t.Fatalf("no row for %s", member)
	return desk.PointsRow{}
}

func TestPointsRewardPenaltyAndReplay(t *testing.T) {
	p, dir := infoPolicy(t)
	nov, dec := at("2026-11-01"), at("2026-12-01")
	arts := []*desk.Article{
		// 县级 then 区级 in November, 国家级 after November closed: 20+60 in
		// November, +70 in December; never more than 150 in all.
		item(p, "S1", "officer-2", "general", "动态", "2026-11-02 09:00",
			adopt("2026-11-03 09:00", "县级"), adopt("2026-11-04 09:00", "区级"), adopt("2026-12-02 09:00", "国家级")),
		// Rejected after November closed: still counted for November.
		item(p, "S2", "officer-2", "general", "调研", "2026-11-05 09:00",
			desk.Step{At: at("2026-12-03 09:00"), Action: "不采用", Status: desk.Rejected}),
		// Late: counts for December.
		item(p, "S3", "officer-1", "office", "动态", "2026-11-20 09:00"),
	}
	rows := p.Points(dir, arts, nov, dec, at("2026-12-10 09:00"))
	o2 := row(t, rows, "officer-2")
	if o2.RewardYuan != 80 || o2.Adopted != 1 || o2.Counted != 2 || o2.Shortfall != 0 || o2.PenaltyYuan != 0 ||
		o2.Research != 1 || !o2.Closed || o2.Rank != 1 {
		t.Errorf("officer-2 November = %+v", o2)
	}
	o1 := row(t, rows, "officer-1")
	if o1.Counted != 0 || o1.Shortfall != 2 || o1.PenaltyYuan != 40 || o1.NetYuan != -40 || o1.Rank != 2 {
		t.Errorf("officer-1 November = %+v", o1)
	}
	// Before the information deadline (Friday the 13th) the shortfall is
	// not fined yet; after it the fine shows, though the month settles only
	// at its close (the 27th).
	early := row(t, p.Points(dir, arts, nov, dec, at("2026-11-13 18:00")), "officer-1")
	if early.Closed || early.PenaltyYuan != 0 || early.Shortfall != 2 {
		t.Errorf("November before its deadline = %+v", early)
	}
	open := row(t, p.Points(dir, arts, nov, dec, at("2026-11-14 00:00")), "officer-1")
	if open.Closed || open.PenaltyYuan != 40 || open.NetYuan != -40 || open.Shortfall != 2 {
		t.Errorf("November after its deadline, before the close = %+v", open)
	}
	// December: +70 for S1, officer-1's late S3 counts, December still open.
	drows := p.Points(dir, arts, dec, dec.AddDate(0, 1, 0), at("2026-12-10 09:00"))
	if d := row(t, drows, "officer-2"); d.RewardYuan != 70 || d.Adopted != 0 || d.Counted != 0 {
		t.Errorf("officer-2 December = %+v", d)
	}
	if d := row(t, drows, "officer-1"); d.Counted != 1 || d.Late != 1 || d.PenaltyYuan != 0 {
		t.Errorf("officer-1 December = %+v", d)
	}
	// The quarter sums: highest level only, 150.
	q := row(t, p.Points(dir, arts, at("2026-10-01"), at("2027-01-01"), at("2027-01-10 09:00")), "officer-2")
	if q.RewardYuan != 150 || q.ResearchQuota != 1 || q.Research != 1 {
		t.Errorf("officer-2 Q4 = %+v", q)
	}
	// Penalties start at points_from (or the first item's month): October is free.
	if q.Quota != 4 {
		t.Errorf("Q4 quota = %d, want 4 (November and December)", q.Quota)
	}
}

func TestRankPointsTies(t *testing.T) {
	rows := []desk.PointsRow{{Member: "a", NetYuan: 30}, {Member: "b", NetYuan: 80}, {Member: "c", NetYuan: 30},
		{Member: "d", NetYuan: -20}, {Member: "e", NetYuan: 80}}
	desk.RankPoints(rows)
	var got []string
	for _, r := range rows {
		got = append(got, r.Member+":"+string(rune('0'+r.Rank)))
	}
	if s := strings.Join(got, " "); s != "b:1 e:1 a:3 c:3 d:5" {
		t.Errorf("ranks = %s", s)
	}
	units := desk.UnitTotals([]desk.PointsRow{{Unit: "x", NetYuan: 10}, {Unit: "y", NetYuan: 5}, {Unit: "y", NetYuan: 5}, {Unit: "z", NetYuan: 1}})
	if units[0].Rank != 1 || units[1].Rank != 1 || units[2].Rank != 3 || units[2].Unit != "z" {
		t.Errorf("units = %+v", units)
	}
}

func TestDueAnswers(t *testing.T) {
	p, dir := infoPolicy(t)
	arts := []*desk.Article{item(p, "S1", "officer-2", "general", "调研", "2026-11-02 09:00")}
	gaps := p.BelowQuotaOf(dir, arts, "2026-11", at("2026-11-06 09:00"))
	if len(gaps) != 2 || gaps[0] != (desk.QuotaGap{Member: "officer-1", Counted: 0, Quota: 2}) ||
		gaps[1] != (desk.QuotaGap{Member: "officer-2", Counted: 1, Quota: 2}) {
		t.Errorf("BelowQuotaOf = %+v", gaps)
	}
	if miss := p.ResearchMissingOf(dir, arts, at("2026-10-01"), at("2026-12-17 09:00")); strings.Join(miss, ",") != "officer-1" {
		t.Errorf("ResearchMissingOf = %v", miss)
	}
	lines := p.MediaLinesOf([]*desk.Article{item(p, "S2", "officer-2", "general", "动态", "2026-11-02 09:00",
		adopt("2026-11-27 20:00", "市级"), adopt("2026-11-28 08:00", "区级"))}, "officer-2", "2026-11", at("2026-12-01 09:00"))
	if len(lines) != 1 || lines[0].Level != "市级" {
		t.Errorf("MediaLinesOf = %+v", lines)
	}
}

func BenchmarkPointsYear(b *testing.B) {
	p, dir := infoPolicy(b)
	var arts []*desk.Article
	start := at("2026-01-01 09:00")
	for i := range 2000 {
		t := start.Add(time.Duration(i) * 4 * time.Hour)
		a := item(p, "S", []string{"officer-1", "officer-2"}[i%2], "general", "动态", t.Format("2006-01-02 15:04"))
		if i%3 == 0 {
			a.Adoptions = []desk.Adoption{{Level: "市级", At: t.Add(time.Hour)}}
			a.Steps = append(a.Steps, desk.Step{At: t.Add(time.Hour), Status: desk.Adopted})
		}
		arts = append(arts, a)
	}
	now := at("2027-01-10 09:00")
	for b.Loop() {
		p.Points(dir, arts, at("2026-01-01"), at("2027-01-01"), now)
	}
}
