package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/org"
)

// Information items, points, weekly reports and good deeds (SPEC §4, §5.2,
// §5.3, §8): 投稿 (信息, 报送信息) by officers; 补充 S5 … completes a draft or
// corrects a returned item; 通过/退回 by the head of the submitting unit
// (退回 also by the office before adoption and by a leader before 签发);
// 采用/不采用 by the office; 签发 by a leader; 稿件 S5 shows an item and its
// steps; 积分 and 排名 for a month, quarter or year; 媒体汇总 (officers send
// theirs, the office sees everyone's); 周报 by officers; 好人好事 by anyone.
// Units without a unit head (the demo's 政教处) send their items straight
// to the office.

// deskChat answers the information intents over one desk.Service.
type deskChat struct {
	h       *Handlers
	desk    *desk.Service
	classes map[parse.ClassRef]string // class name as parsed → unit id (好人好事 高一(1)班 …)
}

// submissionIntents also registers the desk's records as a source of 我的.
func (h *Handlers) submissionIntents() []intent {
	d := &deskChat{h: h, desk: h.Desk, classes: classIndex(h.Dir)}
	h.recent = append(h.recent, d.recent)
	officer := []string{org.Officer}
	everyone := []string{org.Cadre, org.Teacher, org.GradeLead, org.Office, org.Officer, org.UnitHead, org.Leader, org.Admin}
	involved := []string{org.Officer, org.UnitHead, org.Office, org.Leader}
	returners := []string{org.UnitHead, org.Office, org.Leader}
	in := h.newIntent
	return []intent{
		in("submission", officer, d.submit, "报送信息稿件（撰稿人、审核人必填）", msgSubExample, "投稿", "报送信息", "信息"),
		in("statistics", officer, d.submitStat, "报送统计信息，须在数据出来后 24 小时内报到（数据时间不写则按发送时间）", msgStatExample, "统计信息"),
		in("submission_complete", officer, d.complete, "补全草稿或修改被退回的信息后重新提交", "补充 S5 撰稿：马丽 审核：周强", "补充"),
		in("submission_approve", []string{org.UnitHead}, d.approve, "审核通过本单位报送的信息", "通过 S5", "通过"),
		in("submission_return", returners, d.giveBack, "退回信息并说明原因", "退回 S5 数据需核实", "退回"),
		in("submission_adopt", []string{org.Office}, d.adopt, "登记信息采用级别和媒体", "采用 S5 区级 宁夏法制报", "采用"),
		in("submission_reject", []string{org.Office}, d.reject, "登记信息不采用", "不采用 S5 内容重复", "不采用"),
		in("submission_sign", []string{org.Leader}, d.sign, "签发已采用的信息，生成登记编号", "签发 S5", "签发"),
		in("submission_show", involved, d.show, "查看一篇信息及其审核流程", "稿件 S5", "稿件"),
		in("points", involved, d.points, "查看积分（信息员本人；负责人本单位；办公室、领导全部）", "积分 本季度", "积分"),
		in("ranking", involved, d.ranking, "查看单位和个人排名", "排名 本季度", "排名"),
		in("media_summary", []string{org.Officer, org.Office}, d.media, "信息员报送本月媒体采用汇总；办公室查看各信息员汇总", "媒体汇总 11月", "媒体汇总"),
		in("weekly", officer, d.weekly, "报送本部门周报（上周大事、出勤）", msgWeeklyExample, "周报"),
		in("good_deed", everyone, d.goodDeed, "报告好人好事，立即报政教处/办公室", msgDeedExample, "好人好事"),
	}
}

// fieldsOf turns the typed fields into the desk's, reading the 数据时间 of a
// statistics item against the message time; refusal says why it cannot.
// A 数据时间 without a category makes the item a statistics one.
func (d *deskChat) fieldsOf(a parse.Article, m *bot.Message) (desk.Fields, *bot.Reply) {
	f := desk.Fields{Title: a.Title, Category: a.Category, Body: a.Body, Author: a.Author, Reviewer: a.Reviewer}
	if a.DataTime == "" {
		return f, nil
	}
	sent := d.h.msgTime(m)
	t, ok := parse.DateTime(a.DataTime, sent)
	if !ok {
		return f, bot.Text(sprintf(msgStatDataTime, a.DataTime))
	}
	if t.After(sent.Add(time.Minute)) {
		return f, bot.Text(sprintf(msgStatFuture, t.Format("2006-01-02 15:04")))
	}
	if f.Category == "" {
		f.Category = desk.StatCategory
	}
	f.DataAt = &t
	return f, nil
}

