package parse

import (
	"strings"
	"unicode/utf8"
)

// The five attendance item types (SPEC §4, §5.1).
const (
	Absent         = "旷课"
	LateReturn     = "晚归"
	NightAway      = "夜不归宿"
	Leave          = "请假"
	LeftSchool     = "擅自离校"
	attGenericNote = "已批准" // approver recorded for 已批准, 有假条 … without a person
)

// attWord is an entry of the attendance lexicon.
type attWord struct {
	kind   attKind
	typ    string // tType: one of the five types
	reason string // tType: the kind of leave (病假, 事假 …); tReason: the reason
	// weak words are read only where a name cannot be going on (at the start
	// of a piece or after another word): 无 in 张无忌, 正常 in 王正常.
	weak   bool
	soft   bool // an absence word that yields to a leave (see attToken.soft)
	truant bool // a reason that is no leave's (去网吧, 睡过头)
}

// attLexicon maps every word the attendance parser knows to its meaning. Words
// are matched longest first, so 离校未归 wins over 未归 and 无异常 over 无.
var attLexicon = map[string]attWord{}

// attMaxWordRunes is the length of the longest word of the lexicon, in runes.
var attMaxWordRunes int

// attWordStart holds the first rune of every word, to skip lookups quickly.
var attWordStart = map[rune]bool{}

