package incident

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSeverity(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		name string
		f    Facts
		want string
		why  []string
	}{
		{"hazard", Facts{Kind: KindHazard, Category: CatBuilding}, Normal, []string{"未报告人员伤亡"}},
		{"hazard without harm or loss", Facts{Kind: KindHazard, Category: CatBuilding, NoHarm: true, LossKnown: true},
			Normal, []string{"无人员伤亡，无财产损失"}},
		{"minor injury at the clinic", Facts{Category: CatCampusHarm, Injured: 1}, Normal, []string{"受伤1人，未报住院"}},
		{"ill, not hospitalised", Facts{Category: CatCampusHarm, Ill: 5}, Normal, []string{"身体不适5人，未报住院"}},
		{"loss just below", Facts{Category: CatPropertyLoss, LossYuan: 499, LossKnown: true}, Normal,
			[]string{"未报告人员伤亡，财产损失499元"}},
		{"loss at 500", Facts{Category: CatPropertyLoss, LossYuan: 500, LossKnown: true}, Major, []string{"财产损失500元"}},
		{"loss 3000 named once", Facts{Category: CatPropertyLoss, LossYuan: 3000, LossKnown: true, LossApprox: true}, ReportUp,
			[]string{"财产损失约3000元"}},
		{"food, ill and one hospitalised", Facts{Category: CatFood, Ill: 3, Hospitalised: 1}, Major,
			[]string{"住院1人", "类别：食品卫生"}},
		{"food hazard", Facts{Kind: KindHazard, Category: CatFood}, Major, []string{"类别：食品卫生"}},
		{"hired vehicle hazard", Facts{Kind: KindHazard, Category: CatHiredVehicle}, Major, []string{"类别：租用车辆隐患"}},
		{"hospitalised injury", Facts{Category: CatCampusHarm, Injured: 1, Hospitalised: 1}, ReportUp,
			[]string{"住院1人", "受伤1人"}},
		{"taken to hospital counts as admitted", Facts{Category: CatCampusHarm, Injured: 2, Hospitalised: 2, HospitalAssumed: true},
			ReportUp, []string{"送医2人（未说明是否住院，按住院计）", "受伤2人"}},
		{"ill taken to hospital", Facts{Category: CatCampusHarm, Ill: 1, Hospitalised: 1, HospitalAssumed: true},
			Major, []string{"送医1人（未说明是否住院，按住院计）"}},
		{"death", Facts{Category: CatStudentDeath, Dead: 1}, ReportUp, []string{"死亡1人", "类别：学生死亡"}},
		{"missing", Facts{Kind: KindUnrest, Category: CatPublicOrder, Missing: 1}, ReportUp, []string{"失踪1人"}},
		{"compact 4死2伤2失踪", Facts{Category: CatTraffic, Dead: 4, Injured: 2, Missing: 2}, ReportUp,
			[]string{"死亡4人", "失踪2人"}},
		{"corporal, nobody hurt", Facts{Category: CatCorporal, NoHarm: true}, Normal, []string{"无人员伤亡"}},
		{"corporal with harm", Facts{Category: CatCorporal, Injured: 1}, ReportUp, []string{"体罚致学生身体受到伤害", "受伤1人"}},
		{"corporal, fainted", Facts{Category: CatCorporal, Ill: 1}, Major, []string{"体罚致学生身体受到伤害"}},
		{"corporal, seriously injured", Facts{Category: CatCorporal, Injured: 1, SeriouslyInjured: 1}, ReportUp,
			[]string{"重伤1人", "体罚致学生身体受到伤害", "受伤1人"}},
		{"corporal, serious consequence stated", Facts{Category: CatCorporal, Serious: true}, Major,
			[]string{"体罚造成严重后果"}},
		{"serious stated elsewhere counts only for 体罚", Facts{Category: CatCampusHarm, Serious: true}, Normal,
			[]string{"未报告人员伤亡"}},
		{"seriously injured", Facts{Category: CatTraffic, Injured: 3, SeriouslyInjured: 1}, ReportUp,
			[]string{"重伤1人", "受伤3人"}},
		{"fracture", Facts{Category: CatCampusHarm, Injured: 1, Grave: []string{"骨折"}}, ReportUp,
			[]string{"伤情：骨折", "受伤1人"}},
		{"violence", Facts{Category: CatPublicOrder, Injured: 2, Grave: []string{"持刀", "砍伤"}}, ReportUp,
			[]string{"伤情：持刀、砍伤", "受伤2人"}},
		{"fight without injury", Facts{Category: CatPublicOrder, Grave: []string{"斗殴"}, NoHarm: true}, Normal,
			[]string{"无人员伤亡"}},
		{"fire with injuries", Facts{Category: CatFire, Injured: 1}, ReportUp, []string{"火灾致人受伤", "受伤1人"}},
		{"no harm", Facts{Category: CatFire, NoHarm: true, LossYuan: 1200, LossKnown: true}, Major,
			[]string{"财产损失1200元"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := Severity(tt.f, p)
			if got != tt.want || !slices.Equal(why, tt.why) {
				t.Errorf("Severity = %s %q, want %s %q", got, why, tt.want, tt.why)
			}
		})
	}
}

