package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/scheduler"
)

// watermarkKey names the KV entry where the scheduler's watermark is saved:
// the next start passes it as scheduler.Options.Since.
const watermarkKey = "scheduler.watermark"

// newScheduler builds the engine on the app's clock with every scheduled
// job: the default jobs of SPEC §6, the statistics clocks (篇7: 24 hours
// from the data) and the absence clock (篇3: causes not answered in time),
// minus [schedule] off. The incident clock runs on its
// own timer (startIncidentClock). The jobs read
// stored state through the domain services.
func (a *App) newScheduler() (*scheduler.Engine, error) {
	cal := a.Dir.Calendar()
	att, desk := a.att, a.desk
	ds, as := deskSource{desk}, attendanceSource{att, a.Dir, desk}
	deps := scheduler.Deps{
		Policies: a.Config.Policies, Dir: a.Dir, Outbox: a.Store, Now: a.now,
		Sources: scheduler.Sources{
			Attendance: as, Summaries: as, Outings: as,
			Quotas: ds, Media: desk, Research: desk, Rankings: ds, Weekly: desk, Statistics: ds,
		},
		Sent: func(job string, n int) { a.Metrics.Reminders.WithLabelValues(job).Add(float64(n)) }, Log: a.log,
	}
	jobs := scheduler.DefaultJobs(deps)
	jobs = append(jobs, scheduler.StatisticsJobs(deps)...)
	jobs = append(jobs, scheduler.Job{Name: scheduler.JobAbsenceClock, Spec: "* * * * *", Task: att.FollowupTick})

	e, err := scheduler.New(scheduler.Options{Location: cal.Location(), Now: a.now, Logger: a.log,
		Catchup: a.Config.Schedule.Catchup.Duration})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	for _, j := range scheduler.Enabled(jobs, a.Config.Schedule.Off) {
		if err := e.Add(j); err != nil {
			return nil, fmt.Errorf("app: %w", err)
		}
	}
	return e, nil
}

// startIncidentClock runs the incident clock (unless [schedule] off names
// it): escalation rounds, repeats, written-report reminders and delivery
// checks at their due instant, on the organisation's clock.
func (a *App) startIncidentClock(run func(func(context.Context))) {
	if slices.Contains(a.Config.Schedule.Off, scheduler.JobIncidentClock) {
		return
	}
	clock := &incident.Clock{Service: a.incidents, Changes: a.Store, Log: a.log}
	run(clock.Run)
}

// startScheduler starts the engine from the watermark the last leader
// saved (this process or another on the same database) and, in the
// background, saves its watermark every half minute.
func (a *App) startScheduler(run func(func(context.Context))) {
	var since time.Time
	if _, err := a.Store.KV(watermarkKey, &since); err != nil {
		a.log.Warn("scheduler: no watermark of the previous run", "err", err)
	}
	if err := a.Scheduler.StartFrom(context.Background(), since); err != nil {
		a.log.Error("scheduler: start", "err", err)
		return
	}
	run(a.keepWatermark)
}

func (a *App) keepWatermark(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.saveWatermark()
		}
	}
}

// stopScheduler stops the engine, waiting up to 30 seconds for running
// jobs, and saves where it got to.
func (a *App) stopScheduler() {
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Scheduler.Stop(sctx); err != nil {
		a.log.Error("scheduler: stop", "err", err)
	}
	a.saveWatermark()
}

func (a *App) saveWatermark() {
	w := a.Scheduler.Watermark()
	if w.IsZero() {
		return
	}
	if err := a.Store.SetKV(watermarkKey, w); err != nil {
		a.log.Error("scheduler: save watermark", "err", err)
	}
}

// attendanceSource answers the attendance jobs from the stored forms (and
// the monthly summary's good deeds from the desk).
type attendanceSource struct {
	att  *attendance.Service
	dir  *org.Directory
	desk *desk.Service
}

// UnnotifiedOutings lists the outings of [from, to] whose guardians no class
// teacher has confirmed notifying.
func (s attendanceSource) UnnotifiedOutings(_ context.Context, from, to time.Time) ([]scheduler.Outing, error) {
	list, err := s.att.Outings(from, to, true)
	if err != nil {
		return nil, err
	}
	out := make([]scheduler.Outing, len(list))
	for i, o := range list {
		out[i] = scheduler.Outing{ID: o.ID, Unit: o.Unit, Brief: o.Brief(s.att.Location())}
	}
	return out, nil
}

