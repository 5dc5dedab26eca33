package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// Urgent incidents (SPEC §4, §7): 急报 reports, 收到/确认 acknowledges,
// 续报 follows up (also a message naming an incident id with 最新进展, 截至,
// 人数上升至 or 已出院), 书面 is the written report, 结案 closes, 急报列表
// lists the open incidents to leaders and the office (the 统计 family may
// show the same lines: h.incidentLines). 我的 shows the sender's incidents,
// and to leaders and the office the open ones.

// incidentChat answers the incident intents over one Service.
type incidentChat struct {
	h    *Handlers
	svc  *incident.Service
	cats parse.Categories
}

// incidentIntents also registers the incidents as a source of 我的.
func (h *Handlers) incidentIntents() []intent {
	d := &incidentChat{h: h, svc: h.Incidents, cats: parse.DefaultCategories()}
	for name, words := range h.Policies.Incident.Categories {
		d.cats[name] = append(slices.Clone(d.cats[name]), words...)
	}
	h.recent = append(h.recent, h.incidentLines)
	reporters := h.Policies.Incident.Reporters
	followers := union(reporters, []string{org.Leader, org.Office, org.UnitHead})
	writers := union(reporters, []string{org.Office, org.UnitHead})
	closers := []string{org.Leader, org.UnitHead, org.Office}
	return []intent{
		h.newIntent("incident", reporters, d.report, "报告突发事件、事故或隐患，立即通知领导", msgIncidentExample, "急报", "突发", "紧急", "事故", "隐患", "初报", "首报"),
		h.newIntent("incident_ack", []string{org.Leader}, d.ack, "确认收到急报，停止升级提醒", "收到 E3", "收到", "确认"),
		h.newIntent("incident_followup", followers, d.followUp, "续报急报的最新进展", "续报 E3 已排除食物中毒", "续报", "最新进展", "截至", "截止", "人数上升至", "已出院", "e", "#e", "＃e", "ｅ", "＃ｅ"),
		h.newIntent("incident_written", writers, d.written, "提交急报的书面报告（首报后2小时内）", "书面 E3 11月26日12时40分，……", "书面报告", "书面"),
		h.newIntent("incident_grade", []string{org.Leader}, d.grade, "更正急报定级（一般、重大、须报上级）并说明理由", "定级 E3 一般 经核实学生仅轻微擦伤", "定级"),
		h.newIntent("incident_close", closers, d.close, "急报处置完毕后结案", "结案 E3 学生均已康复返校", "结案"),
		h.newIntent("incident_list", []string{org.Leader, org.Office, org.Admin}, d.list, "查看未结案的急报", "急报列表", "急报列表"),
	}
}

// report handles 急报: parse, record, alert level 0, answer with what was
// understood and what is still to do.
func (d *incidentChat) report(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	body := strings.TrimSpace(m.Body)
	parsed := body
	if strings.HasPrefix(bot.StripMention(m.Text), "隐患") {
		parsed = "隐患 " + body // the keyword sets the kind
	}
	r, err := parse.Incident(parsed, d.h.msgTime(m), d.cats)
	if errors.Is(err, parse.ErrEmptyIncident) {
		return bot.Text(msgIncidentUsage), nil
	}
	if err != nil {
		return nil, fmt.Errorf("handlers: incident: %w", err)
	}
	rep, err := d.svc.Report(ctx, m.Member, body, incident.Facts(*r))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, msgIncidentReported, rep.ID, d.notified(ctx, rep))
	fmt.Fprintf(&b, msgIncidentSeverity, severityText(rep.Incident))
	fmt.Fprintf(&b, msgIncidentUnderstood, understood(rep.Incident))
	fmt.Fprintf(&b, msgIncidentWrittenDue, stamp(rep.WrittenDue, rep.ReportedAt), rep.ID)
	if len(rep.Missing) > 0 {
		fmt.Fprintf(&b, msgIncidentMissing, strings.Join(rep.Missing, "、"))
	}
	if rep.Upward {
		fmt.Fprintf(&b, msgIncidentUpward, d.names(org.Office))
	}
	fmt.Fprintf(&b, msgIncidentNext, rep.ID)
	return bot.Text(b.String()), nil
}

