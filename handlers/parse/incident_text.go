package parse

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// incClauseEnds end a clause for the cause, measures, help and place.
const incClauseEnds = ",;。!?\n"

// incidentPeriods are the period words a time may be given by alone, with
// the hour they stand for (approximate) and the hour they begin.
var incidentPeriods = []struct {
	word        string
	hour, start int
}{
	{"晚自习", 20, 18}, {"放学后", 17, 16}, {"凌晨", 3, 0}, {"清晨", 6, 5}, {"早晨", 7, 5}, {"早上", 7, 5},
	{"今晨", 7, 5}, {"今早", 7, 5}, {"上午", 10, 6}, {"中午", 12, 11}, {"午休", 13, 12}, {"午后", 14, 12},
	{"下午", 15, 12}, {"傍晚", 18, 17}, {"晚上", 20, 18}, {"晚间", 20, 18}, {"今晚", 20, 18}, {"昨晚", 20, 18},
	{"夜间", 22, 20}, {"夜里", 22, 20}, {"昨夜", 22, 20}, {"深夜", 23, 22}, {"半夜", 23, 22},
}

// incidentTime finds when it happened: the first clock time (12:40,
// 15时25分许, 下午14:24分, 早6:30左右) on the day last named before it (今天,
// 昨天, 11月26日 …) or else ref's day; or, without a clock, the first period
// word (中午, 今天上午), approximate. With no day named, a clock time more
// than an hour after ref, or a period that has not begun by ref, is
// yesterday's; a period under way at ref stands for ref at the latest. Zero
// when the text gives no time of day.
func incidentTime(s string, ref time.Time) (time.Time, bool) {
	var (
		day        time.Time // the last day named, zero if none
		evening    bool      // that day was named 昨晚/今晚/昨夜
		periodAt   time.Time // the first period word alone, on its day
		periodSeen bool
	)
	on := func(d time.Time, h, m int) time.Time {
		if d.IsZero() {
			d = ref
		}
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, ref.Location())
	}
	for i := 0; i < len(s); {
		rest := s[i:]
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		_, prevDigit := arabicDigit(prev)
		atBoundary := !prevDigit && !isChineseNumeral(prev) && prev != '.' && prev != ':'
		if strings.HasPrefix(rest, "今晨") || strings.HasPrefix(rest, "今早") {
			day, evening = on(ref, 0, 0), false
		}
		if atBoundary && incUpdateTime(s[:i]) {
			// 截至18时: the time of the update, not of the event.
			if _, after, ok := LeadingDate(rest, ref); ok && len(after) < len(rest) {
				rest = after
			}
			if _, after, ok := LeadingClock(rest); ok {
				rest = after
			}
			if len(rest) < len(s[i:]) {
				i = len(s) - len(rest)
				continue
			}
		}
		if atBoundary {
			if d, after, ok := LeadingDate(rest, ref); ok && len(after) < len(rest) {
				day = d
				evening = strings.HasPrefix(rest, "昨晚") || strings.HasPrefix(rest, "今晚")
				if evening && !periodSeen {
					periodAt, periodSeen = on(d, 20, 0), true
				}
				i += len(rest) - len(after)
				continue
			}
			if strings.HasPrefix(rest, "昨夜") {
				day, evening = on(ref.AddDate(0, 0, -1), 0, 0), true
			}
			if c, after, ok := LeadingClock(rest); ok && incClockPlausible(rest, c, after) {
				h := c.Hour
				if c.Period == "" && evening && h >= 5 && h < 12 {
					h += 12
				}
				t := on(day, h, c.Minute)
				if day.IsZero() && t.After(ref.Add(time.Hour)) {
					t = t.AddDate(0, 0, -1)
				}
				return t, incApproxAround(s[:i], after)
			}
		}
		if !periodSeen {
			for _, p := range incidentPeriods {
				if strings.HasPrefix(rest, p.word) {
					d := day
					switch p.word {
					case "今晨", "今早", "今晚":
						d = on(ref, 0, 0)
					case "昨晚", "昨夜":
						d = on(ref.AddDate(0, 0, -1), 0, 0)
					}
					periodAt, periodSeen = on(d, p.hour, 0), true
					if d.IsZero() {
						switch now := ref.Truncate(time.Minute); {
						case on(ref, p.start, 0).After(ref):
							periodAt = periodAt.AddDate(0, 0, -1)
						case periodAt.After(now):
							periodAt = now
						}
					}
					break
				}
			}
		}
		_, size := utf8.DecodeRuneInString(rest)
		i += size
	}
	if periodSeen {
		return periodAt, true
	}
	return time.Time{}, false
}

