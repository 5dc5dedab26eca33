package incident

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// The Chinese texts of this package, kept together.
const (
	msgAcked  = "已确认收到"
	msgClosed = "已结案"

	whyDead               = "死亡%d人"
	whyMissing            = "失踪%d人"
	whyHospital           = "住院%d人"
	whyToHospital         = "送医%d人（未说明是否住院，按住院计）"
	whySerious            = "重伤%d人"
	whyGrave              = "伤情：%s"
	whyFire               = "火灾致人受伤"
	whySeriousConsequence = "%s造成严重后果"
	whyHarmedBy           = "%s致学生身体受到伤害"
	whyLoss               = "财产损失%s"
	whyCategory           = "类别：%s"
	whyInjured            = "受伤%d人"
	whyIll                = "身体不适%d人"
	whyNotAdmitted        = "，未报住院"
	whyNoHarm             = "无人员伤亡"
	whyNoLoss             = "无财产损失"
	whyHarmUnknown        = "未报告人员伤亡"
	whyGraded             = "领导定级"

	changeLevel   = "定级 %s → %s"
	changeCount   = "%s %d → %d"
	changeAdmit   = "住院 %d人已确认"
	changeLoss    = "损失 %s → %s"
	changeText    = "%s → %s"
	changeGrave   = "伤情 +%s"
	labelCategory = "类别 "
	labelTime     = "时间"
	labelPlace    = "地点"
	labelCause    = "起因"

	needTime      = "时间"
	needPlace     = "地点"
	needHarm      = "伤亡情况"
	needHospital  = "是否住院"
	needAdmission = "送医人员是否住院（已按住院定级）"
	needLoss      = "财产损失"
	needCause     = "起因"
	needMeasures  = "已采取措施"

	unknown = "待核实"
	none    = "无"

	digestLine = "%s｜%s｜%s %s %s报告：%s（已过%s，第%d轮）"
	digestText = "【急报再次提醒】仍有 %d 起急报未确认：%s。\n%s\n请逐一回复确认，例如“收到 %s”。"
)

// Notice turns a due step into the push to queue: title, text (unique per
// step, as DingTalk drops repeated texts), @mentions and the idempotency key.
func Notice(inc *Incident, s Step) bot.Notification {
	var title, head string
	after := org.DurationText(s.At.Sub(inc.ReportedAt))
	switch s.Kind {
	case StepAlert:
		title = "急报 " + inc.ID
		head = fmt.Sprintf("【急报 %s｜%s】", inc.ID, inc.Severity)
	case StepEscalate:
		title = "急报升级 " + inc.ID
		head = fmt.Sprintf("【急报升级 %s｜%s】报告已过%s仍无人确认，现通知%s。", inc.ID, inc.Severity, after, levelWho(s))
	case StepRenotify:
		title = "急报再次提醒 " + inc.ID
		head = fmt.Sprintf("【急报再次提醒 %s｜%s】第%d轮：报告已过%s仍无人确认。", inc.ID, inc.Severity, s.Round, after)
	case StepRemind:
		left := org.DurationText(inc.WrittenDue.Sub(s.At))
		text := fmt.Sprintf("【书面报告提醒 %s】请在%s前提交书面报告（还剩%s）：回复“书面 %s 报告内容”。先口头后书面，逾期将告知领导。",
			inc.ID, clock(inc.WrittenDue, inc.ReportedAt), left, inc.ID)
		if m := Missing(inc.Facts); len(m) > 0 {
			text += "\n书面报告请写明：" + strings.Join(m, "、") + "。"
		}
		n := notification(s, "书面报告提醒 "+inc.ID, text)
		n.Priority = bot.PriorityReminder
		return n
	case StepOverdue:
		text := fmt.Sprintf("【书面报告逾期 %s｜%s】%s %s于%s报告的急报，未在%s前提交书面报告，请督促。",
			inc.ID, inc.Severity, inc.UnitName, reporter(inc), clock(inc.ReportedAt, inc.ReportedAt),
			clock(inc.WrittenDue, inc.ReportedAt))
		return notification(s, "书面报告逾期 "+inc.ID, text)
	}
	var b strings.Builder
	b.WriteString(head)
	priority, digest := bot.PriorityAlert, ""
	switch s.Kind {
	case StepEscalate:
		priority = bot.PriorityEscalate
	case StepRenotify:
		priority = bot.PriorityRepeat
		digest = fmt.Sprintf(digestLine, inc.ID, inc.Severity, inc.UnitName, reporter(inc),
			clock(inc.ReportedAt, inc.ReportedAt), short(inc.Text), after, s.Round)
	}
	fmt.Fprintf(&b, "\n%s %s %s报告：\n%s", inc.UnitName, reporter(inc), clock(inc.ReportedAt, inc.ReportedAt), inc.Text)
	if len(inc.Why) > 0 {
		b.WriteString("\n定级依据：" + strings.Join(inc.Why, "；"))
	}
	fmt.Fprintf(&b, "\n请回复“收到 %s”确认。", inc.ID)
	n := notification(s, title, b.String())
	n.Priority, n.Digest = priority, digest
	n.Actions = []bot.Action{{Title: "收到", Command: "收到 " + inc.ID}, {Title: "续报", Command: "续报 " + inc.ID}}
	return n
}