// alertWait bounds how long the reply to 急报 waits for the first alerts to
// be delivered (SPEC §7: the reply comes at once; WeCom wants an answer
// within 5 s). A push delivered in that time is reported as 已通知, the
// others as 正在通知; the clock tells the reporter if they stay undelivered.
const alertWait = time.Second

// notified says who has the first alert and who is still being notified:
// 已通知 only for pushes delivered before the reply.
func (d *incidentChat) notified(ctx context.Context, rep *incident.Reported) string {
	if len(rep.Alerted) == 0 {
		return sprintf(msgIncidentNotified, msgNobody)
	}
	keys := make([]string, len(rep.Alerted))
	for i, to := range rep.Alerted {
		keys[i] = rep.AlertKey(to)
	}
	waiting, parked, err := d.h.Deliveries.AwaitDelivery(ctx, alertWait, keys...)
	if err != nil {
		waiting = keys // unknown: do not claim delivery
	}
	var done, failed, pending []bot.Recipient
	for i, to := range rep.Alerted {
		switch {
		case slices.Contains(parked, keys[i]):
			failed = append(failed, to)
		case slices.Contains(waiting, keys[i]):
			pending = append(pending, to)
		default:
			done = append(done, to)
		}
	}
	var parts []string
	if len(done) > 0 {
		parts = append(parts, sprintf(msgIncidentNotified, d.recipients(done)))
	}
	if len(failed) > 0 {
		parts = append(parts, sprintf(msgIncidentNotReached, d.recipients(failed)))
	}
	if len(pending) > 0 {
		parts = append(parts, sprintf(msgIncidentNotifying, d.recipients(pending), org.DurationText(d.svc.Policy().CheckAfter)))
	}
	return strings.Join(parts, "；")
}

// ack handles 收到 E3 / 确认 E3. A bare 收到 acknowledges the one incident
// alerted to the sender that still waits for it, if there is exactly one.
func (d *incidentChat) ack(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, _, ok := parse.FindID(m.Body, 'E')
	if !ok {
		if strings.TrimSpace(m.Body) != "" {
			return bot.Text(msgAckNeedID), nil
		}
		me := bot.Recipient{Member: m.Member}
		waiting, err := d.waiting(func(inc *incident.Incident) bool {
			return !inc.Acked() && slices.Contains(d.svc.Alerted(inc), me)
		})
		if err != nil || len(waiting) != 1 {
			return d.pick(waiting, err, msgAckNone, msgAckWhich)
		}
		id = waiting[0].ID
	}
	inc, err := d.svc.Ack(ctx, m.Member, id)
	switch {
	case errors.Is(err, incident.ErrAlreadyAcked):
		return bot.Text(sprintf(msgAckedBefore, inc.ID, d.h.Dir.MemberName(inc.AckedBy), stamp(*inc.AckedAt, d.h.msgTime(m)))), nil
	case err != nil:
		return d.refusal(err, id)
	}
	told := d.recipients(without(append([]bot.Recipient{{Member: inc.Reporter}}, d.svc.Alerted(inc)...), m.Member))
	return bot.Text(sprintf(msgAcked, inc.ID, severityText(inc), inc.UnitName, reporterName(inc), quote(inc.Text),
		told, inc.ID, inc.ID)), nil
}

