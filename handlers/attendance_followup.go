package handlers

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/report"
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

func (a *attendance) causeFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, true)
}

func (a *attendance) causeNotFound(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return a.answer(ctx, m, false)
}

func (a *attendance) answer(ctx context.Context, m *bot.Message, found bool) (*bot.Reply, error) {
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
	if !report.MayExplain(mem, e) {
		return bot.Text(sprintf(msgCauseNotYours, a.Dir.UnitName(e.Unit), id)), nil
	}
	if e.Withdrawn {
		return bot.Text(sprintf(msgCauseWithdrawn, id)), nil
	}
	if len(e.Followups) == 0 {
		return bot.Text(sprintf(msgCauseNone, id)), nil
	}
	student, text, ok := a.pickStudent(e, afterID(m.Body))
	if !ok {
		return bot.Text(sprintf(msgCausePick, id, strings.Join(followupStudents(e), "、"), command, id,
			e.Followups[0].Student)), nil
	}
	if found && text == "" {
		return bot.Text(sprintf(msgCauseNeedText, id, student, id, student)), nil
	}
	res, err := a.att.Answer(ctx, report.Answer{Member: mem, Entry: id, Student: student, Found: found, Text: text,
		At: a.msgTime(m)})
	if refusal := a.causeRefusal(err, id, student); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
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
		if len(res.Covered) > 0 {
			reply += sprintf(msgCauseCovered, strings.Join(res.Covered, "、"), student)
		}
		if res.Before {
			reply += msgCauseFoundAfter
		}
		return bot.Text(reply), nil
	}
	if res.Before {
		return bot.Text(sprintf(msgCauseNotFoundAgain, id, student, res.Reported.In(loc).Format("01-02 15:04"), id, student)), nil
	}
	return bot.Text(sprintf(msgCauseNotFound, id, student, told, id, student)), nil
}

// causeRefusal phrases the errors a 查明/未查明 can meet; nil for the others.
func (a *attendance) causeRefusal(err error, id, student string) *bot.Reply {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, report.ErrNoEntry):
		return bot.Text(sprintf(msgAttNoEntry, id))
	case errors.Is(err, report.ErrNotClassTeacher):
		return bot.Text(sprintf(msgCauseNotYours, "该班", id))
	case errors.Is(err, report.ErrWithdrawn):
		return bot.Text(sprintf(msgCauseWithdrawn, id))
	case errors.Is(err, report.ErrNoFollowup):
		return bot.Text(sprintf(msgCauseNoStudent, id, student))
	case errors.Is(err, report.ErrNoCause):
		return bot.Text(sprintf(msgCauseNeedText, id, student, id, student))
	}
	return nil
}

func followupStudents(e *report.Entry) []string {
	out := make([]string, len(e.Followups))
	for i, f := range e.Followups {
		out[i] = f.Student
	}
	return out
}

// pickStudent reads which student of the entry's follow-ups the answer is
// about and the text after the name. The name may carry the student number
// in any bracket (张三[23], 张三【23】) or leave it out when that is
// unambiguous; with one follow-up the name may be left out altogether,
// unless the text starts with another name of the class roster.
func (a *attendance) pickStudent(e *report.Entry, rest string) (student, text string, ok bool) {
	best, n := 0, 0
	for _, f := range e.Followups {
		l := 0
		for _, name := range nameForms(f.Student) {
			if strings.HasPrefix(rest, name) && len(name) > l {
				l = len(name)
			}
		}
		switch {
		case l == 0:
		case l > best:
			best, n, student = l, 1, f.Student
		case l == best:
			n++
		}
	}
	if n == 1 {
		return student, trimCause(rest[best:]), true
	}
	if n > 1 || len(e.Followups) != 1 {
		return "", "", false
	}
	first := strings.FieldsFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(causeSeps, r) })
	if len(first) > 0 && len(a.Dir.Roster(e.Unit)) > 0 && a.Dir.OnRoster(e.Unit, first[0]) {
		return "", "", false // another student of the class
	}
	return e.Followups[0].Student, trimCause(rest), true
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
