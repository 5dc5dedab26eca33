package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/org"
)

// deskAt is the demo organisation's desk over a real store, its clock
// standing at now; the way to name a member; and the source the exports
// read through.
func deskAt(t *testing.T, now time.Time) (*desk.Service, func(id string) *org.Member, *export.Source) {
	t.Helper()
	cfg := testorg.Config(t)
	dir := testorg.Directory(t, cfg)
	db := testorg.Store(t, nil)
	clock := func() time.Time { return now }
	dk := desk.New(cfg.Submission, cfg.Weekly, dir, db, clock)
	member := func(id string) *org.Member { m, _ := dir.Member(id); return m }
	return dk, member, &export.Source{Policies: cfg.Policies, Dir: dir, Desk: dk, Store: db, Now: clock,
		Attendance: attendance.New(cfg.Attendance, cfg.Outing, dir, db, clock)}
}

// deskFixture records, in November 2026: S1 by officer-2 approved, adopted
// at 县级 and 市级, signed; S2 by officer-1 (straight to the office), late
// (after Friday the 13th) so counted for December; a weekly report and a
// good deed. The clock then stands at 2026-12-01, November closed.
func deskFixture(t *testing.T) *export.Source {
	t.Helper()
	dk, member, src := deskAt(t, time.Date(2026, 12, 1, 9, 0, 0, 0, cst))
	ctx := context.Background()
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, cst) }
	f := desk.Fields{Title: "我局开展防汛应急演练", Category: "动态", Body: "正文", Author: "孙敏", Reviewer: "周强"}
	steps := []error{
		func() error { _, err := dk.Submit(ctx, member("officer-2"), f, day(2, 9)); return err }(),
		func() error { _, err := dk.Approve(ctx, member("head-general"), "S1", day(2, 10)); return err }(),
		func() error {
			_, err := dk.Adopt(ctx, member("office-1"), "S1", "县级", "现场云", day(3, 9))
			return err
		}(),
		func() error {
			_, err := dk.Adopt(ctx, member("office-1"), "S1", "市级", "今日头条", day(4, 9))
			return err
		}(),
		func() error { _, err := dk.Sign(ctx, member("leader-1"), "S1", day(5, 9)); return err }(),
		func() error {
			_, err := dk.Submit(ctx, member("officer-1"), desk.Fields{Title: "宿舍检查", Body: "略", Author: "马丽", Reviewer: "郑主任"}, day(14, 9))
			return err
		}(),
		func() error {
			_, err := dk.SubmitWeekly(ctx, member("officer-2"), "上周大事：无", day(9, 10))
			return err
		}(),
		func() error {
			_, err := dk.ReportGoodDeed(ctx, member("cadre-g1c1"), "g1c1", "拾金不昧", day(10, 9))
			return err
		}(),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return src
}