// followUp handles 续报 E3 … and messages that name an incident with a
// progress word (E3 最新进展：…; 截至15时，E3 …).
func (d *incidentChat) followUp(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	text := bot.StripMention(m.Text)
	explicit := false
	if rest, ok := strings.CutPrefix(text, "续报"); ok {
		text, explicit = rest, true
	}
	id, rest, ok := parse.FindID(text, 'E')
	if !explicit && !parse.Progress(text) {
		switch {
		case ok && parse.Ack(rest): // "E3 收到"
			m.Body = id
			return d.h.guarded([]string{org.Leader}, d.ack).Handle(ctx, m)
		case ok:
			return bot.Text(sprintf(msgFollowUpWhat, id, id)), nil
		}
		return bot.Text(msgUnknown), nil
	}
	inc, rest, reply, err := d.target(m, id, ok, rest, text)
	if inc == nil {
		return reply, err
	}
	if rest == "" {
		return bot.Text(sprintf(msgFollowUpEmpty, inc.ID)), nil
	}
	after, err := d.svc.FollowUp(ctx, m.Member, inc.ID, rest, d.reader(rest, m))
	if err != nil {
		return d.refusal(err, inc.ID)
	}
	return bot.Text(sprintf(msgFollowedUp, after.ID, d.recipients(d.svc.Told(after, m.Member))) + d.amended(after)), nil
}

// amended tells what the last follow-up or written report changed, the
// level with its reason, and, when the facts now rank lower than the level
// (which only a leader lowers), how a leader would lower it.
func (d *incidentChat) amended(inc *incident.Incident) string {
	var b strings.Builder
	if changes := inc.Timeline[len(inc.Timeline)-1].Changes; len(changes) > 0 {
		fmt.Fprintf(&b, msgChanges, strings.Join(changes, "；"))
	} else {
		b.WriteString(msgNoChanges)
	}
	fmt.Fprintf(&b, msgCurrentLevel, severityText(inc))
	if ruled, _ := incident.Severity(inc.Facts, d.svc.Policy()); inc.Graded == nil && incident.Rank(ruled) < incident.Rank(inc.Severity) {
		fmt.Fprintf(&b, msgMayLower, ruled, inc.ID, ruled)
	}
	return b.String()
}

// grade handles 定级 E3 一般|重大|须报上级 [理由]: a leader sets the level.
func (d *incidentChat) grade(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, rest, ok := parse.FindID(m.Body, 'E')
	level, reason, known := parse.Severity(rest)
	if !ok || !known {
		return bot.Text(msgGradeUsage), nil
	}
	inc, err := d.svc.Grade(ctx, m.Member, id, level, reason)
	if err != nil {
		return d.refusal(err, id)
	}
	entry := inc.Timeline[len(inc.Timeline)-1]
	told := d.recipients(without(append([]bot.Recipient{{Member: inc.Reporter}}, d.svc.Alerted(inc)...), m.Member))
	text := sprintf(msgGraded, inc.ID, strings.Join(entry.Changes, "；"), told)
	if reason == "" {
		text += sprintf(msgGradeNoReason, inc.ID, level)
	}
	return bot.Text(text), nil
}

// written handles 书面 E3 …: the written report, on time or late.
func (d *incidentChat) written(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, rest, ok := parse.FindID(m.Body, 'E')
	inc, rest, reply, err := d.target(m, id, ok, rest, m.Body)
	if inc == nil {
		return reply, err
	}
	if rest == "" {
		return bot.Text(sprintf(msgWrittenEmpty, inc.ID, inc.ID)), nil
	}
	after, state, err := d.svc.Written(ctx, m.Member, inc.ID, rest, d.reader(rest, m))
	if err != nil {
		return d.refusal(err, inc.ID)
	}
	due := stamp(after.WrittenDue, after.ReportedAt)
	text := sprintf(msgWrittenOnTime, after.ID, due)
	if state == incident.WrittenLate {
		text = sprintf(msgWrittenLate, after.ID, due, stamp(*after.WrittenAt, after.ReportedAt))
	}
	if missing := incident.Missing(after.Facts); len(missing) > 0 {
		text += sprintf(msgWrittenStillMissing, strings.Join(missing, "、"), after.ID)
	}
	return bot.Text(text + sprintf(msgWrittenTold, d.recipients(d.svc.Told(after, m.Member))) + d.amended(after)), nil
}

