package parse

import (
	"strings"
	"unicode/utf8"
)

// What happened to people (SPEC §7 item 2), as bits of a harm set.
const (
	incDead uint8 = 1 << iota
	incMissing
	incInjured
	incSerious // also sets incInjured
	incIll
	incHospital
	// incToHospital: taken to a hospital (送医, 120接走). It counts as
	// incHospital when the text says nothing of admission (SPEC §7 fail safe).
	incToHospital
)

// incMode is what a count says of its people: how it changes the total
// known before the text (see IncidentUpdate).
type incMode uint8

const (
	incPlain incMode = iota // 3名学生受伤: at least that many
	incTotal                // 共5人, 人数上升至12人, 仍有1人住院: the new total
	incAdd                  // 新增1人, 又有2名: that many more
	incLess                 // 1人已出院, 已找到: that many fewer (all: none left)
)

// incTotalMarkers and incAddMarkers, right before a count, give its mode.
var (
	incTotalMarkers = []string{"上升至", "上升到", "增加至", "增加到", "增长至", "增长到", "增至", "升至", "达到", "已达",
		"共计", "总计", "合计", "累计", "一共", "总共", "共有", "仍有", "尚有", "现有", "目前有", "共", "达"}
	incAddMarkers = []string{"新增加", "新增", "又有", "另有", "再有", "又新增", "新发现", "又发现", "又出现", "增加了", "增加"}
)

// incReleaseWords end a state for some people: 出院 ends 住院, 找到 ends 失踪.
var incReleaseWords = []struct {
	harm  uint8
	words []string
}{
	{incHospital, []string{"出院"}},
	{incMissing, []string{"找到", "寻回", "找回", "联系上", "平安返回", "安全返回", "平安回家", "安全回家"}},
}

// incHarmWord is an entry of the harm lexicon. countOnly words (伤亡) are read
// only with a count of their own: alone they say nothing sure.
type incHarmWord struct {
	harm      uint8
	countOnly bool
}

// incHarmLexicon is matched longest first.
var incHarmLexicon = map[string]incHarmWord{}

// incHarmWords lists the keys of incHarmLexicon, longest first.
var incHarmWords []string

func init() {
	groups := []struct {
		harm  uint8
		words []string
	}{
		{incDead, []string{"死亡", "身亡", "溺亡", "坠亡", "遇难", "丧生", "去世", "离世", "不治", "抢救无效", "罹难",
			"猝死", "殒命"}},
		{incMissing, []string{"失踪", "下落不明", "失联", "走失", "去向不明", "联系不上", "至今未归"}},
		{incSerious | incInjured, []string{"重伤", "伤势较重", "伤势严重", "伤情较重", "伤情严重", "危重", "病危",
			"生命垂危", "重度烧伤", "重度烫伤"}},
		{incInjured, []string{"受伤", "轻伤", "擦伤", "划伤", "割伤", "刺伤", "砸伤", "撞伤", "烫伤", "烧伤", "摔伤",
			"扭伤", "咬伤", "抓伤", "碰伤", "夹伤", "灼伤", "挫伤", "扎伤", "戳伤", "跌伤", "磕伤", "骨折", "脱臼", "损伤",
			"流血", "出血", "外伤", "缝针", "破皮", "受了伤", "划破", "磕破", "摔破", "红肿", "打伤", "砍伤", "捅伤",
			"脑震荡", "骨裂", "拉伤", "撕裂", "淤青", "肿痛"}},
		{incIll, []string{"腹痛", "肚子痛", "肚子疼", "呕吐", "腹泻", "拉肚子", "发烧", "发热", "高烧", "中毒", "恶心",
			"头晕", "头痛", "头疼", "不适", "晕倒", "晕厥", "昏迷", "抽搐", "过敏", "皮疹", "咳嗽", "呼吸困难", "胸闷",
			"感染", "确诊", "病例", "发病", "患病", "病倒", "水痘", "流感", "手足口病", "腮腺炎", "麻疹", "猩红热",
			"红眼病", "出现症状", "有症状"}},
		{incHospital, []string{"住院", "留院", "留观", "入院", "ICU", "重症监护", "收治", "住进医院", "住进了医院"}},
	}
	for _, g := range groups {
		for _, w := range g.words {
			incHarmLexicon[w] = incHarmWord{harm: g.harm}
		}
	}
	incHarmLexicon["伤亡"] = incHarmWord{harm: incInjured, countOnly: true}
	for w := range incHarmLexicon {
		incHarmWords = append(incHarmWords, w)
	}
	incSortLongestFirst(incHarmWords)
}

