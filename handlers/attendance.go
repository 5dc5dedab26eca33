package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/org"
)

// attendanceChat is the intent family of the 《日常信息报表》 (篇2, 篇3, 篇10):
// 考勤 and its items, 更正, 撤回, 未交, 统计, 预警, 确认汇总, 重开汇总.
type attendanceChat struct {
	*Handlers
	att     *attendance.Service
	classes map[parse.ClassRef]string // class name as parsed → unit id
}

// attendanceRowWords start a form without 考勤 (SPEC §4's examples
// "请假 赵六 3节 …", "擅自离校 孙七 2天"); the parser reads them from the whole
// text. 正常 alone is not a keyword: too common a word to mean a form.
var attendanceRowWords = []string{"无异常", "全勤", "零报告", "旷课", "缺课", "逃课", "晚归", "迟归",
	"夜不归宿", "夜不归家", "彻夜未归", "请假", "擅自离校", "私自离校", "离校未归"}

// maxEarlierListed is how many earlier entries of the form a reply lists by
// id; beyond it, the reply gives their number and the last three. A new
// entry's Result lists at most attendance.RecentEntries-1 earlier entries.
const maxEarlierListed = attendance.RecentEntries - 1

func (h *Handlers) attendanceIntents() []intent {
	a := &attendanceChat{Handlers: h, att: h.Attendance, classes: classIndex(h.Dir)}
	h.recent = append(h.recent, a.recent)
	h.unrouted = append(h.unrouted, a.unrouted)
	submit := []string{org.Cadre, org.Teacher}
	change := []string{org.Cadre, org.Teacher, org.Office}
	view := []string{org.Teacher, org.GradeLead, org.Office, org.Admin}
	explain := []string{org.Teacher, org.Office, org.Admin}
	return []intent{
		h.newIntent("attendance", submit, a.submit, "报送本班日常信息报表（旷课、晚归、夜不归宿、请假、擅自离校，或无异常）", "考勤 旷课：张三2节，李四一节；晚归：王五；夜不归宿：无", append([]string{"考勤", "日报", "报表", "日常信息"}, attendanceRowWords...)...),
		h.newIntent("attendance_correct", change, a.correct, "更正一条考勤（替换其全部内容）", "更正 A12 旷课：张三2节", "更正"),
		h.newIntent("attendance_withdraw", change, a.withdraw, "撤回一条考勤", "撤回 A12", "撤回"),
		h.newIntent("leave_approve", []string{org.Teacher}, a.approve, "补全待补请假条的请假（批准人不写即为您本人）", "批准 A5 赵六 刘老师", "批准", "补请假条", "补假条"),
		h.newIntent("attendance_missing", view, a.missing, "查看未交日常信息报表的班级", "未交", "未交", "未报", "谁没交"),
		h.newIntent("attendance_stats", append([]string{org.Cadre}, view...), a.stats, "查看月度考勤汇总", "统计 11月", "统计", "汇总"),
		h.newIntent("attendance_warnings", view, a.warnings, "查看本月达到预警等级的学生", "预警", "预警"),
		h.newIntent("attendance_confirm", []string{org.GradeLead}, a.confirm, "确认本年级上月日常信息月度汇总", "确认汇总 11月", "确认汇总"),
		h.newIntent("attendance_reopen", []string{org.Office}, a.reopen, "重开已确认的月度汇总，以便补报或更正该月报表（可写年级）", "重开汇总 11月", "重开汇总"),
		h.newIntent("absence_found", explain, a.causeFound, "联系家长后回复学生缺勤（旷课、夜不归宿、擅自离校）的原因，报年级组长", "查明 A12 张三 发烧在家，家长已知晓", causeFoundWords...),
		h.newIntent("absence_not_found", explain, a.causeNotFound, "未能查明缺勤原因，报政教处及分管领导", "未查明 A12 张三 家长电话无人接听", causeNotFoundWords...),
	}
}

// unrouted takes a form sent without a keyword (今天全勤, 张三今天没来) from
// those who may submit one, when it reads whole; other messages are not
// its business (nil reply).
func (a *attendanceChat) unrouted(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	if !a.member(m).Has(org.Cadre, org.Teacher) {
		return nil, nil
	}
	form, err := parse.Attendance(m.Body, a.msgTime(m))
	if err != nil || !form.Whole() {
		return nil, nil
	}
	m.Intent = "attendance"
	return a.submit(ctx, m)
}