// close handles 结案 E3 ….
func (d *incidentChat) close(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, rest, ok := parse.FindID(m.Body, 'E')
	if !ok {
		return bot.Text(msgCloseNeedID), nil
	}
	inc, err := d.svc.Close(ctx, m.Member, id, rest)
	if err != nil {
		return d.refusal(err, id)
	}
	return bot.Text(sprintf(msgClosed, inc.ID, d.recipients(d.svc.Told(inc, m.Member)))), nil
}

// list handles 急报列表: the open incidents.
func (d *incidentChat) list(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	open, err := d.svc.Open(20)
	if err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return bot.Text(msgNoOpenIncidents), nil
	}
	lines := make([]string, len(open))
	for i, inc := range open {
		lines[i] = d.line(inc, d.h.Now())
	}
	return bot.Text(sprintf(msgOpenIncidents, len(open)) + "\n" + strings.Join(lines, "\n")), nil
}

// incidentLines describes, for 我的 (and 统计), the incidents the member
// reported and, to leaders and the office, every incident not yet closed.
func (h *Handlers) incidentLines(mem *org.Member, limit int) ([]string, error) {
	keep := func(inc *incident.Incident) bool { return inc.Reporter == mem.ID }
	if mem.Has(org.Leader, org.Office) {
		keep = func(inc *incident.Incident) bool { return inc.Reporter == mem.ID || !inc.Closed }
	}
	list, err := h.Incidents.Latest(limit, keep)
	if err != nil {
		return nil, err
	}
	d := &incidentChat{h: h, svc: h.Incidents}
	out := make([]string, len(list))
	for i, inc := range list {
		out[i] = d.line(inc, h.Now())
	}
	return out, nil
}

// target finds the incident a follow-up or written report is about: the id
// named, or else the sender's only open incident (the reply names it).
func (d *incidentChat) target(m *bot.Message, id string, named bool, rest, whole string) (*incident.Incident, string, *bot.Reply, error) {
	if !named {
		mine, err := d.waiting(func(inc *incident.Incident) bool { return inc.Reporter == m.Member })
		if err != nil || len(mine) != 1 {
			r, err := d.pick(mine, err, msgNeedIncidentID, msgWhichIncident)
			return nil, "", r, err
		}
		id, rest = mine[0].ID, strings.TrimSpace(whole)
	}
	inc, err := d.svc.Get(id)
	if err != nil {
		r, err := d.refusal(err, id)
		return nil, "", r, err
	}
	if inc.Closed {
		return nil, "", bot.Text(sprintf(msgIncidentClosed, inc.ID, stamp(*inc.ClosedAt, d.h.msgTime(m)))), nil
	}
	return inc, rest, nil, nil
}

// waiting lists the open incidents (newest first) that keep accepts.
func (d *incidentChat) waiting(keep func(*incident.Incident) bool) ([]*incident.Incident, error) {
	return d.svc.Latest(10, func(inc *incident.Incident) bool { return !inc.Closed && keep(inc) })
}

// pick answers when no single incident was meant: none, or which one.
func (d *incidentChat) pick(list []*incident.Incident, err error, none, which string) (*bot.Reply, error) {
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return bot.Text(none), nil
	}
	ids := make([]string, len(list))
	for i, inc := range list {
		ids[i] = inc.ID
	}
	return bot.Text(sprintf(which, strings.Join(ids, "、"), ids[0])), nil
}

// refusal turns the Service's errors into polite replies.
func (d *incidentChat) refusal(err error, id string) (*bot.Reply, error) {
	switch {
	case errors.Is(err, incident.ErrNotFound):
		return bot.Text(sprintf(msgIncidentNotFound, id)), nil
	case errors.Is(err, incident.ErrClosed):
		return bot.Text(sprintf(msgIncidentClosedShort, id)), nil
	case errors.Is(err, incident.ErrForbidden):
		return bot.Text(sprintf(msgIncidentForbidden, id)), nil
	case errors.Is(err, incident.ErrEmpty):
		return bot.Text(sprintf(msgFollowUpEmpty, id)), nil
	}
	return nil, err
}

