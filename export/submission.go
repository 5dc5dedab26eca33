package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

// deskRecords are every item, weekly report and good deed of the
// information desk (desk.Service.Load), as one export reads them.
type deskRecords struct {
	arts  []*desk.Article
	weeks []*desk.Weekly
	deeds []*desk.GoodDeed
}

// inPeriod reports whether an item belongs to the period: by the month it
// counts for, or (drafts) by when it was created.
func inPeriod(a *desk.Article, p org.Period) bool {
	if a.CountedMonth != "" {
		m, err := time.ParseInLocation("2006-01", a.CountedMonth, p.From.Location())
		return err == nil && !m.Before(p.From) && m.Before(p.To)
	}
	return !a.CreatedAt.Before(p.From) && a.CreatedAt.Before(p.To)
}

// Submissions is the submissions export (SPEC §10.1; add fields, never
// rename): the items counted for the period's months, and drafts created in it.
type Submissions struct {
	Kind   string `json:"kind"` // "submissions"
	Period string `json:"period"`
	Items  []Item `json:"items"`
	src    *Source
}

// Item is an information item as the exports write it: the stored item
// and, for a 统计 item, where it stands at the time of the export
// (desk.StatPending …), derived from its data time, due time and arrival
// rather than stored.
type Item struct {
	*desk.Article
	StatState string `json:"stat_state,omitempty"`
}

func submissionsDocument(src *Source, p org.Period) (Document, error) {
	r, err := src.desk()
	if err != nil {
		return nil, err
	}
	doc := &Submissions{Kind: "submissions", Period: p.Name, Items: []Item{}, src: src}
	now := src.now()
	for _, a := range r.arts {
		if inPeriod(a, p) {
			doc.Items = append(doc.Items, Item{a, a.StatStateAt(now)})
		}
	}
	return doc, nil
}

func writeJSON(w io.Writer, v any, what string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("export: %s json: %w", what, err)
	}
	return nil
}

// JSON writes the contract, an item at a time.
func (s *Submissions) JSON(w io.Writer) error {
	j := newJSON(w)
	j.field("kind", s.Kind)
	j.field("period", s.Period)
	j.open("items")
	for _, a := range s.Items {
		j.item(a)
	}
	j.close()
	return j.end("submissions")
}

var submissionHeader = []string{"编号", "单位", "报送人", "标题", "类别", "撰稿", "审核", "状态", "报送时间", "计入月份", "延期",
	"最高采用级别", "采用情况", "登记编号", "退回/不采用原因", "数据时间", "统计时效"}

var submissionWidths = []float64{7, 12, 10, 36, 7, 10, 10, 14, 17, 10, 6, 12, 36, 14, 24, 17, 10}

// statStates names a 统计 item's state in the sheets (篇7: 24 hours).
var statStates = map[string]string{desk.StatPending: "待报", desk.StatOverdue: "逾期未报",
	desk.StatOnTime: "按时", desk.StatLate: "逾期报到"}

func (s *Submissions) cells(a Item) []any {
	var ads []string
	for _, ad := range a.Adoptions {
		ads = append(ads, strings.TrimSpace(ad.Level+" "+ad.Media))
	}
	submitted := ""
	if a.SubmittedAt != nil {
		submitted = a.SubmittedAt.In(s.src.loc()).Format("2006-01-02 15:04")
	}
	late := ""
	if a.Late {
		late = "延期"
	}
	data := ""
	if a.DataAt != nil {
		data = a.DataAt.In(s.src.loc()).Format("2006-01-02 15:04")
	}
	return []any{a.ID, a.UnitName, a.SubmitterName, a.Title, a.Category, a.Author, a.Reviewer,
		desk.StatusName(a.Status, s.src.Dir.OfficeName()), submitted, a.CountedMonth, late, a.HighestLevel(), strings.Join(ads, "；"), a.RegNo, a.Reason,
		data, statStates[a.StatState]}
}

// CSV writes one line per item (UTF-8 with a byte-order mark for Excel).
func (s *Submissions) CSV(w io.Writer) error {
	c := newCSV(w)
	c.row(submissionHeader)
	for _, a := range s.Items {
		c.row(cells(s.cells(a)))
	}
	return c.close("submissions")
}