func (a *attendanceChat) submit(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := a.member(m)
	at := a.msgTime(m)
	text := m.Body
	if full := bot.StripMention(m.Text); startsWithAny(full, attendanceRowWords) {
		text = full
	}
	form, err := parse.Attendance(text, at)
	if err != nil {
		return unreadable(err), nil
	}
	unit, refusal := a.unitFor(mem, form.Class)
	if refusal != nil {
		return refusal, nil
	}
	if r := a.notWhole(form, unit); r != nil {
		return r, nil
	}
	s := attendance.Message{Member: mem, Unit: unit, At: at, Rows: rowsOf(form.Rows), Text: m.Text}
	if form.Date != nil {
		s.Date = *form.Date
	}
	res, err := a.att.Submit(ctx, s)
	if errors.Is(err, attendance.ErrFutureDate) {
		return bot.Text(sprintf(msgAttFutureDate, s.Date.Format("1月2日"))), nil
	}
	if we := (*attendance.WindowError)(nil); errors.As(err, &we) {
		loc := a.att.Location()
		return bot.Text(sprintf(msgAttDateTooOld, s.Date.In(loc).Format("2006年1月2日"), attendance.FormLabel(we.Due, loc),
			attendance.FormLabel(we.Floor, loc))), nil
	}
	if refusal := a.refusal(err, ""); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	e := res.Entry
	loc := a.att.Location()
	lines := []string{sprintf(msgAttAccepted, e.ID, a.Dir.UnitName(unit), attendance.FormLabel(e.Due, loc), stateWord(res.Form.State(at)))}
	if e.Date != "" {
		lines[0] += sprintf(msgAttByDate, e.Date)
	}
	lines = append(lines, attendance.DescribeRows(e.Rows))
	lines = append(lines, a.warningsOf(mem, res)...)
	if ask := a.att.AskText(e); ask != "" && attendance.MayExplain(mem, e) {
		lines = append(lines, ask)
	}
	if !res.Closed.IsZero() {
		lines = append(lines, sprintf(msgAttPrevClosed, attendance.FormLabel(res.Closed, loc)))
	}
	if next, ok := a.att.Schedule.Next(at); ok && e.Date == "" && e.Due.Before(next) {
		lines = append(lines, sprintf(msgAttLateOther, attendance.FormLabel(next, loc)))
	}
	switch n := res.EarlierCount; {
	case n > maxEarlierListed: // a reply (and the reply remembered for a resend) stays short
		lines = append(lines, sprintf(msgAttEarlierMany, n, strings.Join(res.Earlier[len(res.Earlier)-3:], "、")))
	case n > 0:
		lines = append(lines, sprintf(msgAttEarlier, strings.Join(res.Earlier, "、")))
	}
	lines = append(lines, howTo(e))
	return bot.Text(strings.Join(lines, "\n")), nil
}

// howTo is the reply's last line: how to correct or withdraw the entry,
// with an example from its own rows (or a placeholder, never a student of
// another class).
func howTo(e *attendance.Entry) string {
	example := msgAttExamplePlaceholder
	if len(e.Rows) > 0 {
		r := e.Rows[0]
		example = r.Type + "：" + r.Who()
		switch {
		case r.Hours > 0:
			example += fmt.Sprintf("%d节", r.Hours)
		case r.Days > 0:
			example += fmt.Sprintf("%d天", r.Days)
		}
	}
	return sprintf(msgAttHowTo, e.ID, e.ID, example, e.ID)
}

