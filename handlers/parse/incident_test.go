package parse

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// incRef is the message time of the golden cases: Thursday 26 November
// 2026, 13:30 in Beijing.
var incRef = time.Date(2026, 11, 26, 13, 30, 0, 0, time.FixedZone("CST", 8*3600))

type incidentCase struct {
	Input  string          `json:"input"`
	Report *IncidentReport `json:"report,omitempty"`
	Error  string          `json:"error,omitempty"`
}

func readIncidentCases(t *testing.T) []incidentCase {
	t.Helper()
	var cases []incidentCase
	for _, in := range readSeparatedCases(t, "incident.input") {
		cases = append(cases, incidentCase{Input: in})
	}
	return cases
}

func TestIncidentGolden(t *testing.T) {
	cases := readIncidentCases(t)
	if len(cases) < 50 {
		t.Fatalf("only %d cases; keep at least 50", len(cases))
	}
	for i, c := range cases {
		r, err := Incident(c.Input, incRef, nil)
		checkIncident(t, c.Input, r, err)
		if err != nil {
			cases[i].Error = err.Error()
		}
		cases[i].Report = r
	}
	checkGolden(t, "incident.golden.json", cases, caseNumber)
}

// TestIncidentFollowUpGolden reads chains of messages about one incident:
// the first report, then follow-ups and written reports (separated by lines
// "+++"), each read against the facts of the step before, as the Service
// does. The golden file holds the facts after every step.
func TestIncidentFollowUpGolden(t *testing.T) {
	type step struct {
		Input  string          `json:"input"`
		Report *IncidentReport `json:"report"`
	}
	var cases [][]step
	for _, rec := range readSeparatedCases(t, "incident_followup.input") {
		var steps []step
		var known IncidentReport
		for _, in := range strings.Split(rec, "\n+++\n") {
			r, err := IncidentUpdate(in, incRef, nil, known)
			checkIncident(t, in, r, err)
			if err != nil {
				t.Fatalf("%q: %v", in, err)
			}
			steps = append(steps, step{Input: in, Report: r})
			known = *r
		}
		cases = append(cases, steps)
	}
	if len(cases) < 15 {
		t.Fatalf("only %d chains; keep at least 15", len(cases))
	}
	checkGolden(t, "incident_followup.golden.json", cases, caseNumber)
}

// checkIncident asserts what holds for every input: a report or an error,
// never both; no negative count; the seriously injured are among the
// injured; a known kind.
func checkIncident(t testing.TB, input string, r *IncidentReport, err error) {
	t.Helper()
	if (r == nil) == (err == nil) {
		t.Fatalf("Incident(%q) = %v, %v: want exactly one of report and error", input, r, err)
	}
	if err != nil {
		if !errors.Is(err, ErrEmptyIncident) {
			t.Errorf("Incident(%q): unexpected error %v", input, err)
		}
		return
	}
	for name, n := range map[string]int{"dead": r.Dead, "missing": r.Missing, "injured": r.Injured,
		"seriously_injured": r.SeriouslyInjured, "ill": r.Ill, "hospitalised": r.Hospitalised} {
		if n < 0 {
			t.Errorf("Incident(%q): %s = %d", input, name, n)
		}
	}
	if r.SeriouslyInjured > r.Injured || r.LossYuan < 0 || r.LossYuan > 0 && !r.LossKnown {
		t.Errorf("Incident(%q): inconsistent %+v", input, r)
	}
	if r.NoHarm && r.Dead+r.Missing+r.Injured+r.Ill+r.Hospitalised > 0 {
		t.Errorf("Incident(%q): no_harm with people harmed %+v", input, r)
	}
	switch r.Kind {
	case IncidentAccident, IncidentHazard, IncidentUnrest:
	default:
		t.Errorf("Incident(%q): kind %q", input, r.Kind)
	}
}

