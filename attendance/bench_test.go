package attendance_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// bigSchool is the demo configuration grown to 60 more classes (高一 … 高三,
// 20 each) of 50 students: 3,000 students, a cadre and a teacher per class.
func bigSchool(tb testing.TB) *config.Config {
	tb.Helper()
	var b strings.Builder
	b.Write(baosong.ExampleConfig)
	surnames := []rune("王李张刘陈杨黄赵吴周")
	given := []rune("伟芳娜敏静")
	for g, grade := range []string{"高一", "高二", "高三"} {
		for n := 1; n <= 20; n++ {
			id := fmt.Sprintf("b%dc%d", g+1, n)
			fmt.Fprintf(&b, "\n[[unit]]\nid = %q\nname = \"%s(%d)班\"\nkind = \"class\"\ngrade = %q\n", id, grade, n+2, grade)
			fmt.Fprintf(&b, "\n[[member]]\nid = \"cadre-%s\"\nname = \"班长%s\"\nroles = [\"cadre\"]\nunits = [%q]\n", id, id, id)
			fmt.Fprintf(&b, "\n[[member]]\nid = \"teacher-%s\"\nname = \"老师%s\"\nroles = [\"teacher\"]\nunits = [%q]\n", id, id, id)
			for _, s := range surnames {
				for _, gv := range given {
					fmt.Fprintf(&b, "\n[[student]]\nunit = %q\nname = \"%c%c\"\n", id, s, gv)
				}
			}
		}
	}
	cfg, err := config.Parse([]byte(b.String()), ".")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// bigClasses are the 60 classes of bigSchool.
func bigClasses(dir *org.Directory) []*org.Unit {
	var out []*org.Unit
	for _, u := range dir.Classes() {
		if u.ID[0] == 'b' {
			out = append(out, u)
		}
	}
	return out
}

// fillForms stores, for every class and every due time in [from, to), one
// or two entries with a few rows (absences, a late return, a leave), sent
// before the due time, from parallel writers so that commits are shared.
func fillForms(tb testing.TB, att *attendance.Service, dir *org.Directory, from, to time.Time) int {
	tb.Helper()
	roster := dir.Roster("b1c1")
	dues := att.Schedule.Between(from, to)
	type job struct {
		unit string
		at   time.Time
		rows []attendance.Row
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				m, _ := dir.Member("cadre-" + j.unit)
				_, err := att.Submit(context.Background(), attendance.Message{Member: m, Unit: j.unit, At: j.at, Rows: j.rows})
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	n := 0
	for i, due := range dues {
		for c, u := range bigClasses(dir) {
			k := i*7 + c
			rows := []attendance.Row{
				{Type: attendance.Absent, Student: roster[k%50].Name, Hours: 1 + k%3},
				{Type: attendance.LateReturn, Student: roster[(k+7)%50].Name},
			}
			if k%4 == 0 {
				rows = append(rows, attendance.Row{Type: attendance.Leave, Student: roster[(k+3)%50].Name, Hours: 2, Reason: "病假", Approver: "刘老师"})
			}
			jobs <- job{u.ID, due.Add(-3 * time.Hour), rows}
			n++
			if k%2 == 0 {
				jobs <- job{u.ID, due.Add(-time.Hour), []attendance.Row{{Type: attendance.NightAway, Student: roster[(k+11)%50].Name}}}
				n++
			}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		tb.Fatal(firstErr)
	}
	return n
}

// bigService is the attendance service of bigSchool on a store of its own
// (closed with the benchmark).
func bigService(b *testing.B) (*attendance.Service, *org.Directory, *store.DB) {
	cfg := bigSchool(b)
	dir, err := org.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return attendance.New(cfg.Attendance, cfg.Outing, dir, db, time.Now), dir, db
}

func benchSummary(b *testing.B, period string) {
	att, dir, _ := bigService(b)
	p, err := org.ParsePeriod(period, att.Location())
	if err != nil {
		b.Fatal(err)
	}
	if len(period) == 4 { // a school year: September to the next July
		p = org.Period{Name: period, From: time.Date(2026, 9, 1, 0, 0, 0, 0, att.Location()),
			To: time.Date(2027, 8, 1, 0, 0, 0, 0, att.Location())}
	}
	entries := fillForms(b, att, dir, p.From, p.To)
	classes := bigClasses(dir)
	now := p.To
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := att.Summary(p, classes, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Grades) != 3 || len(s.Students()) < 500 {
			b.Fatalf("summary of %d grades, %d students", len(s.Grades), len(s.Students()))
		}
	}
	b.ReportMetric(float64(entries), "entries")
}

// BenchmarkAttendanceSummaryMonth: the 《日常信息月度汇总表》 of 60 classes and
// 3,000 students over a month of forms (SPEC §12: ≤ 50 ms).
func BenchmarkAttendanceSummaryMonth(b *testing.B) { benchSummary(b, "2026-11") }

// BenchmarkAttendanceSummaryYear: the same over a school year (SPEC §12: ≤ 300 ms).
func BenchmarkAttendanceSummaryYear(b *testing.B) { benchSummary(b, "2026") }

// BenchmarkEntryIntoACrowdedForm: one more 旷课 line into a class form that
// already holds 1,500 entries, each with an absence of one of the class's 50
// students awaiting its cause (what a load generator pouring every form
// into the current one builds): a new entry must not cost more as its form
// fills up.
func BenchmarkEntryIntoACrowdedForm(b *testing.B) {
	att, dir, _ := bigService(b)
	roster := dir.Roster("b1c1")
	m, _ := dir.Member("cadre-b1c1")
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, att.Location())
	submit := func(k int) {
		_, err := att.Submit(context.Background(), attendance.Message{Member: m, Unit: "b1c1", At: at,
			Rows: []attendance.Row{{Type: attendance.Absent, Student: roster[k%50].Name, Hours: 1}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	for k := range 1500 {
		submit(k)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		submit(k)
		k++
	}
}

// BenchmarkAbsenceClockNothingDue: the absence clock's run of every minute
// while 20,000 absences asked within the last hour wait for their causes
// (none due yet): it must not read them all.
func BenchmarkAbsenceClockNothingDue(b *testing.B) {
	att, dir, db := bigService(b)
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, att.Location())
	due := now.Add(2 * time.Hour)
	roster := dir.Roster("b1c1")
	err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
		for i := range 20000 {
			id, err := tx.NewEntryID()
			if err != nil {
				return err
			}
			who := roster[i%50].Name
			asked := now.Add(-time.Duration(i%3600) * time.Second)
			e := &attendance.Entry{ID: id, Unit: bigClasses(dir)[i%60].ID, Due: due, At: asked, Submitter: "cadre-b1c1",
				Rows:      []attendance.Row{{Type: attendance.Absent, Student: who, Hours: 1}},
				Followups: []attendance.Followup{{Student: who, State: attendance.CausePending, Since: asked}}}
			if err := tx.PutEntry(e, "submit", "", asked); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := att.FollowupTick(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}