// notWhole is the reply to a form that may not be stored as it stands (SPEC
// §5.1): a piece of it was not understood, a student is reported twice with
// one type, or a name is not on the class roster. It shows what was
// understood and what was not, and asks for the whole form again; nil when
// the form is whole.
func (a *attendanceChat) notWhole(form *parse.AttendanceForm, unit string) *bot.Reply {
	rows := rowsOf(form.Rows)
	unknown := a.att.OffRoster(unit, rows)
	if form.Whole() && len(unknown) == 0 {
		return nil
	}
	understood := msgAttNothingRead
	if len(rows) > 0 || form.Nothing {
		understood = strings.ReplaceAll(attendance.DescribeRows(rows), "\n", "；")
	}
	lines := []string{msgAttNotWhole, sprintf(msgAttUnderstood, understood)}
	if len(form.Unread) > 0 {
		lines = append(lines, sprintf(msgAttNotUnderstood, strings.Join(form.Unread, "；")))
	}
	for _, name := range form.Repeated {
		var seen []string
		for _, r := range rows {
			if r.Student == name {
				seen = append(seen, attendance.DescribeRow(r))
			}
		}
		lines = append(lines, sprintf(msgAttRepeated, name, strings.Join(seen, "、")))
	}
	for _, n := range unknown {
		if n.Suggest != "" {
			lines = append(lines, sprintf(msgAttOffRoster, n.Name, n.Suggest))
		} else {
			lines = append(lines, sprintf(msgAttOffRosterNoHint, n.Name))
		}
	}
	return bot.Text(strings.Join(append(lines, msgAttSendAgain), "\n"))
}

// warningsOf are the reply lines about what a change left to check:
// notices sent, leave notes to chase, thresholds reached (for those who may
// see levels: a cadre's reply does not name a classmate's level unless
// [attendance] cadres_see_levels). A form with unread pieces or names off
// the roster never gets this far: see notWhole.
func (a *attendanceChat) warningsOf(mem *org.Member, res *attendance.Result) []string {
	var lines []string
	if len(res.Notified) > 0 {
		lines = append(lines, sprintf(msgAttNotified, a.memberNames(res.Notified)))
	}
	if !res.Entry.Withdrawn {
		for _, r := range res.Entry.Rows {
			if r.Type == attendance.Leave && r.Approver == "" {
				lines = append(lines, msgAttPending)
				break
			}
		}
	}
	if !a.att.SeesLevels(mem) {
		return lines
	}
	for _, c := range res.Crossings {
		if c.Reached {
			lines = append(lines, sprintf(msgAttCrossing, c.Tally.Student, a.att.Thresholds.Why(c.Tally), c.Level))
		}
	}
	return lines
}

func stateWord(state string) string {
	if state == attendance.FormLate {
		return msgAttStateLate
	}
	return msgAttStateOnTime
}

func unreadable(err error) *bot.Reply {
	hint := "未填写考勤内容"
	var pe *parse.ParseError
	if errors.As(err, &pe) {
		hint = pe.Hint
	}
	return bot.Text(sprintf(msgAttUnread, hint))
}

// refusal phrases the errors a user can cause; nil for the others.
func (a *attendanceChat) refusal(err error, id string) *bot.Reply {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, attendance.ErrNoForm):
		return bot.Text(msgAttNoForm)
	case errors.Is(err, attendance.ErrNoEntry):
		return bot.Text(sprintf(msgAttNoEntry, id))
	case errors.Is(err, attendance.ErrNotYours):
		return bot.Text(sprintf(msgAttNotYours, id))
	case errors.Is(err, attendance.ErrWithdrawn):
		return bot.Text(sprintf(msgAttWithdrawnYet, id))
	case errors.Is(err, attendance.ErrTooManyRows), errors.Is(err, attendance.ErrNoStudent):
		return bot.Text(sprintf(msgAttUnread, "内容过多或缺少学生姓名"))
	}
	loc := a.att.Location()
	if we := (*attendance.WindowError)(nil); errors.As(err, &we) {
		return bot.Text(sprintf(msgAttEntryTooOld, id, attendance.FormLabel(we.Due, loc), attendance.FormLabel(we.Floor, loc)))
	}
	if ce := (*attendance.ConfirmedError)(nil); errors.As(err, &ce) {
		month, _ := time.ParseInLocation("2006-01", ce.Period, loc)
		return bot.Text(sprintf(msgAttMonthConfirmed, periodLabel(org.MonthPeriod(month, loc)), ce.Grade,
			a.Dir.MemberName(ce.By), ce.At.In(loc).Format("01-02 15:04"), int(month.Month())))
	}
	var b *attendance.BoundsError
	if errors.As(err, &b) {
		switch {
		case b.Days && b.Row.Type == attendance.Leave:
			return bot.Text(sprintf(msgAttTooManyDays, b.Row.Type, attendance.DescribeRow(b.Row), b.Limit))
		case b.Days:
			return bot.Text(sprintf(msgAttTooManyDaysAway, b.Row.Type, attendance.DescribeRow(b.Row), b.Limit))
		}
		return bot.Text(sprintf(msgAttTooManyHours, b.Row.Type, attendance.DescribeRow(b.Row), b.Limit))
	}
	return nil
}