// readArticle parses the fields, or answers why it cannot.
func readArticle(text string) (parse.Article, *bot.Reply) {
	a, err := parse.Submission(text)
	var fe *parse.FieldError
	switch {
	case errors.As(err, &fe) && errors.Is(err, parse.ErrSubmissionCategory):
		return a, bot.Text(sprintf(msgSubCategory, fe.Value, strings.Join(parse.SubmissionCategories, "、")))
	case errors.As(err, &fe):
		return a, bot.Text(sprintf(msgSubTitleLong, fe.Value))
	case err != nil:
		return a, bot.Text(msgSubTemplate)
	}
	return a, nil
}

func (d *deskChat) submit(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return d.submitAs(ctx, m, "")
}

// submitStat is 统计信息 …: an item whose category defaults to 统计.
func (d *deskChat) submitStat(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return d.submitAs(ctx, m, desk.StatCategory)
}

func (d *deskChat) submitAs(ctx context.Context, m *bot.Message, category string) (*bot.Reply, error) {
	a, refusal := readArticle(m.Body)
	if refusal != nil {
		return refusal, nil
	}
	if a.Category == "" {
		a.Category = category
	}
	f, refusal := d.fieldsOf(a, m)
	if refusal != nil {
		return refusal, nil
	}
	ch, err := d.desk.Submit(ctx, d.h.member(m), f, d.h.msgTime(m))
	if err != nil {
		return d.refuse(err, "", "投稿")
	}
	return bot.Text(d.echo(ch, f.Category == "")), nil
}

// statLine is a statistics item's due time and where it stands; "" for
// other items.
func (d *deskChat) statLine(a *desk.Article) string {
	if a.StatDue == nil {
		return ""
	}
	loc := d.desk.Policy.Loc
	stamp := func(t time.Time) string { t = t.In(loc); return org.DayLabel(t) + t.Format(" 15:04") }
	line := sprintf(msgStatDue, stamp(*a.DataAt), org.Span(d.desk.Policy.StatisticsWithin.Duration), stamp(*a.StatDue), d.h.Dir.OfficeName())
	arrived, _ := a.Arrived()
	switch a.StatStateAt(d.h.Now()) {
	case desk.StatOnTime:
		return line + sprintf(msgStatOnTime, arrived.In(loc).Format("01-02 15:04"))
	case desk.StatLate:
		return line + sprintf(msgStatLate, arrived.In(loc).Format("01-02 15:04"), org.Span(arrived.Sub(*a.StatDue)))
	case desk.StatOverdue:
		return line + msgStatOverdue
	}
	return line + msgStatPending
}

// echo answers a submission or completion: status, fields, month, what is
// missing, who was told.
func (d *deskChat) echo(ch *desk.Change, defaultCat bool) string {
	a := ch.Article
	var b strings.Builder
	fmt.Fprintf(&b, msgSubReceived, a.ID, d.statusLine(a))
	cat := a.Category
	if defaultCat {
		cat += msgSubDefaultCat
	}
	fmt.Fprintf(&b, "\n标题：%s\n类别：%s\n正文：%s\n撰稿：%s\n审核：%s", orDash(a.Title), cat, subClip(a.Body, 60),
		orDash(a.Author), orDash(a.Reviewer))
	if miss := a.Missing(); len(miss) > 0 {
		fmt.Fprintf(&b, msgSubMissing, strings.Join(miss, "、"), a.ID, miss[0])
	} else if a.CountedMonth != "" {
		if a.Late {
			own := d.desk.Policy.Loc
			month := a.SubmittedAt.In(own).Format("2006-01")
			day, _ := d.desk.Policy.InfoDeadline(month)
			fmt.Fprintf(&b, msgSubLate, org.MonthLabel(month), org.DayLabel(day), org.MonthLabel(a.CountedMonth))
		} else {
			fmt.Fprintf(&b, msgSubCounted, org.MonthLabel(a.CountedMonth))
		}
	}
	b.WriteString(d.statLine(a))
	if len(ch.Pushed) > 0 {
		fmt.Fprintf(&b, msgSubNotified, d.names(ch.Pushed))
	}
	return b.String()
}

