package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Outbox queues pushes in one transaction; a Notification.Key is queued at
// most once, ever (store.DB implements it).
type Outbox interface {
	Enqueue(ns ...bot.Notification) (int, error)
}

// The default jobs ask the domains about stored state through these small
// interfaces; the app adapts the domain packages to them. A job whose
// source is nil is still planned, but its Task fails with ErrNoSource.

// Attendance answers from the stored attendance forms.
type Attendance interface {
	// MissingClasses lists the classes (unit ids) that have no form for
	// the form due at due.
	MissingClasses(ctx context.Context, due time.Time) ([]string, error)
}

// Summaries answers about the monthly attendance summary (《日常信息月度汇总表》).
type Summaries interface {
	// SummaryText is the summary of month (its 1st) for one grade, or for
	// the whole organisation when grade is "".
	SummaryText(ctx context.Context, month time.Time, grade string) (string, error)
	// UnconfirmedGrades lists the grades whose summary of month no grade
	// lead has confirmed.
	UnconfirmedGrades(ctx context.Context, month time.Time) ([]string, error)
}

// Shortfall is an officer below the monthly quota.
type Shortfall struct {
	Member         string
	Counted, Quota int
}

// Quotas answers about the monthly information quota (篇1, 篇6).
type Quotas interface {
	// BelowQuota lists the officers whose items counted for month (its
	// 1st) are fewer than their quota.
	BelowQuota(ctx context.Context, month time.Time) ([]Shortfall, error)
}

// Media answers about the monthly media summary due the 28th (篇6).
type Media interface {
	// MediaMissing lists the officers who have not sent the media summary
	// of month (its 1st).
	MediaMissing(ctx context.Context, month time.Time) ([]string, error)
}

// Research answers about the quarterly research quota (篇1).
type Research interface {
	// ResearchMissing lists the officers with fewer 调研 items in the
	// quarter (its first day) than the quota.
	ResearchMissing(ctx context.Context, quarter time.Time) ([]string, error)
}

// Rankings writes the quarterly circular (通报) and addresses it.
type Rankings interface {
	// RankingPushes is the circular of the quarter (its first day): the
	// units' statistics and ranking, cut to the platforms' text size and
	// addressed to everyone concerned, each push keyed
	// job|period|recipient|piece.
	RankingPushes(ctx context.Context, job, period string, quarter time.Time) ([]bot.Notification, error)
}

// Weekly answers about the weekly department reports (篇8).
type Weekly interface {
	// WeeklyMissing lists the departments (unit ids) without a report for
	// the week starting on monday.
	WeeklyMissing(ctx context.Context, monday time.Time) ([]string, error)
}

// Sources are the domain answers the default jobs need; nil ones are not
// wired yet.
type Sources struct {
	Attendance Attendance
	Summaries  Summaries
	Quotas     Quotas
	Media      Media
	Research   Research
	Rankings   Rankings
	Weekly     Weekly
	Outings    Outings
	Statistics Statistics
}

// ErrNoSource is returned by the Task of a job whose domain source is not
// wired.
var ErrNoSource = errors.New("scheduler: no source wired for this job")

// Deps are what the default jobs need. Policies and Dir (with its calendar) suffice
// to plan (Describe); running needs Outbox and the Sources.
type Deps struct {
	Policies org.Policies
	Dir      *org.Directory
	Outbox   Outbox
	Sources  Sources
	// Now is the program's one clock, read to drop a reminder caught up
	// after its deadline; nil means time.Now.
	Now func() time.Time
	// Sent is told how many pushes a firing queued (after idempotency).
	Sent func(job string, queued int)
	// Log is told of caught-up firings merged into a later one; nil means slog.Default().
	Log *slog.Logger
}

