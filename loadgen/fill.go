package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// FillOptions size the records Fill writes.
type FillOptions struct {
	From, To  time.Time // the period (a school year: September to July)
	Items     int       // information items (投稿) spread over the period
	Incidents int       // incidents (急报), each acknowledged and closed
}

// FillResult counts what Fill wrote.
type FillResult struct {
	Forms, Items, Incidents, Pushes int
}

// Fill writes a period of records into a stopped server's data directory,
// through the store and the domain services, as a server that had run the
// period would hold them: every class's attendance forms for every due time
// (a second entry on every third form, a quarter of them 无异常; the teacher
// answers the cause of every absence), information
// items from the officers, incidents reported, acknowledged and closed, and
// every push they queued marked delivered. Message ids are not written: a
// server forgets them after 7 days.
func Fill(ctx context.Context, c *config.Config, dir string, o FillOptions, progress io.Writer) (*FillResult, error) {
	d, err := org.New(c)
	if err != nil {
		return nil, err
	}
	clock := &fillClock{t: o.From}
	db, err := store.Open(dir, store.Options{Now: clock.now})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res := &FillResult{}
	if progress == nil {
		progress = io.Discard
	}
	if res.Forms, err = fillForms(ctx, c, d, db, clock.now, o); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "%d attendance entries\n", res.Forms)
	if res.Items, err = fillItems(ctx, c, d, db, clock.now, o); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "%d information items\n", res.Items)
	if res.Incidents, err = fillIncidents(ctx, c, d, db, clock, o); err != nil {
		return res, err
	}
	fmt.Fprintf(progress, "%d incidents\n", res.Incidents)
	for {
		due, err := db.Due(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
		if err != nil || len(due) == 0 {
			return res, err
		}
		seqs := make([]uint64, len(due))
		for i, it := range due {
			seqs[i] = it.Seq
		}
		if err := db.Delivered(seqs...); err != nil {
			return res, err
		}
		res.Pushes += len(due)
	}
}

// fillClock is the services' clock, set before each step of the incidents.
type fillClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fillClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fillClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// parallel runs n jobs on 16 workers (concurrent writes share commits) and
// returns the first error.
func parallel(n int, job func(i int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				if err := job(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func fillForms(ctx context.Context, c *config.Config, d *org.Directory, db *store.DB, now func() time.Time, o FillOptions) (int, error) {
	att := attendance.New(c.Attendance, c.Outing, d, db, now)
	dues := att.Schedule.Between(o.From, o.To)
	type job struct {
		cadre, teacher *org.Member
		unit           string
		at             time.Time
		rows           []attendance.Row
	}
	type class struct {
		unit           string
		cadre, teacher *org.Member
		roster         []org.Student
	}
	var classes []class
	for _, u := range d.Classes() {
		c := class{u.ID, classMember(d, u.ID, org.Cadre), classMember(d, u.ID, org.Teacher), d.Roster(u.ID)}
		if c.cadre != nil && c.teacher != nil && len(c.roster) > 0 {
			classes = append(classes, c)
		}
	}
	// In time order, as a school sends them (entry numbers follow the calendar).
	var jobs []job
	for k, due := range dues {
		for ci, c := range classes {
			n := ci*7 + k
			name := func(k int) string { return c.roster[k%len(c.roster)].Name }
			var rows []attendance.Row
			if n%4 != 0 {
				rows = []attendance.Row{{Type: attendance.Absent, Student: name(n), Hours: 1 + n%3},
					{Type: attendance.LateReturn, Student: name(n + 7)}}
			}
			jobs = append(jobs, job{c.cadre, c.teacher, c.unit, due.Add(-3 * time.Hour), rows})
			if n%3 == 0 {
				jobs = append(jobs, job{c.cadre, c.teacher, c.unit, due.Add(-time.Hour), []attendance.Row{{Type: attendance.Leave,
					Student: name(n + 3), Hours: 2, Reason: "病假", Approver: "班主任"}}})
			}
		}
	}
	err := parallel(len(jobs), func(i int) error {
		j := jobs[i]
		res, err := att.Submit(ctx, attendance.Message{Member: j.cadre, Unit: j.unit, At: j.at, Rows: j.rows, Text: "考勤"})
		if err != nil {
			return err
		}
		// The class teacher answers the cause of each absence (篇3) within the hour.
		for _, r := range res.Entry.Rows {
			if r.Type != attendance.Absent {
				continue
			}
			_, err := att.Answer(ctx, attendance.Answer{Member: j.teacher, Entry: res.Entry.ID, Student: r.Who(), Found: true,
				Text: "发烧在家休息，家长已知晓", At: j.at.Add(time.Hour)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return len(jobs), err
}

func classMember(d *org.Directory, unit, role string) *org.Member {
	if ms := d.InUnit(unit, role); len(ms) > 0 {
		return ms[0]
	}
	return nil
}

func fillItems(ctx context.Context, c *config.Config, d *org.Directory, db *store.DB, now func() time.Time, o FillOptions) (int, error) {
	officers := d.WithRole(org.Officer)
	if o.Items == 0 || len(officers) == 0 {
		return 0, nil
	}
	dk := desk.New(c.Submission, c.Weekly, d, db, now)
	step := o.To.Sub(o.From) / time.Duration(o.Items)
	body := strings.Repeat("本周我校组织开展校园安全隐患排查，覆盖教学楼、宿舍、食堂等重点区域，发现问题已当场整改。", 4)
	err := parallel(o.Items, func(i int) error {
		m := officers[i%len(officers)]
		f := desk.Fields{Title: fmt.Sprintf("我校开展第%d次安全隐患排查", i+1), Category: "动态", Body: body,
			Author: m.Name, Reviewer: "审核人"}
		_, err := dk.Submit(ctx, m, f, o.From.Add(time.Duration(i)*step+9*time.Hour))
		return err
	})
	return o.Items, err
}

func fillIncidents(ctx context.Context, c *config.Config, d *org.Directory, db *store.DB, clock *fillClock, o FillOptions) (int, error) {
	policy := incident.PolicyFrom(c.Incident)
	teachers := d.WithRole(org.Teacher)
	if o.Incidents == 0 || len(teachers) == 0 || len(policy.Levels) == 0 || len(policy.Levels[0].Members) == 0 {
		return 0, nil
	}
	leader := policy.Levels[0].Members[0]
	svc := incident.NewService(db, policy, d, clock.now)
	step := o.To.Sub(o.From) / time.Duration(o.Incidents)
	for i := range o.Incidents {
		at := o.From.Add(time.Duration(i)*step + 11*time.Hour)
		clock.set(at)
		f := incident.Facts{Kind: incident.KindAccident, Category: "校园伤害", Time: at.Add(-20 * time.Minute),
			Place: "操场", Injured: 1}
		r, err := svc.Report(ctx, teachers[i%len(teachers)].ID, "学生课间在操场摔倒擦伤，已送校医室处理", f)
		if err != nil {
			return i, err
		}
		clock.set(at.Add(5 * time.Minute))
		if _, err := svc.Ack(ctx, leader, r.ID); err != nil {
			return i, err
		}
		clock.set(at.Add(2 * time.Hour))
		if _, err := svc.Close(ctx, leader, r.ID, "学生已返回课堂，家长已知晓"); err != nil {
			return i, err
		}
	}
	return o.Incidents, nil
}
