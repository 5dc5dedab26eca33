package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var cst = time.FixedZone("CST", 8*3600)

// sampleIncidents runs two incidents through the rules: E1 acknowledged,
// written late and closed; E2 a hazard nobody acknowledged, written report
// missing. E3 is reported in December, outside the period.
func sampleIncidents() []*incident.Incident {
	p := incident.DefaultPolicy()
	p.Levels = []incident.Level{{Members: []string{"leader-1"}}, {Members: []string{"leader-2"}}}
	t0 := time.Date(2026, 11, 26, 12, 45, 0, 0, cst)
	e1 := incident.New(incident.Report{ID: "E1", Reporter: "teacher-g1c1", ReporterName: "刘老师", Unit: "g1c1",
		UnitName: "高一(1)班", At: t0, Text: "高一(1)班3名学生午餐后腹痛，已送县医院，其中1人住院观察",
		Facts: incident.Facts{Kind: incident.KindAccident, Category: incident.CatFood, Ill: 3, Hospitalised: 1,
			Measures: "已送县医院", Time: t0.Add(-5 * time.Minute)}}, p)
	steps := incident.Due(e1, p, t0)
	incident.MarkSent(e1, steps, t0)
	at := t0.Add(12 * time.Minute)
	steps = incident.Due(e1, p, at)
	incident.MarkSent(e1, steps, at)
	_ = incident.Ack(e1, "leader-2", t0.Add(14*time.Minute))
	_ = incident.FollowUp(e1, "teacher-g1c1", "已排除食物中毒，1人已出院", t0.Add(50*time.Minute))
	_, _ = incident.Written(e1, "teacher-g1c1", "书面报告：……", t0.Add(130*time.Minute))
	_ = incident.Close(e1, "leader-2", "学生均已康复返校", t0.Add(48*time.Hour))

	e2 := incident.New(incident.Report{ID: "E2", Reporter: "officer-2", ReporterName: "孙敏", Unit: "general",
		UnitName: "办公室", At: t0.AddDate(0, 0, 1), Text: "隐患 二楼走廊栏杆松动",
		Facts: incident.Facts{Kind: incident.KindHazard, Category: incident.CatBuilding, Place: "二楼走廊"}}, p)
	e3 := incident.New(incident.Report{ID: "E3", Reporter: "teacher-g1c1", Unit: "g1c1",
		At: time.Date(2026, 12, 1, 8, 0, 0, 0, cst), Text: "12月的事"}, p)
	return []*incident.Incident{e1, e2, e3}
}

func exportDoc(t *testing.T) *export.Incidents {
	t.Helper()
	per, err := org.ParsePeriod("2026-11", cst)
	if err != nil {
		t.Fatal(err)
	}
	return export.IncidentsOf(sampleIncidents(), per, time.Date(2026, 11, 30, 0, 0, 0, 0, cst))
}

func TestIncidentsJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := exportDoc(t).JSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "incidents.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("incidents export differs from %s (go test -update to accept):\n%s", golden, buf.String())
	}
}