// Job names that do not depend on the configuration (see
// config.Config.ScheduleJobs for all of them).
const (
	JobAttendanceOverdue = "attendance-overdue"
	JobMonthlySummary    = "monthly-summary"
	JobConfirmRemind     = "monthly-confirm-remind"
	JobConfirmOverdue    = "monthly-confirm-overdue"
	JobInfoShortfall     = "info-shortfall"
	JobMediaOverdue      = "media-overdue"
	JobResearch          = "quarterly-research"
	JobRanking           = "quarterly-ranking"
	JobWeeklyRemind      = "weekly-remind"
	JobWeeklyOverdue     = "weekly-overdue"
	// JobIncidentClock names the incident clock (incident.Clock: a timer on
	// the earliest due step, run by the app beside this engine) in [schedule]
	// off; it is not a job of the engine and not planned.
	JobIncidentClock = "incident-clock"
	// JobAbsenceClock is the every-minute clock the app adds that reports
	// abnormal absences whose cause the class teacher has not answered in
	// time (篇3, package attendance); it is not a default job and not planned.
	JobAbsenceClock = "absence-clock"
)

// defaultJob is a default job before it becomes a Job.
type defaultJob struct {
	name   string
	family string // jobs reminding of one deadline at several times share it ("" means name)
	at     org.ClockTime
	when   func(at time.Time) (Occasion, bool)
	count  int  // recipients when nothing has been done yet, for Describe
	remind bool // pointless once the deadline passed
	daily  bool // every working day, on stored records (Description.Routine)
	ready  bool // its source is wired
	build  func(ctx context.Context, o Occasion, at time.Time) ([]bot.Notification, error)
}