func (d *deskChat) statusLine(a *desk.Article) string {
	switch a.Status {
	case desk.Draft:
		return msgSubDraft
	case desk.Submitted:
		heads := d.h.Dir.InUnit(a.Unit, org.UnitHead)
		names := make([]string, len(heads))
		for i, m := range heads {
			names[i] = m.Name
		}
		return sprintf(msgSubToHead, strings.Join(names, "、"))
	case desk.Approved:
		return sprintf(msgSubToOffice, a.UnitName, d.h.Dir.OfficeName())
	}
	return desk.StatusName(a.Status, d.h.Dir.OfficeName())
}

func (d *deskChat) names(ids []string) string { return d.h.memberNames(ids) }

func orDash(s string) string {
	if s == "" {
		return "（未填）"
	}
	return s
}

// subClip shortens text to n runes for an echo.
func subClip(s string, n int) string {
	if s == "" {
		return "（未填）"
	}
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "……"
}

// refuse turns a desk refusal into a reply; other errors go up.
func (d *deskChat) refuse(err error, id, verb string) (*bot.Reply, error) {
	var se *desk.StateError
	switch {
	case errors.Is(err, desk.ErrNoArticle):
		return bot.Text(sprintf(msgSubNoSuch, id)), nil
	case errors.As(err, &se):
		a, lerr := d.desk.Article(id)
		if verb == "签发" && lerr == nil && a.Status == desk.Signed {
			return bot.Text(sprintf(msgSubSignedBefore, a.ID, a.SignedAt.In(d.desk.Policy.Loc).Format("2006-01-02 15:04"), a.RegNo)), nil
		}
		return bot.Text(sprintf(msgSubState, se.ID, desk.StatusName(se.Status, d.h.Dir.OfficeName()), verb)), nil
	case errors.Is(err, desk.ErrNotUnitHead):
		unit := ""
		if a, lerr := d.desk.Article(id); lerr == nil {
			unit = a.UnitName
		}
		return bot.Text(sprintf(msgSubNotHead, id, unit)), nil
	case errors.Is(err, desk.ErrNotAllowed):
		a, lerr := d.desk.Article(id)
		if lerr != nil {
			return nil, lerr
		}
		who := map[string]string{desk.Submitted: "单位负责人", desk.Approved: d.h.Dir.OfficeName(), desk.Adopted: "分管领导"}[a.Status]
		return bot.Text(sprintf(msgSubNotAllowed, a.ID, desk.StatusName(a.Status, d.h.Dir.OfficeName()), who)), nil
	case errors.Is(err, desk.ErrNotSubmitter):
		return bot.Text(msgSubNotSubmitter), nil
	case errors.Is(err, desk.ErrNoDeptUnit):
		return bot.Text(msgSubNoUnit), nil
	case errors.Is(err, desk.ErrNothingToFill):
		return bot.Text(sprintf(msgSubNothing, id)), nil
	}
	return nil, err
}

// withItem reads the item id (S5) or asks for it; rest is normalized.
func withItem(m *bot.Message, example string, fn func(id, rest string) (*bot.Reply, error)) (*bot.Reply, error) {
	id, rest, ok := parse.LeadingID(parse.Normalize(m.Body))
	if !ok || id[0] != 'S' {
		return bot.Text(sprintf(msgSubNeedID, example)), nil
	}
	return fn(id, rest)
}

func (d *deskChat) complete(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "补充 S5 撰稿：马丽 审核：周强", func(id, rest string) (*bot.Reply, error) {
		mem := d.h.member(m)
		var f desk.Fields
		if rest != "" {
			a, refusal := readArticle(rest)
			if refusal != nil {
				return refusal, nil
			}
			if f, refusal = d.fieldsOf(a, m); refusal != nil {
				return refusal, nil
			}
			if len(a.Labeled) == 0 {
				// "补充 S5 马丽": the text fills the one field still missing.
				cur, err := d.desk.Article(id)
				if err != nil {
					return d.refuse(err, id, "补充")
				}
				miss := cur.Missing()
				if len(miss) != 1 {
					return bot.Text(sprintf(msgSubNothing, id)), nil
				}
				f = fillOne(miss[0], rest)
			}
		}
		ch, err := d.desk.Complete(ctx, mem, id, f, d.h.msgTime(m))
		if err != nil {
			return d.refuse(err, id, "补充")
		}
		return bot.Text(d.echo(ch, false)), nil
	})
}