// The contract of SPEC §10.1, checked by name and JSON type, independently
// of the golden file.
func TestIncidentsJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := exportDoc(t).JSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["kind"] != "incidents" || doc["period"] != "2026-11" {
		t.Fatalf("head %v %v", doc["kind"], doc["period"])
	}
	list := doc["incidents"].([]any)
	if len(list) != 2 {
		t.Fatalf("%d incidents in 2026-11, want 2", len(list))
	}
	str := func(v any) bool { _, ok := v.(string); return ok }
	num := func(v any) bool { _, ok := v.(float64); return ok }
	strOrNull := func(v any) bool { return v == nil || str(v) }
	fields := map[string]func(any) bool{
		"id": str, "reporter": str, "unit": str, "reported_at": str, "kind": str, "category": str, "severity": str,
		"dead": num, "missing": num, "injured": num, "seriously_injured": num, "ill": num, "hospitalised": num,
		"loss_yuan": num, "place": str, "acked_by": str, "acked_at": strOrNull, "level_reached": num,
		"written_state": str, "closed": func(v any) bool { _, ok := v.(bool); return ok },
		"timeline": func(v any) bool { _, ok := v.([]any); return ok },
	}
	for _, raw := range list {
		inc := raw.(map[string]any)
		for name, ok := range fields {
			if v, present := inc[name]; !present || !ok(v) {
				t.Errorf("%v: field %q = %#v", inc["id"], name, v)
			}
		}
		if !slices.Contains([]string{"一般", "重大", "须报上级"}, inc["severity"].(string)) {
			t.Errorf("severity %v", inc["severity"])
		}
		if !slices.Contains([]string{"on_time", "late", "missing", "pending"}, inc["written_state"].(string)) {
			t.Errorf("written_state %v", inc["written_state"])
		}
		for _, e := range inc["timeline"].([]any) {
			entry := e.(map[string]any)
			for _, k := range []string{"at", "type", "by", "text"} {
				if _, ok := entry[k]; !ok {
					t.Errorf("%v timeline entry lacks %q", inc["id"], k)
				}
			}
		}
	}
	e1, e2 := list[0].(map[string]any), list[1].(map[string]any)
	if e1["acked_by"] != "leader-2" || e1["level_reached"] != 1.0 || e1["written_state"] != "late" ||
		e1["closed"] != true || e1["severity"] != "重大" || e1["ill"] != 3.0 || e1["hospitalised"] != 1.0 {
		t.Errorf("E1 %v", e1)
	}
	if e2["acked_at"] != nil || e2["written_state"] != "missing" || e2["kind"] != "隐患" || e2["severity"] != "一般" {
		t.Errorf("E2 %v", e2)
	}
	types := []string{}
	for _, e := range e1["timeline"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	if want := []string{"初报", "升级", "确认", "续报", "书面", "结案"}; !slices.Equal(types, want) {
		t.Errorf("E1 timeline %v, want %v", types, want)
	}
}

func TestIncidentsCSVAndXLSX(t *testing.T) {
	doc := exportDoc(t)
	var buf bytes.Buffer
	if err := doc.CSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv rows %d %v", len(rows), err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	if rows[1][col("书面报告状态")] != "逾期" || rows[2][col("书面报告状态")] != "缺报" ||
		rows[1][col("确认用时(分钟)")] != "14" || !strings.Contains(rows[1][col("时间线")], "续报 teacher-g1c1：已排除食物中毒") {
		t.Errorf("csv E1 %v\nE2 %v", rows[1], rows[2])
	}

	buf.Reset()
	if err := doc.XLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	main, err := f.GetRows("急报")
	if err != nil || len(main) != 4 || main[1][0] != "编号" || main[2][0] != "E1" {
		t.Errorf("sheet 急报: %d rows %v", len(main), err)
	}
	events, err := f.GetRows("时间线")
	if err != nil || len(events) != 2+6+1 {
		t.Errorf("sheet 时间线: %d rows %v", len(events), err)
	}
	for _, sheet := range []string{"急报", "时间线"} {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s: header not frozen: %+v %v", sheet, panes, err)
		}
	}
}

// -what incidents through export.Write, over a real store.
func TestIncidentsKindOverTheStore(t *testing.T) {
	cfg := testorg.Config(t)
	dir := testorg.Directory(t, cfg)
	db := testorg.Store(t, nil)
	for _, inc := range sampleIncidents() {
		if _, err := db.CreateIncident(context.Background(), func(id string) (*incident.Incident, incident.Change, error) {
			return inc, incident.Change{Action: "report"}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	src := &export.Source{Policies: cfg.Policies, Dir: dir, Store: db,
		Now: func() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, cst) }}
	var buf bytes.Buffer
	if err := export.Write(src, "incidents", "2026-11", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	golden, _ := os.ReadFile(filepath.Join("testdata", "incidents.golden.json"))
	if !bytes.Equal(buf.Bytes(), golden) {
		t.Errorf("export over the store differs from the golden file:\n%s", buf.String())
	}
	buf.Reset()
	if err := export.Write(src, "incidents", "2026Q4", export.XLSX, &buf); err != nil || buf.Len() == 0 {
		t.Errorf("xlsx for a quarter: %v", err)
	}
}