// XLSX writes the sheet 信息稿件.
func (s *Submissions) XLSX(w io.Writer) error {
	b := newBook()
	s.sheet(b)
	return b.finish(w, "submissions")
}

const submissionSheet = "信息稿件"

func (s *Submissions) sheet(b *book) {
	b.sheet(submissionSheet, fmt.Sprintf("%s 信息稿件（%s）", s.src.Dir.Name, org.PeriodLabel(s.Period)),
		submissionHeader, submissionWidths)
	for i, a := range s.Items {
		b.row(dataRow+i, s.cells(a))
	}
}

// writeCSV writes a header and rows.
func writeCSV(w io.Writer, header []string, rows [][]any, what string) error {
	c := newCSV(w)
	c.row(header)
	for _, r := range rows {
		c.row(cells(r))
	}
	return c.close(what)
}

// Weekly is the weekly-report export: the reports due in the period (as the
// attendance export takes the forms due in it, and as the overdue list of
// the due day names them), and the departments that missed one whose due
// time passed.
type Weekly struct {
	Kind    string          `json:"kind"` // "weekly"
	Period  string          `json:"period"`
	Reports []*desk.Weekly  `json:"reports"`
	Missing []WeeklyMissing `json:"missing"`
	src     *Source
}

// WeeklyMissing is a department without the report of a week.
type WeeklyMissing struct {
	Week string    `json:"week"` // Monday of the week
	Unit string    `json:"unit"`
	Due  time.Time `json:"due"`
}

func weeklyDocument(src *Source, p org.Period) (Document, error) {
	r, err := src.desk()
	if err != nil {
		return nil, err
	}
	doc := &Weekly{Kind: "weekly", Period: p.Name, Reports: []*desk.Weekly{}, Missing: []WeeklyMissing{}, src: src}
	for _, w := range r.weeks {
		if !w.Due.Before(p.From) && w.Due.Before(p.To) {
			doc.Reports = append(doc.Reports, w)
		}
	}
	for _, wd := range src.Desk.WeeksDue(p.From, p.To) {
		if wd.Due.After(src.now()) {
			break
		}
		for _, u := range desk.WeeklyMissingOf(src.Desk.Departments(), r.weeks, wd.Monday) {
			doc.Missing = append(doc.Missing, WeeklyMissing{Week: wd.Monday.Format(time.DateOnly), Unit: u, Due: wd.Due})
		}
	}
	return doc, nil
}

// JSON writes the export.
func (x *Weekly) JSON(w io.Writer) error { return writeJSON(w, x, "weekly") }

var weeklyHeader = []string{"编号", "部门", "报送人", "周（周一）", "截止时间", "报送时间", "状态", "内容"}
var weeklyWidths = []float64{7, 12, 10, 12, 17, 17, 10, 60}

func (x *Weekly) rows() [][]any {
	loc := x.src.loc()
	var out [][]any
	for _, w := range x.Reports {
		state := "按时"
		if w.Late {
			state = "逾期补报"
		}
		out = append(out, []any{w.ID, w.UnitName, w.SubmitterName, w.Week, w.Due.In(loc).Format("2006-01-02 15:04"),
			w.At.In(loc).Format("2006-01-02 15:04"), state, w.Text})
	}
	for _, m := range x.Missing {
		out = append(out, []any{"", x.src.Dir.UnitName(m.Unit), "", m.Week, m.Due.In(loc).Format("2006-01-02 15:04"), "", "未报", ""})
	}
	return out
}

// CSV writes one line per report and per missing week.
func (x *Weekly) CSV(w io.Writer) error { return writeCSV(w, weeklyHeader, x.rows(), "weekly") }

const weeklySheet = "周报"

func (x *Weekly) sheet(b *book) {
	b.sheet(weeklySheet, fmt.Sprintf("%s 部门周报（%s）", x.src.Dir.Name, org.PeriodLabel(x.Period)), weeklyHeader, weeklyWidths)
	for i, r := range x.rows() {
		b.row(dataRow+i, r)
	}
}

// XLSX writes the sheet 周报.
func (x *Weekly) XLSX(w io.Writer) error {
	b := newBook()
	x.sheet(b)
	return b.finish(w, "weekly")
}
