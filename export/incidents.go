package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// Incidents is the incidents export (SPEC §10.1, a contract: fields may be
// added, never renamed): every incident reported in the period with its
// timeline and the audit of the written report (篇4: late, missing and
// concealed reports are accountable).
type Incidents struct {
	Kind      string        `json:"kind"` // "incidents"
	Period    string        `json:"period"`
	Incidents []IncidentRow `json:"incidents"`

	org  string                 // the organisation's name, for the sheets' titles
	name func(id string) string // a member's name for the sheets (ids stay in the JSON); nil: the id
}

// IncidentRow is one incident. The first fields are the contract; the rest
// are added for the audit.
type IncidentRow struct {
	ID               string           `json:"id"`
	Reporter         string           `json:"reporter"`
	Unit             string           `json:"unit"`
	ReportedAt       time.Time        `json:"reported_at"`
	Kind             string           `json:"kind"`
	Category         string           `json:"category"`
	Severity         string           `json:"severity"`
	Dead             int              `json:"dead"`
	Missing          int              `json:"missing"`
	Injured          int              `json:"injured"`
	SeriouslyInjured int              `json:"seriously_injured"`
	Ill              int              `json:"ill"`
	Hospitalised     int              `json:"hospitalised"`
	LossYuan         int64            `json:"loss_yuan"`
	Place            string           `json:"place"`
	AckedBy          string           `json:"acked_by"`
	AckedAt          *time.Time       `json:"acked_at"`
	LevelReached     int              `json:"level_reached"`
	WrittenState     string           `json:"written_state"` // on_time, late, missing, pending
	Closed           bool             `json:"closed"`
	Timeline         []incident.Entry `json:"timeline"`

	ReporterName string     `json:"reporter_name"`
	UnitName     string     `json:"unit_name"`
	Text         string     `json:"text"`
	OccurredAt   *time.Time `json:"occurred_at"`
	SeverityWhy  []string   `json:"severity_why"`
	Cause        string     `json:"cause"`
	Measures     string     `json:"measures"`
	Help         string     `json:"help"`
	WrittenDue   time.Time  `json:"written_due"`
	WrittenAt    *time.Time `json:"written_at"`
	Reminders    int        `json:"reminders_sent"`
	UpwardAt     *time.Time `json:"upward_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	ClosedBy     string     `json:"closed_by"`
}

// IncidentsOf builds the export of the incidents reported in the period
// (pass them oldest first); the written-report state is as of now.
func IncidentsOf(list []*incident.Incident, p org.Period, now time.Time) *Incidents {
	doc := &Incidents{Kind: "incidents", Period: p.Name, Incidents: make([]IncidentRow, 0, len(list))}
	for _, inc := range list {
		if inc.ReportedAt.Before(p.From) || !inc.ReportedAt.Before(p.To) {
			continue
		}
		row := IncidentRow{
			ID: inc.ID, Reporter: inc.Reporter, Unit: inc.Unit, ReportedAt: inc.ReportedAt,
			Kind: inc.Kind, Category: inc.Category, Severity: inc.Severity,
			Dead: inc.Dead, Missing: inc.Missing, Injured: inc.Injured, SeriouslyInjured: inc.SeriouslyInjured,
			Ill: inc.Ill, Hospitalised: inc.Hospitalised, LossYuan: inc.LossYuan, Place: inc.Place,
			AckedBy: inc.AckedBy, AckedAt: inc.AckedAt, LevelReached: inc.LevelReached,
			WrittenState: incident.WrittenState(inc, now), Closed: inc.Closed, Timeline: inc.Timeline,
			ReporterName: inc.ReporterName, UnitName: inc.UnitName, Text: inc.Text, SeverityWhy: inc.Why,
			Cause: inc.Cause, Measures: inc.Measures, Help: inc.Help,
			WrittenDue: inc.WrittenDue, WrittenAt: inc.WrittenAt, Reminders: inc.Reminders,
			UpwardAt: inc.UpwardAt, ClosedAt: inc.ClosedAt, ClosedBy: inc.ClosedBy,
		}
		if row.Timeline == nil {
			row.Timeline = []incident.Entry{}
		}
		if row.SeverityWhy == nil {
			row.SeverityWhy = []string{}
		}
		if !inc.Time.IsZero() {
			t := inc.Time
			row.OccurredAt = &t
		}
		doc.Incidents = append(doc.Incidents, row)
	}
	return doc
}

// incidentSource is what the incidents export reads (store.DB).
type incidentSource interface {
	IncidentsBetween(from, to time.Time) ([]*incident.Incident, error)
}

// incidentsDocument is the Builder of -what incidents.
func incidentsDocument(src *Source, p org.Period) (Document, error) {
	list, err := src.Store.IncidentsBetween(p.From, p.To)
	if err != nil {
		return nil, err
	}
	doc := IncidentsOf(list, p, src.now())
	doc.org, doc.name = src.Dir.Name, src.Dir.MemberName
	return doc, nil
}

// JSON writes the export as indented JSON.
func (d *Incidents) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("export: incidents json: %w", err)
	}
	return nil
}

// incidentHeader names the columns of the CSV and of the XLSX sheet 急报.
var incidentHeader = []string{
	"编号", "报告人", "报告人编号", "单位", "单位编号", "报告时间", "发生时间", "性质", "类别", "定级", "定级依据",
	"死亡", "失踪", "受伤", "其中重伤", "身体不适", "住院", "财产损失(元)", "地点", "起因", "已采取措施", "请求援助", "报告内容",
	"确认人", "确认时间", "确认用时(分钟)", "最高升级级别", "书面报告截止", "书面报告提交", "书面报告状态", "书面提醒次数",
	"上报材料送办公室", "是否结案", "结案时间", "结案人", "时间线",
}

// incidentWrittenNames are the written-report states as the audit reads them.
var incidentWrittenNames = map[string]string{
	incident.WrittenOnTime: "按时", incident.WrittenLate: "逾期", incident.WrittenMissing: "缺报", incident.WrittenPending: "待交",
}

// incidentWidths are the column widths of the sheet 急报, in incidentHeader's order.
var incidentWidths = []float64{7, 10, 14, 14, 10, 19, 19, 7, 12, 10, 28, 6, 6, 6, 8, 8, 6, 12, 16, 20, 24, 20, 40,
	10, 19, 10, 10, 19, 19, 10, 10, 19, 8, 19, 10, 60}

// who names a member in the sheets: the name, the id when unknown.
func (d *Incidents) who(id string) string {
	if d.name == nil || id == "" {
		return id
	}
	return d.name(id)
}

// cells is a row of the CSV and of the sheet 急报; people go by name.
func (d *Incidents) cells(r IncidentRow) []string {
	ackMinutes := ""
	if r.AckedAt != nil {
		ackMinutes = strconv.Itoa(int(r.AckedAt.Sub(r.ReportedAt).Round(time.Minute) / time.Minute))
	}
	closed := "否"
	if r.Closed {
		closed = "是"
	}
	lines := make([]string, len(r.Timeline))
	for i, e := range r.Timeline {
		lines[i] = incidentCell(&e.At) + " " + e.Type + " " + d.who(e.By) + "：" + e.Text
	}
	return []string{
		r.ID, r.ReporterName, r.Reporter, r.UnitName, r.Unit, incidentCell(&r.ReportedAt), incidentCell(r.OccurredAt), r.Kind,
		r.Category, r.Severity, strings.Join(r.SeverityWhy, "；"),
		strconv.Itoa(r.Dead), strconv.Itoa(r.Missing), strconv.Itoa(r.Injured), strconv.Itoa(r.SeriouslyInjured),
		strconv.Itoa(r.Ill), strconv.Itoa(r.Hospitalised), strconv.FormatInt(r.LossYuan, 10), r.Place, r.Cause,
		r.Measures, r.Help, r.Text,
		d.who(r.AckedBy), incidentCell(r.AckedAt), ackMinutes, strconv.Itoa(r.LevelReached), incidentCell(&r.WrittenDue),
		incidentCell(r.WrittenAt), incidentWrittenNames[r.WrittenState], strconv.Itoa(r.Reminders),
		incidentCell(r.UpwardAt), closed, incidentCell(r.ClosedAt), d.who(r.ClosedBy), strings.Join(lines, "\n"),
	}
}

// CSV writes one row per incident (UTF-8 with a byte-order mark, so
// that Excel reads the Chinese); the timeline is one cell, a line per entry.
func (d *Incidents) CSV(w io.Writer) error {
	c := newCSV(w)
	c.row(incidentHeader)
	for _, r := range d.Incidents {
		c.row(d.cells(r))
	}
	return c.close("incidents")
}

// XLSX writes a workbook with two sheets: 急报 (one row per incident,
// the audit columns) and 时间线 (one row per timeline entry), each with a
// title, column widths and a frozen header; people go by name.
func (d *Incidents) XLSX(w io.Writer) error {
	b := newBook()
	d.sheet(b, strings.TrimSpace(fmt.Sprintf("%s 急报台账（%s）", d.org, d.Period)))
	b.sheet("时间线", strings.TrimSpace(fmt.Sprintf("%s 急报时间线（%s）", d.org, d.Period)),
		[]string{"编号", "时间", "类型", "人员", "内容"}, []float64{7, 19, 8, 12, 60})
	row := dataRow
	for _, r := range d.Incidents {
		for _, e := range r.Timeline {
			b.row(row, []any{r.ID, incidentCell(&e.At), e.Type, d.who(e.By), e.Text})
			row++
		}
	}
	return b.finish(w, "incidents")
}

// sheet writes the sheet 急报 (of this workbook and of the archive): a row
// per incident, people by name.
func (d *Incidents) sheet(b *book, title string) {
	b.sheet("急报", title, incidentHeader, incidentWidths)
	for i, r := range d.Incidents {
		b.row(dataRow+i, toAny(d.cells(r)))
	}
}

// incidentCell formats a time for a sheet cell; "" for none.
func incidentCell(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04:05")
}
