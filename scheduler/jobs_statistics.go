package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Statistics answers about 统计 items, due at the office within [submission]
// statistics_within of their data (篇7 四).
type Statistics interface {
	// StatisticsOpen lists the 统计 items that have not reached the office.
	StatisticsOpen(ctx context.Context) ([]StatItem, error)
}

// StatItem is a 统计 item not yet at the office.
type StatItem struct {
	ID, Title, Unit string   // Unit is the unit's name
	Submitter       string   // member id
	Holders         []string // member ids who must act now: the submitter, or the unit heads reviewing it
	Status          string   // as people read it: 草稿（待补充）, 待单位负责人审核 …
	DataAt, Due     time.Time
}

// The statistics clocks (not default jobs: they run every minute over the
// stored items, so `baosong schedule` lists them apart, see ItemClocks).
const (
	JobStatisticsRemind  = "statistics-remind"
	JobStatisticsOverdue = "statistics-overdue"
)

// ItemClock is a job that runs every minute over stored records rather
// than at calendar times.
type ItemClock struct {
	Job, Rule string
}

// ItemClocks describes the every-minute statistics jobs for planning.
func ItemClocks(d Deps) []ItemClock {
	s := d.Policies.Submission
	return []ItemClock{
		{JobStatisticsRemind, fmt.Sprintf("统计信息 not at the office %s after its 数据时间, by day (%s–%s) → its holder (submitter or unit head)",
			org.Span(s.StatisticsRemind.Duration), remindDayStart, remindDayEnd)},
		{JobStatisticsOverdue, fmt.Sprintf("统计信息 not at the office %s after its 数据时间 → the office (%d)",
			org.Span(s.StatisticsWithin.Duration), len(newAudience(d.Dir).office))},
	}
}

// The hours of the day in which the statistics reminders go out: a school
// office is not pushed at 03:00 because data came out at 09:00 the day
// before (see remindAt).
var (
	remindDayStart = org.ClockTime{Hour: 7, Minute: 30}
	remindDayEnd   = org.ClockTime{Hour: 22}
)

// remindAt is when the holder of an item due at due is reminded, at is
// statistics_remind after its data: then if that falls in the day
// (remindDayStart to remindDayEnd); a night-time one at the next morning's
// start if that is still before the due time, else at the end of the
// evening before it.
func remindAt(at, due time.Time, loc *time.Location) time.Time {
	at = at.In(loc)
	switch start, end := remindDayStart.On(at, loc), remindDayEnd.On(at, loc); {
	case at.Before(start):
		if start.Before(due) {
			return start
		}
		return remindDayEnd.On(at.AddDate(0, 0, -1), loc)
	case at.After(end):
		if next := remindDayStart.On(at.AddDate(0, 0, 1), loc); next.Before(due) {
			return next
		}
		return end
	}
	return at
}

// inRemindDay reports whether t lies in the hours of the reminders.
func inRemindDay(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	return !t.Before(remindDayStart.On(t, loc)) && !t.After(remindDayEnd.On(t, loc))
}

// StatisticsJobs are the two clocks of the 24-hour rule: at statistics_remind
// after its data (moved into the day, remindAt) the holder of an item not
// yet at the office is reminded once; at its due time the office is told
// once that it is overdue. Both read the stored items every minute, so a
// restart misses nothing by day (a reminder whose due time passed meanwhile
// gives way to the overdue notice; one missed in the night is not sent).
func StatisticsJobs(d Deps) []Job {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Sent == nil {
		d.Sent = func(string, int) {}
	}
	j := &jobs{Deps: d, who: newAudience(d.Dir)}
	remindAfter := d.Policies.Submission.StatisticsRemind.Duration
	within := d.Policies.Submission.StatisticsWithin.Duration
	loc := d.Dir.Calendar().Location()
	stamp := func(t time.Time) string { return dayLabel(t) + clock(t) }
	return []Job{
		j.statisticsJob(JobStatisticsRemind, func(it StatItem, now time.Time) []bot.Notification {
			if now.Before(remindAt(it.DataAt.Add(remindAfter), it.Due, loc)) || !now.Before(it.Due) || !inRemindDay(now, loc) {
				return nil
			}
			left := it.Due.Sub(now).Round(time.Minute)
			return toMembers(append(it.Holders, it.Submitter), "统计信息时效提醒",
				fmt.Sprintf("【统计信息时效提醒】%s《%s》（%s）数据时间 %s，须在 %s内、即 %s 前报到%s（还剩 %s），目前%s。",
					it.ID, it.Title, it.Unit, stamp(it.DataAt), org.Span(within), stamp(it.Due), d.Dir.OfficeName(), org.Span(left), it.Status))
		}),
		j.statisticsJob(JobStatisticsOverdue, func(it StatItem, now time.Time) []bot.Notification {
			if now.Before(it.Due) {
				return nil
			}
			return toMembers(j.who.office, "统计信息逾期",
				fmt.Sprintf("【统计信息逾期】%s《%s》（%s %s）数据时间 %s，已超过 %s时效（截止 %s），仍未报到：目前%s。",
					it.ID, it.Title, it.Unit, j.who.name(it.Submitter), stamp(it.DataAt), org.Span(within), stamp(it.Due), it.Status))
		}),
	}
}

// statisticsJob runs every minute: each open item's pushes from build, keyed
// job|item|recipient so each goes once.
func (j *jobs) statisticsJob(name string, build func(StatItem, time.Time) []bot.Notification) Job {
	return Job{Name: name, Spec: "* * * * *", Task: func(ctx context.Context, now time.Time) error {
		if j.Sources.Statistics == nil {
			return fmt.Errorf("scheduler: job %s: %w", name, ErrNoSource)
		}
		items, err := j.Sources.Statistics.StatisticsOpen(ctx)
		if err != nil {
			return fmt.Errorf("scheduler: job %s: %w", name, err)
		}
		var ns []bot.Notification
		for _, it := range items {
			for _, n := range build(it, now) {
				n.Key = Key(name, it.ID, n.To)
				ns = append(ns, n)
			}
		}
		if len(ns) == 0 {
			return nil
		}
		n, err := j.Outbox.Enqueue(ns...)
		if err != nil {
			return fmt.Errorf("scheduler: job %s: queue %d pushes: %w", name, len(ns), err)
		}
		j.Sent(name, n)
		return nil
	}}
}
