package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// attendanceJobs: one reminder per [attendance] reminders time to the
// cadres and teachers of the classes without a form, and the overdue list
// at overdue_at to the grade leads (their grade), the office (all) and the
// groups of the grades and classes concerned.
func (j *jobs) attendanceJobs() []defaultJob {
	att := j.Policies.Attendance
	ready := j.Sources.Attendance != nil
	var defs []defaultJob
	for _, at := range att.Reminders {
		name := fmt.Sprintf("attendance-remind-%02d%02d", at.Hour, at.Minute)
		defs = append(defs, defaultJob{
			name: name, family: "attendance-remind", at: at, remind: true, ready: ready, count: j.who.staffCount,
			when: func(t time.Time) (Occasion, bool) {
				o, ok := j.rules.AttendanceDue(t)
				// A reminder time at or after the due time reminds of nothing.
				return o, ok && t.Before(o.Deadline)
			},
			build: j.attendanceRemind,
		})
	}
	groups := map[string]bool{}
	for _, c := range j.Dir.Classes() {
		for _, g := range j.Dir.GroupsFor(c.ID, c.Grade) {
			groups[g.Name] = true
		}
	}
	defs = append(defs, defaultJob{
		name: JobAttendanceOverdue, at: att.OverdueAt, ready: ready,
		count: j.who.leadCount() + len(j.who.office) + len(groups),
		when: func(t time.Time) (Occasion, bool) {
			o, ok := j.rules.AttendanceDue(t)
			return o, ok && !t.Before(o.Deadline)
		},
		build: j.attendanceOverdue,
	})
	return defs
}

