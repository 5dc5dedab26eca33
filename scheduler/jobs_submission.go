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

// submissionJobs: the monthly information deadline (the 15th: reminders to
// officers below quota, the shortfall list to the office), the media
// summary (the 28th: reminders to officers who have not sent it, the
// overdue list to the office), the quarterly research reminder and the
// quarterly ranking circular.
func (j *jobs) submissionJobs() []defaultJob {
	sch := j.Policies.Schedule
	officers, office := len(j.who.officers), len(j.who.office)
	var defs []defaultJob
	for _, n := range sch.InfoRemindDays {
		defs = append(defs, defaultJob{
			name: fmt.Sprintf("info-remind-%dd", n), family: "info-remind", at: sch.RemindAt, remind: true,
			ready: j.Sources.Quotas != nil, count: officers,
			when: func(t time.Time) (Occasion, bool) { return j.rules.InfoRemind(t, n) },
			build: func(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
				return j.infoRemind(ctx, o, n)
			},
		})
	}
	defs = append(defs, defaultJob{name: JobInfoShortfall, at: sch.RemindAt, ready: j.Sources.Quotas != nil,
		count: office, when: j.rules.InfoShortfall, build: j.infoShortfall})
	for _, n := range sch.MediaRemindDays {
		defs = append(defs, defaultJob{
			name: fmt.Sprintf("media-remind-%dd", n), family: "media-remind", at: sch.RemindAt, remind: true,
			ready: j.Sources.Media != nil, count: officers,
			when: func(t time.Time) (Occasion, bool) { return j.rules.MediaRemind(t, n) },
			build: func(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
				return j.mediaRemind(ctx, o, n)
			},
		})
	}
	defs = append(defs,
		defaultJob{name: JobMediaOverdue, at: sch.RemindAt, ready: j.Sources.Media != nil,
			count: office, when: j.rules.MediaOverdue, build: j.mediaOverdue},
		defaultJob{name: JobResearch, at: sch.RemindAt, remind: true, ready: j.Sources.Research != nil,
			count: officers, when: j.rules.ResearchRemind, build: j.researchRemind},
		defaultJob{name: JobRanking, at: sch.RemindAt, ready: j.Sources.Rankings != nil,
			count: j.rankingAudience(), when: j.rules.Ranking,
			build: func(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
				return j.Sources.Rankings.RankingPushes(ctx, JobRanking, o.Period, o.Start)
			}},
	)
	return defs
}

func (j *jobs) infoRemind(ctx context.Context, o Occasion, n int) ([]bot.Notification, error) {
	below, err := j.Sources.Quotas.BelowQuota(ctx, o.Start)
	if err != nil {
		return nil, err
	}
	var out []bot.Notification
	for _, s := range below {
		out = append(out, toMembers([]string{s.Member}, "信息报送提醒",
			fmt.Sprintf("【信息报送提醒】%s信息月报截止%s（还剩 %d 个工作日），您本月已计 %d 篇，任务 %d 篇，还差 %d 篇。"+
				"请发送「投稿 …」报送；截止后报送的信息计入下月并标注延期。%s",
				o.Label, dayLabel(o.Deadline), n, s.Counted, s.Quota, s.Quota-s.Counted, noteSuffix(o)))...)
	}
	return out, nil
}

func (j *jobs) infoShortfall(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	below, err := j.Sources.Quotas.BelowQuota(ctx, o.Start)
	if err != nil || len(below) == 0 {
		return nil, err
	}
	lines := make([]string, len(below))
	for i, s := range below {
		lines[i] = fmt.Sprintf("%s%s %d/%d 篇", j.who.name(s.Member), j.unitOf(s.Member), s.Counted, s.Quota)
	}
	return toMembers(j.who.office, "信息报送未完成",
		fmt.Sprintf("【信息报送未完成】%s信息月报已于%s截止，以下 %d 名信息员未完成任务：%s。%s",
			o.Label, dayLabel(o.Deadline), len(below), strings.Join(lines, "；"), noteSuffix(o))), nil
}

func (j *jobs) mediaRemind(ctx context.Context, o Occasion, n int) ([]bot.Notification, error) {
	missing, err := j.Sources.Media.MediaMissing(ctx, o.Start)
	if err != nil {
		return nil, err
	}
	return toMembers(missing, "媒体采用汇总提醒",
		fmt.Sprintf("【媒体采用汇总提醒】请于%s前报送%s各口信息汇总及媒体采用情况（还剩 %d 个工作日；被报纸采用请提供原件）。"+
			"延期报送的信息不予统计。%s", dayLabel(o.Deadline), o.Label, n, noteSuffix(o))), nil
}

func (j *jobs) mediaOverdue(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	missing, err := j.Sources.Media.MediaMissing(ctx, o.Start)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = j.who.name(m) + j.unitOf(m)
	}
	return toMembers(j.who.office, "媒体采用汇总逾期",
		fmt.Sprintf("【媒体采用汇总逾期】%s媒体采用汇总已于%s截止，以下信息员尚未报送：%s。%s",
			o.Label, dayLabel(o.Deadline), strings.Join(names, "、"), noteSuffix(o))), nil
}