// incSortLongestFirst orders words by decreasing byte length, then text, so
// that matching is leftmost-longest and deterministic.
func incSortLongestFirst(words []string) {
	for i := 1; i < len(words); i++ {
		for j := i; j > 0 && (len(words[j]) > len(words[j-1]) ||
			len(words[j]) == len(words[j-1]) && words[j] < words[j-1]); j-- {
			words[j], words[j-1] = words[j-1], words[j]
		}
	}
}

// incGroup is a group of people counted in the text ("3名学生") and
// what happened to them; a subset ("其中1人") belongs to its parent.
type incGroup struct {
	n      int
	approx bool
	harm   uint8
	parent *incGroup
	mode   incMode
	all    bool // incLess without a count: everyone released
}

// counts reports whether the group adds to the count of bit: it has that
// harm and is not a subset of a group that has it already.
func (e *incGroup) counts(bit uint8) bool {
	return e.harm&bit != 0 && (e.parent == nil || e.parent.harm&bit == 0)
}

// incToken is a count or a harm word found in a clause.
type incToken struct {
	at      int       // byte offset in the clause
	entity  *incGroup // a count
	harm    uint8     // a harm word
	onlyNum bool      // countOnly harm word
	claimed bool      // a count already taken by the harm word before it (死亡2人)
}