// Digest merges repeats waiting for one recipient into one push (the
// outbox's Loop.Digest): 仍有 3 起急报未确认：E1、E2、E3, then a line per
// incident (its latest repeat), with the @mentions of them all and a 收到
// button per incident where the platform has buttons.
func Digest(ns []bot.Notification) bot.Notification {
	var ids, lines, mention []string
	for _, n := range ns {
		for _, line := range strings.Split(n.Digest, "\n") {
			id, _, _ := strings.Cut(line, "｜")
			if i := slices.Index(ids, id); i >= 0 {
				lines[i] = line
				continue
			}
			ids, lines = append(ids, id), append(lines, line)
		}
		for _, m := range n.Mention {
			if !slices.Contains(mention, m) {
				mention = append(mention, m)
			}
		}
	}
	text := fmt.Sprintf(digestText, len(ids), strings.Join(ids, "、"), strings.Join(lines, "\n"), ids[0])
	actions := make([]bot.Action, len(ids))
	for i, id := range ids {
		actions[i] = bot.Action{Title: "收到 " + id, Command: "收到 " + id}
	}
	return bot.Notification{To: ns[0].To, Title: "急报再次提醒", Text: text, Mention: mention,
		Priority: bot.PriorityRepeat, Digest: strings.Join(lines, "\n"), Actions: actions}
}

func notification(s Step, title, text string) bot.Notification {
	return bot.Notification{Key: s.Key, To: s.To, Title: title, Text: text, Mention: s.Mention, At: s.At}
}

func reporter(inc *Incident) string {
	if inc.ReporterName != "" {
		return inc.ReporterName
	}
	return inc.Reporter
}

func escalatedText(s Step) string {
	return "无人确认，已升级通知" + levelWho(s)
}

// levelWho names the people of the step's level (王副校长、群“安全工作群”),
// or says 第N级负责人 when the level has no names.
func levelWho(s Step) string {
	if s.Names != "" {
		return s.Names
	}
	return fmt.Sprintf("第%d级负责人", s.Level)
}