func fillOne(label, v string) desk.Fields {
	switch label {
	case parse.LabelTitle:
		return desk.Fields{Title: v}
	case parse.LabelBody:
		return desk.Fields{Body: v}
	case parse.LabelAuthor:
		return desk.Fields{Author: v}
	}
	return desk.Fields{Reviewer: v}
}

func (d *deskChat) approve(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "通过 S5", func(id, _ string) (*bot.Reply, error) {
		ch, err := d.desk.Approve(ctx, d.h.member(m), id, d.h.msgTime(m))
		if err != nil {
			return d.refuse(err, id, "通过")
		}
		return bot.Text(sprintf(msgSubApproved, ch.Article.ID, ch.Article.Title, d.h.Dir.OfficeName()) +
			d.statLine(ch.Article) + sprintf(msgSubNotified, d.names(ch.Pushed))), nil
	})
}

func (d *deskChat) giveBack(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "退回 S5 数据需核实", func(id, reason string) (*bot.Reply, error) {
		if reason == "" {
			return bot.Text(sprintf(msgSubNeedReason, id)), nil
		}
		ch, err := d.desk.Return(ctx, d.h.member(m), id, reason, d.h.msgTime(m))
		if err != nil {
			return d.refuse(err, id, "退回")
		}
		a := ch.Article
		return bot.Text(sprintf(msgSubReturned, a.ID, a.Title, reason, a.SubmitterName)), nil
	})
}

func (d *deskChat) adopt(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "采用 S5 市级 今日头条", func(id, rest string) (*bot.Reply, error) {
		level, media, ok := parse.Adoption(rest)
		if !ok {
			return bot.Text(sprintf(msgSubLevel, id)), nil
		}
		ch, err := d.desk.Adopt(ctx, d.h.member(m), id, level, media, d.h.msgTime(m))
		if errors.Is(err, desk.ErrSameAdoption) {
			return bot.Text(sprintf(msgSubSameAdopt, id, strings.TrimSpace(level+" "+media))), nil
		}
		if err != nil {
			return d.refuse(err, id, "采用")
		}
		a := ch.Article
		where := level
		if media != "" {
			where += "（" + media + "）"
		}
		best := a.HighestLevel()
		return bot.Text(sprintf(msgSubAdopted, a.ID, a.Title, where, best, d.desk.Policy.RewardOf(best)) +
			sprintf(msgSubNotified, d.names(ch.Pushed))), nil
	})
}

func (d *deskChat) reject(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "不采用 S5 内容重复", func(id, reason string) (*bot.Reply, error) {
		ch, err := d.desk.Reject(ctx, d.h.member(m), id, reason, d.h.msgTime(m))
		if err != nil {
			return d.refuse(err, id, "不采用")
		}
		a := ch.Article
		why := ""
		if reason != "" {
			why = "，原因：" + reason
		}
		return bot.Text(sprintf(msgSubRejected, a.ID, a.Title, why, a.SubmitterName)), nil
	})
}

func (d *deskChat) sign(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "签发 S5", func(id, _ string) (*bot.Reply, error) {
		ch, err := d.desk.Sign(ctx, d.h.member(m), id, d.h.msgTime(m))
		if err != nil {
			return d.refuse(err, id, "签发")
		}
		a := ch.Article
		return bot.Text(sprintf(msgSubSigned, a.ID, a.Title, a.RegNo) + sprintf(msgSubNotified, d.names(ch.Pushed))), nil
	})
}

// show answers 稿件 S5: the item and its steps, to those who may see it:
// its submitter, its unit's members, the office and leaders.
func (d *deskChat) show(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	return withItem(m, "稿件 S5", func(id, _ string) (*bot.Reply, error) {
		a, err := d.desk.Article(id)
		if err != nil {
			return d.refuse(err, id, "查看")
		}
		mem := d.h.member(m)
		if !mem.Has(org.Office, org.Leader) && !mem.In(a.Unit) && a.Submitter != mem.ID {
			return bot.Text(sprintf(msgSubNoSuch, id)), nil
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s《%s》 %s\n单位：%s  报送：%s\n类别：%s  撰稿：%s  审核：%s", a.ID, a.Title,
			desk.StatusName(a.Status, d.h.Dir.OfficeName()), a.UnitName, a.SubmitterName, a.Category, orDash(a.Author), orDash(a.Reviewer))
		if a.CountedMonth != "" {
			fmt.Fprintf(&b, "\n计入：%s", org.MonthLabel(a.CountedMonth))
			if a.Late {
				b.WriteString("（延期）")
			}
		}
		for _, ad := range a.Adoptions {
			fmt.Fprintf(&b, "\n采用：%s %s", ad.Level, ad.Media)
		}
		if a.RegNo != "" {
			fmt.Fprintf(&b, "\n登记编号：%s", a.RegNo)
		}
		b.WriteString(d.statLine(a))
		b.WriteString(msgSubShowSteps)
		for _, s := range a.Steps {
			fmt.Fprintf(&b, "\n%s %s %s", s.At.In(d.desk.Policy.Loc).Format("01-02 15:04"), d.names([]string{s.By}), s.Action)
			if s.Detail != "" {
				b.WriteString("：" + s.Detail)
			}
		}
		return bot.Text(b.String()), nil
	})
}

