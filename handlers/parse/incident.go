package parse

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// IncidentReport is what the text of an urgent incident report (急报) says.
// Its fields are those of incident.Facts, in the same order and of the same
// types, so that the handler converts with incident.Facts(*r); this package
// does not import incident (both are leaves). Zero means "not stated" unless
// a flag says otherwise.
type IncidentReport struct {
	Kind       string    `json:"kind"`                  // 事故, 隐患 or 不稳定因素
	Category   string    `json:"category"`              // a key of the Categories
	Time       time.Time `json:"time,omitzero"`         // when it happened, on ref's date unless a date is written
	TimeApprox bool      `json:"time_approx,omitempty"` // 许, 左右, or a period word alone (中午)
	Place      string    `json:"place,omitempty"`

	Dead             int  `json:"dead,omitempty"`
	Missing          int  `json:"missing,omitempty"`
	Injured          int  `json:"injured,omitempty"`
	SeriouslyInjured int  `json:"seriously_injured,omitempty"` // the part of Injured that is 重伤/危重
	Ill              int  `json:"ill,omitempty"`
	Hospitalised     int  `json:"hospitalised,omitempty"`
	CountsApprox     bool `json:"counts_approx,omitempty"` // 十余名 counts 10, 20余人 20
	NoHarm           bool `json:"no_harm,omitempty"`       // 无人员伤亡, 无大碍 and no one counted

	LossYuan   int64 `json:"loss_yuan,omitempty"`
	LossKnown  bool  `json:"loss_known,omitempty"` // an amount, or 无财产损失
	LossApprox bool  `json:"loss_approx,omitempty"`

	Cause    string `json:"cause,omitempty"`
	Measures string `json:"measures,omitempty"`
	Help     string `json:"help,omitempty"`
	Serious  bool   `json:"serious,omitempty"` // 造成严重后果

	// HospitalAssumed: people taken to a hospital (送医, 120接走) are counted
	// in Hospitalised because no text said whether they were admitted (SPEC
	// §7 fail safe) — until a follow-up says so.
	HospitalAssumed bool `json:"hospital_assumed,omitempty"`
	// Grave lists the words that make an injury grave in the fail-safe rule
	// of SPEC §7, in text order: fractures and burns (骨折, 烧伤), violence
	// (持刀, 砍伤, 斗殴, 校园暴力), a crash of a school or hired vehicle
	// (校车侧翻, 租用车辆相撞).
	Grave []string `json:"grave,omitempty"`
}

// Categories maps each incident category to the words that suggest it. The
// category whose words cover most of the text wins; ties go to the order of
// DefaultCategories (the categories that make an incident 重大 first), then
// to the name. A category without words (其他) is the fallback.
type Categories map[string][]string

// Incident kinds and the fallback category, as the incident package spells them.
const (
	IncidentAccident = "事故"
	IncidentHazard   = "隐患"
	IncidentUnrest   = "不稳定因素"
	CategoryOther    = "其他"
)

// incidentCategoryOrder breaks ties between categories.
var incidentCategoryOrder = []string{
	"学生死亡", "租用车辆隐患", "传染病疫情", "食品卫生", "体罚", "消防", "交通", "自然灾害", "校舍", "治安",
	"财产丢失", "校园伤害", CategoryOther,
}