func (j *jobs) researchRemind(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	missing, err := j.Sources.Research.ResearchMissing(ctx, o.Start)
	if err != nil {
		return nil, err
	}
	return toMembers(missing, "季度调研提醒",
		fmt.Sprintf("【季度调研提醒】%s将于%s结束，您本季度的调研类信息尚未达到 %d 篇。请发送「投稿」并注明「类别：调研」。%s",
			o.Label, dayLabel(o.Deadline), j.Policies.Submission.QuarterResearch, noteSuffix(o))), nil
}

// rankingAudience counts whom the circular reaches: each department with
// an officer through its groups, else member by member; the office; the
// leaders (for planning; the Rankings source addresses the pushes).
func (j *jobs) rankingAudience() int {
	seen := map[bot.Recipient]bool{}
	for _, u := range j.Dir.Units() {
		if u.Kind != org.Dept || len(j.who.deptStaff[u.ID]) == 0 {
			continue
		}
		if groups := j.Dir.GroupsFor(u.ID, ""); len(groups) > 0 {
			for _, g := range groups {
				seen[bot.Recipient{Group: g.Name}] = true
			}
			continue
		}
		for _, m := range j.who.deptAll[u.ID] {
			seen[bot.Recipient{Member: m}] = true
		}
	}
	for _, m := range j.who.office {
		seen[bot.Recipient{Member: m}] = true
	}
	for _, m := range j.Dir.WithRole(org.Leader) {
		seen[bot.Recipient{Member: m.ID}] = true
	}
	return len(seen)
}

// unitOf is "（办公室）", the member's first unit, or "".
func (j *jobs) unitOf(member string) string {
	if m, ok := j.Dir.Member(member); ok && len(m.Units) > 0 {
		return "（" + j.Dir.UnitName(m.Units[0]) + "）"
	}
	return ""
}

// weeklyJobs: the weekly department report (篇8): the reminder at remind_at
// and the overdue list at overdue_at on the day it is due.
func (j *jobs) weeklyJobs() []defaultJob {
	w := j.Policies.Weekly
	ready := j.Sources.Weekly != nil
	deptOfficers := 0
	for _, ids := range j.who.deptStaff {
		deptOfficers += len(ids)
	}
	return []defaultJob{
		{name: JobWeeklyRemind, at: w.RemindAt, remind: true, ready: ready, count: deptOfficers,
			when: func(t time.Time) (Occasion, bool) {
				o, ok := j.rules.WeeklyDue(t)
				return o, ok && t.Before(o.Deadline)
			},
			build: j.weeklyRemind},
		{name: JobWeeklyOverdue, at: w.OverdueAt, ready: ready, count: deptOfficers + len(j.who.office),
			when: func(t time.Time) (Occasion, bool) {
				o, ok := j.rules.WeeklyDue(t)
				return o, ok && !t.Before(o.Deadline)
			},
			build: j.weeklyOverdue},
	}
}

// weeklyMissing asks the source and keeps the known departments, in directory order.
func (j *jobs) weeklyMissing(ctx context.Context, o Occasion) ([]*org.Unit, error) {
	ids, err := j.Sources.Weekly.WeeklyMissing(ctx, o.Start)
	if err != nil {
		return nil, err
	}
	var out []*org.Unit
	for _, u := range j.Dir.Units() {
		if u.Kind == org.Dept && slices.Contains(ids, u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (j *jobs) weeklyRemind(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	missing, err := j.weeklyMissing(ctx, o)
	if err != nil {
		return nil, err
	}
	var out []bot.Notification
	for _, u := range missing {
		out = append(out, toMembers(j.who.deptStaff[u.ID], "周报提醒",
			fmt.Sprintf("【周报提醒】请于%s%s前发送「周报」报送%s%s的大事和工作人员出勤情况。%s",
				dayLabel(o.Deadline), clock(o.Deadline), u.Name, o.Label, noteSuffix(o)))...)
	}
	return out, nil
}

func (j *jobs) weeklyOverdue(ctx context.Context, o Occasion, _ time.Time) ([]bot.Notification, error) {
	missing, err := j.weeklyMissing(ctx, o)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	out := toMembers(j.who.office, "周报逾期",
		fmt.Sprintf("【周报逾期】%s的部门周报已于%s%s截止，以下部门仍未报送：%s。%s",
			o.Label, dayLabel(o.Deadline), clock(o.Deadline), unitNames(missing), noteSuffix(o)))
	for _, u := range missing {
		out = append(out, toMembers(j.who.deptStaff[u.ID], "周报逾期",
			fmt.Sprintf("【周报逾期】%s%s的周报已于%s%s截止，请尽快发送「周报」补报。",
				u.Name, o.Label, dayLabel(o.Deadline), clock(o.Deadline)))...)
	}
	return out, nil
}