// period reads the period named in s (parse.Period); none named is this
// month.
func (d *deskChat) period(s string, now time.Time) (org.Period, bool) {
	if strings.TrimSpace(s) == "" {
		s = "本月"
	}
	loc := d.desk.Policy.Loc
	name, ok := parse.Period(s, now.In(loc))
	if !ok {
		return org.Period{}, false
	}
	p, err := org.ParsePeriod(name, loc)
	return p, err == nil
}

func (d *deskChat) points(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	now := d.h.msgTime(m)
	per, ok := d.period(m.Body, now)
	if !ok {
		return bot.Text(msgSubPeriod), nil
	}
	s, err := d.desk.StatsFor(per)
	if err != nil {
		return nil, err
	}
	mem := d.h.member(m)
	var b strings.Builder
	who := "您的"
	if !mem.Has(org.Officer) {
		who = ""
	}
	fmt.Fprintf(&b, msgSubPointsHead, who, org.PeriodLabel(per.Name))
	n, open := 0, false
	for _, r := range s.People {
		mine := r.Member == mem.ID || mem.Has(org.Office, org.Leader) || (mem.Has(org.UnitHead) && mem.In(r.Unit))
		if !mine {
			continue
		}
		n++
		open = open || !r.Closed
		fmt.Fprintf(&b, msgSubPointsRow, r.Name, r.UnitName, r.Counted, r.Quota, r.Late, r.Adopted, r.RewardYuan,
			r.Shortfall, r.PenaltyYuan, r.NetYuan)
	}
	if n == 0 {
		return bot.Text(sprintf(msgSubPointsNone, org.PeriodLabel(per.Name))), nil
	}
	if open {
		b.WriteString(d.pointsNote(per, now))
	}
	return bot.Text(b.String()), nil
}

// pointsNote says why the figures of an unsettled period may change: the
// current month's deadline has not passed (no fine yet), or it has and the
// month settles at its close.
func (d *deskChat) pointsNote(per org.Period, now time.Time) string {
	p := d.desk.Policy
	month := now.In(p.Loc).Format("2006-01")
	day, _ := p.InfoDeadline(month)
	if !now.Before(per.From) && now.Before(per.To) && now.Before(day.AddDate(0, 0, 1)) {
		return sprintf(msgSubProvisional, org.DayLabel(day))
	}
	return sprintf(msgSubUnsettled, org.DayLabel(p.Close(month).AddDate(0, 0, -1)))
}

func (d *deskChat) ranking(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	per, ok := d.period(m.Body, d.h.msgTime(m))
	if !ok {
		return bot.Text(msgSubPeriod), nil
	}
	s, err := d.desk.StatsFor(per)
	if err != nil {
		return nil, err
	}
	return bot.Text(bot.SplitText(s.Circular(d.h.Dir.Name), bot.MaxTextBytes)...), nil
}

