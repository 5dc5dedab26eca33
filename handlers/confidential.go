package handlers

import (
	"context"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/incident"
)

// The confidential guard (篇1 第八条, 篇7; SPEC §4): information marked 涉密,
// 机密, 秘密, 绝密 or 内部资料 must not travel over the network. It runs
// after the router, on the message body, so it knows the intent:
//   - a message with a marking is refused, and nothing of it is stored but
//     the "confidential" counter (not even its message id: the reply is
//     Forget);
//   - an urgent report (急报) is never dropped: the incident is opened with
//     a withheld body, level 0 is alerted with a short text that names the
//     reporter to phone, and the reporter is asked to phone the details.
//
// What a marking is, is parse.Confidential's to say.

// guardConfidential wraps the handler of one intent with the guard.
func (h *Handlers) guardConfidential(in intent) bot.Handler {
	var withheld bot.HandlerFunc
	if in.Intent == "incident" {
		withheld = h.withheldIncident
	}
	return bot.HandlerFunc(func(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
		if !parse.Confidential(m.Body) {
			return in.Handler.Handle(ctx, m)
		}
		h.Count("confidential")
		if ok, _ := h.allowed(h.member(m), in.Roles...); ok && withheld != nil {
			return withheld(ctx, m)
		}
		m.Intent = "confidential"
		return &bot.Reply{Texts: []string{msgConfidential}, Forget: true}, nil
	})
}

// withheldIncident opens an incident without its content: the record and
// the pushes carry only who to phone. The severity is what an empty report
// gets (一般); the leader who phones sets it with 定级.
func (h *Handlers) withheldIncident(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	d := &incidentChat{h: h, svc: h.Incidents}
	mem := h.member(m)
	phone := ""
	if mem.Mobile != "" {
		phone = "（" + mem.Mobile + "）"
	}
	text := sprintf(msgWithheldIncident, h.Dir.MemberName(mem.ID), phone)
	rep, err := d.svc.Report(ctx, mem.ID, text, incident.Facts{})
	if err != nil {
		return nil, err
	}
	return bot.Text(sprintf(msgWithheldReported, rep.ID, d.notified(ctx, rep), rep.ID)), nil
}