// UpwardReport drafts the report to higher authorities with the elements 篇9
// requires: 名称、时间、地点、起因、经过、伤亡、损失、已采取措施、请求援助、报告人及单位.
// The report is the school's (school: the organisation's name), whichever
// department or class reported it. Unknown elements read 待核实 so the office
// sees what to complete.
func UpwardReport(inc *Incident, school, reporterName, unitName string) string {
	name := school + eventName(inc.Facts)
	if !strings.HasPrefix(unitName, school) {
		unitName = school + unitName
	}
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%s：%s\n", label, value) }
	fmt.Fprintf(&b, "关于%s的报告（%s）\n\n", name, inc.ID)
	line("名称", name)
	line("时间", when(inc))
	line("地点", orText(inc.Place, unknown))
	line("起因", orText(inc.Cause, unknown))
	line("经过", inc.Text)
	for _, e := range inc.Timeline {
		if e.Type == EntryFollowUp || e.Type == EntryWritten {
			fmt.Fprintf(&b, "　　%s %s：%s\n", e.At.Format("1月2日15:04"), e.Type, e.Text)
		}
	}
	line("伤亡", orText(inc.Facts.Casualties("，"), unknown))
	line("损失", loss(inc.Facts))
	line("已采取措施", orText(inc.Measures, unknown))
	line("请求援助", orText(inc.Help, none))
	level := inc.Severity
	if len(inc.Why) > 0 {
		level += "（" + strings.Join(inc.Why, "；") + "）"
	}
	line("定级", level)
	line("报告人及单位", strings.Trim(reporterName+"，"+unitName, "，"))
	line("报告时间", inc.ReportedAt.Format("2006年1月2日15:04"))
	return strings.TrimRight(b.String(), "\n")
}

// eventName names the event for the report title: 食品卫生事故, 消防隐患,
// 学生死亡事件, 租用车辆隐患.
func eventName(f Facts) string {
	kind := f.Kind
	if kind == "" {
		kind = KindAccident
	}
	switch {
	case f.Category == "" || f.Category == CatOther:
		return kind
	case strings.HasSuffix(f.Category, kind):
		return f.Category
	case kind == KindAccident && eventLike[f.Category]:
		return f.Category + "事件"
	}
	return f.Category + kind
}

// eventLike categories are called 事件 rather than 事故.
var eventLike = map[string]bool{
	CatStudentDeath: true, CatPropertyLoss: true, CatCorporal: true,
	CatEpidemic: true, CatDisaster: true, CatPublicOrder: true,
}

func when(inc *Incident) string {
	if inc.Time.IsZero() {
		return unknown + "（报告于" + inc.ReportedAt.Format("2006年1月2日15:04") + "）"
	}
	s := inc.Time.Format("2006年1月2日15:04")
	if inc.TimeApprox {
		s += "左右"
	}
	return s
}

// Casualties writes the people harmed as replies and the written report
// say it: 死亡1人、受伤3人、其中重伤1人 (joined by sep), with （约数） when
// the counts are estimates, or 无人员伤亡 when the facts say no one was
// harmed and count nobody; "" when they say nothing of it.
func (f Facts) Casualties(sep string) string {
	if !f.HarmKnown() {
		return ""
	}
	if f.NoHarm && f.Dead+f.Missing+f.Injured+f.Ill+f.Hospitalised == 0 {
		return "无人员伤亡"
	}
	var parts []string
	add := func(n int, label string) {
		if n > 0 {
			parts = append(parts, label+strconv.Itoa(n)+"人")
		}
	}
	add(f.Dead, "死亡")
	add(f.Missing, "失踪")
	add(f.Injured, "受伤")
	add(f.SeriouslyInjured, "其中重伤")
	add(f.Ill, "身体不适")
	add(f.Hospitalised, "住院")
	s := strings.Join(parts, sep)
	if f.CountsApprox {
		s += "（约数）"
	}
	return s
}

func loss(f Facts) string {
	switch {
	case !f.LossKnown:
		return unknown
	case f.LossYuan == 0:
		return none
	}
	return lossText(f)
}

// lossText writes the loss as an amount: 800元, 约3000元.
func lossText(f Facts) string {
	s := strconv.FormatInt(f.LossYuan, 10) + "元"
	if f.LossApprox {
		s = "约" + s
	}
	return s
}

func orText(s, otherwise string) string {
	if strings.TrimSpace(s) == "" {
		return otherwise
	}
	return s
}

// clock formats t as 15:04, with the date when it is not ref's day.
func clock(t, ref time.Time) string {
	ty, tm, td := t.Date()
	ry, rm, rd := ref.Date()
	if ty == ry && tm == rm && td == rd {
		return t.Format("15:04")
	}
	return t.Format("1月2日15:04")
}