func (d *deskChat) media(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	now := d.h.msgTime(m)
	name, note, named := parse.LeadingPeriod(m.Body, now.In(d.desk.Policy.Loc))
	per, ok := d.period(name, now)
	if !named || !ok || len(per.Name) != 7 {
		// no month given: the whole text is a note on this month's summary
		per, _ = d.period("", now)
		note = parse.Normalize(m.Body)
	}
	mem := d.h.member(m)
	if mem.Has(org.Officer) {
		s, err := d.desk.SendMediaSummary(ctx, mem, per.Name, strings.TrimSpace(note), now)
		if err != nil {
			return d.refuse(err, "", "报送")
		}
		return bot.Text(sprintf(msgSubMediaSent, org.MonthLabel(per.Name), len(s.Lines), d.h.Dir.OfficeName(), d.names(d.officeIDs())) +
			"\n" + desk.MediaText(s.Lines, s.Note)), nil
	}
	sums, err := d.desk.MediaSummaries(per.Name)
	if err != nil {
		return nil, err
	}
	arts, err := d.desk.Articles()
	if err != nil {
		return nil, err
	}
	sent := map[string]*desk.MediaSummary{}
	for _, s := range sums {
		sent[s.Member] = s
	}
	day, _ := d.desk.Policy.MediaDeadline(per.Name)
	var b strings.Builder
	fmt.Fprintf(&b, msgSubMediaHead, org.MonthLabel(per.Name), org.DayLabel(day))
	for _, o := range d.h.Dir.WithRole(org.Officer) {
		state := msgSubMediaNotSent
		if s, ok := sent[o.ID]; ok {
			state = "已报送 " + s.At.In(d.desk.Policy.Loc).Format("01-02 15:04")
		}
		lines := d.desk.Policy.MediaLinesOf(arts, o.ID, per.Name, now)
		fmt.Fprintf(&b, msgSubMediaLine, o.Name, state, strings.ReplaceAll(desk.MediaText(lines, ""), "\n", "；"))
	}
	return bot.Text(bot.SplitText(b.String(), bot.MaxTextBytes)...), nil
}

func (d *deskChat) officeIDs() []string {
	var out []string
	for _, m := range d.h.Dir.WithRole(org.Office) {
		out = append(out, m.ID)
	}
	return out
}

func (d *deskChat) weekly(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	text := strings.TrimSpace(m.Body)
	if text == "" {
		return bot.Text(msgWeeklyEmpty), nil
	}
	w, err := d.desk.SubmitWeekly(ctx, d.h.member(m), text, d.h.msgTime(m))
	if err != nil {
		return d.refuse(err, "", "报送")
	}
	due := w.Due.In(d.desk.Policy.Loc)
	state := sprintf(msgWeeklyOnTime, org.DayLabel(due)+due.Format(" 15:04"))
	if w.Late {
		state = sprintf(msgWeeklyLate, org.DayLabel(due)+due.Format(" 15:04"))
	}
	return bot.Text(sprintf(msgWeeklyReceived, w.ID, w.UnitName, d.weekLabel(w), state)), nil
}

// weekLabel names the week a report covers: 10月26日—11月1日这一周.
func (d *deskChat) weekLabel(w *desk.Weekly) string {
	monday, err := time.ParseInLocation(time.DateOnly, w.Week, d.desk.Policy.Loc)
	if err != nil {
		return w.Week
	}
	return d.desk.WeekLabel(monday)
}

func (d *deskChat) goodDeed(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	text := strings.TrimSpace(m.Body)
	if text == "" {
		return bot.Text(msgDeedEmpty), nil
	}
	unit := ""
	if c, _, ok := parse.LeadingClass(parse.Normalize(text)); ok {
		unit = d.classes[c]
	}
	g, err := d.desk.ReportGoodDeed(ctx, d.h.member(m), unit, text, d.h.msgTime(m))
	if err != nil {
		return nil, err
	}
	return bot.Text(sprintf(msgDeedReceived, g.ID, orDash(g.UnitName), d.h.Dir.OfficeName(), d.names(g.Notified))), nil
}

// recent lists the member's latest items, weekly reports and good deeds for 我的.
func (d *deskChat) recent(mem *org.Member, limit int) ([]string, error) {
	arts, weeks, deeds, err := d.desk.Recent(mem.ID, limit)
	if err != nil {
		return nil, err
	}
	var out []string
	loc := d.desk.Policy.Loc
	for _, a := range arts {
		line := fmt.Sprintf("%s 信息《%s》%s", a.ID, a.Title, desk.StatusName(a.Status, d.h.Dir.OfficeName()))
		if a.RegNo != "" {
			line += " " + a.RegNo
		}
		out = append(out, line)
	}
	for _, w := range weeks {
		out = append(out, fmt.Sprintf("%s 周报 %s（%s）", w.ID, d.weekLabel(w), w.At.In(loc).Format("01-02 15:04")))
	}
	for _, g := range deeds {
		out = append(out, fmt.Sprintf("%s 好人好事 %s", g.ID, subClip(g.Text, 20)))
	}
	return out, nil
}
