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
)

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
		{incMissing, []string{"失踪", "下落不明", "失联", "走失", "去向不明", "联系不上"}},
		{incSerious | incInjured, []string{"重伤", "伤势较重", "伤势严重", "伤情较重", "伤情严重", "危重", "病危",
			"生命垂危", "重度烧伤", "重度烫伤"}},
		{incInjured, []string{"受伤", "轻伤", "擦伤", "划伤", "割伤", "刺伤", "砸伤", "撞伤", "烫伤", "烧伤", "摔伤",
			"扭伤", "咬伤", "抓伤", "碰伤", "夹伤", "灼伤", "挫伤", "扎伤", "戳伤", "跌伤", "磕伤", "骨折", "脱臼", "损伤",
			"流血", "出血", "外伤", "缝针", "破皮", "受了伤", "划破", "磕破", "摔破", "红肿", "打伤", "砍伤", "捅伤",
			"脑震荡", "骨裂"}},
		{incIll, []string{"腹痛", "肚子痛", "肚子疼", "呕吐", "腹泻", "拉肚子", "发烧", "发热", "高烧", "中毒", "恶心",
			"头晕", "头痛", "头疼", "不适", "晕倒", "晕厥", "昏迷", "抽搐", "过敏", "皮疹", "咳嗽", "呼吸困难", "胸闷",
			"感染", "确诊", "病例", "发病", "患病", "病倒", "水痘", "流感", "手足口病", "腮腺炎", "麻疹", "猩红热",
			"红眼病"}},
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
}

// incToken is a count or a harm word found in a clause.
type incToken struct {
	entity  *incGroup // a count
	harm    uint8     // a harm word
	onlyNum bool      // countOnly harm word
	claimed bool      // a count already taken by the harm word before it (死亡2人)
}

// incidentPeople counts the dead, missing, injured, seriously injured, ill
// and hospitalised. Counts attach to the harm words of their clause (clauses
// end at ，、；。 …): "3人重伤、11人轻伤留院观察", "死亡2人", "4死2伤2失踪". A harm
// word without a count of its own belongs to the last group counted ("3名学生
// 受伤，均已住院"), or, when none was counted yet, to the next one, or else
// to one person ("学生张某头部受伤"). After 其中, groups are subsets of the
// group before ("3名学生腹痛，其中1人住院观察": 3 ill, 1 hospitalised).
func incidentPeople(s string, r *IncidentReport) {
	var (
		entities []*incGroup
		last     *incGroup // the group harm words without a count refer to
		parent   *incGroup // the group 其中 refers to; nil outside a subset
		deferred uint8     // harm words seen before any group
	)
	newEntity := func(e *incGroup) {
		e.parent = parent
		if deferred != 0 && parent == nil {
			e.harm |= deferred
			deferred = 0
		}
		entities = append(entities, e)
		last = e
	}
	for _, sentence := range incSplit(s, "。!?\n") {
		parent = nil
		for _, clause := range incSplit(sentence, ",;、:") {
			if strings.Contains(clause, "其中") && last != nil {
				if parent == nil {
					parent = incTop(last)
				}
			} else if strings.Contains(clause, "另有") || strings.Contains(clause, "此外") {
				parent = nil
			}
			tokens := incTokens(clause)
			for i, t := range tokens {
				if t.entity != nil {
					newEntity(t.entity)
					continue
				}
				target := incHarmTarget(tokens, i)
				switch {
				case target != nil:
					target.harm |= t.harm
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
	counts := map[uint8]*int{
		incDead: &r.Dead, incMissing: &r.Missing, incInjured: &r.Injured,
		incSerious: &r.SeriouslyInjured, incIll: &r.Ill, incHospital: &r.Hospitalised,
	}
	for _, e := range entities {
		for bit, n := range counts {
			if e.harm&bit == 0 || e.parent != nil && e.parent.harm&bit != 0 {
				continue
			}
			*n += e.n
			r.CountsApprox = r.CountsApprox || e.approx
		}
	}
	harmed := r.Dead+r.Missing+r.Injured+r.Ill+r.Hospitalised > 0
	r.NoHarm = !harmed && (incNoHarmStated(s) || incAffirmed(s, "安然无恙", "均安全", "均无恙", "无恙"))
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
				tokens = append(tokens, incToken{entity: e})
				if harm != 0 {
					tokens = append(tokens, incToken{harm: harm})
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
				tokens = append(tokens, incToken{harm: hw.harm, onlyNum: hw.countOnly})
			}
			i += len(w)
			continue
		}
		_, size := utf8.DecodeRuneInString(rest)
		i += size
	}
	return tokens
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
		if strings.HasSuffix(before, w) {
			e.approx = true
		}
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