// incUpdateTime reports whether a time after before is the time of an
// update (截至18时, 截止到今天17时, 目前（18时）) rather than of the event.
func incUpdateTime(before string) bool {
	_, ok := incTrailingAny(strings.TrimRight(before, " "), []string{"截至", "截止", "截止到", "截至到", "截止至", "到目前", "目前"})
	return ok
}

// incClockPlausible refuses clock readings that are ordinary words: a Chinese
// hour needs a two-character period word or minutes, 半, 整, 许 or 左右 after
// it (好一点, 晚一点 are not times).
func incClockPlausible(text string, c Clock, after string) bool {
	digits := strings.TrimPrefix(text, c.Period)
	if _, arabic := arabicDigit(yuanFirstRune(digits)); arabic {
		return true
	}
	if utf8.RuneCountInString(c.Period) >= 2 {
		return true
	}
	read := digits[:len(digits)-len(after)]
	if strings.ContainsAny(read, "分半整") {
		return true
	}
	for _, w := range []string{"许", "左右", "前后", "多", "钟"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// incApproxAround reports an approximation word just before or after a time.
func incApproxAround(before, after string) bool {
	for _, w := range []string{"许", "左右", "前后", "多", "上下"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	before = strings.TrimRight(before, " ")
	for _, w := range []string{"约", "大约", "大概", "大致", "约在"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// incidentPlace finds where it happened: a 地点 label, else a 在…/于… phrase
// that names a place, else the first place word (教室, 食堂, 操场 …) with the
// words around it that belong to it (3号宿舍楼, 二楼走廊内).
func incidentPlace(s string) string {
	if v := incLabelled(s, "地点是", "地点为", "地点:", "地点"); v != "" {
		return v
	}
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "在于")
		if j < 0 {
			break
		}
		at := i + j
		r, size := utf8.DecodeRuneInString(s[at:])
		i = at + size
		if !incPlaceMarker(s, at, r) {
			continue
		}
		if p := incPlacePhrase(s[i:]); p != "" {
			return p
		}
	}
	return incPlaceByWord(s)
}

// incPlaceMarker reports whether 在 or 于 at byte i introduces a place rather
// than being part of a word (存在, 现在, 由于, 对于 …).
func incPlaceMarker(s string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
	if r == '在' {
		return !strings.ContainsRune("存现所实自潜好旨意", prev) && !strings.ContainsRune("于乎场", next)
	}
	return !strings.ContainsRune("由对关属至等终处用过便基鉴善乐勇敢急易难免", prev) && next != '是'
}

// incPlaceStops end a place phrase: the verb or time word after the place.
var incPlaceStops = []string{"的时候", "过程中", "期间", "时", "被", "因", "由于", "不慎", "突然", "发生", "与", "和", "跟",
	"同", "遭", "将", "把", "后", "进行"}

// incPlacePhrase reads the place at the start of s, up to a clause end or a stop
// word, and keeps its longest prefix that ends with a place (plus locative
// words such as 上, 内, 门口). Medical and police places are where people were
// taken, not where it happened.
func incPlacePhrase(s string) string {
	s = incPrefix(s, 40)
	end := len(s)
	if k := strings.IndexAny(s, incClauseEnds+":、()"); k >= 0 {
		end = k
	}
	for _, w := range incPlaceStops {
		if k := strings.Index(s[:end], w); k >= 0 && k < end {
			end = k
		}
	}
	cand := s[:end]
	if utf8.RuneCountInString(cand) > 25 {
		return ""
	}
	best := ""
	for k := len(cand); k > 0; {
		if p := cand[:k]; incEndsWithPlace(p) {
			best = p
			break
		}
		_, size := utf8.DecodeLastRuneInString(cand[:k])
		k -= size
	}
	best = incWithLocatives(best, cand[len(best):])
	if utf8.RuneCountInString(best) < 2 || incTreatmentPlace(best) {
		return ""
	}
	return best
}

// incPlaceWords name places; incPlaceSuffixes end place names (…楼, …室, …路).
var (
	incPlaceWords = []string{"教室", "食堂", "餐厅", "操场", "运动场", "宿舍", "寝室", "楼梯", "楼道", "走廊", "实验室",
		"厕所", "卫生间", "洗手间", "体育馆", "图书馆", "教学楼", "办公楼", "宿舍楼", "实验楼", "综合楼", "篮球场",
		"足球场", "排球场", "跑道", "看台", "围墙", "校园", "校门口", "校门", "大门口", "家中", "家里", "河边", "水塘",
		"池塘", "水库", "公路", "马路", "路口", "校车", "超市", "小卖部", "浴室", "澡堂", "锅炉房", "配电房", "配电室",
		"机房", "微机室", "舞台", "花坛", "停车场", "车棚", "礼堂", "会议室", "办公室", "医务室", "仓库", "阳台", "天台",
		"楼顶", "屋顶", "窗台", "讲台", "单杠", "双杠", "游泳池", "泳池", "水池", "工地", "途中", "路上", "拐角", "后山",
		"大门", "东门", "西门", "南门", "北门", "侧门", "后门", "盥洗室", "水房", "开水房", "滑梯"}
	incPlaceSuffixes = "楼层室堂场舍馆厅园路街村镇河湖塘池站所校厕房门口区段库山坡桥台梯廊道间店厂湾港田林巷寺坝沟溪江海井棚亭墙顶角车"
	incLocatives     = []string{"门口", "附近", "旁边", "一带", "周边", "周围", "东侧", "西侧", "南侧", "北侧", "上", "下",
		"内", "外", "里", "旁", "边", "处", "前", "中"}
)

func incEndsWithPlace(p string) bool {
	for _, w := range incPlaceWords {
		if strings.HasSuffix(p, w) {
			return true
		}
	}
	r, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(incPlaceSuffixes, r)
}

// incWithLocatives appends the locative words that follow a place.
func incWithLocatives(place, after string) string {
	if place == "" {
		return ""
	}
	for more := true; more; {
		more = false
		for _, l := range incLocatives {
			if strings.HasPrefix(after, l) {
				place, after, more = place+l, after[len(l):], true
				break
			}
		}
	}
	return place
}

func incTreatmentPlace(p string) bool {
	for _, w := range []string{"医院", "卫生院", "诊所", "医务室", "派出所", "急诊", "医疗"} {
		if strings.Contains(p, w) {
			return true
		}
	}
	return false
}

// incPlaceModifiers may stand before a place word and belong to it (3号宿舍楼,
// 高一(2)班教室, 学校西侧围墙): these characters and incPlaceModifierWords.
const incPlaceModifiers = "0123456789一二三四五六七八九十零两号楼层栋幢座()班级年初高东西南北侧内"

var incPlaceModifierWords = []string{"学校", "学生", "男生", "女生", "校内", "本校", "教师", "教职工"}

// incPlaceByWord finds the first place word outside the clauses that tell
// the measures taken (已对教室消毒) and widens it to the modifiers before it
// and the place words, floors and locatives after it (3号宿舍楼, 教学楼三楼
// 走廊内).
func incPlaceByWord(s string) string {
	for _, clause := range incSplit(s, incClauseEnds) {
		if incMeasureIn(clause) != "" {
			continue
		}
		if p := incPlaceInClause(clause); p != "" {
			return p
		}
	}
	return ""
}

func incPlaceInClause(s string) string {
	bestAt, bestWord := -1, ""
	for _, w := range incPlaceWords {
		at := strings.Index(s, w)
		if at >= 0 && (bestAt < 0 || at < bestAt || at == bestAt && len(w) > len(bestWord)) {
			bestAt, bestWord = at, w
		}
	}
	if bestAt < 0 {
		return ""
	}
	start := bestAt
	for widened := true; widened && start > 0; {
		widened = false
		if w, ok := incTrailingAny(s[:start], incPlaceModifierWords); ok {
			start -= len(w)
			widened = true
		} else if r, size := utf8.DecodeLastRuneInString(s[:start]); strings.ContainsRune(incPlaceModifiers, r) {
			start -= size
			widened = true
		}
	}
	// Widen to the right over modifiers and place words; keep the longest
	// stretch that ends with a place.
	end := bestAt + len(bestWord)
	for k := end; k < len(s); {
		if w, ok := incLeadingAny(s[k:], incPlaceWords); ok {
			k += len(w)
			end = k
			continue
		}
		if w, ok := incLeadingAny(s[k:], incPlaceModifierWords); ok {
			k += len(w)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[k:])
		if !strings.ContainsRune(incPlaceModifiers, r) {
			break
		}
		k += size
		if strings.ContainsRune(incPlaceSuffixes, r) {
			end = k
		}
	}
	place := incWithLocatives(s[start:end], s[end:])
	if incTreatmentPlace(place) {
		return ""
	}
	return place
}

func incTrailingAny(s string, words []string) (string, bool) {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return w, true
		}
	}
	return "", false
}

// incLabelled returns the text after the first of labels, up to the clause end.
func incLabelled(s string, labels ...string) string {
	for _, l := range labels {
		i := strings.Index(s, l)
		if i < 0 {
			continue
		}
		v := s[i+len(l):]
		if !strings.HasSuffix(l, ":") && !strings.HasSuffix(l, "是") && !strings.HasSuffix(l, "为") {
			if !strings.HasPrefix(v, ":") {
				continue
			}
			v = v[1:]
		}
		if k := strings.IndexAny(v, incClauseEnds); k >= 0 {
			v = v[:k]
		}
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// incCauseMarkers introduce the cause, most specific first.
var incCauseMarkers = []string{"原因是", "原因为", "原因系", "原因:", "起因是", "起因为", "起因:", "初步判断为", "初步判断是",
	"初步认定为", "初步查明", "经初步调查", "疑似因", "疑因", "疑系", "由于", "因为", "因"}

// incCauseCuts end a cause before its consequence (电线老化引发火灾 → 电线老化).
var incCauseCuts = []string{"所致", "导致", "引发", "引起", "造成", "致使", "与", "发生", "而", "致", "在"}

// incidentCause finds the cause: after 因, 由于, 原因是, 疑系 … up to the
// clause end or the consequence.
func incidentCause(s string) string {
	if v := incLabelled(s, "原因:", "起因:"); v != "" {
		return incCutCause(v)
	}
	for i := 0; i < len(s); {
		m, ok := incLeadingAny(s[i:], incCauseMarkers)
		if !ok {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		if m == "因" && !incCauseMarkerAt(s, i) {
			i += len(m)
			continue
		}
		v := incPrefix(s[i+len(m):], 60)
		if k := strings.IndexAny(v, incClauseEnds); k >= 0 {
			v = v[:k]
		}
		if v = incCutCause(strings.TrimPrefix(v, ":")); v != "" {
			return v
		}
		i += len(m)
	}
	return ""
}

// incCauseMarkerAt reports whether a lone 因 at byte i means "because of".
func incCauseMarkerAt(s string, i int) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+len("因"):])
	return !strings.ContainsRune("原起病死基诱成主内外", prev) && !strings.ContainsRune("此而素果", next)
}

func incCutCause(v string) string {
	// 与同学发生矛盾: the 发生 belongs to the cause.
	together := strings.HasPrefix(v, "与") || strings.HasPrefix(v, "和") || strings.HasPrefix(v, "跟")
	for _, c := range incCauseCuts {
		if c == "发生" && together {
			continue
		}
		if k := strings.Index(v, c); k > 0 {
			v = v[:k]
		}
	}
	return strings.TrimSpace(v)
}

func incLeadingAny(s string, words []string) (string, bool) {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return w, true
		}
	}
	return "", false
}

