package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
)

// Outings answers about outing notices (外出, 篇10).
type Outings interface {
	// UnnotifiedOutings lists the outings whose day lies in [from, to]
	// (whole days) and whose class teacher has not yet confirmed notifying
	// the guardians.
	UnnotifiedOutings(ctx context.Context, from, to time.Time) ([]Outing, error)
}

// Outing is an outing notice not yet confirmed.
type Outing struct {
	ID    string
	Unit  string // class unit id
	Brief string // the outing in one line: 高一(1)班 12月10日（周四） 参观科技馆
}

// JobOutingRemind and JobOutingOverdue: on each working day, the class
// teachers of the outings up to the next working day are reminded at
// [outing] remind_at to notify the guardians, and the office gets those
// still unconfirmed at [outing] overdue_at.
const (
	JobOutingRemind  = "outing-remind"
	JobOutingOverdue = "outing-overdue"
)

// OutingDays: on a working day, the outings it is the working day before:
// from the next day to the next working day (Friday covers the weekend and
// Monday). The deadline is [outing] overdue_at that day.
func (r *Rules) OutingDays(at time.Time) (Occasion, bool) {
	day := r.midnight(at)
	if !r.cal.IsWorkday(day) {
		return Occasion{}, false
	}
	first, last := day.AddDate(0, 0, 1), r.cal.NextWorkday(day)
	o := Occasion{Period: first.Format("2006-01-02"), Label: dayLabel(first), Start: first,
		Deadline: r.out.OverdueAt.On(day, r.loc)}
	if !sameDay(first, last) {
		o.Period += "~" + last.Format("2006-01-02")
		o.Label += "至" + dayLabel(last)
	}
	return o, true
}

func (j *jobs) outingJobs() []defaultJob {
	ready := j.Sources.Outings != nil
	teachers := 0
	for _, ids := range j.who.teachers {
		teachers += len(ids)
	}
	return []defaultJob{
		{name: JobOutingRemind, at: j.Policies.Outing.RemindAt, remind: true, daily: true, ready: ready, count: teachers,
			when: j.rules.OutingDays, build: j.outingRemind},
		{name: JobOutingOverdue, at: j.Policies.Outing.OverdueAt, daily: true, ready: ready, count: len(j.who.office),
			when: j.rules.OutingDays, build: j.outingOverdue},
	}
}

// unnotified asks the source about the occasion's days: from its Start to
// the next working day (see OutingDays).
func (j *jobs) unnotified(ctx context.Context, o Occasion) ([]Outing, error) {
	last := j.rules.Calendar().NextWorkday(o.Start.AddDate(0, 0, -1))
	return j.Sources.Outings.UnnotifiedOutings(ctx, o.Start, last)
}

// outingRemind: one push per class teacher listing their classes' outings;
// it names the office by its unit (Directory.OfficeName), the one the
// overdue list goes to.
func (j *jobs) outingRemind(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	list, err := j.unnotified(ctx, o)
	if err != nil {
		return nil, err
	}
	lines := map[string][]string{}
	first := map[string]string{}
	var order []string
	for _, x := range list {
		for _, t := range j.who.teachers[x.Unit] {
			if _, seen := lines[t]; !seen {
				order, first[t] = append(order, t), x.ID
			}
			lines[t] = append(lines[t], x.ID+" "+x.Brief)
		}
	}
	var out []bot.Notification
	for _, t := range order {
		out = append(out, toMembers([]string{t}, "外出提醒", fmt.Sprintf(
			"【外出提醒】%s的外出活动请今天通知学生家长（监护人），告知外出的时间、地点和安全要求：\n%s\n通知后请回复“已通知 %s”；今天%s前未确认的将报%s。",
			o.Label, strings.Join(lines[t], "\n"), first[t], clock(o.Deadline), j.Dir.OfficeName()))...)
	}
	return out, nil
}

// outingOverdue: the office gets the outings still unconfirmed.
func (j *jobs) outingOverdue(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	list, err := j.unnotified(ctx, o)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	lines := make([]string, len(list))
	for i, x := range list {
		var names []string
		for _, t := range j.who.teachers[x.Unit] {
			names = append(names, j.who.name(t))
		}
		lines[i] = fmt.Sprintf("%s %s（班主任：%s）", x.ID, x.Brief, strings.Join(names, "、"))
	}
	return toMembers(j.who.office, "外出未通知家长", fmt.Sprintf(
		"【外出未通知家长】以下 %d 项外出活动（%s）的班主任截至%s%s仍未确认已通知家长：\n%s",
		len(list), o.Label, dayLabel(o.Deadline), clock(o.Deadline), strings.Join(lines, "\n"))), nil
}
