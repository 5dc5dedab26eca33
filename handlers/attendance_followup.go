package handlers

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
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

func (a *attendanceDesk) causeFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, true)
}

func (a *attendanceDesk) causeNotFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, false)
}

func (a *attendanceDesk) answer(ctx context.Context, m *bot.Message, found bool) (*bot.Reply, error) {
	command := "查明"
	if !found {
		command = "未查明"
	}
	id, _, refusal := entryID(m.Body, command)
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
	students, other, text := a.pickStudents(e.Unit, followupStudents(e), afterID(m.Body))
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
func (a *attendanceDesk) answerOne(ctx context.Context, mem *org.Member, id, student, text string, found bool, at time.Time) (string, error) {
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
func (a *attendanceDesk) causeRefusal(err error, id, student string) *bot.Reply {
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
// id starts with: one name or several joined by 、，和 or spaces (周八、吴九
// 去网吧了), each possibly with its student number in any bracket (张三[23],
// 张三【23】) or without it when that is unambiguous; text is what follows.
// With one name in the entry it may be left out, unless the text starts
// with another student of the class roster: other is then that student, who
// is not in the entry.
func (a *attendanceDesk) pickStudents(unit string, names []string, rest string) (picked []string, other, text string) {
	s := rest
	for {
		t := strings.TrimLeft(s, " 、，,和及与")
		best, n := "", 0
		for _, who := range names {
			for _, form := range nameForms(who) {
				if strings.HasPrefix(t, form) && len(form) > n {
					best, n = who, len(form)
				}
			}
		}
		if n == 0 || ambiguous(names, t[:n]) {
			break
		}
		if !slices.Contains(picked, best) {
			picked = append(picked, best)
		}
		s = t[n:]
	}
	if len(picked) > 0 {
		return picked, "", trimCause(s)
	}
	for _, st := range a.Dir.Roster(unit) {
		if strings.HasPrefix(rest, st.Name) && len(st.Name) > len(other) {
			other = st.Name
		}
	}
	if other != "" {
		return nil, other, ""
	}
	if len(names) == 1 {
		return names, "", trimCause(rest)
	}
	return nil, "", ""
}

// ambiguous reports a bare name that stands for more than one of names
// (张三 when the entry has 张三[23] and 张三[45]).
func ambiguous(names []string, typed string) bool {
	n := 0
	for _, who := range names {
		if slices.Contains(nameForms(who), typed) {
			n++
		}
	}
	return n > 1
}

// causeSeps separate a name from the cause.
const causeSeps = ":：,，、;；。"

func trimCause(s string) string {
	return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), causeSeps+" "))
}

// nameForms are the ways a student (as Row.Who: 张三 or 张三[23]) may be
// written: as stored, with full-width or lenticular brackets, and the bare
// name.
func nameForms(who string) []string {
	name, no, ok := strings.Cut(who, "[")
	if !ok {
		return []string{who}
	}
	no = strings.TrimSuffix(no, "]")
	return []string{who, name + "【" + no + "】", name + "［" + no + "］", name}
}

// afterID is the body after its leading record id (A12, #A12, ａ１２), as
// typed: the cause keeps its punctuation. "" when the body starts with no id.
func afterID(body string) string {
	s := strings.TrimLeft(strings.TrimSpace(body), "#＃ ")
	end, digits := 0, 0 // bytes of the id read so far, digits among them
	for j, r := range s {
		letter := r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
		digit := r >= '0' && r <= '9' || r >= '０' && r <= '９'
		if !(j == 0 && letter || j > 0 && digit) {
			break
		}
		if digit {
			digits++
		}
		end = j + utf8.RuneLen(r)
	}
	if digits == 0 {
		return ""
	}
	return trimCause(s[end:])
}

// approve answers 批准 A5 赵六 [批准人] and 补请假条 A5 赵六 批准人 刘老师: the
// class teacher completes a leave flagged 待补请假条 (SPEC §5.1). Without an
// approver the teacher approved it; the student may be left out when the
// entry has one leave, or one still pending.
func (a *attendanceDesk) approve(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, _, refusal := entryID(m.Body, "批准")
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
	picked, other, text := a.pickStudents(e.Unit, students, afterID(m.Body))
	if pending := attendance.PendingLeaves(e); len(picked) == 0 && other == "" && len(pending) == 1 {
		picked, text = pending, afterID(m.Body)
	}
	switch {
	case other != "":
		return bot.Text(sprintf(msgLeaveOther, id, other, strings.Join(students, "、"))), nil
	case len(picked) != 1:
		return bot.Text(sprintf(msgLeavePick, id, strings.Join(students, "、"), id, students[0])), nil
	}
	approver := strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(text, "批准人"), " :：,，"))
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
