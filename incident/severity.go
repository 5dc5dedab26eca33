package incident

import "fmt"

// Severity grades the facts 一般 < 重大 < 须报上级 (SPEC §7 item 2) and says
// why, one short Chinese reason per rule that applied (none for 一般):
//
//   - 重大 (篇4): any death or missing person, anyone hospitalised, a loss of
//     at least MajorLossYuan, a category in MajorCategories, or a category in
//     SeriousCategories (体罚) with serious consequence (someone seriously
//     injured, or the text says 严重后果);
//   - 须报上级 (篇9): a 重大 incident with any dead, missing or injured
//     person, or a loss of at least ReportUpLossYuan;
//   - 一般: everything else.
func Severity(f Facts, p Policy) (level string, why []string) {
	if f.Dead > 0 {
		why = append(why, fmt.Sprintf(whyDead, f.Dead))
	}
	if f.Missing > 0 {
		why = append(why, fmt.Sprintf(whyMissing, f.Missing))
	}
	if f.Hospitalised > 0 {
		why = append(why, fmt.Sprintf(whyHospital, f.Hospitalised))
	}
	if f.LossYuan >= p.MajorLossYuan && p.MajorLossYuan > 0 {
		why = append(why, fmt.Sprintf(whyLoss, f.LossYuan, p.MajorLossYuan))
	}
	if p.major(f.Category) {
		why = append(why, fmt.Sprintf(whyCategory, f.Category))
	}
	if p.seriousOnly(f.Category) && (f.SeriouslyInjured > 0 || f.Serious) {
		why = append(why, fmt.Sprintf(whySerious, f.Category))
	}
	if len(why) == 0 {
		return Normal, nil
	}
	up := false
	if f.Dead+f.Missing+f.Injured > 0 {
		why = append(why, whyCasualties)
		up = true
	}
	if f.LossYuan >= p.ReportUpLossYuan && p.ReportUpLossYuan > 0 {
		why = append(why, fmt.Sprintf(whyLoss, f.LossYuan, p.ReportUpLossYuan))
		up = true
	}
	if up {
		return ReportUp, why
	}
	return Major, why
}

// Missing names what the report still lacks, in the words the reply uses to
// ask for it in the written report: facts that could change the level (伤亡,
// 住院, 损失) and the elements 篇9 requires for the kind (时间, 地点, 起因,
// 措施).
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