// errIfNoReply passes err on when no refusal phrases it.
func errIfNoReply(r *bot.Reply, err error) error {
	if r != nil {
		return nil
	}
	return err
}

// unitFor picks the class a member submits for: the one named, which must
// be theirs, or their only class.
func (a *attendanceChat) unitFor(mem *org.Member, ref *parse.ClassRef) (string, *bot.Reply) {
	own := a.ownClasses(mem)
	if ref != nil {
		id, ok := a.classes[*ref]
		if !ok {
			return "", bot.Text(sprintf(msgAttUnknownClass, ref.String()))
		}
		for _, u := range own {
			if u == id {
				return id, nil
			}
		}
		if len(own) == 0 {
			return "", bot.Text(msgAttNoClass)
		}
		return "", bot.Text(sprintf(msgAttNotYourClass, a.unitNames(own), a.Dir.UnitName(id)))
	}
	switch len(own) {
	case 0:
		return "", bot.Text(msgAttNoClass)
	case 1:
		return own[0], nil
	}
	return "", bot.Text(sprintf(msgAttPickClass, a.unitNames(own), a.Dir.UnitName(own[1])))
}

func rowsOf(items []parse.Row) []attendance.Row {
	out := make([]attendance.Row, len(items))
	for i, it := range items {
		out[i] = attendance.Row{Type: it.Type, Student: it.Student, No: it.StudentNo, Hours: it.Hours, Days: it.Days,
			Time: it.Time, Reason: it.Reason, Approver: it.Approver}
	}
	return out
}

// entryID reads the A-id of 更正/撤回, or phrases why it cannot.
func entryID(body, command string) (id, rest string, refusal *bot.Reply) {
	id, rest, ok := parse.LeadingID(body)
	if !ok {
		return "", "", bot.Text(sprintf(msgAttIDUsage, command, command))
	}
	if !strings.HasPrefix(id, "A") {
		return "", "", bot.Text(sprintf(msgAttNotAttID, id))
	}
	return id, rest, nil
}

// entryRef reads the entry a 更正/撤回 is about: its id, or a word for the
// sender's latest attendance entry; rest is what follows.
func (a *attendanceChat) entryRef(m *bot.Message, command string) (id, rest string, refusal *bot.Reply) {
	if after, ok := parse.Latest(m.Body); ok {
		es, err := a.att.Recent(m.Member, 1)
		if err != nil || len(es) == 0 {
			return "", "", bot.Text(sprintf(msgAttNoLatest, command))
		}
		return es[0].ID, after, nil
	}
	return entryID(m.Body, command)
}

func (a *attendanceChat) correct(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, rest, refusal := a.entryRef(m, "更正")
	if refusal != nil {
		return refusal, nil
	}
	if strings.TrimSpace(rest) == "" {
		return bot.Text(sprintf(msgAttCorrectUsage, id, id)), nil
	}
	at := a.msgTime(m)
	form, err := parse.Attendance(rest, at)
	if err != nil {
		return unreadable(err), nil
	}
	old, err := a.att.Entry(id)
	if refusal := a.refusal(err, id); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	if r := a.notWhole(form, old.Unit); r != nil {
		return r, nil
	}
	res, err := a.att.Correct(ctx, a.member(m), id, rowsOf(form.Rows), at, m.Text)
	if refusal := a.refusal(err, id); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	e := res.Entry
	lines := []string{sprintf(msgAttCorrected, e.ID, a.Dir.UnitName(e.Unit), attendance.FormLabel(e.Due, a.att.Location()),
		e.Revision, attendance.DescribeRows(e.Rows))}
	lines = append(lines, a.warningsOf(a.member(m), res)...)
	if ask := a.att.AskText(e); ask != "" && attendance.MayExplain(a.member(m), e) {
		lines = append(lines, ask)
	}
	if form.Date != nil || form.Class != nil {
		lines = append(lines, msgAttDateIgnored)
	}
	lines = append(lines, howTo(e))
	return bot.Text(strings.Join(lines, "\n")), nil
}

