package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/org"
)

// Outing notices (篇10, SPEC §2): 外出 (外出活动, 组织学生外出, 春游, 秋游,
// 社会实践, 研学) by a teacher for their own class or by the office for any
// class; 已通知 O3 by a class teacher once the guardians are told. The
// rules (one working day ahead unless 紧急, the reminder, the office's
// list) are attendance.Service's.
type outingChat struct {
	*Handlers
	att     *attendance.Service
	classes map[parse.ClassRef]string
}

func (h *Handlers) outingIntents() []intent {
	o := &outingChat{Handlers: h, att: h.Attendance, classes: classIndex(h.Dir)}
	h.recent = append(h.recent, o.recent)
	return []intent{
		h.newIntent("outing", []string{org.Teacher, org.Office}, o.register,
			"登记学生外出活动（至少提前一个工作日；班主任前一天通知家长）", msgOutingExample,
			append([]string{"外出", "外出活动", "组织学生外出", "组织外出"}, parse.OutingKinds...)...),
		h.newIntent("outing_notified", []string{org.Teacher}, o.confirm, "确认外出活动已通知学生家长", "已通知 O3",
			"已通知", "已通知家长"),
	}
}

func (o *outingChat) register(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := o.member(m)
	now := o.msgTime(m)
	n := parse.Outing(m.Body, now)
	if k := parse.OutingKind(bot.StripMention(m.Text)); k != "" {
		n.Activity = strings.TrimSpace(k + " " + n.Activity)
	}
	switch {
	case n.Day.IsZero():
		return bot.Text(msgOutingNoDay), nil
	case n.Activity == "" && n.Place == "":
		return bot.Text(msgOutingNoWhat), nil
	}
	unit, refusal := o.classFor(mem, n.Class)
	if refusal != nil {
		return refusal, nil
	}
	out, err := o.att.RegisterOuting(ctx, mem, attendance.OutingPlan{Unit: unit, Day: n.Day, Time: n.Time, Place: n.Place,
		Activity: n.Activity, Students: n.Students, Urgent: n.Urgent, Text: strings.TrimSpace(m.Text)}, now)
	var late *attendance.OutingTooLateError
	switch {
	case errors.As(err, &late):
		d := late.Deadline.In(o.att.Location())
		return bot.Text(sprintf(msgOutingTooLate, org.DayLabel(n.Day), org.DayLabel(d), d.Format("15:04"))), nil
	case errors.Is(err, attendance.ErrOutingPast):
		return bot.Text(sprintf(msgOutingPast, org.DayLabel(n.Day))), nil
	case errors.Is(err, attendance.ErrOutingNotYours):
		return o.notYours(mem, unit), nil
	case errors.Is(err, attendance.ErrNoActivity):
		return bot.Text(msgOutingNoWhat), nil
	case err != nil:
		return nil, err
	}
	loc := o.att.Location()
	var b strings.Builder
	fmt.Fprintf(&b, msgOutingReceived, out.ID, out.Brief(loc))
	teachers := []string{sprintf(msgOutingNoTeacher, o.Dir.OfficeName())}
	if ts := o.Dir.InUnit(out.Unit, org.Teacher); len(ts) > 0 {
		teachers = teachers[:0]
		for _, t := range ts {
			teachers = append(teachers, t.Name)
		}
	}
	if !now.Before(out.RemindAt) {
		fmt.Fprintf(&b, msgOutingNow, strings.Join(teachers, "、"), out.ID)
	} else {
		r := out.RemindAt.In(loc)
		fmt.Fprintf(&b, msgOutingRemind, strings.Join(teachers, "、"), org.DayLabel(r), r.Format("15:04"), out.ID,
			o.att.OutingTimes.OverdueAt, o.Dir.OfficeName())
	}
	if len(out.Pushed) > 0 {
		fmt.Fprintf(&b, msgOutingTold, o.memberNames(out.Pushed))
	}
	return bot.Text(b.String()), nil
}

// classFor picks the outing's class: the one named (a teacher's own, any
// for the office), or a teacher's only class.
func (o *outingChat) classFor(mem *org.Member, ref *parse.ClassRef) (string, *bot.Reply) {
	own := o.ownClasses(mem)
	if ref != nil {
		id, ok := o.classes[*ref]
		switch {
		case !ok:
			return "", bot.Text(sprintf(msgOutingUnknown, ref.String()))
		case mem.Has(org.Office) || mem.In(id):
			return id, nil
		}
		return "", o.notYours(mem, id)
	}
	switch {
	case len(own) == 1:
		return own[0], nil
	case len(own) > 1:
		return "", bot.Text(sprintf(msgOutingPickClass, o.unitNames(own), o.Dir.UnitName(own[1])))
	case mem.Has(org.Office):
		return "", bot.Text(msgOutingWhichOne)
	}
	return "", bot.Text(msgOutingNoClass)
}

func (o *outingChat) notYours(mem *org.Member, unit string) *bot.Reply {
	own := o.unitNames(o.ownClasses(mem))
	if own == "" {
		return bot.Text(msgOutingNoClass)
	}
	return bot.Text(sprintf(msgOutingNotYours, own, o.Dir.UnitName(unit), o.Dir.OfficeName()))
}

func (o *outingChat) confirm(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := o.member(m)
	id, _, ok := parse.LeadingID(m.Body)
	if !ok || id[0] != 'O' {
		text := msgOutingNeedID
		if pending := o.pending(mem); pending != "" {
			text += sprintf(msgOutingPending, pending)
		}
		return bot.Text(text), nil
	}
	out, again, err := o.att.ConfirmOuting(ctx, mem, id, o.msgTime(m))
	loc := o.att.Location()
	switch {
	case errors.Is(err, attendance.ErrNoOuting):
		return bot.Text(sprintf(msgOutingNoSuch, id)), nil
	case errors.Is(err, attendance.ErrNotOutingHolder):
		cur, lerr := o.att.Outing(id)
		if lerr != nil {
			return nil, lerr
		}
		return bot.Text(sprintf(msgOutingNotHolder, cur.UnitName, cur.ID)), nil
	case err != nil:
		return nil, err
	case again:
		return bot.Text(sprintf(msgOutingAgain, out.ID, out.NotifiedAt.In(loc).Format("01-02 15:04"),
			o.Dir.MemberName(out.NotifiedBy))), nil
	}
	return bot.Text(sprintf(msgOutingConfirmed, out.ID, out.Brief(loc))), nil
}

// pending lists the member's classes' upcoming unconfirmed outings.
func (o *outingChat) pending(mem *org.Member) string {
	today := o.Now()
	list, err := o.att.Outings(today, today.AddDate(1, 0, 0), true)
	if err != nil {
		return ""
	}
	var out []string
	for _, x := range list {
		if mem.In(x.Unit) {
			out = append(out, x.ID+" "+x.Brief(o.att.Location()))
		}
	}
	return strings.Join(out, "；")
}

// recent lists the member's outing notices for 我的.
func (o *outingChat) recent(mem *org.Member, limit int) ([]string, error) {
	list, err := o.att.RecentOutings(mem, limit)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, x := range list {
		state := "待通知家长"
		if x.NotifiedAt != nil {
			state = "已通知家长"
		}
		out[i] = fmt.Sprintf("%s 外出 %s %s", x.ID, x.Brief(o.att.Location()), state)
	}
	return out, nil
}