// DefaultCategories returns the categories of 篇4 and 篇9 with their words.
func DefaultCategories() Categories {
	return Categories{
		"校园伤害": {"摔倒", "摔伤", "跌倒", "滑倒", "绊倒", "摔下", "跌落", "坠落", "骨折", "扭伤", "擦伤", "划伤", "割伤",
			"砸伤", "撞伤", "碰伤", "夹伤", "烫伤", "咬伤", "打架", "打闹", "追逐", "踩踏", "体育课", "课间", "受伤", "溺水",
			"触电", "磕", "摔"},
		"学生死亡": {"死亡", "身亡", "溺亡", "坠亡", "遇难", "丧生", "去世", "离世", "抢救无效", "不治", "猝死"},
		"财产丢失": {"丢失", "被盗", "失窃", "盗窃", "偷窃", "被偷", "遗失", "撬", "损坏", "毁坏", "被砸", "盗走", "偷走"},
		"食品卫生": {"食物中毒", "中毒", "腹痛", "腹泻", "呕吐", "拉肚子", "肚子疼", "肚子痛", "恶心", "饭菜", "食品",
			"食物", "变质", "过期", "异物", "饮用水", "桶装水", "餐具", "老鼠", "蟑螂", "留样", "就餐", "午餐", "晚餐", "早餐"},
		"租用车辆隐患": {"租用车辆", "租用的车辆", "租用的车", "租车", "包车", "校车", "接送车", "接送学生的车", "营运车",
			"大巴", "中巴", "面包车", "超载", "超员", "无证驾驶", "刹车失灵", "黑车", "非法营运", "车况"},
		"体罚": {"体罚", "变相体罚", "体罚学生", "打骂", "打学生", "殴打学生", "罚站", "罚跪", "罚跑", "罚蹲", "罚做",
			"蛙跳", "扇耳光", "打耳光", "扇了", "揪耳朵", "拧耳朵", "辱骂学生", "踢学生", "踹", "教鞭", "戒尺", "罚晒"},
		"交通": {"交通事故", "车祸", "被车撞", "撞倒", "追尾", "侧翻", "翻车", "电动车", "摩托车", "自行车", "轿车",
			"货车", "三轮车", "公交", "马路", "公路", "路口", "闯红灯", "肇事", "机动车", "两车相撞", "车辆相撞", "撞车", "剐蹭"},
		"消防": {"火灾", "起火", "着火", "失火", "火情", "冒烟", "浓烟", "燃烧", "烧毁", "灭火", "消防", "短路", "烧伤",
			"爆炸", "燃气", "煤气", "漏电", "电线", "引燃"},
		"传染病疫情": {"传染病", "疫情", "流感", "水痘", "手足口", "诺如", "肺结核", "结核", "腮腺炎", "麻疹", "猩红热",
			"红眼病", "新冠", "聚集性", "病毒", "诺如病毒", "发热", "发烧", "疑似病例", "确诊", "病例"},
		"校舍": {"校舍", "墙体", "围墙", "倒塌", "坍塌", "垮塌", "裂缝", "漏水", "渗水", "天花板", "吊顶",
			"脱落", "栏杆", "护栏", "门窗", "玻璃", "危房", "松动", "房屋", "屋顶", "瓦片", "看台", "篮球架", "断裂"},
		"自然灾害": {"暴雨", "暴风", "大风", "台风", "雷电", "雷击", "山洪", "洪水", "泥石流", "滑坡", "地震", "冰雹",
			"暴雪", "冰冻", "内涝", "塌方", "强降雨"},
		"治安": {"斗殴", "群殴", "持刀", "行凶", "抢劫", "敲诈", "勒索", "社会人员", "校外人员", "社会青年", "闯入", "滋事",
			"寻衅", "欺凌", "霸凌", "诈骗", "闹事", "围堵", "聚集", "上访", "纠纷", "出走"},
		CategoryOther: nil,
	}
}

// ErrEmptyIncident is returned for a report without any text.
var ErrEmptyIncident = errors.New("parse: incident report has no text")

// incidentKeywords may still lead the body (the handler may pass the whole
// message); 隐患 among them makes the kind 隐患.
var incidentKeywords = []string{"急报", "突发", "紧急", "事故", "隐患", "初报", "首报"}

// Incident reads the free text of an incident report. body is the text after
// the keyword (急报, 突发, 紧急, 事故, 隐患); a keyword still present is
// skipped, and pass it when it is 隐患, which sets the kind. ref is the
// message time: times are read on its date unless the text names a day, and
// a time of day more than an hour after ref without a day named is taken as
// the day before. cats nil means DefaultCategories.
//
// Everything is optional: the result says what the text states and the
// incident package asks for what is missing. Only an empty text is an error.
func Incident(body string, ref time.Time, cats Categories) (*IncidentReport, error) {
	return IncidentUpdate(body, ref, cats, IncidentReport{})
}

