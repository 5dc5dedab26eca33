package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
)

// bigOrg is a generated organisation of about 10,000 members: 500 classes
// in 10 grades with 18 cadres and a teacher each, their grade leads, 50
// departments of 9 officers, 20 office staff, 20 leaders and one group per
// grade.
func bigOrg(b *testing.B) (*config.Config, *org.Directory, *org.Calendar) {
	b.Helper()
	cfg, _, _ := demo(b)
	cfg.Units, cfg.Members, cfg.Students, cfg.Groups = nil, nil, nil, nil
	add := func(m org.Member) { cfg.Members = append(cfg.Members, m) }
	for g := range 10 {
		grade := fmt.Sprintf("G%d", g)
		add(org.Member{ID: fmt.Sprintf("lead-%d", g), Name: "组长", Roles: []string{"grade_lead"}, Grades: []string{grade}})
		cfg.Groups = append(cfg.Groups, org.Group{Name: grade + "群", Channel: "local", Grades: []string{grade},
			Mention: []string{fmt.Sprintf("lead-%d", g)}})
		for c := range 50 {
			id := fmt.Sprintf("g%dc%d", g, c)
			cfg.Units = append(cfg.Units, org.Unit{ID: id, Name: id + "班", Kind: "class", Grade: grade})
			add(org.Member{ID: "teacher-" + id, Name: "老师", Roles: []string{"teacher"}, Units: []string{id}})
			for k := range 18 {
				add(org.Member{ID: fmt.Sprintf("cadre-%s-%d", id, k), Name: "班干部", Roles: []string{"cadre"}, Units: []string{id}})
			}
		}
	}
	for d := range 50 {
		id := fmt.Sprintf("dept%d", d)
		cfg.Units = append(cfg.Units, org.Unit{ID: id, Name: id, Kind: "dept"})
		for k := range 9 {
			add(org.Member{ID: fmt.Sprintf("officer-%s-%d", id, k), Name: "信息员", Roles: []string{"officer"}, Units: []string{id}})
		}
	}
	cfg.Units = append(cfg.Units, org.Unit{ID: "office", Name: "政教处", Kind: "dept"})
	for k := range 20 {
		add(org.Member{ID: fmt.Sprintf("office-%d", k), Name: "办公室", Roles: []string{"office"}, Units: []string{"office"}})
		add(org.Member{ID: fmt.Sprintf("leader-%d", k), Name: "领导", Roles: []string{"leader"}})
	}
	cfg.Incident.Levels = []org.IncidentLevel{{Members: []string{"leader-0"}}}
	if p := cfg.Validate(); len(p) > 0 {
		b.Fatal(p)
	}
	dir, err := org.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	cal, err := org.CalendarOf(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return cfg, dir, cal
}

// BenchmarkPlanMonthDefaultJobs plans November 2026 of the default jobs for
// about 10,000 members: building the jobs (indexing the directory) and
// listing every firing with its description, and the listing alone.
func BenchmarkPlanMonthDefaultJobs(b *testing.B) {
	cfg, dir, cal := bigOrg(b)
	b.Logf("%d members, %d units", len(dir.Members()), len(dir.Units()))
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, cal.Location())
	to := from.AddDate(0, 1, 0)
	plan := func(e *Engine) (n, active int) {
		for f := range e.Firings(from) {
			if !f.At.Before(to) {
				break
			}
			n++
			if !f.Skip {
				active++
			}
		}
		return n, active
	}
	b.Run("build+plan", func(b *testing.B) {
		n, active := 0, 0
		for b.Loop() {
			n, active = plan(planEngine(b, Deps{Policies: cfg.Policies, Dir: dir}))
		}
		b.ReportMetric(float64(n), "firings/op")
		b.ReportMetric(float64(active), "active/op")
	})
	b.Run("plan", func(b *testing.B) {
		e := planEngine(b, Deps{Policies: cfg.Policies, Dir: dir})
		for b.Loop() {
			plan(e)
		}
	})
}
