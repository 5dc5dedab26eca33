package handlers

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/org"
)

// The answers to the teacher's absence notice (篇3 第3条): 查明 A12 张三 原因
// (the cause is found: the grade leads hear of it) and 未查明 A12 张三 [说明]
// (it is not: the grade leads, the office and the leaders in charge hear of
// it, once). The student may be left out when the entry follows up only
// one; the cause runs to the end of the message, as typed.

// causeFoundWords and causeNotFoundWords start the answers. The router
// prefers the longest keyword, so 原因不明 is not 原因.
var (
	causeFoundWords    = []string{"查明", "已查明", "查清", "已查清", "原因"}
	causeNotFoundWords = []string{"未查明", "未查清", "没查明", "查不明", "原因不明"}
)

func (a *attendanceChat) causeFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, true)
}

func (a *attendanceChat) causeNotFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, false)
}

func (a *attendanceChat) answer(ctx context.Context, m *bot.Message, found bool) (*bot.Reply, error) {
	command := "查明"
	if !found {
		command = "未查明"
	}
	id, rest, refusal := entryID(m.Body, command)
	if refusal != nil {
		return bot.Text(msgCauseUsage), nil
	}
	mem := a.member(m)
	e, err := a.att.Entry(id)
	if refusal := a.causeRefusal(err, id, ""); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	if !attendance.MayExplain(mem, e) {
		return bot.Text(sprintf(msgCauseNotYours, a.Dir.UnitName(e.Unit), id)), nil
	}
	if e.Withdrawn {
		return bot.Text(sprintf(msgCauseWithdrawn, id)), nil
	}
	if len(e.Followups) == 0 {
		return bot.Text(sprintf(msgCauseNone, id)), nil
	}
	students, other, text := a.pickStudents(e.Unit, followupStudents(e), rest)
	if other != "" {
		return bot.Text(sprintf(msgCauseOther, id, other, strings.Join(followupStudents(e), "、"))), nil
	}
	if len(students) == 0 {
		return bot.Text(sprintf(msgCausePick, id, strings.Join(followupStudents(e), "、"), command, id,
			e.Followups[0].Student)), nil
	}
	if found && text == "" {
		return bot.Text(sprintf(msgCauseNeedText, id, students[0], id, students[0])), nil
	}
	var replies []string
	for _, student := range students {
		reply, err := a.answerOne(ctx, mem, e.ID, student, text, found, a.msgTime(m))
		if err != nil {
			return nil, err
		}
		replies = append(replies, reply)
	}
	return bot.Text(strings.Join(replies, "\n")), nil
}

// answerOne records the answer for one student of the entry and phrases it.
func (a *attendanceChat) answerOne(ctx context.Context, mem *org.Member, id, student, text string, found bool, at time.Time) (string, error) {
	res, err := a.att.Answer(ctx, attendance.Answer{Member: mem, Entry: id, Student: student, Found: found, Text: text, At: at})
	if refusal := a.causeRefusal(err, id, student); refusal != nil || err != nil {
		if refusal != nil {
			return strings.Join(refusal.Texts, "\n"), nil
		}
		return "", err
	}
	names := make([]string, len(res.Notified))
	for i, n := range res.Notified {
		names[i] = a.Dir.MemberName(n)
	}
	told := strings.Join(names, "、")
	if told == "" {
		told = msgCauseNobody
	}
	loc := a.att.Location()
	if found {
		reply := sprintf(msgCauseFound, id, student, text, told)
		if res.Before {
			reply += msgCauseFoundAfter
		}
		if len(res.Covered) > 0 {
			reply += sprintf(msgCauseCovered, strings.Join(res.Covered, "、"), student)
		}
		return reply, nil
	}
	if res.Before {
		return sprintf(msgCauseNotFoundAgain, id, student, res.Reported.In(loc).Format("01-02 15:04"), id, student), nil
	}
	return sprintf(msgCauseNotFound, id, student, told, id, student), nil
}

