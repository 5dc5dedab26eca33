package incident

import (
	"fmt"
	"slices"
	"strings"
)

// Severity grades the facts 一般 < 重大 < 须报上级 (SPEC §7 item 2) and
// gives the reasons (定级依据): short facts, each once, never a rule.
//
//   - 重大 (篇4): any death or missing person, anyone hospitalised (people
//     taken to a hospital count until a follow-up says otherwise), a loss of
//     at least MajorLossYuan, a category in MajorCategories; and, failing
//     safe, anyone seriously injured, an injury made grave by its
//     circumstances (Facts.Grave: 骨折, 烧伤, 持刀, 校车侧翻 …), a fire with
//     injured people, or a category in SeriousCategories (体罚) with harm
//     (hurt, ill, in hospital) or serious consequence;
//   - 须报上级 (篇9 第6条): a 重大 incident with any dead, missing or injured
//     person, or a loss of at least ReportUpLossYuan;
//   - 一般: everything else; its reason says what is known (无人员伤亡,
//     受伤1人，无人住院 …).
func Severity(f Facts, p Policy) (level string, why []string) {
	add := func(cond bool, format string, args ...any) {
		if cond {
			why = append(why, fmt.Sprintf(format, args...))
		}
	}
	add(f.Dead > 0, whyDead, f.Dead)
	add(f.Missing > 0, whyMissing, f.Missing)
	add(f.Hospitalised > 0 && !f.HospitalAssumed, whyHospital, f.Hospitalised)
	add(f.Hospitalised > 0 && f.HospitalAssumed, whyToHospital, f.Hospitalised)
	add(f.SeriouslyInjured > 0, whySerious, f.SeriouslyInjured)
	add(f.Injured > 0 && len(f.Grave) > 0, whyGrave, strings.Join(f.Grave, "、"))
	add(f.Injured > 0 && f.Category == CatFire, whyFire)
	harmed := f.Injured+f.Ill+f.Hospitalised > 0
	add(p.seriousOnly(f.Category) && f.Serious, whySeriousConsequence, f.Category)
	add(p.seriousOnly(f.Category) && harmed && !f.Serious, whyHarmedBy, f.Category)
	add(p.MajorLossYuan > 0 && f.LossYuan >= p.MajorLossYuan, whyLoss, lossText(f))
	add(p.major(f.Category) && !p.seriousOnly(f.Category), whyCategory, f.Category)
	if len(why) == 0 {
		return Normal, []string{normalWhy(f)}
	}
	lossUp := p.ReportUpLossYuan > 0 && f.LossYuan >= p.ReportUpLossYuan
	if f.Dead+f.Missing+f.Injured == 0 && !lossUp {
		return Major, why
	}
	add(f.Injured > 0 && f.Dead+f.Missing == 0, whyInjured, f.Injured)
	return ReportUp, why
}

// normalWhy says what is known of an incident of the lowest level.
func normalWhy(f Facts) string {
	var parts []string
	switch {
	case f.NoHarm:
		parts = append(parts, whyNoHarm)
	case f.Injured+f.Ill > 0:
		var hurt []string
		if f.Injured > 0 {
			hurt = append(hurt, fmt.Sprintf(whyInjured, f.Injured))
		}
		if f.Ill > 0 {
			hurt = append(hurt, fmt.Sprintf(whyIll, f.Ill))
		}
		parts = append(parts, strings.Join(hurt, "、")+whyNotAdmitted)
	default:
		parts = append(parts, whyHarmUnknown)
	}
	switch {
	case f.LossKnown && f.LossYuan == 0:
		parts = append(parts, whyNoLoss)
	case f.LossKnown:
		parts = append(parts, fmt.Sprintf(whyLoss, lossText(f)))
	}
	return strings.Join(parts, "，")
}

// levels lists the severity levels in increasing order.
var levels = []string{Normal, Major, ReportUp}

// Rank orders severity levels: 0 for 一般 … 2 for 须报上级, -1 for anything
// else.
func Rank(level string) int { return slices.Index(levels, level) }

// Missing names what the report still lacks, in the words the reply uses to
// ask for it in the written report: facts that could change the level (伤亡,
// 住院 — also when a hospital visit was counted as admission —, 损失) and
// the elements 篇9 requires for the kind (时间, 地点, 起因, 措施).
func Missing(f Facts) []string {
	var m []string
	add := func(cond bool, what string) {
		if cond {
			m = append(m, what)
		}
	}
	switch f.Kind {
	case KindHazard: // 篇9 三.1: 类别、存在时间、地点、影响范围、整改措施
		add(f.Place == "", needPlace)
		add(f.Measures == "", needMeasures)
	case KindUnrest: // 篇9 三.3: 何时、何地、何人、何事、何因、何果
		add(f.Time.IsZero(), needTime)
		add(f.Place == "", needPlace)
		add(f.Cause == "", needCause)
	default: // 篇9 三.2: 时间、地点、起因、经过、伤亡、损失、措施
		add(f.Time.IsZero(), needTime)
		add(f.Place == "", needPlace)
		add(!f.HarmKnown(), needHarm)
		add(f.Injured+f.Ill > 0 && f.Hospitalised == 0, needHospital)
		add(f.HospitalAssumed, needAdmission)
		add(!f.LossKnown && lossMatters[f.Category], needLoss)
		add(f.Cause == "", needCause)
		add(f.Measures == "", needMeasures)
	}
	return m
}

// lossMatters lists the categories whose reports should state a property
// loss: one that is not stated could change the level.
var lossMatters = map[string]bool{
	CatPropertyLoss: true, CatTraffic: true, CatFire: true, CatBuilding: true,
	CatDisaster: true, CatPublicOrder: true, CatOther: true, "": true,
}