// DefaultJobs are the scheduled jobs of SPEC §6, in a stable order, all of
// them (filter with Enabled). Each fires daily at its time and decides with
// Rules whether the day has an occasion; the pushes it queues carry the
// key job|period|recipient, so that a firing run twice (after a restart,
// or caught up) never queues one twice.
func DefaultJobs(d Deps) []Job {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Sent == nil {
		d.Sent = func(string, int) {}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	j := &jobs{Deps: d, rules: NewRules(d.Policies, d.Dir.Calendar()), who: newAudience(d.Dir), families: map[string][]defaultJob{}}
	var defs []defaultJob
	defs = append(defs, j.attendanceJobs()...)
	defs = append(defs, j.summaryJobs()...)
	defs = append(defs, j.submissionJobs()...)
	defs = append(defs, j.weeklyJobs()...)
	defs = append(defs, j.outingJobs()...)
	out := make([]Job, len(defs))
	for i, def := range defs {
		if def.family == "" {
			def.family = def.name
		}
		if !slices.Contains(d.Policies.Schedule.Off, def.name) {
			j.families[def.family] = append(j.families[def.family], def)
		}
		out[i] = j.job(def)
	}
	return out
}

// Enabled drops the jobs named in off ([schedule] off).
func Enabled(jobs []Job, off []string) []Job {
	var out []Job
	for _, j := range jobs {
		if !slices.Contains(off, j.Name) {
			out = append(out, j)
		}
	}
	return out
}

// jobs builds the default jobs.
type jobs struct {
	Deps
	rules    *Rules
	who      *audience
	families map[string][]defaultJob // the jobs switched on, by family
}

func (j *jobs) job(def defaultJob) Job {
	return Job{
		Name: def.name,
		Spec: fmt.Sprintf("%d %d * * *", def.at.Minute, def.at.Hour),
		Describe: func(at time.Time) Description {
			o, ok := def.when(at)
			if !ok {
				return Description{Skip: true}
			}
			return Description{Period: o.Period, Deadline: o.DeadlineText(), Recipients: def.count, Reason: o.Reason,
				Routine: def.daily}
		},
		Task: func(ctx context.Context, at time.Time) error {
			o, ok := def.when(at)
			if !ok {
				return nil
			}
			if !def.ready {
				return fmt.Errorf("scheduler: job %s, %s: %w", def.name, o.Period, ErrNoSource)
			}
			if def.remind && !j.Now().Before(o.end()) {
				return nil // caught up after the deadline: the overdue list speaks now
			}
			if later, ok := j.mergedInto(def, o, at); ok {
				j.Log.Info("scheduler: caught-up firing merged into a later one of its family",
					"job", def.name, "at", at, "period", o.Period, "later", later)
				return nil
			}
			ns, err := def.build(ctx, o, at)
			if err != nil {
				return fmt.Errorf("scheduler: job %s, %s: %w", def.name, o.Period, err)
			}
			for i := range ns {
				if ns[i].Key == "" { // a builder that splits a push keys its pieces
					ns[i].Key = Key(def.name, o.Period, ns[i].To)
				}
				if def.remind {
					ns[i].Priority = bot.PriorityReminder
				}
			}
			n, err := j.Outbox.Enqueue(ns...)
			if err != nil {
				return fmt.Errorf("scheduler: job %s, %s: queue %d pushes: %w", def.name, o.Period, len(ns), err)
			}
			j.Sent(def.name, n)
			return nil
		},
	}
}

// mergedInto finds the firing that makes a caught-up firing at, about o,
// pointless (SPEC §6 catch-up): a later firing of a job of the same family
// about the same period and deadline that has come by now (it is caught up
// too, and says the same with less time left) or comes within [schedule]
// catchup_merge. Without it, a server started at 16:29:45 would send the
// 15:00 attendance reminder and, 15 s later, the 16:30 one, both "还剩30分钟".
// A firing run on time is never merged.
func (j *jobs) mergedInto(def defaultJob, o Occasion, at time.Time) (time.Time, bool) {
	now := j.Now()
	if now.Sub(at) <= caughtUpAfter {
		return time.Time{}, false
	}
	until := now.Add(j.Policies.Schedule.CatchupMerge.Duration)
	for _, sib := range j.families[def.family] {
		for day := j.rules.midnight(at); !day.After(until); day = day.AddDate(0, 0, 1) {
			t := sib.at.On(day, j.rules.loc)
			if !t.After(at) || t.After(until) {
				continue
			}
			if so, ok := sib.when(t); ok && so.Period == o.Period && so.Deadline.Equal(o.Deadline) {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// Key is the idempotency key of one reminder instance: job|period|recipient.
func Key(job, period string, to bot.Recipient) string {
	return job + "|" + period + "|" + to.String()
}

// end is the instant the deadline passes.
func (o Occasion) end() time.Time {
	if o.AllDay {
		return o.Deadline.AddDate(0, 0, 1)
	}
	return o.Deadline
}

// audience indexes the directory by the roles the jobs address.
type audience struct {
	dir        *org.Directory
	classStaff map[string][]string // class id → its cadres and teachers
	teachers   map[string][]string // class id → its teachers
	leads      map[string][]string // grade → its grade leads
	office     []string
	officers   []string
	deptStaff  map[string][]string // department id → its officers
	deptAll    map[string][]string // department id → every member in it
	staffCount int                 // members who are cadre or teacher of a class
}

func newAudience(dir *org.Directory) *audience {
	a := &audience{dir: dir, classStaff: map[string][]string{}, teachers: map[string][]string{},
		leads: map[string][]string{}, deptStaff: map[string][]string{}, deptAll: map[string][]string{}}
	for _, m := range dir.Members() {
		staff := false
		for _, u := range m.Units {
			unit, ok := dir.Unit(u)
			if !ok {
				continue
			}
			switch unit.Kind {
			case org.Class:
				if m.Has(org.Cadre, org.Teacher) {
					a.classStaff[u] = append(a.classStaff[u], m.ID)
					staff = true
				}
				if m.Has(org.Teacher) {
					a.teachers[u] = append(a.teachers[u], m.ID)
				}
			case org.Dept:
				a.deptAll[u] = append(a.deptAll[u], m.ID)
				if m.Has(org.Officer) {
					a.deptStaff[u] = append(a.deptStaff[u], m.ID)
				}
			}
		}
		if staff {
			a.staffCount++
		}
		if m.Has(org.GradeLead) {
			for _, g := range m.Grades {
				a.leads[g] = append(a.leads[g], m.ID)
			}
		}
		if m.Has(org.Office) {
			a.office = append(a.office, m.ID)
		}
		if m.Has(org.Officer) {
			a.officers = append(a.officers, m.ID)
		}
	}
	return a
}

func (a *audience) leadCount() int {
	n := 0
	for _, l := range a.leads {
		n += len(l)
	}
	return n
}

func (a *audience) name(member string) string { return a.dir.MemberName(member) }

// toMembers makes one push per member, in the order given, without repeats.
func toMembers(ids []string, title, text string) []bot.Notification {
	var out []bot.Notification
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, bot.Notification{To: bot.Recipient{Member: id}, Title: title, Text: text})
	}
	return out
}