func TestSubmissionsJSONContract(t *testing.T) {
	src := deskFixture(t)
	var buf bytes.Buffer
	if err := export.Write(src, "submissions", "2026-11", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kind, Period string
		Items        []map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Kind != "submissions" || doc.Period != "2026-11" || len(doc.Items) != 1 {
		t.Fatalf("doc = %+v", doc)
	}
	it := doc.Items[0]
	want := map[string]any{"id": "S1", "unit": "general", "submitter": "officer-2", "title": "我局开展防汛应急演练",
		"category": "动态", "author": "孙敏", "reviewer": "周强", "status": "signed", "late": false,
		"counted_month": "2026-11", "reg_no": "〔2026〕第1号"}
	for k, v := range want {
		if it[k] != v {
			t.Errorf("%s = %v, want %v", k, it[k], v)
		}
	}
	ads, _ := it["adoptions"].([]any)
	if len(ads) != 2 {
		t.Fatalf("adoptions = %v", it["adoptions"])
	}
	first, _ := ads[0].(map[string]any)
	if first["level"] != "县级" || first["media"] != "现场云" || first["at"] != "2026-11-03T09:00:00+08:00" {
		t.Errorf("adoption = %v", first)
	}

	buf.Reset()
	if err := export.Write(src, "submissions", "2026-12", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"late": true`) || !strings.Contains(buf.String(), `"counted_month": "2026-12"`) {
		t.Errorf("December lacks the late S2:\n%s", buf.String())
	}
}

func TestPointsJSONContract(t *testing.T) {
	src := deskFixture(t)
	var buf bytes.Buffer
	if err := export.Write(src, "points", "2026-11", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kind, Period string
		Members      []map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Kind != "points" || len(doc.Members) != 2 {
		t.Fatalf("doc = %s", buf.String())
	}
	// officer-2: 市级 is the highest level: 50 (not 70); one item of two: 20 off.
	want := map[string]map[string]float64{
		"officer-2": {"adopted": 1, "reward_yuan": 50, "quota": 2, "counted": 1, "shortfall": 1, "penalty_yuan": 20, "net_yuan": 30},
		"officer-1": {"adopted": 0, "reward_yuan": 0, "quota": 2, "counted": 0, "shortfall": 2, "penalty_yuan": 40, "net_yuan": -40},
	}
	for _, m := range doc.Members {
		w := want[m["member"].(string)]
		for k, v := range w {
			if m[k] != v {
				t.Errorf("%s %s = %v, want %v", m["member"], k, m[k], v)
			}
		}
	}
	if doc.Members[0]["member"] != "officer-2" || doc.Members[0]["unit"] != "general" {
		t.Errorf("first row = %v", doc.Members[0])
	}
}

// archive is the 2026 XLSX archive of src, opened; closed with the test.
func archive(t *testing.T, src *export.Source) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(src, "archive", "2026", export.XLSX, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestSubmissionXLSXReadBack(t *testing.T) {
	src := deskFixture(t)
	f := archive(t, src)
	sheets := strings.Join(f.GetSheetList(), ",")
	if sheets != "信息稿件,个人积分,单位排名,周报,好人好事,外出活动,考勤记录,急报" {
		t.Errorf("sheets = %s", sheets)
	}
	rows, err := f.GetRows("信息稿件")
	if err != nil || len(rows) != 4 {
		t.Fatalf("信息稿件 rows = %v, %v", rows, err)
	}
	if rows[1][0] != "编号" || rows[2][0] != "S1" || rows[2][7] != "已签发" || rows[2][11] != "市级" || rows[2][13] != "〔2026〕第1号" {
		t.Errorf("S1 row = %v", rows[2])
	}
	if rows[3][0] != "S2" || rows[3][10] != "延期" || rows[3][9] != "2026-12" {
		t.Errorf("S2 row = %v", rows[3])
	}
	pts, _ := f.GetRows("个人积分")
	if len(pts) != 4 || pts[2][1] != "孙敏" || pts[2][0] != "1" {
		t.Errorf("个人积分 = %v", pts)
	}
	deeds, _ := f.GetRows("好人好事")
	if len(deeds) != 3 || deeds[2][4] != "拾金不昧" {
		t.Errorf("好人好事 = %v", deeds)
	}
	weekly, _ := f.GetRows("周报")
	if len(weekly) < 3 || weekly[2][0] != "W1" {
		t.Errorf("周报 = %v", weekly)
	}

	var buf bytes.Buffer
	if err := export.Write(src, "archive", "2026", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	var dump struct {
		Kind        string
		Submissions struct{ Items []map[string]any }
		GoodDeeds   []map[string]any `json:"good_deeds"`
	}
	if err := json.Unmarshal(buf.Bytes(), &dump); err != nil || dump.Kind != "archive" || len(dump.Submissions.Items) != 2 || len(dump.GoodDeeds) != 1 {
		t.Errorf("dump = %+v, %v", dump, err)
	}
	if err := export.Write(src, "archive", "2026", export.CSV, &buf); err == nil {
		t.Error("archive as CSV should be refused")
	}
	for _, what := range []string{"submissions", "points", "weekly"} {
		buf.Reset()
		if err := export.Write(src, what, "2026Q4", export.CSV, &buf); err != nil || !strings.HasPrefix(buf.String(), "\ufeff") {
			t.Errorf("%s csv: %v", what, err)
		}
	}
}