// MissingClasses lists the classes with no live entry in the form due at due.
func (s attendanceSource) MissingClasses(_ context.Context, due time.Time) ([]string, error) {
	forms, err := s.att.FormsDue(s.dir.Classes(), due)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range attendance.Lacking(forms) {
		out = append(out, f.Unit)
	}
	return out, nil
}

// SummaryText renders the 《日常信息月度汇总表》 of a grade ("" for all):
// per class its forms by state and the students with anything recorded,
// then the month's good deeds per class (the office's, for all, also those
// of other units).
func (s attendanceSource) SummaryText(_ context.Context, month time.Time, grade string) (string, error) {
	var classes []*org.Unit
	for _, c := range s.dir.Classes() {
		if grade == "" || c.Grade == grade {
			classes = append(classes, c)
		}
	}
	p := org.MonthPeriod(month, s.att.Location())
	sum, err := s.att.Summary(p, classes, s.att.Now())
	if err != nil {
		return "", err
	}
	var lines []string
	for _, g := range sum.Grades {
		for _, c := range g.Classes {
			lines = append(lines, fmt.Sprintf("%s：按时 %d 次、迟交 %d 次、缺报 %d 次", c.Name, c.OnTime, c.Late, c.Missing))
			for _, t := range c.Students {
				lines = append(lines, "  "+tallyText(t))
			}
		}
	}
	if len(lines) == 0 {
		lines = append(lines, "本月无考勤记录。")
	}
	deeds, err := s.desk.GoodDeedsOf(p.Name)
	if err != nil {
		return "", err
	}
	lines = append(lines, desk.DeedLines(deeds, classes, grade == "")...)
	return strings.Join(lines, "\n"), nil
}

// tallyText is one student's month: 张三 旷课 9 节（请假抵扣 2 节，计 7 节）、夜不归宿 1 次 —— 黄牌警示.
func tallyText(t *attendance.Tally) string {
	line := t.Student + " " + t.Counts()
	if t.Level != "" {
		line += " —— " + t.Level
	}
	return line
}

// UnconfirmedGrades lists the grades whose summary of month no grade lead
// has confirmed, in directory order.
func (s attendanceSource) UnconfirmedGrades(_ context.Context, month time.Time) ([]string, error) {
	grades := s.dir.Grades()
	conf, err := s.att.Confirmations(org.MonthPeriod(month, s.att.Location()).Name, grades)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range grades {
		if conf[g] == nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// deskSource adapts the submission desk where its answers differ in type.
type deskSource struct{ *desk.Service }

// BelowQuota lists the officers below the monthly quota.
func (d deskSource) BelowQuota(ctx context.Context, month time.Time) ([]scheduler.Shortfall, error) {
	gaps, err := d.Service.BelowQuota(ctx, month)
	if err != nil {
		return nil, err
	}
	out := make([]scheduler.Shortfall, len(gaps))
	for i, g := range gaps {
		out[i] = scheduler.Shortfall{Member: g.Member, Counted: g.Counted, Quota: g.Quota}
	}
	return out, nil
}

// RankingPushes is the quarter's circular to every department (through its
// groups, else its members), the office and the leaders, in text-sized pieces.
func (d deskSource) RankingPushes(ctx context.Context, job, period string, quarter time.Time) ([]bot.Notification, error) {
	text, err := d.RankingText(ctx, quarter)
	if err != nil {
		return nil, err
	}
	var units []string
	for _, u := range d.Departments() {
		units = append(units, u.ID)
	}
	return d.CircularPushes(job, period, text, units), nil
}

// StatisticsOpen lists the 统计 items not yet at the office, with who holds
// each and its status as people read it.
func (d deskSource) StatisticsOpen(ctx context.Context) ([]scheduler.StatItem, error) {
	arts, err := d.Service.StatisticsOpen(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]scheduler.StatItem, len(arts))
	for i, a := range arts {
		out[i] = scheduler.StatItem{ID: a.ID, Title: a.Title, Unit: a.UnitName, Submitter: a.Submitter,
			Holders: d.Holders(a), Status: "“" + desk.StatusName(a.Status, d.Dir.OfficeName()) + "”", DataAt: *a.DataAt, Due: *a.StatDue}
	}
	return out, nil
}