// incidentPeople counts the dead, missing, injured, seriously injured, ill
// and hospitalised, as totals after what known says (see IncidentUpdate).
// Counts attach to the harm words of their clause (clauses end at ，、；。 …):
// "3人重伤、11人轻伤留院观察", "死亡2人", "4死2伤2失踪". A harm word without a
// count of its own belongs to the last group counted ("3名学生受伤，均已住院"),
// or, when none was counted yet, to the next one unless that one has harm
// words of its own that say less ("驾驶人重伤，两名学生轻伤": 1 and 2), or else to one
// person ("学生张某头部受伤"). After 其中, groups are subsets of the group
// before ("3名学生腹痛，其中1人住院观察": 3 ill, 1 hospitalised). A clause
// with 出院 or 找到 releases people (住院学生已出院, 其中1人已出院); one that
// denies admission (无需住院) without a count of its own sets 住院 to 0.
func incidentPeople(s string, known IncidentReport, r *IncidentReport) {
	var (
		entities []*incGroup
		last     *incGroup // the group harm words without a count refer to
		parent   *incGroup // the group 其中 refers to; nil outside a subset
		deferred uint8     // harm words seen before any group
	)
	newEntity := func(e *incGroup) {
		e.parent = parent
		if parent != nil && parent.mode == incAdd && e.mode == incPlain {
			e.mode = incAdd // 新增3人腹痛，其中1人住院: one more in hospital
		}
		if deferred != 0 && parent == nil {
			e.harm |= deferred
			deferred = 0
		}
		entities = append(entities, e)
		last = e
	}
	for _, sentence := range incSplit(s, "。!?\n") {
		parent = nil
		sentenceStart := len(entities)
		for _, clause := range incSplit(sentence, ",;、:") {
			if strings.Contains(clause, "其中") && last != nil {
				if parent == nil {
					parent = incTop(last)
				}
			} else if strings.Contains(clause, "另有") || strings.Contains(clause, "此外") {
				parent = nil
			}
			tokens := incTokens(clause)
			// 均已送往县人民医院: every group of the sentence that was harmed.
			_, all := incLeadingAny(strings.TrimPrefix(clause, "且"), []string{"均", "全部", "全都", "都"})
			all = all && len(entities)-sentenceStart > 1 && parent == nil
			if e := incRelease(clause, tokens); e != nil {
				entities = append(entities, e)
				continue
			}
			if incDeniesAdmission(clause, tokens) {
				entities = append(entities, &incGroup{harm: incHospital, mode: incLess, all: true})
			}
			if incNamesOnePerson(clause, tokens) {
				newEntity(&incGroup{n: 1})
			}
			for i, t := range tokens {
				if t.entity != nil {
					if own := incHarmFollowing(tokens, i); deferred&^own != 0 && own != 0 && parent == nil {
						entities = append(entities, &incGroup{n: 1, harm: deferred})
						deferred = 0
					}
					newEntity(t.entity)
					continue
				}
				target := incHarmTarget(tokens, i)
				switch {
				case target != nil:
					target.harm |= t.harm
				case all && !t.onlyNum:
					for _, e := range entities[sentenceStart:] {
						if e.parent == nil && e.mode != incLess && e.harm&^incToHospital != 0 {
							e.harm |= t.harm
						}
					}
				case t.onlyNum:
				case last != nil:
					last.harm |= t.harm
				default:
					deferred |= t.harm
				}
			}
		}
	}
	if deferred != 0 {
		entities = append(entities, &incGroup{n: 1, harm: deferred})
	}
	incResolve(entities, known, r)
	harmed := r.Dead+r.Missing+r.Injured+r.Ill+r.Hospitalised > 0
	r.NoHarm = !harmed && (known.NoHarm || incNoHarmStated(s) || incAffirmed(s, "安然无恙", "均安全", "均无恙", "无恙"))
}

// incRelease reads a clause that ends a state (住院学生已出院, 其中1人已出院,
// 失踪学生已找到): the count nearest before the release word, else the one
// after it (出院2人), else everyone. Nil when the clause releases nobody.
func incRelease(clause string, tokens []incToken) *incGroup {
	for _, rw := range incReleaseWords {
		for _, w := range rw.words {
			at := strings.Index(clause, w)
			if at < 0 || incNegated(clause, at) {
				continue
			}
			e := &incGroup{harm: rw.harm, mode: incLess, all: true}
			for _, t := range tokens {
				if t.entity != nil && (t.at < at || e.all) {
					e.n, e.all = t.entity.n, false
				}
			}
			return e
		}
	}
	return nil
}

// incPersons name one person other than a counted group: 驾驶员重伤 after
// "4名学生骨折" is a fifth person.
var incPersons = []string{"驾驶员", "驾驶人", "司机", "老师", "教师", "班主任", "保安", "门卫", "宿管", "家长", "路人",
	"行人", "工人", "厨师", "职工", "校长", "民警", "村民", "骑车人", "某"}

// incNamesOnePerson reports a clause whose harm words follow the name of one
// person (驾驶员重伤, 学生王某腿部骨折) rather than a count.
func incNamesOnePerson(clause string, tokens []incToken) bool {
	if len(tokens) == 0 || tokens[0].entity != nil || tokens[0].onlyNum || tokens[0].harm == incToHospital {
		return false
	}
	for _, t := range tokens {
		if t.entity != nil {
			return false
		}
	}
	subject := clause[:tokens[0].at]
	for _, w := range incPersons {
		if at := strings.Index(subject, w); at >= 0 {
			return w != "某" || at > 0 && !strings.HasPrefix(subject[at:], "某些") && !strings.HasPrefix(subject[at:], "某个")
		}
	}
	return false
}