func (a *attendanceChat) withdraw(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	id, _, refusal := a.entryRef(m, "撤回")
	if refusal != nil {
		return refusal, nil
	}
	at := a.msgTime(m)
	res, err := a.att.Withdraw(ctx, a.member(m), id, at)
	if refusal := a.refusal(err, id); refusal != nil || err != nil {
		return refusal, errIfNoReply(refusal, err)
	}
	e := res.Entry
	lines := []string{sprintf(msgAttWithdrawn, e.ID, a.Dir.UnitName(e.Unit), attendance.FormLabel(e.Due, a.att.Location()))}
	switch live := res.Form.Live(); {
	case len(live) > 0:
		ids := make([]string, len(live))
		for i, x := range live {
			ids[i] = x.ID
		}
		lines = append(lines, sprintf(msgAttStillHas, strings.Join(ids, "、")))
	case res.Form.State(at) == attendance.FormMissing:
		lines = append(lines, msgAttNowMissing)
	default:
		lines = append(lines, msgAttNowOpen)
	}
	return bot.Text(strings.Join(lines, "\n")), nil
}

// missing answers 未交: the classes in the sender's scope without the form
// of the latest due time, and those that have not yet sent the current one.
func (a *attendanceChat) missing(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := a.member(m)
	now := a.msgTime(m)
	scope := a.Dir.Scope(mem)
	if len(scope) == 0 {
		return bot.Text(msgAttNoClasses), nil
	}
	loc := a.att.Location()
	var lines []string
	if prev, ok := a.att.Schedule.Prev(now); ok {
		forms, err := a.att.FormsDue(scope, prev)
		if err != nil {
			return nil, err
		}
		if miss := attendance.Missing(forms, now); len(miss) > 0 {
			lines = append(lines, sprintf(msgAttMissingHead, attendance.FormLabel(prev, loc), len(miss), len(forms), a.formUnits(miss)))
		} else {
			lines = append(lines, sprintf(msgAttMissingNone, attendance.FormLabel(prev, loc), len(forms)))
		}
	}
	if next, ok := a.att.Schedule.Next(now); ok {
		forms, err := a.att.FormsDue(scope, next)
		if err != nil {
			return nil, err
		}
		if lack := attendance.Lacking(forms); len(lack) > 0 {
			lines = append(lines, sprintf(msgAttOpenHead, attendance.FormLabel(next, loc), len(lack), len(forms), a.formUnits(lack)))
		} else {
			lines = append(lines, sprintf(msgAttOpenNone, attendance.FormLabel(next, loc)))
		}
	}
	if len(lines) == 0 {
		return bot.Text(msgAttNoForm), nil
	}
	return bot.Text(strings.Join(lines, "\n")), nil
}

func (a *attendanceChat) formUnits(forms []*attendance.Form) string {
	names := make([]string, len(forms))
	for i, f := range forms {
		names[i] = a.Dir.UnitName(f.Unit)
	}
	return strings.Join(names, "、")
}

// query reads the period and the classes a 统计/预警/确认汇总/重开汇总 asks
// about (parse.ReadQuery: class names, grade names and a period, each
// optional; def when no period is named); classes outside the sender's
// scope are refused.
func (a *attendanceChat) query(mem *org.Member, body string, now time.Time, def org.Period) (org.Period, []*org.Unit, *bot.Reply) {
	loc := a.att.Location()
	q, err := parse.ReadQuery(body, now.In(loc), a.Dir.Grades())
	if we := (*parse.WordError)(nil); errors.As(err, &we) {
		return def, nil, bot.Text(sprintf(msgAttBadMonth, we.Word))
	}
	p := def
	if q.Period != "" {
		if p, err = org.ParsePeriod(q.Period, loc); err != nil {
			return def, nil, bot.Text(sprintf(msgAttBadMonth, q.Period))
		}
	}
	scope := a.Dir.Scope(mem)
	var pick []*org.Unit
	for _, w := range q.Units {
		if w.Class != nil {
			id, known := a.classes[*w.Class]
			if !known {
				return p, nil, bot.Text(sprintf(msgAttUnknownClass, w.Text))
			}
			if !a.Dir.CanSee(mem, id) {
				return p, nil, bot.Text(sprintf(msgAttNotInScope, a.Dir.UnitName(id)))
			}
			u, _ := a.Dir.Unit(id)
			pick = append(pick, u)
			continue
		}
		n := 0
		for _, u := range scope {
			if u.Grade == w.Grade {
				pick = append(pick, u)
				n++
			}
		}
		if n == 0 {
			return p, nil, bot.Text(sprintf(msgAttNotInScope, w.Grade))
		}
	}
	if len(pick) == 0 {
		pick = scope
	}
	return p, pick, nil
}