// causeRefusal phrases the errors a 查明/未查明 can meet; nil for the others.
func (a *attendanceChat) causeRefusal(err error, id, student string) *bot.Reply {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, attendance.ErrNoEntry):
		return bot.Text(sprintf(msgAttNoEntry, id))
	case errors.Is(err, attendance.ErrNotClassTeacher):
		return bot.Text(sprintf(msgCauseNotYours, "该班", id))
	case errors.Is(err, attendance.ErrWithdrawn):
		return bot.Text(sprintf(msgCauseWithdrawn, id))
	case errors.Is(err, attendance.ErrNoFollowup):
		return bot.Text(sprintf(msgCauseNoStudent, id, student))
	case errors.Is(err, attendance.ErrNoCause):
		return bot.Text(sprintf(msgCauseNeedText, id, student, id, student))
	}
	return nil
}

func followupStudents(e *attendance.Entry) []string {
	out := make([]string, len(e.Followups))
	for i, f := range e.Followups {
		out[i] = f.Student
	}
	return out
}

// pickStudents reads which of names (as Row.Who) the text after an entry
// id names (parse.Students); text is what follows. With one name in the
// entry it may be left out, unless the text starts with another student
// of the class roster: other is then that student, who is not in the
// entry.
func (a *attendanceChat) pickStudents(unit string, names []string, rest string) (picked []string, other, text string) {
	picked, text = parse.Students(rest, names)
	if len(picked) > 0 {
		return picked, "", text
	}
	var roster []string
	for _, st := range a.Dir.Roster(unit) {
		roster = append(roster, st.Name)
	}
	if other = parse.LeadingName(rest, roster); other != "" {
		return nil, other, ""
	}
	if len(names) == 1 {
		return names, "", text
	}
	return nil, "", ""
}

// approve answers 批准 A5 赵六 [批准人] and 补请假条 A5 赵六 批准人 刘老师: the
// class teacher completes a leave flagged 待补请假条 (SPEC §5.1). Without an
// approver the teacher approved it; the student may be left out when the
// entry has one leave, or one still pending.
func (a *attendanceChat) approve(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, rest, refusal := entryID(m.Body, "批准")
	if refusal != nil {
		return bot.Text(msgLeaveUsage), nil
	}
	mem := a.member(m)
	e, err := a.att.Entry(id)
	if refusal := a.refusal(err, id); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	if !mem.In(e.Unit) {
		return bot.Text(sprintf(msgLeaveNotYours, a.Dir.UnitName(e.Unit), id)), nil
	}
	students := attendance.LeaveStudents(e)
	if len(students) == 0 {
		return bot.Text(sprintf(msgLeaveNone, id)), nil
	}
	picked, other, text := a.pickStudents(e.Unit, students, rest)
	if pending := attendance.PendingLeaves(e); len(picked) == 0 && other == "" && len(pending) == 1 {
		picked, text = pending, rest
	}
	switch {
	case other != "":
		return bot.Text(sprintf(msgLeaveOther, id, other, strings.Join(students, "、"))), nil
	case len(picked) != 1:
		return bot.Text(sprintf(msgLeavePick, id, strings.Join(students, "、"), id, students[0])), nil
	}
	approver := parse.Approver(text)
	if approver == "" {
		approver = a.Dir.MemberName(mem.ID)
	}
	if utf8.RuneCountInString(approver) > maxApproverRunes {
		return bot.Text(sprintf(msgLeaveApproverLong, maxApproverRunes)), nil
	}
	res, err := a.att.Approve(ctx, attendance.Approval{Member: mem, Entry: id, Student: picked[0], Approver: approver,
		At: a.msgTime(m), Text: m.Text})
	if errors.Is(err, attendance.ErrNotClassTeacher) {
		return bot.Text(sprintf(msgLeaveNotYours, a.Dir.UnitName(e.Unit), id)), nil
	}
	if refusal := a.refusal(err, id); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	var rows []attendance.Row
	for _, r := range res.Entry.Rows {
		if r.Type == attendance.Leave && r.Who() == picked[0] {
			rows = append(rows, r)
		}
	}
	before := strings.Join(res.Before, "、")
	if before == "" {
		before = "待补请假条"
	}
	return bot.Text(sprintf(msgLeaveDone, id, picked[0], approver, before, attendance.DescribeRows(rows))), nil
}

// maxApproverRunes bounds the approver's name as typed.
const maxApproverRunes = 20