// reader reads a follow-up or written report against the facts known when
// the Service applies it (counts change only as the text states them).
func (d *incidentChat) reader(text string, m *bot.Message) incident.Reader {
	at := d.h.msgTime(m)
	return func(known incident.Facts) incident.Facts {
		r, err := parse.IncidentUpdate(text, at, d.cats, parse.IncidentReport(known))
		if err != nil {
			return known
		}
		return incident.Facts(*r)
	}
}

// line is one incident in a list.
func (d *incidentChat) line(inc *incident.Incident, now time.Time) string {
	ack := msgLineUnacked
	if inc.Acked() {
		ack = sprintf(msgLineAcked, d.h.Dir.MemberName(inc.AckedBy))
	}
	if inc.Closed {
		ack = msgLineClosed
	}
	var written string
	switch incident.WrittenState(inc, now) {
	case incident.WrittenPending:
		written = sprintf(msgLineWrittenPending, stamp(inc.WrittenDue, now))
	case incident.WrittenOnTime:
		written = msgLineWrittenOnTime
	case incident.WrittenLate:
		written = msgLineWrittenLate
	default:
		written = msgLineWrittenMissing
	}
	unit := inc.UnitName
	if unit == "" {
		unit = reporterName(inc)
	}
	return sprintf(msgLine, inc.ID, inc.ReportedAt.Format("1月2日15:04"), unit, category(inc), inc.Severity, ack, written)
}

// names lists the members with a role.
func (d *incidentChat) names(role string) string {
	var out []string
	for _, mem := range d.h.Dir.WithRole(role) {
		out = append(out, mem.Name)
	}
	return strings.Join(out, "、")
}

// recipients names members and groups for a reply.
func (d *incidentChat) recipients(rs []bot.Recipient) string {
	if len(rs) == 0 {
		return msgNobody
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		if r.Group != "" {
			out[i] = sprintf(msgGroup, r.Group)
		} else {
			out[i] = d.h.Dir.MemberName(r.Member)
		}
	}
	return strings.Join(out, "、")
}

func without(rs []bot.Recipient, except string) []bot.Recipient {
	out := make([]bot.Recipient, 0, len(rs))
	for _, r := range rs {
		if (r.Member == "" || r.Member != except) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// severityText is the level with its reason on one line.
func severityText(inc *incident.Incident) string {
	if len(inc.Why) == 0 {
		return inc.Severity
	}
	return sprintf(msgLevelWhy, inc.Severity, strings.Join(inc.Why, "；"))
}

func category(inc *incident.Incident) string {
	c := inc.Category
	if c == "" {
		c = incident.CatOther
	}
	if inc.Kind != "" && inc.Kind != incident.KindAccident {
		c += inc.Kind
	}
	return c
}

// understood echoes what the parser read from a report.
func understood(inc *incident.Incident) string {
	parts := []string{category(inc)}
	if !inc.Time.IsZero() {
		t := stamp(inc.Time, inc.ReportedAt)
		if inc.TimeApprox {
			t += "左右"
		}
		parts = append(parts, "时间 "+t)
	}
	if inc.Place != "" {
		parts = append(parts, "地点 "+inc.Place)
	}
	if harm := inc.Facts.Casualties("、"); harm != "" {
		parts = append(parts, harm)
	}
	if inc.LossKnown {
		parts = append(parts, sprintf("损失%d元", inc.LossYuan))
	}
	return strings.Join(parts, "｜")
}

func reporterName(inc *incident.Incident) string {
	if inc.ReporterName != "" {
		return inc.ReporterName
	}
	return inc.Reporter
}

func quote(text string) string {
	r := []rune(text)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return text
}

// stamp formats t as 15:04, with the date when it is not ref's day.
func stamp(t, ref time.Time) string {
	ty, tm, td := t.Date()
	ry, rm, rd := ref.In(t.Location()).Date()
	if ty == ry && tm == rm && td == rd {
		return t.Format("15:04")
	}
	return t.Format("1月2日15:04")
}