// summaryQuery is a monthly summary asked for in chat: the period and
// classes in the sender's scope, and when it was asked.
type summaryQuery struct {
	*attendance.Summary
	Period  org.Period
	Classes []*org.Unit
	Now     time.Time
}

// summary builds the summary a query asks for within the sender's scope; a
// refusal or an empty scope comes back as the reply instead.
func (a *attendanceChat) summary(m *bot.Message) (q summaryQuery, reply *bot.Reply, err error) {
	q.Now = a.msgTime(m)
	q.Period, q.Classes, reply = a.query(a.member(m), m.Body, q.Now, org.MonthPeriod(q.Now, a.att.Location()))
	if reply == nil && len(q.Classes) == 0 {
		reply = bot.Text(msgAttNoClasses)
	}
	if reply != nil {
		return q, reply, nil
	}
	q.Summary, err = a.att.Summary(q.Period, q.Classes, q.Now)
	return q, nil, err
}

func (a *attendanceChat) stats(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	s, reply, err := a.summary(m)
	if reply != nil || err != nil {
		return reply, err
	}
	p, now := s.Period, s.Now
	levels := a.att.SeesLevels(a.member(m))
	var texts []string
	for _, g := range s.Grades {
		lines := []string{sprintf(msgAttSummaryHead, periodLabel(p), "截至 "+now.Format("01-02 15:04"))}
		for _, c := range g.Classes {
			open := ""
			if c.Open > 0 {
				open = sprintf(msgAttSummaryOpen, c.Open)
			}
			lines = append(lines, sprintf(msgAttSummaryForms, c.Name, c.OnTime, c.Late, c.Missing, open))
			if len(c.Students) == 0 {
				lines = append(lines, msgAttSummaryNone)
			}
			for _, t := range c.Students {
				lines = append(lines, "  "+tallyLine(t, levels))
			}
		}
		if line := a.confirmLine(p, g); line != "" {
			lines = append(lines, line)
		}
		texts = append(texts, strings.Join(lines, "\n"))
	}
	return bot.Text(texts...), nil
}

func (a *attendanceChat) confirmLine(p org.Period, g *attendance.GradeSummary) string {
	if !p.To.Equal(p.From.AddDate(0, 1, 0)) {
		return ""
	}
	if c := g.Confirmed; c != nil {
		return sprintf(msgAttConfirmed, g.Grade, a.Dir.MemberName(c.By), c.At.In(a.att.Location()).Format("01-02 15:04"))
	}
	return sprintf(msgAttUnconfirmed, g.Grade, a.Policies.Attendance.ConfirmDueDay)
}

// periodLabel writes 2026-11 as 2026年11月, other periods as named.
func periodLabel(p org.Period) string {
	if p.To.Equal(p.From.AddDate(0, 1, 0)) {
		return fmt.Sprintf("%d年%d月", p.From.Year(), int(p.From.Month()))
	}
	return p.Name
}

// tallyLine writes one student's totals: 张三：旷课 9 节（请假抵扣 2 节，计 7 节）、夜不归宿 1 次 —— 黄牌警示
// (the level only when level is set).
func tallyLine(t *attendance.Tally, level bool) string {
	line := t.Student + "：" + t.Counts()
	if level && t.Level != "" {
		line += " —— " + t.Level
	}
	return line
}

func (a *attendanceChat) warnings(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	s, reply, err := a.summary(m)
	if reply != nil || err != nil {
		return reply, err
	}
	p, classes := s.Period, s.Classes
	scope := scopeLabel(classes)
	at := s.AtLevel()
	if len(at) == 0 {
		return bot.Text(sprintf(msgAttNoWarnings, periodLabel(p), scope)), nil
	}
	lines := []string{sprintf(msgAttWarningsHead, periodLabel(p), scope)}
	for _, t := range at {
		lines = append(lines, fmt.Sprintf("%s｜%s %s", t.Level, a.Dir.UnitName(t.Unit), tallyLine(t, true)))
	}
	return bot.Text(strings.Join(lines, "\n")), nil
}