// missingClasses asks the attendance source and keeps the known classes,
// in directory order.
func (j *jobs) missingClasses(ctx context.Context, due time.Time) ([]*org.Unit, error) {
	ids, err := j.Sources.Attendance.MissingClasses(ctx, due)
	if err != nil {
		return nil, err
	}
	missing := make(map[string]bool, len(ids))
	for _, id := range ids {
		missing[id] = true
	}
	var out []*org.Unit
	for _, c := range j.Dir.Classes() {
		if missing[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}

func (j *jobs) attendanceRemind(ctx context.Context, o Occasion, at time.Time) ([]bot.Notification, error) {
	missing, err := j.missingClasses(ctx, o.Deadline)
	if err != nil {
		return nil, err
	}
	// One push per person, naming all their classes that lack the form.
	var order []string
	classes := map[string][]string{}
	for _, c := range missing {
		for _, id := range j.who.classStaff[c.ID] {
			if classes[id] == nil {
				order = append(order, id)
			}
			classes[id] = append(classes[id], c.Name)
		}
	}
	// A reminder caught up after downtime counts the time left from now.
	left := o.Deadline.Sub(at)
	if now := j.Now(); now.After(at) {
		left = o.Deadline.Sub(now)
	}
	out := make([]bot.Notification, 0, len(order))
	for _, id := range order {
		out = append(out, bot.Notification{To: bot.Recipient{Member: id}, Title: "考勤提醒",
			Text: attendanceRemindText(classes[id], o, at, left)})
	}
	return out, nil
}

func (j *jobs) attendanceOverdue(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	missing, err := j.missingClasses(ctx, o.Deadline)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	var out []bot.Notification
	byGrade := map[string][]*org.Unit{}
	var grades []string
	for _, c := range missing {
		if byGrade[c.Grade] == nil {
			grades = append(grades, c.Grade)
		}
		byGrade[c.Grade] = append(byGrade[c.Grade], c)
	}
	for _, g := range grades {
		out = append(out, toMembers(j.who.leads[g], "考勤逾期", attendanceOverdueText(g, byGrade[g], o))...)
	}
	var all []string
	for _, g := range grades {
		all = append(all, g+"："+unitNames(byGrade[g]))
	}
	out = append(out, toMembers(j.who.office, "考勤逾期",
		fmt.Sprintf("【考勤逾期】%s%s截止的《日常信息报表》，共 %d 个班未报送——%s。%s",
			o.Label, clock(o.Deadline), len(missing), strings.Join(all, "；"), noteSuffix(o)))...)
	// Groups: each gets the missing classes in its scope, @ its configured
	// members and the class teachers (never cadres: they are students).
	type post struct {
		classes []*org.Unit
		mention []string
	}
	posts := map[string]*post{}
	var names []string
	for _, c := range missing {
		for _, g := range j.Dir.GroupsFor(c.ID, c.Grade) {
			p := posts[g.Name]
			if p == nil {
				p = &post{mention: slices.Clone(g.Mention)}
				posts[g.Name] = p
				names = append(names, g.Name)
			}
			p.classes = append(p.classes, c)
			for _, t := range j.who.teachers[c.ID] {
				if !slices.Contains(p.mention, t) {
					p.mention = append(p.mention, t)
				}
			}
		}
	}
	for _, name := range names {
		p := posts[name]
		out = append(out, bot.Notification{To: bot.Recipient{Group: name}, Title: "考勤逾期", Mention: p.mention,
			Text: fmt.Sprintf("【考勤逾期】%s%s截止的《日常信息报表》，以下班级仍未报送：%s。请班主任督促尽快补报。%s",
				o.Label, clock(o.Deadline), unitNames(p.classes), noteSuffix(o))})
	}
	return out, nil
}

func attendanceRemindText(classes []string, o Occasion, at time.Time, left time.Duration) string {
	return fmt.Sprintf("【考勤提醒·%s】%s %s的《日常信息报表》尚未报送，截止时间%s（还剩%s）。"+
		"请发送「考勤 …」报送，无异常请发「考勤 无异常」。%s",
		at.Format("15:04"), strings.Join(classes, "、"), o.Label, clock(o.Deadline),
		org.DurationText(left), noteSuffix(o))
}

func attendanceOverdueText(grade string, classes []*org.Unit, o Occasion) string {
	return fmt.Sprintf("【考勤逾期】%s%s截止的《日常信息报表》，%s仍有 %d 个班未报送：%s。请督促班主任和班干部尽快补报。%s",
		o.Label, clock(o.Deadline), grade, len(classes), unitNames(classes), noteSuffix(o))
}

// summaryJobs: the monthly summary on the 1st to the grade leads (their
// grade) and the office (all); the confirmation reminder to the grade leads
// of unconfirmed grades; the overdue list to the office and those leads.
func (j *jobs) summaryJobs() []defaultJob {
	sch := j.Policies.Schedule
	ready := j.Sources.Summaries != nil
	leads := j.who.leadCount()
	return []defaultJob{
		{name: JobMonthlySummary, at: sch.SummaryAt, ready: ready, count: leads + len(j.who.office),
			when: j.rules.SummaryMonth, build: j.monthlySummary},
		{name: JobConfirmRemind, at: sch.RemindAt, ready: ready, count: leads, remind: true,
			when: j.rules.ConfirmRemind, build: j.confirmRemind},
		{name: JobConfirmOverdue, at: sch.RemindAt, ready: ready, count: leads + len(j.who.office),
			when: j.rules.ConfirmOverdue, build: j.confirmOverdue},
	}
}

func (j *jobs) monthlySummary(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	var out []bot.Notification
	month := int(o.Start.Month())
	for _, g := range j.Dir.Grades() {
		if len(j.who.leads[g]) == 0 {
			continue
		}
		body, err := j.Sources.Summaries.SummaryText(ctx, o.Start, g)
		if err != nil {
			return nil, err
		}
		text := fmt.Sprintf("【月度汇总】%s《日常信息月度汇总表》（%s）\n%s\n请核对后于%s前发送「确认汇总 %d月」确认。%s",
			o.Label, g, body, dayLabel(o.Deadline), month, noteSuffix(o))
		out = append(out, toMembers(j.who.leads[g], "月度汇总", text)...)
	}
	if len(j.who.office) > 0 {
		body, err := j.Sources.Summaries.SummaryText(ctx, o.Start, "")
		if err != nil {
			return nil, err
		}
		text := fmt.Sprintf("【月度汇总】%s《日常信息月度汇总表》（全部年级）\n%s\n各年级组长须于%s前确认。%s",
			o.Label, body, dayLabel(o.Deadline), noteSuffix(o))
		out = append(out, toMembers(j.who.office, "月度汇总", text)...)
	}
	return out, nil
}

func (j *jobs) confirmRemind(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	grades, err := j.Sources.Summaries.UnconfirmedGrades(ctx, o.Start)
	if err != nil {
		return nil, err
	}
	var out []bot.Notification
	for _, g := range grades {
		out = append(out, toMembers(j.who.leads[g], "汇总确认提醒",
			fmt.Sprintf("【汇总确认提醒】%s《日常信息月度汇总表》（%s）尚未确认，截止%s。请核对后发送「确认汇总 %d月」。%s",
				o.Label, g, dayLabel(o.Deadline), o.Start.Month(), noteSuffix(o)))...)
	}
	return out, nil
}

func (j *jobs) confirmOverdue(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	grades, err := j.Sources.Summaries.UnconfirmedGrades(ctx, o.Start)
	if err != nil || len(grades) == 0 {
		return nil, err
	}
	out := toMembers(j.who.office, "汇总确认逾期",
		fmt.Sprintf("【汇总确认逾期】%s《日常信息月度汇总表》确认已于%s截止，以下年级仍未确认：%s。%s",
			o.Label, dayLabel(o.Deadline), strings.Join(grades, "、"), noteSuffix(o)))
	for _, g := range grades {
		out = append(out, toMembers(j.who.leads[g], "汇总确认逾期",
			fmt.Sprintf("【汇总确认逾期】%s《日常信息月度汇总表》（%s）确认已于%s截止，请尽快发送「确认汇总 %d月」。",
				o.Label, g, dayLabel(o.Deadline), o.Start.Month()))...)
	}
	return out, nil
}

func unitNames(units []*org.Unit) string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.Name
	}
	return strings.Join(names, "、")
}

// clock is " 17:00".
func clock(t time.Time) string { return t.Format(" 15:04") }

// noteSuffix is the Chinese calendar note in brackets, or "".
func noteSuffix(o Occasion) string {
	if o.Note == "" {
		return ""
	}
	return "（" + o.Note + "）"
}