// IncidentUpdate reads a follow-up (续报) or the written report (书面) of an
// incident whose facts so far are known. Its counts are the totals after the
// text (SPEC §7 "follow-ups add, never silently overwrite"): a count changes
// only as the text states it — a new total (共5人, 人数上升至12人, 仍有1人住院),
// an increase (新增1人住院, 又有2名学生腹痛), a release (住院学生已出院: 0;
// 1人已出院: one less; 失踪学生已找到), or a plain count that is larger than
// the known one (a plain count never lowers: it may name only some of the
// people). The other fields are what the text itself says; Incident is
// IncidentUpdate with nothing known.
func IncidentUpdate(body string, ref time.Time, cats Categories, known IncidentReport) (*IncidentReport, error) {
	s := Normalize(body)
	hazardKeyword := false
	for stripped := true; stripped; {
		stripped = false
		for _, k := range incidentKeywords {
			if strings.HasPrefix(s, k) {
				hazardKeyword = hazardKeyword || k == "隐患"
				s = strings.TrimLeft(s[len(k):], " :,;、。.!")
				stripped = true
			}
		}
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return nil, ErrEmptyIncident
	}
	if cats == nil {
		cats = DefaultCategories()
	}
	r := &IncidentReport{}
	incidentPeople(s, known, r)
	r.Grave = incidentGrave(s)
	r.LossYuan, r.LossApprox, r.LossKnown = incidentLoss(s)
	r.Time, r.TimeApprox = incidentTime(s, ref)
	r.Place = incidentPlace(s)
	r.Cause = incidentCause(s)
	r.Measures = incidentMeasures(s)
	r.Help = incidentHelp(s)
	r.Serious = incAffirmed(s, "严重后果", "后果严重")
	r.Category = incidentCategory(s, cats)
	r.Kind = incidentKind(s, r, hazardKeyword)
	return r, nil
}

// incGraveWords make an injury grave (SPEC §7 fail safe): fractures and
// burns, and violence. A crash of a school or hired vehicle is a word of
// incGraveVehicles followed by one of incGraveCrashes (校车侧翻).
var (
	incGraveWords = []string{"骨折", "骨裂", "烧伤", "烫伤", "灼伤", "持刀", "砍伤", "刺伤", "捅伤", "刀伤", "斗殴",
		"群殴", "围殴", "殴打", "行凶", "打伤", "校园暴力", "欺凌", "霸凌"}
	incGraveVehicles = []string{"校车", "租用车辆", "租用的车辆", "租用的车", "租车", "包车", "接送车", "接送学生的车",
		"大巴", "中巴"}
	incGraveCrashes = []string{"侧翻", "翻车", "相撞", "撞车", "追尾", "碰撞", "翻下", "坠河", "坠入"}
)

// incidentGrave lists the grave words the text affirms, in text order.
func incidentGrave(s string) []string {
	type found struct {
		at   int
		word string
	}
	var all []found
	first := func(words []string) (found, bool) {
		best := found{at: -1}
		for _, w := range words {
			if at := incAffirmedAt(s, w); at >= 0 && (best.at < 0 || at < best.at) {
				best = found{at, w}
			}
		}
		return best, best.at >= 0
	}
	for _, w := range incGraveWords {
		if at := incAffirmedAt(s, w); at >= 0 {
			all = append(all, found{at, w})
		}
	}
	if v, ok := first(incGraveVehicles); ok {
		if c, ok := first(incGraveCrashes); ok {
			all = append(all, found{v.at, v.word + c.word})
		}
	}
	slices.SortStableFunc(all, func(a, b found) int { return a.at - b.at })
	var out []string
	for _, f := range all {
		out = append(out, f.word)
	}
	return out
}