// incMeasureMarkers and incMeasureVerbs: a clause with a marker followed by a
// verb of response is a measure taken (已送县医院, 立即拨打120, 已疏散学生).
var (
	incMeasureMarkers = []string{"已经", "已", "立即", "立刻", "随即", "随后", "当即", "及时", "迅速", "马上", "第一时间",
		"正在", "现正", "紧急"}
	incMeasureVerbs = []string{"送", "报警", "报告", "上报", "拨打", "采取", "疏散", "通知", "联系", "告知", "封锁", "封存",
		"封闭", "隔离", "扑灭", "关闭", "停止", "停用", "停运", "暂停", "启动", "安排", "组织", "转移", "撤离", "设置",
		"更换", "维修", "修复", "加固", "处理", "处置", "清理", "消毒", "排查", "要求", "责令", "派", "抢救", "救治",
		"医治", "治疗", "控制", "寻找", "搜寻", "搜救", "保护", "警戒", "调查", "介入", "赶到", "赶赴", "到场", "出警",
		"安抚", "约谈", "叫停", "拦截", "劝离", "带离", "疏导", "包扎", "看护", "陪同", "核实", "留样", "取样", "检测",
		"切断", "断电", "拉起", "张贴", "通报", "救"}
)

// incidentMeasures collects the measures taken, one per clause, joined by ，.
func incidentMeasures(s string) string {
	var out []string
	for _, clause := range incSplit(s, incClauseEnds) {
		if m := incMeasureIn(clause); m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return strings.Join(out, "，")
}

// incMeasureIn returns the measure of a clause: from its marker on, with a
// short subject before it kept (班主任已通知家长).
func incMeasureIn(clause string) string {
	for i := 0; i < len(clause); {
		m, ok := incLeadingAny(clause[i:], incMeasureMarkers)
		if !ok {
			_, size := utf8.DecodeRuneInString(clause[i:])
			i += size
			continue
		}
		after := incPrefix(clause[i+len(m):], 12)
		for _, v := range incMeasureVerbs {
			if k := strings.Index(after, v); k >= 0 && utf8.RuneCountInString(after[:k]) <= 8 && !incNegated(after, k) {
				start := i
				if subject := clause[:i]; utf8.RuneCountInString(subject) <= 6 && !strings.ContainsFunc(subject, incNumeralRune) &&
					!strings.Contains(subject, ":") {
					start = 0
				}
				return strings.TrimSpace(clause[start:])
			}
		}
		i += len(m)
	}
	return ""
}

func incNumeralRune(r rune) bool {
	_, ok := arabicDigit(r)
	return ok || isChineseNumeral(r)
}

// incHelpMarkers ask; incHelpWords name what is asked (请求派员支援, 需要消防协助).
var (
	incHelpMarkers = []string{"请求", "恳请", "申请", "急需", "需要", "希望", "请", "需"}
	incHelpWords   = []string{"援助", "支援", "协助", "帮助", "协调", "派", "指导", "救援", "支持", "增援", "专家", "介入"}
)

// incidentHelp finds the help requested: a clause with 请求/恳请 or with a
// request word before what is asked.
func incidentHelp(s string) string {
	var out []string
	for _, clause := range incSplit(s, incClauseEnds) {
		for i := 0; i < len(clause); {
			m, ok := incLeadingAny(clause[i:], incHelpMarkers)
			if !ok {
				_, size := utf8.DecodeRuneInString(clause[i:])
				i += size
				continue
			}
			after := incPrefix(clause[i+len(m):], 20)
			asks := m == "请求" || m == "恳请"
			for _, w := range incHelpWords {
				if strings.Contains(after, w) {
					asks = true
				}
			}
			if asks && !incNegated(clause, i) {
				out = append(out, strings.TrimSpace(clause[i:]))
				break
			}
			i += len(m)
		}
	}
	return strings.Join(out, "，")
}

// incLossContext words make an amount a property loss rather than a cost.
var incLossContext = []string{"损失", "价值", "丢失", "被盗", "失窃", "盗走", "偷走", "损坏", "烧毁", "毁坏", "财物", "现金",
	"被骗", "骗走", "维修费", "损毁"}

// incidentLoss finds the property loss in yuan: the largest amount in a
// clause about a loss (损失, 价值, 被盗 …), else the largest amount; 无财产损失
// states a loss of zero.
func incidentLoss(s string) (yuan int64, approx, known bool) {
	var best, bestAny int64 = -1, -1
	var bestApprox, bestAnyApprox bool
	for _, clause := range incSplit(s, incClauseEnds) {
		withContext := false
		for _, w := range incLossContext {
			withContext = withContext || strings.Contains(clause, w)
		}
		for i := 0; i < len(clause); {
			if incStartsAmount(clause, i) {
				if v, a, after, ok := LeadingYuan(clause[i:]); ok {
					if !withContext && !strings.Contains(clause[i:len(clause)-len(after)], "元") &&
						!strings.HasPrefix(after, "钱") {
						// 两块掉落, 一块石膏板: 块 is money only beside a loss or as 块钱.
						i = len(clause) - len(after)
						continue
					}
					if withContext && v > best {
						best, bestApprox = v, a
					}
					if v > bestAny {
						bestAny, bestAnyApprox = v, a
					}
					i = len(clause) - len(after)
					continue
				}
			}
			_, size := utf8.DecodeRuneInString(clause[i:])
			i += size
		}
	}
	switch {
	case best >= 0:
		return best, bestApprox, true
	case bestAny >= 0:
		return bestAny, bestAnyApprox, true
	case !incAffirmed(s, "损失") && strings.Contains(s, "损失"):
		return 0, false, true
	case slices.Contains([]string{"无", "没有", "暂无", "0", "零", "0元"}, incLabelled(s, "损失:", "财产损失:")):
		return 0, false, true
	}
	return 0, false, false
}

// incStartsAmount reports whether an amount may start at byte i: a number start
// or an approximation word before one.
func incStartsAmount(s string, i int) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	if _, ok := arabicDigit(prev); ok || isChineseNumeral(prev) || prev == '.' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	_, digit := arabicDigit(r)
	return digit || isChineseNumeral(r) || strings.ContainsRune("约大估预将近数几上", r)
}

// incPrefix returns at most the first n runes of s: the phrases read after a
// marker are short, and bounding them keeps the parser linear on any input.
func incPrefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