func TestSeverityConfigurable(t *testing.T) {
	p := DefaultPolicy()
	p.MajorLossYuan, p.ReportUpLossYuan = 1000, 5000
	p.MajorCategories = []string{CatEpidemic}
	for _, tt := range []struct {
		f    Facts
		want string
	}{
		{Facts{LossYuan: 600}, Normal},
		{Facts{LossYuan: 1000}, Major},
		{Facts{LossYuan: 4000}, Major},
		{Facts{LossYuan: 5000}, ReportUp},
		{Facts{Category: CatFood}, Normal},
		{Facts{Category: CatEpidemic, Ill: 12}, Major},
	} {
		if got, _ := Severity(tt.f, p); got != tt.want {
			t.Errorf("Severity(%+v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestMissing(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 40, 0, 0, shanghai)
	full := Facts{Kind: KindAccident, Category: CatFire, Time: at, Place: "实验楼三楼", NoHarm: true,
		LossKnown: true, LossYuan: 800, Cause: "电线老化", Measures: "已扑灭"}
	tests := []struct {
		name string
		f    Facts
		want []string
	}{
		{"complete", full, nil},
		{"bare accident", Facts{Category: CatFire}, []string{"时间", "地点", "伤亡情况", "财产损失", "起因", "已采取措施"}},
		{"food: loss does not matter", Facts{Category: CatFood, Time: at, Place: "食堂", Ill: 3, Hospitalised: 1,
			Cause: "午餐", Measures: "已送医"}, nil},
		{"ill, hospital unknown", Facts{Category: CatFood, Time: at, Place: "食堂", Ill: 3,
			Cause: "午餐", Measures: "已送医"}, []string{"是否住院"}},
		{"hazard", Facts{Kind: KindHazard, Category: CatBuilding}, []string{"地点", "已采取措施"}},
		{"unrest", Facts{Kind: KindUnrest, Category: CatPublicOrder, Place: "校门口"}, []string{"时间", "起因"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Missing(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("Missing = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUpwardReport(t *testing.T) {
	p := DefaultPolicy()
	inc := New(Report{
		ID: "E7", Reporter: "teacher-g2c1", Unit: "g2c1", At: t0,
		Text: "今天上午10时许，高二(1)班学生在操场上体育课时看台栏杆断裂，2人受伤（其中1人重伤），已送县医院住院治疗",
		Facts: Facts{
			Kind: KindAccident, Category: CatBuilding, Time: t0.Add(-165 * time.Minute), TimeApprox: true,
			Place: "操场看台", Injured: 2, SeriouslyInjured: 1, Hospitalised: 2, Cause: "看台栏杆断裂",
			Measures: "已送县医院住院治疗", Help: "请求教育局协调专家鉴定看台安全",
		},
	}, p)
	if err := FollowUp(inc, "teacher-g2c1", "截至14时，1人已出院", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := UpwardReport(inc, "示例中学", "王老师", "高二(1)班")
	for _, want := range []string{
		"关于示例中学校舍事故的报告（E7）",
		"名称：示例中学校舍事故",
		"时间：2026年11月26日10:00左右",
		"地点：操场看台",
		"起因：看台栏杆断裂",
		"经过：今天上午10时许",
		"11月26日13:45 续报：截至14时，1人已出院",
		"伤亡：受伤2人，其中重伤1人，住院2人",
		"损失：待核实",
		"已采取措施：已送县医院住院治疗",
		"请求援助：请求教育局协调专家鉴定看台安全",
		"定级：须报上级（住院2人；重伤1人；受伤2人）",
		"报告人及单位：王老师，示例中学高二(1)班",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("upward report lacks %q:\n%s", want, got)
		}
	}
	bare := New(Report{ID: "E8", At: t0, Text: "学生打架", Facts: Facts{NoHarm: true, LossKnown: true}}, p)
	got = UpwardReport(bare, "", "", "")
	for _, want := range []string{"名称：事故", "时间：待核实（报告于2026年11月26日12:45）", "地点：待核实",
		"伤亡：无人员伤亡", "损失：无", "请求援助：无", "定级：一般（无人员伤亡，无财产损失）\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("bare upward report lacks %q:\n%s", want, got)
		}
	}
}

func TestEventName(t *testing.T) {
	for _, tt := range []struct{ kind, cat, want string }{
		{"", CatFood, "食品卫生事故"},
		{KindHazard, CatFire, "消防隐患"},
		{KindHazard, CatHiredVehicle, "租用车辆隐患"},
		{KindAccident, CatStudentDeath, "学生死亡事件"},
		{KindUnrest, CatPublicOrder, "治安不稳定因素"},
		{KindAccident, CatOther, "事故"},
	} {
		if got := eventName(Facts{Kind: tt.kind, Category: tt.cat}); got != tt.want {
			t.Errorf("eventName(%s, %s) = %s, want %s", tt.kind, tt.cat, got, tt.want)
		}
	}
}

// TestLevelFailsSafe: the rules only raise the level; a leader's grading
// stands until the facts rank higher than when the leader decided.
func TestLevelFailsSafe(t *testing.T) {
	p := DefaultPolicy()
	inc := New(Report{ID: "E3", Reporter: "teacher-g1c1", At: t0, Text: "学生摔伤送医",
		Facts: Facts{Category: CatCampusHarm, Injured: 1, Hospitalised: 1, HospitalAssumed: true}}, p)
	if inc.Severity != ReportUp {
		t.Fatalf("送医 with an injury: %s %q", inc.Severity, inc.Why)
	}
	// A follow-up says the student was not admitted: the level stays.
	changes := Amend(inc, Facts{Category: CatCampusHarm, Injured: 1}, p)
	if inc.Severity != ReportUp || !slices.Equal(changes, []string{"住院 1 → 0"}) {
		t.Errorf("lowered by a follow-up: %s %q", inc.Severity, changes)
	}
	// A leader ranks down; a later follow-up that changes nothing grave keeps it.
	if err := Grade(inc, "leader-1", Normal, "经核实学生仅擦伤，已返校", t0.Add(time.Hour), p); err != nil {
		t.Fatal(err)
	}
	last := inc.Timeline[len(inc.Timeline)-1]
	if inc.Severity != Normal || inc.Graded.Ruled != Normal || last.Type != EntryGraded ||
		!slices.Equal(last.Changes, []string{"定级 须报上级 → 一般"}) || !slices.Equal(inc.Why, []string{"领导定级：经核实学生仅擦伤，已返校"}) {
		t.Errorf("graded: %+v %+v %q", inc.Graded, last, inc.Why)
	}
	Amend(inc, Facts{Category: CatCampusHarm, Injured: 1, LossKnown: true}, p)
	if inc.Severity != Normal || inc.Graded == nil {
		t.Errorf("grading lost: %s", inc.Severity)
	}
	// Graver facts than the leader knew rank it up again.
	changes = Amend(inc, Facts{Category: CatCampusHarm, Injured: 1, Hospitalised: 1, LossKnown: true}, p)
	if inc.Severity != ReportUp || inc.Graded != nil || !slices.Contains(changes, "定级 一般 → 须报上级") {
		t.Errorf("graver facts: %s %q", inc.Severity, changes)
	}
	if err := Grade(inc, "leader-1", "特大", "", t0, p); !errors.Is(err, ErrLevel) {
		t.Errorf("unknown level: %v", err)
	}
	inc.Closed = true
	if err := Grade(inc, "leader-1", Major, "", t0, p); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}