func scopeLabel(classes []*org.Unit) string {
	if len(classes) <= 3 {
		names := make([]string, len(classes))
		for i, u := range classes {
			names[i] = u.Name
		}
		return strings.Join(names, "、")
	}
	return fmt.Sprintf("%d 个班", len(classes))
}

// confirm answers 确认汇总: the grade lead confirms each of their grades'
// summary for a month that is over (by default the previous month).
func (a *attendanceChat) confirm(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := a.member(m)
	now := a.msgTime(m)
	loc := a.att.Location()
	if len(mem.Grades) == 0 {
		return bot.Text(msgAttNoGrade), nil
	}
	p, _, refusal := a.query(mem, m.Body, now, org.MonthPeriod(now.AddDate(0, 0, -now.Day()), loc))
	if refusal != nil {
		return refusal, nil
	}
	var texts []string
	for _, grade := range mem.Grades {
		c, already, err := a.att.Confirm(ctx, mem, p, grade, now)
		if errors.Is(err, attendance.ErrMonthOpen) {
			return bot.Text(sprintf(msgAttConfirmOpen, periodLabel(p))), nil
		}
		if err != nil {
			return nil, err
		}
		if already {
			texts = append(texts, sprintf(msgAttConfirmAgain, periodLabel(p), grade, a.Dir.MemberName(c.By), c.At.In(loc).Format("01-02 15:04")))
			continue
		}
		var classes []*org.Unit
		for _, u := range a.Dir.Classes() {
			if u.Grade == grade {
				classes = append(classes, u)
			}
		}
		s, err := a.att.Summary(p, classes, now)
		if err != nil {
			return nil, err
		}
		var on, late, miss int
		for _, g := range s.Grades {
			for _, c := range g.Classes {
				on, late, miss = on+c.OnTime, late+c.Late, miss+c.Missing
			}
		}
		texts = append(texts, sprintf(msgAttConfirmDone, periodLabel(p), grade, on, late, miss, len(s.AtLevel())))
	}
	return bot.Text(texts...), nil
}

// reopen answers 重开汇总 (the office): it removes the confirmation of the
// month (by default the previous one) for the grades named, or for every
// grade, so that the month's forms may be completed and corrected again.
func (a *attendanceChat) reopen(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := a.member(m)
	now := a.msgTime(m)
	loc := a.att.Location()
	p, classes, refusal := a.query(mem, m.Body, now, org.MonthPeriod(now.AddDate(0, 0, -now.Day()), loc))
	if refusal != nil {
		return refusal, nil
	}
	var grades []string
	for _, u := range classes {
		if !slices.Contains(grades, u.Grade) {
			grades = append(grades, u.Grade)
		}
	}
	cs, err := a.att.Reopen(ctx, mem, p, grades, now)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return bot.Text(sprintf(msgAttReopenNone, periodLabel(p), strings.Join(grades, "、"))), nil
	}
	var texts []string
	for _, c := range cs {
		texts = append(texts, sprintf(msgAttReopened, periodLabel(p), c.Grade, a.Dir.MemberName(c.By),
			c.At.In(loc).Format("01-02 15:04"), int(p.From.Month())))
	}
	return bot.Text(texts...), nil
}

// recent is the 我的 source of attendance entries.
func (a *attendanceChat) recent(mem *org.Member, limit int) ([]string, error) {
	es, err := a.att.Recent(mem.ID, limit)
	if err != nil {
		return nil, err
	}
	loc := a.att.Location()
	out := make([]string, len(es))
	for i, e := range es {
		line := fmt.Sprintf("%s 考勤 %s %s截止：%s", e.ID, a.Dir.UnitName(e.Unit), attendance.FormLabel(e.Due, loc),
			strings.ReplaceAll(attendance.DescribeRows(e.Rows), "\n", "；"))
		if e.Withdrawn {
			line += "（已撤回）"
		} else if e.Revision > 0 {
			line += fmt.Sprintf("（已更正 %d 次）", e.Revision)
		}
		out[i] = line
	}
	return out, nil
}

func startsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}