// TestIncidentExamples pins the forms named in the issue and SPEC §4, field
// by field, so that a regression names the field.
func TestIncidentExamples(t *testing.T) {
	day := func(h, m int) time.Time {
		return time.Date(2026, 11, 26, h, m, 0, 0, incRef.Location())
	}
	tests := []struct {
		in   string
		want IncidentReport
	}{
		{"初一(2)班3名学生午餐后腹痛，已送县医院，其中1人住院观察", IncidentReport{Kind: "事故", Category: "食品卫生",
			Ill: 3, Hospitalised: 1, Measures: "已送县医院"}},
		{"4死2伤2失踪", IncidentReport{Kind: "事故", Category: "其他", Dead: 4, Injured: 2, Missing: 2}},
		{"3人重伤、11人轻伤留院观察", IncidentReport{Kind: "事故", Category: "其他", Injured: 14, SeriouslyInjured: 3,
			Hospitalised: 11}},
		{"两人受伤", IncidentReport{Kind: "事故", Category: "校园伤害", Injured: 2}},
		{"十余名学生腹泻", IncidentReport{Kind: "事故", Category: "食品卫生", Ill: 10, CountsApprox: true}},
		{"20余人发烧", IncidentReport{Kind: "事故", Category: "传染病疫情", Ill: 20, CountsApprox: true}},
		{"11时25分许起火，无人员伤亡", IncidentReport{Kind: "事故", Category: "消防", Time: day(11, 25),
			TimeApprox: true, NoHarm: true}},
		{"12:40 食堂被盗，约600元", IncidentReport{Kind: "事故", Category: "财产丢失", Time: day(12, 40),
			Place: "食堂", LossYuan: 600, LossKnown: true, LossApprox: true}},
		{"中午被盗六百元", IncidentReport{Kind: "事故", Category: "财产丢失", Time: day(12, 0), TimeApprox: true,
			LossYuan: 600, LossKnown: true}},
		{"损失1.2万元", IncidentReport{Kind: "事故", Category: "其他", LossYuan: 12000, LossKnown: true}},
		{"隐患 楼梯扶手松动", IncidentReport{Kind: "隐患", Category: "校舍", Place: "楼梯"}},
		{"早6:30左右 因路面结冰，学生滑倒", IncidentReport{Kind: "事故", Category: "校园伤害", Time: day(6, 30),
			TimeApprox: true, Cause: "路面结冰"}},
	}
	for _, tt := range tests {
		r, err := Incident(tt.in, incRef, nil)
		if err != nil {
			t.Errorf("Incident(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(*r, tt.want) {
			t.Errorf("Incident(%q)\n got %+v\nwant %+v", tt.in, *r, tt.want)
		}
	}
}

func TestIncidentCustomCategories(t *testing.T) {
	cats := Categories{"实验安全": {"实验", "试剂"}, "其他": nil}
	r, err := Incident("化学实验时试剂溅到手上", incRef, cats)
	if err != nil || r.Category != "实验安全" {
		t.Errorf("custom category: %+v, %v", r, err)
	}
	r, err = Incident("学生打架", incRef, Categories{"实验安全": {"实验"}})
	if err != nil || r.Category != "" {
		t.Errorf("no match and no fallback: %+v, %v", r, err)
	}
}

func TestLeadingYuan(t *testing.T) {
	tests := []struct {
		in     string
		yuan   int64
		approx bool
		rest   string
		ok     bool
	}{
		{"约600元", 600, true, "", true},
		{"六百元", 600, false, "", true},
		{"1.2万元", 12000, false, "", true},
		{"三千余元", 3000, true, "", true},
		{"3千块左右", 3000, true, "", true},
		{"300多元", 300, true, "", true},
		{"大概800元", 800, true, "", true},
		{"约3000元，", 3000, true, "，", true},
		{"5,000元", 5000, false, "", true},
		{"12.5元", 13, false, "", true},
		{"两万三千元", 23000, false, "", true},
		{"十余万元", 100000, true, "", true},
		{"五六百元", 500, true, "", true},
		{"数千元", 1000, true, "", true},
		{"上万元", 10000, true, "", true},
		{"200块钱", 200, false, "", true},
		{"1元旦", 0, false, "1元旦", false},
		{"3名", 0, false, "3名", false},
		{"元", 0, false, "元", false},
		{"约", 0, false, "约", false},
		{"99999999999元", 0, false, "99999999999元", false},
	}
	for _, tt := range tests {
		yuan, approx, rest, ok := LeadingYuan(tt.in)
		if yuan != tt.yuan || approx != tt.approx || rest != tt.rest || ok != tt.ok {
			t.Errorf("LeadingYuan(%q) = %d %v %q %v; want %d %v %q %v", tt.in, yuan, approx, rest, ok,
				tt.yuan, tt.approx, tt.rest, tt.ok)
		}
	}
}

func FuzzIncident(f *testing.F) {
	for _, rec := range readSeparatedCases(f, "incident.input") {
		f.Add(rec)
	}
	f.Add("其中其中1人")
	f.Add("死亡")
	f.Add("在于在在")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Incident(s, incRef, nil)
		checkIncident(t, s, r, err)
	})
}

// FuzzIncidentUpdate reads any follow-up against known counts: never a
// negative count, a panic or an inconsistent report.
func FuzzIncidentUpdate(f *testing.F) {
	for _, rec := range readSeparatedCases(f, "incident_followup.input") {
		for _, in := range strings.Split(rec, "\n+++\n") {
			f.Add(in, uint8(1), uint8(2), true)
		}
	}
	f.Add("住院学生已出院", uint8(0), uint8(0), false)
	f.Fuzz(func(t *testing.T, s string, injured, hospitalised uint8, assumed bool) {
		known := IncidentReport{Injured: int(injured), Hospitalised: int(hospitalised), HospitalAssumed: assumed && hospitalised > 0}
		r, err := IncidentUpdate(s, incRef, nil, known)
		checkIncident(t, s, r, err)
	})
}

func BenchmarkIncident(b *testing.B) {
	in := "12时50分左右，学校食堂发生疑似食物中毒事件，十余名学生出现呕吐、腹泻症状，已全部送往县人民医院，其中3人住院治疗"
	for b.Loop() {
		if _, err := Incident(in, incRef, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIncidentLong reads 60 KB without punctuation full of markers
// (已, 在): the scan must stay linear in the input.
func BenchmarkIncidentLong(b *testing.B) {
	in := strings.Repeat("已在", 10000)
	for b.Loop() {
		if _, err := Incident(in, incRef, nil); err != nil {
			b.Fatal(err)
		}
	}
}