func init() {
	types := map[string][]string{
		Absent: {"旷课", "缺课", "逃课", "逃了", "逃学", "翘课", "无故缺席", "无故缺勤", "未请假", "没请假", "旷了课", "旷了",
			"无故旷课", "无故未到"},
		LateReturn: {"晚归", "迟归", "晚回", "回来晚", "回来迟", "才回来", "才回", "才返校", "才回宿舍", "才回寝室",
			"才回寝", "归寝晚"},
		NightAway: {"通宵未归", "通宵不归", "没回宿舍", "未回宿舍", "没有回宿舍", "没回寝室", "未回寝室", "没回寝", "一夜没回", "整晚没回", "夜不归宿", "夜不归家", "夜不归寝", "彻夜未归", "整夜未归", "夜未归", "未归", "外宿", "在外留宿",
			"在外过夜"},
		Leave: {"请假", "请了假", "告假", "家长请假", "家长已请假", "家长请了假", "家长代请假", "家长帮请假",
			"家长打电话请假", "家长电话请假", "家长来电请假"},
		LeftSchool: {"擅自离校", "私自离校", "离校未归", "擅离学校", "擅自离开学校", "私自离开学校", "擅自外出",
			"私自外出", "私自回家", "擅自回家", "擅离"},
	}
	for typ, ws := range types {
		for _, w := range ws {
			attAdd(w, attWord{kind: tType, typ: typ})
		}
	}
	// Words that say only that a student was not there: 旷课 unless the
	// student's leave reason or approval says it was a leave.
	for _, w := range []string{"缺勤", "缺席", "未到校", "未到", "没来", "没到", "没来上课", "未来", "未来上课",
		"没有来", "没有到", "早退", "提前离开"} {
		attAdd(w, attWord{kind: tType, typ: Absent, soft: true})
	}
	for _, kind := range []string{"病假", "事假", "公假", "丧假"} {
		attAdd(kind, attWord{kind: tType, typ: Leave, reason: kind})
		attAdd("请"+kind, attWord{kind: tType, typ: Leave, reason: kind})
	}
	for _, w := range []string{"感冒", "发烧", "发热", "生病", "身体不适", "身体不舒服", "不舒服", "肚子疼", "肚子痛",
		"腹痛", "头疼", "头痛", "头晕", "牙疼", "牙痛", "胃疼", "胃痛", "拉肚子", "呕吐", "受伤", "扭伤", "骨折",
		"看病", "去县医院", "去市医院", "去卫生院", "去诊所", "住院治疗", "去医院", "去医院看病", "看医生", "就医", "就诊", "住院", "输液", "打针", "复查", "体检", "因病", "因事", "家里有事", "家中有事",
		"家有急事", "回家", "奔丧", "比赛", "参加比赛", "参加活动", "考试", "办证", "办身份证"} {
		attAdd(w, attWord{kind: tReason, reason: w})
	}
	attAdd("有事", attWord{kind: tReason, reason: "有事", weak: true})
	attAdd("病", attWord{kind: tReason, reason: "病", weak: true})
	// What a student did instead of class: the reason of a 旷课, never a leave.
	for _, w := range []string{"去网吧", "上网吧", "在网吧", "去网吧上网", "去网吧玩", "去上网", "睡过头", "睡懒觉",
		"在宿舍睡觉", "在宿舍玩手机", "出去玩", "外出上网", "在亲戚家", "在家", "在朋友家", "在同学家"} {
		attAdd(w, attWord{kind: tReason, reason: w, truant: true})
	}
	attAddAll(tReasonMark, false, "因", "因为", "由于", "原因", "事由", "理由")
	attAddAll(tApproverLabel, false, "批准人", "审批人", "批假人", "准假人", "签字人")
	attAddAll(tApprove, false, "批准", "已批准", "批准了", "同意", "已同意", "同意了", "批假", "准假", "签字",
		"已签字", "签批", "审批", "批了", "批的")
	attAddAll(tApproved, false, "已批", "已批假", "已准假", "有假条", "有请假条", "已交假条", "已交请假条", "假条已交", "请假条已交", "已开假条",
		"已附假条", "附假条", "附请假条", "请假条已附", "手续齐全", "已办手续")
	attAddAll(tFiller, false, "待补请假条", "待补假条", "未交假条", "假条未交", "没有假条", "无假条", "没有请假条",
		"无请假条", "请假条未交", "未批准", "请假条", "假条")
	attAddAll(tPerson, false, "年级组长", "年级主任", "政教处", "学工办", "教务处",
		"宿管")
	// Titles join the surname before them (刘老师, 陈班长) and stand alone too (班主任).
	attAddAll(tTitle, false, "老师", "主任", "校长", "书记", "班主任", "辅导员", "班长", "副班长")
	attAddAll(tNeg, false, "暂无", "均无", "都没有", "未发现", "并无", "无人", "没有人", "均无人")
	attAddAll(tNeg, true, "无", "没有", "没")
	attAddAll(tNothing, false, "无异常", "全勤", "零报告", "其余正常", "其他正常", "其它正常", "其余均正常", "其余都正常",
		"一切正常", "均正常", "全部正常", "都正常", "无违纪", "无情况", "无特殊情况", "无异常情况", "全员到齐", "全班到齐", "到齐", "全部到校", "全员到校",
		"全部到齐", "满勤", "无缺勤", "无人缺勤")
	attAddAll(tNothing, true, "正常")
	attAddAll(tCount, false, "应到", "实到", "应到人数", "实到人数", "出勤", "出勤人数", "缺勤人数", "总人数", "人数",
		"在校人数", "应出勤", "实出勤", "全班", "到校", "今日到校", "到校人数")
	attAddAll(tEach, true, "各")
	attAddAll(tAmong, false, "其中")
	attAddAll(tRespective, false, "分别", "分别是", "分别为")
	attAddAll(tReporter, false, "报告人", "填报人", "报送人", "填表人", "记录人", "汇报人", "考勤员", "记录员")
	attAddAll(tOther, false, "明天", "明日", "后天", "也是", "也一样", "同样", "迟到", "睡觉", "玩手机", "手机", "打架", "吸烟", "抽烟", "喝酒", "违纪", "上网",
		"网吧", "说话", "讲话", "作业")
	attAddAll(tFiller, false, "同学", "学生", "名单", "情况", "如下", "情况如下", "本班", "我班", "报告", "汇报", "另外",
		"还有", "以及", "考勤", "日报", "报表", "日常信息", "日常信息报表", "人员", "次数", "时间",
		"晚间", "上课", "上午", "下午", "中午", "晚上", "早上", "早读", "晚自习", "自习", "课上", "课堂", "早操",
		"回宿舍", "回寝室", "回寝", "返寝", "归寝", "左右", "以后", "之后", "共计", "合计", "总计", "等人", "已经",
		"具体", "班级", "当日", "本日", "该生", "其余", "其他", "已联系家长", "联系家长", "已处理", "已告知家长",
		"已电话联系家长", "已电话通知家长", "已与家长联系", "已与家长沟通", "家长已知晓", "家长已知", "家长知情",
		"已批评教育", "批评教育", "已教育", "已谈话", "已告知班主任", "已报告班主任", "已报班主任", "家长已电话告知班主任",
		"至今未归", "至今未回", "仍未返校", "尚未返校", "超过规定时间", "超时", "说", "又", "回校", "返校了", "已回校", "已返校", "体育课", "语文课", "数学课", "英语课", "物理课", "化学课", "生物课",
		"历史课", "地理课", "政治课", "音乐课", "美术课", "信息课", "班会课", "自习课", "早自习", "午休", "课间操",
		"已通知家长", "通知家长", "本周", "这周", "上周", "本月", "全体", "各位老师好", "老师好", "各位老师", "您好", "你好", "回来", "返校", "回到宿舍",
		"查寝", "查房", "查宿", "点名", "晚点名", "早点名", "经查", "经核实", "核实", "检查", "最后", "前面", "后面",
		"头", "整个", "一整天")
	attAddAll(tFiller, true, "有", "是", "为", "了", "的", "已", "共", "等", "另", "和", "与", "及", "跟", "后", "回",
		"多", "都", "均", "也", "还", "经")
}

