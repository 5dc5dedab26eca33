package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/scheduler"
)

// discard is an outbox that counts and keeps nothing.
type discard struct{ n int }

func (d *discard) Enqueue(ns ...bot.Notification) (int, error) { d.n += len(ns); return len(ns), nil }

// BenchmarkOverdueListYear computes the attendance overdue list of the last
// form of 2026 over a store holding the whole year: 60 classes (6 grades),
// each form submitted once except every tenth class-form, about 5,900
// entries. The list is built from stored state and handed to an outbox
// that keeps nothing, so the number is the computing, not the fsync.
func BenchmarkOverdueListYear(b *testing.B) {
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Units, cfg.Members, cfg.Students, cfg.Groups = nil, nil, nil, nil
	for g := range 6 {
		grade := fmt.Sprintf("G%d", g)
		cfg.Members = append(cfg.Members, org.Member{ID: fmt.Sprintf("lead-%d", g), Name: "组长",
			Roles: []string{"grade_lead"}, Grades: []string{grade}})
		for c := range 10 {
			id := fmt.Sprintf("g%dc%d", g, c)
			cfg.Units = append(cfg.Units, org.Unit{ID: id, Name: id + "班", Kind: "class", Grade: grade})
			cfg.Members = append(cfg.Members,
				org.Member{ID: "cadre-" + id, Name: "班长", Roles: []string{"cadre"}, Units: []string{id}},
				org.Member{ID: "teacher-" + id, Name: "老师", Roles: []string{"teacher"}, Units: []string{id}})
		}
	}
	cfg.Units = append(cfg.Units, org.Unit{ID: "office", Name: "政教处", Kind: "dept"})
	cfg.Members = append(cfg.Members, org.Member{ID: "office-1", Name: "主任", Roles: []string{"office"}, Units: []string{"office"}},
		org.Member{ID: "leader-1", Name: "校长", Roles: []string{"leader"}})
	cfg.Incident.Levels = []org.IncidentLevel{{Members: []string{"leader-1"}}}
	if p := cfg.Validate(); len(p) > 0 {
		b.Fatal(p)
	}
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, cfg.Location())
	a, err := New(Options{Config: cfg, Data: b.TempDir(), Now: func() time.Time { return end },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	att := attendance.New(cfg.Attendance, cfg.Outing, a.Dir, a.Store, a.now)
	dues := att.Schedule.Between(time.Date(2026, 1, 1, 0, 0, 0, 0, cfg.Location()), end)
	// Seed a class per goroutine, so that bbolt batches the commits.
	var wg sync.WaitGroup
	errs := make(chan error, len(a.Dir.Classes()))
	for i, c := range a.Dir.Classes() {
		cadre, _ := a.Dir.Member("cadre-" + c.ID)
		wg.Go(func() {
			for k, due := range dues {
				if (i+k)%10 == 0 {
					continue
				}
				s := attendance.Message{Member: cadre, Unit: c.ID, At: due.Add(-time.Hour), Text: "考勤 全勤"}
				if _, err := att.Submit(context.Background(), s); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	out := &discard{}
	dk := desk.New(cfg.Submission, cfg.Weekly, a.Dir, a.Store, a.now)
	src := attendanceSource{att, a.Dir, dk}
	jobs := scheduler.DefaultJobs(scheduler.Deps{Policies: cfg.Policies, Dir: a.Dir, Outbox: out, Now: a.now,
		Sources: scheduler.Sources{Attendance: src, Summaries: src}})
	var overdue scheduler.Job
	for _, j := range jobs {
		if j.Name == scheduler.JobAttendanceOverdue {
			overdue = j
		}
	}
	last := dues[len(dues)-1]
	at := last.Add(5 * time.Minute)
	b.Logf("%d forms due in 2026, %d classes; last due %s", len(dues), len(a.Dir.Classes()), last.Format(time.DateTime))
	for b.Loop() {
		out.n = 0
		if err := overdue.Task(context.Background(), at); err != nil {
			b.Fatal(err)
		}
	}
	if out.n == 0 {
		b.Fatal("no overdue list")
	}
	b.ReportMetric(float64(out.n), "pushes/op")
}