// incidentKind: 隐患 when the keyword or the text says so (隐患, 险情) or when
// a condition is described (松动, 超载, 过期 …) and nobody was harmed and
// nothing lost; 不稳定因素 for the unrest of 篇9 二.2 unless someone died;
// 事故 otherwise.
func incidentKind(s string, r *IncidentReport, hazardKeyword bool) string {
	harmed := r.Dead+r.Missing+r.Injured+r.Ill+r.Hospitalised > 0
	switch {
	case hazardKeyword:
		return IncidentHazard
	case strings.Contains(s, "不稳定因素") || strings.Contains(s, "不稳定"):
		return IncidentUnrest
	case !harmed && incAffirmed(s, "隐患", "险情", "安全风险"):
		return IncidentHazard
	case r.Dead == 0 && incAffirmed(strings.ReplaceAll(s, "聚集性", ""), incUnrestWords...):
		return IncidentUnrest
	case !harmed && r.LossYuan == 0 && incAffirmed(s, incConditionWords...):
		return IncidentHazard
	}
	return IncidentAccident
}

var incUnrestWords = []string{"上访", "聚集", "闹事", "罢课", "围堵", "静坐", "拉横幅", "出走", "逾期未归", "扬言",
	"轻生", "自杀倾向", "心理问题", "心理障碍", "精神病", "躁动", "不满", "群体性", "舆情", "网上发帖", "失联", "走失", "失踪", "下落不明"}

var incConditionWords = []string{"松动", "裂缝", "开裂", "老化", "破损", "超载", "超员", "过期", "变质", "失灵", "漏电",
	"倾斜", "不合格", "无证", "存在", "裸露", "缺失", "堵塞", "积水"}

// incidentCategory scores every category by the length of its words found
// (each word once, negated ones not counted).
func incidentCategory(s string, cats Categories) string {
	best, bestScore, bestRank := CategoryOther, 0, len(incidentCategoryOrder)
	names := make([]string, 0, len(cats))
	for name := range cats {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		score := 0
		for _, w := range cats[name] {
			if w != "" && incAffirmed(s, w) {
				score += utf8.RuneCountInString(w)
			}
		}
		rank := slices.Index(incidentCategoryOrder, name)
		if rank < 0 {
			rank = len(incidentCategoryOrder)
		}
		if score > bestScore || score == bestScore && score > 0 && rank < bestRank {
			best, bestScore, bestRank = name, score, rank
		}
	}
	if bestScore == 0 {
		if _, ok := cats[CategoryOther]; !ok {
			return ""
		}
	}
	return best
}

// incAffirmed reports whether s contains one of words at a place where
// it is not negated (无人受伤, 未发现隐患, 排除食物中毒).
func incAffirmed(s string, words ...string) bool {
	for _, w := range words {
		if incAffirmedAt(s, w) >= 0 {
			return true
		}
	}
	return false
}

// incAffirmedAt returns the byte offset of the first occurrence of w in s
// that is not negated, or -1.
func incAffirmedAt(s, w string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return -1
		}
		if !incNegated(s, i+j) {
			return i + j
		}
		i += j + len(w)
	}
}

// incNegators, and the fillers that may stand between a negator and the word
// it negates (未造成人员伤亡, 没有出现呕吐, 无人受伤).
var (
	incNegators = []string{"无需", "无须", "不需要", "不需", "不用", "没有", "并未", "均未", "均无", "并无", "暂无", "未见",
		"排除", "否认", "是否", "有无", "不是", "无", "未", "没"}
	incNegFillers = []string{"人员", "学生", "师生", "任何", "明显", "出现", "发现", "造成", "导致", "引起", "发生",
		"受到", "其他", "身体", "人身", "因此", "财产", "经济", "直接", "重大", "安全", "人员伤亡和", "人员伤亡及", "伤亡和", "伤亡及",
		"人", "有", "见", "再", "均", "并", "都",
		"也", "的"}
)

// incNegated reports whether the word starting at byte i of s is negated.
func incNegated(s string, i int) bool {
	before := s[:i]
	for steps := 0; steps < 6; steps++ {
		for _, n := range incNegators {
			if strings.HasSuffix(before, n) {
				return true
			}
		}
		trimmed := false
		for _, f := range incNegFillers {
			if strings.HasSuffix(before, f) {
				before = before[:len(before)-len(f)]
				trimmed = true
				break
			}
		}
		if !trimmed {
			return false
		}
	}
	return false
}
