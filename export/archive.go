package export

// The annual archive (篇1 第八条(四), 篇8 年底归档): `-what archive -period
// 2026` as .xlsx is one workbook with a sheet per record kind — 信息稿件,
// 个人积分, 单位排名, 周报, 好人好事, 外出活动 (by the outing's day), 考勤记录
// (the attendance workbook's 报表明细 over the year: the forms due in it,
// people and classes by name) and 急报 (the incidents workbook's sheet) —
// and as .json the dump of every record of the year (the same -o with .json
// writes it; the attendance entries and incidents as stored). A record
// belongs to the year of its time field (at, submitted_at, reported_at,
// created_at …); information items go by the month they count for.

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

// Archive is a year's records of every kind.
type Archive struct {
	Kind        string               `json:"kind"` // "archive"
	Period      string               `json:"period"`
	Submissions *Submissions         `json:"submissions"`
	Points      *Points              `json:"points"`
	Weekly      *Weekly              `json:"weekly"`
	GoodDeeds   []*desk.GoodDeed     `json:"good_deeds"`
	Outings     []*attendance.Outing `json:"outings"` // by the outing's day
	Attendance  []json.RawMessage    `json:"attendance"`
	Incidents   []json.RawMessage    `json:"incidents"`
	MediaSums   []*desk.MediaSummary `json:"media_summaries"`
	src         *Source
	period      org.Period
	incidents   *Incidents // the sheet 急报, as the incidents workbook has it
}

// archiveTimeFields are the fields that date a raw record, tried in order.
var archiveTimeFields = []string{"at", "submitted_at", "reported_at", "created_at", "due"}

// rawInPeriod reports whether a raw record's first time field lies in p.
func rawInPeriod(raw json.RawMessage, p org.Period) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, k := range archiveTimeFields {
		var t time.Time
		if v, ok := m[k]; ok && json.Unmarshal(v, &t) == nil && !t.IsZero() {
			return !t.Before(p.From) && t.Before(p.To)
		}
	}
	return false
}

func archiveDocument(src *Source, p org.Period) (Document, error) {
	subs, err := submissionsDocument(src, p)
	if err != nil {
		return nil, err
	}
	pts, err := pointsDocument(src, p)
	if err != nil {
		return nil, err
	}
	wk, err := weeklyDocument(src, p)
	if err != nil {
		return nil, err
	}
	inc, err := incidentsDocument(src, p)
	if err != nil {
		return nil, err
	}
	r, err := src.desk()
	if err != nil {
		return nil, err
	}
	a := &Archive{Kind: "archive", Period: p.Name, Submissions: subs.(*Submissions), Points: pts.(*Points),
		Weekly: wk.(*Weekly), GoodDeeds: []*desk.GoodDeed{}, Outings: []*attendance.Outing{}, Attendance: []json.RawMessage{},
		Incidents: []json.RawMessage{}, MediaSums: []*desk.MediaSummary{}, src: src, period: p, incidents: inc.(*Incidents)}
	for _, g := range r.deeds {
		if !g.At.Before(p.From) && g.At.Before(p.To) {
			a.GoodDeeds = append(a.GoodDeeds, g)
		}
	}
	outings, err := src.Attendance.Outings(p.From, p.To.AddDate(0, 0, -1), false)
	if err != nil {
		return nil, err
	}
	a.Outings = append(a.Outings, outings...)
	for prefix, dst := range map[string]*[]json.RawMessage{"A": &a.Attendance, "E": &a.Incidents} {
		raws, err := src.Store.Records(prefix)
		if err != nil {
			return nil, err
		}
		for _, r := range raws {
			if rawInPeriod(r, p) {
				*dst = append(*dst, r)
			}
		}
	}
	sums, err := src.Desk.MediaSummaries("")
	for _, s := range sums {
		if m, perr := time.ParseInLocation("2006-01", s.Month, p.From.Location()); perr == nil && !m.Before(p.From) && m.Before(p.To) {
			a.MediaSums = append(a.MediaSums, s)
		}
	}
	return a, err
}

// JSON writes the dump, the raw records one at a time.
func (a *Archive) JSON(w io.Writer) error {
	j := newJSON(w)
	j.field("kind", a.Kind)
	j.field("period", a.Period)
	j.field("submissions", a.Submissions)
	j.field("points", a.Points)
	j.field("weekly", a.Weekly)
	j.field("good_deeds", a.GoodDeeds)
	j.field("outings", a.Outings)
	for _, list := range []struct {
		name string
		raws []json.RawMessage
	}{{"attendance", a.Attendance}, {"incidents", a.Incidents}} {
		j.open(list.name)
		for _, r := range list.raws {
			j.item(r)
		}
		j.close()
	}
	j.field("media_summaries", a.MediaSums)
	return j.end("archive")
}

// CSV is not offered: an archive has many tables.
func (a *Archive) CSV(io.Writer) error {
	return fmt.Errorf("%w: archive is written as .xlsx (a sheet per kind) or .json", ErrFormat)
}

var goodDeedHeader = []string{"编号", "报告人", "单位", "时间", "事迹"}
var goodDeedWidths = []float64{7, 12, 14, 17, 70}

var outingHeader = []string{"编号", "班级", "日期", "时间", "活动", "地点", "人数", "紧急", "登记人", "登记时间", "通知家长"}
var outingWidths = []float64{7, 14, 12, 12, 30, 16, 7, 7, 12, 17, 24}

// XLSX writes one sheet per kind.
func (a *Archive) XLSX(w io.Writer) error {
	// The year's forms are summed for the sheet only; the JSON has the entries as stored.
	doc, err := attendanceDocument(a.src, a.period)
	if err != nil {
		return err
	}
	att := doc.(*attendanceExport)
	b := newBook()
	a.Submissions.sheet(b)
	a.Points.sheets(b)
	a.Weekly.sheet(b)
	name := a.src.Dir.Name
	label := org.PeriodLabel(a.Period)
	b.sheet("好人好事", fmt.Sprintf("%s 好人好事（%s）", name, label), goodDeedHeader, goodDeedWidths)
	loc := a.src.loc()
	for i, g := range a.GoodDeeds {
		b.row(dataRow+i, []any{g.ID, g.ReporterName, g.UnitName, g.At.In(loc).Format("2006-01-02 15:04"), g.Text})
	}
	b.sheet("外出活动", fmt.Sprintf("%s 外出活动（%s）", name, label), outingHeader, outingWidths)
	for i, o := range a.Outings {
		notified := "未确认"
		if o.NotifiedAt != nil {
			notified = o.NotifiedAt.In(loc).Format("2006-01-02 15:04") + " " + o.NotifiedByName
		}
		urgent := ""
		if o.Urgent {
			urgent = "紧急"
		}
		b.row(dataRow+i, []any{o.ID, o.UnitName, o.Date, o.Time, o.Activity, o.Place, o.Students, urgent,
			o.SubmitterName, o.At.In(loc).Format("2006-01-02 15:04"), notified})
	}
	att.formsSheet(b, "考勤记录", fmt.Sprintf("%s 考勤记录（%s）", name, label))
	a.incidents.sheet(b, fmt.Sprintf("%s 急报（%s）", name, label))
	return b.finish(w, "archive")
}