func attAdd(w string, v attWord) {
	attLexicon[w] = v
	if n := utf8.RuneCountInString(w); n > attMaxWordRunes {
		attMaxWordRunes = n
	}
	r, _ := utf8.DecodeRuneInString(w)
	attWordStart[r] = true
}

func attAddAll(kind attKind, weak bool, ws ...string) {
	for _, w := range ws {
		attAdd(w, attWord{kind: kind, weak: weak})
	}
}

// attMatchWord finds the longest lexicon word at the start of s. With
// strongOnly set, weak words are skipped.
func attMatchWord(s string, strongOnly bool) (attWord, int, bool) {
	r, _ := utf8.DecodeRuneInString(s)
	if !attWordStart[r] {
		return attWord{}, 0, false
	}
	// Byte offsets of the ends of the first maxWordRunes runes.
	var ends [16]int
	n, off := 0, 0
	for off < len(s) && n < attMaxWordRunes && n < len(ends) {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
		ends[n] = off
		n++
	}
	for k := n - 1; k >= 0; k-- {
		if w, ok := attLexicon[s[:ends[k]]]; ok && !(strongOnly && w.weak) {
			return w, ends[k], true
		}
	}
	return attWord{}, 0, false
}

// attUnits are the units after a number, longest first.
var attUnits = []struct {
	text string
	unit attUnit
}{
	{"个课时", uHours}, {"个学时", uHours}, {"个整天", uDays}, {"个晚上", uNights}, {"个人", uPersons},
	{"节课", uHours}, {"课时", uHours}, {"学时", uHours}, {"堂课", uHours}, {"整天", uDays},
	{"节", uHours}, {"堂", uHours}, {"天", uDays}, {"日", uDays}, {"晚", uNights}, {"夜", uNights},
	{"宿", uNights}, {"次", uTimes}, {"个星期", uWeeks}, {"星期", uWeeks}, {"周", uWeeks}, {"人", uPersons}, {"名", uPersons}, {"位", uPersons},
}

// attLeadingUnit reads a unit at the start of s.
func attLeadingUnit(s string) (attUnit, int, bool) {
	for _, u := range attUnits {
		if strings.HasPrefix(s, u.text) {
			return u.unit, len(u.text), true
		}
	}
	return 0, 0, false
}