// incOthers begin a clause about the other people (其余2人无大碍, 其他学生未住院).
var incOthers = []string{"其余", "其他", "其它", "另外", "余下", "剩下", "剩余"}

// incDeniesAdmission reports a clause that says nobody was admitted (经检查
// 无需住院, 均未住院) without counting anyone and without being about others.
func incDeniesAdmission(clause string, tokens []incToken) bool {
	for _, t := range tokens {
		if t.entity != nil {
			return false
		}
	}
	if _, others := incLeadingAny(clause, incOthers); others {
		return false
	}
	for _, w := range []string{"住院", "留院", "留观", "入院"} {
		for i := 0; ; {
			j := strings.Index(clause[i:], w)
			if j < 0 {
				break
			}
			if incNegated(clause, i+j) {
				return true
			}
			i += j + len(w)
		}
	}
	return false
}

// incHarmFollowing returns the harm words that follow the count tokens[i]
// before the next count of the clause.
func incHarmFollowing(tokens []incToken, i int) uint8 {
	var harm uint8
	for _, t := range tokens[i+1:] {
		if t.entity != nil {
			break
		}
		if !t.onlyNum {
			harm |= t.harm
		}
	}
	return harm
}

// incResolve turns the groups into the totals of r, starting from known,
// in text order: the plain counts so far together raise a total (never
// lower it); totals, increases and releases change it as they say. People taken to a
// hospital count as hospitalised when nothing in the text speaks of
// admission; r.HospitalAssumed says so until a text does.
func incResolve(entities []*incGroup, known IncidentReport, r *IncidentReport) {
	admission := false
	for _, e := range entities {
		admission = admission || e.harm&incHospital != 0
	}
	r.HospitalAssumed = known.HospitalAssumed && !admission
	if !admission {
		for _, e := range entities {
			if e.harm&incToHospital != 0 && e.harm&incDead == 0 {
				e.harm |= incHospital
				r.HospitalAssumed = true
			}
		}
	}
	r.CountsApprox = known.CountsApprox
	for _, c := range []struct {
		bit   uint8
		known int
		dst   *int
	}{
		{incDead, known.Dead, &r.Dead}, {incMissing, known.Missing, &r.Missing},
		{incInjured, known.Injured, &r.Injured}, {incSerious, known.SeriouslyInjured, &r.SeriouslyInjured},
		{incIll, known.Ill, &r.Ill}, {incHospital, known.Hospitalised, &r.Hospitalised},
	} {
		v, plain := c.known, 0
		if c.bit == incHospital && known.HospitalAssumed && admission {
			v = 0 // the text speaks of admission: the assumption ends
		}
		for _, e := range entities {
			if !e.counts(c.bit) {
				continue
			}
			switch e.mode {
			case incPlain:
				plain += e.n
				v = max(v, plain)
			case incTotal:
				v = e.n
			case incAdd:
				v += e.n
			case incLess:
				v = max(0, v-e.n)
				if e.all {
					v = 0
				}
			}
			r.CountsApprox = r.CountsApprox || e.approx && e.mode != incLess
		}
		*c.dst = v
	}
	if r.Hospitalised == 0 {
		r.HospitalAssumed = false
	}
}

func incTop(e *incGroup) *incGroup {
	for e.parent != nil {
		e = e.parent
	}
	return e
}

// incHarmTarget finds the group the harm word tokens[i] is about: the nearest
// count before it in the clause, unless that count was taken by a harm word
// written before it; else the count right after it ("死亡2人"), which it
// claims; nil when the clause has neither.
func incHarmTarget(tokens []incToken, i int) *incGroup {
	for j := i - 1; j >= 0; j-- {
		if tokens[j].entity != nil {
			if !tokens[j].claimed {
				return tokens[j].entity
			}
			break
		}
	}
	for j := i + 1; j < len(tokens); j++ {
		if tokens[j].entity == nil {
			break // another harm word comes first
		}
		if !tokens[j].claimed {
			// The count becomes a group of its own, carrying this harm.
			tokens[j].claimed = true
			return tokens[j].entity
		}
	}
	for j := i - 1; j >= 0; j-- {
		if tokens[j].entity != nil {
			return tokens[j].entity
		}
	}
	return nil
}

// incTokens scans a clause for counts of people and harm words, skipping
// class names, dates, clock times and amounts of money.
func incTokens(clause string) []incToken {
	var tokens []incToken
	for i := 0; i < len(clause); {
		rest := clause[i:]
		if _, after, ok := LeadingClass(rest); ok {
			i = len(clause) - len(after)
			continue
		}
		if incStartsNumber(clause, i) {
			skip := 0
			if _, after, ok := LeadingClock(rest); ok {
				skip = len(rest) - len(after)
			} else if _, _, after, ok := LeadingYuan(rest); ok {
				skip = len(rest) - len(after)
			} else if e, after, harm, ok := incLeadingCount(clause, i); ok {
				tokens = append(tokens, incToken{at: i, entity: e})
				if harm != 0 {
					tokens = append(tokens, incToken{at: i, harm: harm})
				}
				skip = len(rest) - len(after)
			}
			if skip > 0 {
				i += skip
				continue
			}
		}
		if w, ok := incLeadingHarm(rest); ok {
			if !incNegated(clause, i) {
				hw := incHarmLexicon[w]
				tokens = append(tokens, incToken{at: i, harm: hw.harm, onlyNum: hw.countOnly})
			}
			i += len(w)
			continue
		}
		if n := incLeadingToHospital(rest); n > 0 {
			if !incNegated(clause, i) {
				tokens = append(tokens, incToken{at: i, harm: incToHospital})
			}
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(rest)
		i += size
	}
	return tokens
}

// incToHospitalVerbs take someone somewhere; with a hospital named after
// them in the clause (送往县人民医院, 转至市医院) they take the person to a
// hospital. 送医 says it alone; 送医务室 is the school clinic.
var incToHospitalVerbs = []string{"送", "转", "带", "拉", "抬"}

// incLeadingToHospital returns the length of a transport to hospital at the
// start of s (送医, 送往…医院, 120接走, 救护车), or 0.
func incLeadingToHospital(s string) int {
	for _, w := range []string{"救护车", "急救车", "转院"} {
		if strings.HasPrefix(s, w) {
			return len(w)
		}
	}
	if strings.HasPrefix(s, "120") {
		if ahead := incPrefix(s[len("120"):], 6); strings.ContainsAny(ahead, "接送拉") || strings.Contains(ahead, "急救") {
			return len("120")
		}
		return 0
	}
	if after, ok := strings.CutPrefix(s, "送医"); ok && !strings.HasPrefix(after, "务") && !strings.HasPrefix(after, "生") {
		return len("送医")
	}
	v, ok := incLeadingAny(s, incToHospitalVerbs)
	if !ok {
		return 0
	}
	ahead := incPrefix(s[len(v):], 12)
	if k := strings.IndexAny(ahead, incClauseEnds+"、"); k >= 0 {
		ahead = ahead[:k]
	}
	if strings.Contains(ahead, "医院") || strings.Contains(ahead, "卫生院") || strings.Contains(ahead, "急诊") {
		return len(v)
	}
	return 0
}

func incLeadingHarm(s string) (string, bool) {
	for _, w := range incHarmWords {
		if strings.HasPrefix(s, w) {
			return w, true
		}
	}
	return "", false
}

// incStartsNumber reports whether a number may start at byte i of s: a digit,
// a Chinese numeral or 数/几/多 (数名, 几十人, 多名), not inside another number,
// not an ordinal (第三) nor a grade (初一, 高二).
func incStartsNumber(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if _, ok := arabicDigit(r); !ok && !isChineseNumeral(r) && r != '数' && r != '几' && r != '多' && r != '若' {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	if _, ok := arabicDigit(prev); ok || isChineseNumeral(prev) || prev == '.' || prev == ',' && i > 1 && incDigitBefore(s[:i-1]) {
		return false
	}
	return !strings.ContainsRune("第初高周期拜", prev)
}

func incDigitBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	_, ok := arabicDigit(r)
	return ok
}

// incClassifiers follow a count of people; incCompactHarm ("4死2伤") follows
// the number directly.
var (
	incClassifiers = []string{"个学生", "个孩子", "个同学", "个人", "名", "人", "位", "例", "学生", "同学", "师生",
		"教师", "老师", "幼儿", "儿童", "孩子", "男生", "女生", "职工", "村民", "群众", "家长"}
	incCompactHarm = map[string]uint8{"死": incDead, "亡": incDead, "伤": incInjured}
)

// incLeadingCount reads a count of people at byte i of s: 3名, 两人, 十余名,
// 20余人, 20多人, 数名, 多人, 2-3人, 两三名, 约20人, or a compact 4死 / 2伤
// (returned with its harm). rest follows the classifier.
func incLeadingCount(s string, i int) (e *incGroup, rest string, harm uint8, ok bool) {
	e = &incGroup{}
	before := s[:i]
	for _, w := range []string{"大约", "大概", "将近", "约", "近"} {
		if b, ok := strings.CutSuffix(before, w); ok {
			e.approx, before = true, b
		}
	}
	if _, ok := incTrailingAny(before, incTotalMarkers); ok {
		e.mode = incTotal
	} else if _, ok := incTrailingAny(before, incAddMarkers); ok {
		e.mode = incAdd
	}
	rest = s[i:]
	switch {
	case hasAnyPrefix(&rest, "多", "数", "几", "若干"):
		// 数十名 / 几十人: the unit counts once; 多名 / 数人: at least two.
		e.approx = true
		if u, isUnit := chineseUnit(yuanFirstRune(rest)); isUnit && u < 10000 {
			e.n = u
			rest = rest[len("十"):]
		} else {
			e.n = 2
		}
	default:
		n, r2, isNum := LeadingNumber(rest)
		if !isNum {
			return nil, s[i:], 0, false
		}
		e.n, rest = n, r2
		// 两三名: a range of Chinese digits; 2-3人, 2至3人: a range of numbers.
		if d, isDigit := chineseDigit(yuanFirstRune(rest)); isDigit && d > n {
			e.approx, rest = true, rest[len("三"):]
		} else if sep := yuanFirstRune(rest); strings.ContainsRune("-~至到", sep) {
			if _, r3, ok := LeadingNumber(rest[utf8.RuneLen(sep):]); ok {
				e.approx, rest = true, r3
			}
		}
	}
	if hasAnyPrefix(&rest, "余", "多", "来", "几") {
		e.approx = true
	}
	for _, c := range incClassifiers {
		if strings.HasPrefix(rest, c) {
			return e, rest[len(c):], 0, true
		}
	}
	if strings.HasPrefix(rest, "失踪") || strings.HasPrefix(rest, "重伤") || strings.HasPrefix(rest, "轻伤") {
		return e, rest, 0, true // the harm word is read next
	}
	for w, h := range incCompactHarm {
		if strings.HasPrefix(rest, w) {
			return e, rest[len(w):], h, true
		}
	}
	return nil, s[i:], 0, false
}

// incNoHarmStated reports a negated harm: 无人员伤亡, 未造成人员伤亡, 无人受伤,
// 无大碍, 没有受伤.
func incNoHarmStated(s string) bool {
	for _, w := range []string{"伤亡", "受伤", "大碍", "伤害", "死亡", "不适", "伤"} {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			if incNegated(s, i+j) {
				return true
			}
			i += j + len(w)
		}
	}
	return false
}

// incSplit splits s at any of the separator characters, dropping empty parts.
func incSplit(s, seps string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
}
