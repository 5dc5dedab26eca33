package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/org"
)

// attendanceExport is the 《日常信息月度汇总表》 of every class for a period:
// the forms whose due time falls in it, and the students' totals.
type attendanceExport struct {
	src    *Source
	s      *attendance.Summary
	loc    *time.Location
	causes map[string][]string // class + "\x00" + student → the follow-ups of the student's absences (篇3), as text
}

func attendanceDocument(src *Source, p org.Period) (Document, error) {
	s, err := src.Attendance.Summary(p, src.classes(), src.now())
	if err != nil {
		return nil, err
	}
	x := &attendanceExport{src: src, s: s, loc: src.loc(), causes: map[string][]string{}}
	for _, f := range s.Forms {
		for _, e := range f.Live() {
			for _, fu := range e.Followups {
				k := e.Unit + "\x00" + fu.Student
				x.causes[k] = append(x.causes[k], e.ID+" "+x.causeText(fu))
			}
		}
	}
	return x, nil
}

// causeText says where the class teacher's follow-up of an absence stands:
// 已查明：发烧在家（刘老师 11-26 18:00）, 未查明：家长电话无人接听（刘老师 11-26 18:00，已上报）,
// 逾期未回复（已上报）, 待查明.
func (x *attendanceExport) causeText(f attendance.Followup) string {
	who := ""
	if f.By != "" {
		who = x.src.Dir.MemberName(f.By) + " " + f.At.In(x.loc).Format("01-02 15:04")
	}
	switch f.State {
	case attendance.CauseFound:
		return "已查明：" + f.Cause + "（" + who + "）"
	case attendance.CauseNotFound:
		note := ""
		if f.Cause != "" {
			note = "：" + f.Cause
		}
		return "未查明" + note + "（" + who + "，已上报）"
	case attendance.CauseOverdue:
		return "逾期未回复（已上报）"
	}
	return "待查明"
}

// studentCauses lists a student's follow-ups of the period, one cell.
func (x *attendanceExport) studentCauses(t *attendance.Tally) string {
	return strings.Join(x.causes[t.Unit+"\x00"+t.Student], "；")
}

// The JSON of SPEC §10.1 is an object of kind, period, org, generated_at,
// forms, students, classes, grades and thresholds (written field by field
// by JSON). Field names are a contract: add, never rename.

type formJSON struct {
	Unit        string      `json:"unit"`
	UnitName    string      `json:"unit_name"`
	Grade       string      `json:"grade"`
	WindowStart string      `json:"window_start,omitempty"`
	Due         string      `json:"due"`
	State       string      `json:"state"`
	FirstAt     string      `json:"first_at,omitempty"`
	Entries     []entryJSON `json:"entries"`
}

type entryJSON struct {
	ID        string    `json:"id"`
	Submitter string    `json:"submitter"`
	At        string    `json:"at"`
	Withdrawn bool      `json:"withdrawn"`
	Date      string    `json:"date,omitempty"`     // a date named in the message
	Revision  int       `json:"revision,omitempty"` // corrections applied
	Rows      []rowJSON `json:"items"`
	// Followups are the class teacher's answers about the entry's abnormal
	// absences (篇3): state pending, found (查明), not_found (未查明) or overdue.
	Followups []followupJSON `json:"followups,omitempty"`
}

type followupJSON struct {
	Student  string `json:"student"`
	State    string `json:"state"`
	Cause    string `json:"cause,omitempty"`
	By       string `json:"by,omitempty"`
	At       string `json:"at,omitempty"`
	Reported string `json:"reported_at,omitempty"`
}

type rowJSON struct {
	Type      string `json:"type"`
	Student   string `json:"student"`
	StudentNo string `json:"student_no,omitempty"`
	Hours     int    `json:"hours,omitempty"`
	Days      int    `json:"days,omitempty"`
	Nights    int    `json:"nights,omitempty"` // 夜不归宿 of more than one night
	Time      string `json:"time,omitempty"`   // 晚归
	Reason    string `json:"reason,omitempty"`
	Approver  string `json:"approver,omitempty"`
	Pending   bool   `json:"pending_note,omitempty"` // 请假 without approver: 待补请假条
}

type studentJSON struct {
	Unit          string `json:"unit"`
	UnitName      string `json:"unit_name"`
	Grade         string `json:"grade"`
	Student       string `json:"student"`
	AbsentHours   int    `json:"absent_hours"` // 旷课 hours that count: reported − covered by approved leave
	NightsAway    int    `json:"nights_away"`
	DaysLeft      int    `json:"days_left"`
	LeaveHours    int    `json:"leave_hours"` // 请假 given in hours
	Level         string `json:"level"`
	ReportedHours int    `json:"reported_hours"` // 旷课 hours as reported
	CoveredHours  int    `json:"covered_hours"`  // of those, covered by approved leave
	LateReturns   int    `json:"late_returns"`
	LeaveDays     int    `json:"leave_days"` // 请假 given in days
	PendingNotes  int    `json:"pending_notes"`
}

type classJSON struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Grade    string `json:"grade"`
	Forms    int    `json:"forms"`
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Missing  int    `json:"missing"`
	Open     int    `json:"open"`
}

type gradeJSON struct {
	Grade       string `json:"grade"`
	ConfirmedBy string `json:"confirmed_by,omitempty"`
	ConfirmedAt string `json:"confirmed_at,omitempty"`
}

type thresholdsJSON struct {
	YellowHours     int `json:"yellow_hours"`
	CriticizeHours  int `json:"criticize_hours"`
	DisciplineHours int `json:"discipline_hours"`
	DisciplineDays  int `json:"discipline_days"`
}

func (x *attendanceExport) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format(time.RFC3339)
}

func (x *attendanceExport) unit(id string) *org.Unit {
	if u, ok := x.src.Dir.Unit(id); ok {
		return u
	}
	return &org.Unit{ID: id, Name: id}
}

func (x *attendanceExport) form(f *attendance.Form) formJSON {
	u := x.unit(f.Unit)
	fj := formJSON{Unit: f.Unit, UnitName: u.Name, Grade: u.Grade, WindowStart: x.stamp(f.Start),
		Due: x.stamp(f.Due), State: f.State(x.s.Now), Entries: []entryJSON{}}
	if first, ok := f.FirstAt(); ok {
		fj.FirstAt = x.stamp(first)
	}
	for _, e := range f.Entries {
		ej := entryJSON{ID: e.ID, Submitter: e.Submitter, At: x.stamp(e.At), Withdrawn: e.Withdrawn,
			Date: e.Date, Revision: e.Revision, Rows: []rowJSON{}}
		for _, r := range e.Rows {
			ej.Rows = append(ej.Rows, rowOf(r))
		}
		for _, f := range e.Followups {
			ej.Followups = append(ej.Followups, followupJSON{Student: f.Student, State: f.State, Cause: f.Cause, By: f.By,
				At: x.stamp(f.At), Reported: x.stamp(f.Reported)})
		}
		fj.Entries = append(fj.Entries, ej)
	}
	return fj
}

func rowOf(r attendance.Row) rowJSON {
	it := rowJSON{Type: r.Type, Student: r.Student, StudentNo: r.No, Time: r.Time, Reason: r.Reason, Approver: r.Approver}
	switch r.Type {
	case attendance.NightAway:
		if r.Days > 1 {
			it.Nights = r.Days
		}
	case attendance.LateReturn:
	default:
		it.Hours, it.Days = r.Hours, r.Days
	}
	it.Pending = r.Type == attendance.Leave && r.Approver == ""
	return it
}

// JSON writes the export of SPEC §10.1 (indented), a form, student or
// class at a time.
func (x *attendanceExport) JSON(w io.Writer) error {
	a := x.src.Policies.Attendance
	j := newJSON(w)
	j.field("kind", "attendance")
	j.field("period", x.s.Period.Name)
	j.field("org", x.src.Dir.Name)
	j.field("generated_at", x.stamp(x.s.Now))
	j.open("forms")
	for _, f := range x.s.Forms {
		j.item(x.form(f))
	}
	j.close()
	j.open("students")
	for _, g := range x.s.Grades {
		for _, c := range g.Classes {
			for _, t := range c.Students {
				j.item(studentJSON{Unit: t.Unit, UnitName: c.Name, Grade: g.Grade,
					Student: t.Student, AbsentHours: t.AbsentHours, NightsAway: t.Nights, DaysLeft: t.DaysLeft,
					LeaveHours: t.LeaveHours, Level: t.Level, ReportedHours: t.ReportedHours, CoveredHours: t.CoveredHours,
					LateReturns: t.LateReturns, LeaveDays: t.LeaveDays, PendingNotes: t.PendingLeaves})
			}
		}
	}
	j.close()
	j.open("classes")
	for _, g := range x.s.Grades {
		for _, c := range g.Classes {
			j.item(classJSON{Unit: c.Unit, UnitName: c.Name, Grade: g.Grade,
				Forms: c.OnTime + c.Late + c.Missing + c.Open, OnTime: c.OnTime, Late: c.Late, Missing: c.Missing, Open: c.Open})
		}
	}
	j.close()
	j.open("grades")
	for _, g := range x.s.Grades {
		gj := gradeJSON{Grade: g.Grade}
		if c := g.Confirmed; c != nil {
			gj.ConfirmedBy, gj.ConfirmedAt = c.By, x.stamp(c.At)
		}
		j.item(gj)
	}
	j.close()
	j.field("thresholds", thresholdsJSON{a.YellowHours, a.CriticizeHours, a.DisciplineHours, a.DisciplineDays})
	return j.end("attendance")
}

// studentHeader are the columns of a student line, after 年级 and 班级.
var studentHeader = []string{"学生", "旷课(节)", "请假抵扣(节)", "计入旷课(节)", "夜不归宿(次)", "擅自离校(天)",
	"晚归(次)", "请假(节)", "请假(天)", "待补请假条", "处理等级", "缺勤原因"}

func (x *attendanceExport) studentCells(t *attendance.Tally) []any {
	return []any{t.Student, t.ReportedHours, t.CoveredHours, t.AbsentHours, t.Nights, t.DaysLeft,
		t.LateReturns, t.LeaveHours, t.LeaveDays, t.PendingLeaves, t.Level, x.studentCauses(t)}
}

// CSV writes one table: a line per student with anything recorded, and a
// line (student empty) for each class without any, the class's form counts
// on every line. UTF-8 with a byte-order mark, so that Excel reads Chinese.
func (x *attendanceExport) CSV(w io.Writer) error {
	c := newCSV(w)
	c.row(append([]string{"年级", "班级", "应交", "按时", "迟交", "未交", "未到期"}, studentHeader...))
	for _, g := range x.s.Grades {
		for _, cl := range g.Classes {
			class := []any{g.Grade, cl.Name, cl.OnTime + cl.Late + cl.Missing + cl.Open, cl.OnTime, cl.Late, cl.Missing, cl.Open}
			if len(cl.Students) == 0 {
				c.row(cells(class))
			}
			for _, t := range cl.Students {
				c.row(cells(append(append([]any{}, class...), x.studentCells(t)...)))
			}
		}
	}
	return c.close("attendance")
}

func cells(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case int:
			out[i] = strconv.Itoa(v)
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

var stateNames = map[string]string{attendance.FormOnTime: "按时", attendance.FormLate: "迟交", attendance.FormMissing: "未交", attendance.FormOpen: "未到期"}

// Sheet layout of the workbook: row 1 a title, row 2 the column headers,
// data from row 3.
const (
	overviewSheet = "总览"
	formsSheet    = "报表明细"
	dataRow       = 3
)

var (
	overviewHeader = []string{"年级", "班级", "应交", "按时", "迟交", "未交", "未到期", "有记录学生", "黄牌警示", "通报批评", "纪律处分", "年级确认"}
	overviewWidths = []float64{8, 14, 7, 7, 7, 7, 8, 11, 9, 9, 9, 26}
	gradeHeader    = append([]string{"班级"}, studentHeader...)
	gradeWidths    = []float64{14, 12, 9, 13, 13, 13, 13, 9, 9, 9, 11, 11, 48}
	formsHeader    = []string{"年级", "班级", "窗口开始", "截止时间", "状态", "首次报送", "条目（报送人）", "内容", "缺勤原因"}
	formsWidths    = []float64{8, 14, 18, 18, 8, 18, 28, 60, 48}
)

// XLSX writes the workbook: an overview sheet (总览: one line per class),
// one sheet per grade (its students), and 报表明细 (every form), with
// Chinese headers, set column widths and frozen headers.
func (x *attendanceExport) XLSX(w io.Writer) error {
	b := newBook()
	title := fmt.Sprintf("%s 日常信息月度汇总表（%s）", x.src.Dir.Name, periodTitle(x.s.Period))
	b.sheet(overviewSheet, title, overviewHeader, overviewWidths)
	var total [10]int
	row := dataRow
	for _, g := range x.s.Grades {
		confirmed := "未确认"
		if c := g.Confirmed; c != nil {
			confirmed = fmt.Sprintf("%s %s", x.src.Dir.MemberName(c.By), c.At.In(x.loc).Format("2006-01-02 15:04"))
		}
		for _, c := range g.Classes {
			levels := map[string]int{}
			for _, t := range c.Students {
				levels[t.Level]++
			}
			n := []int{c.OnTime + c.Late + c.Missing + c.Open, c.OnTime, c.Late, c.Missing, c.Open, len(c.Students),
				levels[attendance.LevelYellow], levels[attendance.LevelCriticize], levels[attendance.LevelDiscipline]}
			vals := []any{g.Grade, c.Name}
			for i, v := range n {
				total[i] += v
				vals = append(vals, v)
			}
			b.row(row, append(vals, confirmed))
			row++
		}
	}
	sum := []any{"合计", fmt.Sprintf("%d 个班", row-dataRow)}
	for _, v := range total[:9] {
		sum = append(sum, v)
	}
	b.styledRow(row, append(sum, ""), b.bold)

	for _, g := range x.s.Grades {
		name := sheetName(g.Grade)
		b.sheet(name, fmt.Sprintf("%s 日常信息月度汇总（%s）", g.Grade, periodTitle(x.s.Period)), gradeHeader, gradeWidths)
		row := dataRow
		for _, c := range g.Classes {
			if len(c.Students) == 0 {
				b.row(row, []any{c.Name, "（无缺勤记录）"})
				row++
			}
			for _, t := range c.Students {
				b.row(row, append([]any{c.Name}, x.studentCells(t)...))
				row++
			}
		}
	}

	x.formsSheet(b, formsSheet, "日常信息报表明细（"+periodTitle(x.s.Period)+"）")
	return b.finish(w, "attendance")
}

// formsSheet writes a sheet of every form of the period (报表明细 here, 考勤记录
// in the archive): a row per class and due time, its entries with who sent
// them, their content and the follow-ups, people and classes by name.
func (x *attendanceExport) formsSheet(b *book, name, title string) {
	b.sheet(name, title, formsHeader, formsWidths)
	row := dataRow
	for _, fm := range x.s.Forms {
		u := x.unit(fm.Unit)
		first, _ := fm.FirstAt()
		var ids []string
		for _, e := range fm.Entries {
			id := e.ID + " " + x.src.Dir.MemberName(e.Submitter)
			if e.Withdrawn {
				id += "(已撤回)"
			}
			ids = append(ids, id)
		}
		content := ""
		var causes []string
		if live := fm.Live(); len(live) > 0 {
			content = strings.ReplaceAll(attendance.DescribeRows(fm.Rows()), "\n", "；")
			for _, e := range live {
				for _, f := range e.Followups {
					causes = append(causes, e.ID+" "+f.Student+" "+x.causeText(f))
				}
			}
		}
		b.row(row, []any{u.Grade, u.Name, x.sheetTime(fm.Start), x.sheetTime(fm.Due),
			stateNames[fm.State(x.s.Now)], x.sheetTime(first), strings.Join(ids, "、"), content, strings.Join(causes, "；")})
		row++
	}
}

func (x *attendanceExport) sheetTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.loc).Format("2006-01-02 15:04")
}

// periodTitle writes 2026-11 as 2026年11月.
func periodTitle(p org.Period) string {
	if p.To.Equal(p.From.AddDate(0, 1, 0)) {
		return fmt.Sprintf("%d年%d月", p.From.Year(), int(p.From.Month()))
	}
	return p.Name
}

// sheetName makes a valid, unique-enough sheet name of a grade.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "" || s == overviewSheet || s == formsSheet {
		s = "年级" + s
	}
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// book writes a workbook a sheet at a time through excelize's StreamWriter,
// so that only the sheet being written is held, as XML text; one error for
// the whole workbook. Rows go in ascending order; cells are numbers or
// strings, never formulas.
type book struct {
	f                 *excelize.File
	sw                *excelize.StreamWriter
	sheets            int
	title, head, bold int
	err               error
}

// newBook starts a workbook with its styles; close it after writing.
func newBook() *book {
	b := &book{f: excelize.NewFile()}
	var err error
	b.title, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	b.keep(err)
	b.head, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}})
	b.keep(err)
	b.bold, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	b.keep(err)
	return b
}

func (b *book) keep(err error) {
	if b.err == nil {
		b.err = err
	}
}

// stream flushes the sheet being written and starts the next: the first
// sheet renames the new file's Sheet1 (first and active), the others are added.
func (b *book) stream(name string) {
	b.flush()
	if b.err != nil {
		return
	}
	if b.sheets == 0 {
		b.keep(b.f.SetSheetName("Sheet1", name))
	} else {
		_, err := b.f.NewSheet(name)
		b.keep(err)
	}
	b.sheets++
	if b.err == nil {
		b.sw, b.err = b.f.NewStreamWriter(name)
	}
}

func (b *book) flush() {
	if b.sw != nil {
		b.keep(b.sw.Flush())
		b.sw = nil
	}
}

// sheet adds a sheet with its column widths, frozen header, title (merged
// over the columns, row 1) and header row (row 2).
func (b *book) sheet(name, title string, header []string, widths []float64) {
	b.stream(name)
	if b.err != nil {
		return
	}
	for i, wd := range widths {
		b.keep(b.sw.SetColWidth(i+1, i+1, wd))
	}
	b.keep(b.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: dataRow - 1, TopLeftCell: fmt.Sprintf("A%d", dataRow),
		ActivePane: "bottomLeft"}))
	last, _ := excelize.ColumnNumberToName(len(header))
	b.keep(b.sw.MergeCell("A1", last+"1"))
	titleRow := make([]any, len(header))
	for i := range titleRow {
		titleRow[i] = excelize.Cell{StyleID: b.title}
	}
	titleRow[0] = excelize.Cell{StyleID: b.title, Value: title}
	b.set(1, titleRow, excelize.RowOpts{Height: 24})
	b.styledRow(2, toAny(header), b.head)
}

// row writes a line of the current sheet.
func (b *book) row(row int, vals []any) { b.set(row, vals) }

// styledRow writes a line with every cell in the style.
func (b *book) styledRow(row int, vals []any, style int) {
	cells := make([]any, len(vals))
	for i, v := range vals {
		cells[i] = excelize.Cell{StyleID: style, Value: v}
	}
	b.set(row, cells)
}

func (b *book) set(row int, vals []any, opts ...excelize.RowOpts) {
	if b.err != nil || b.sw == nil {
		return
	}
	b.keep(b.sw.SetRow(fmt.Sprintf("A%d", row), vals, opts...))
}

// finish writes the book to w and closes it.
func (b *book) finish(w io.Writer, what string) error {
	defer b.f.Close()
	b.flush()
	if b.err != nil {
		return fmt.Errorf("export: %s xlsx: %w", what, b.err)
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return fmt.Errorf("export: %s xlsx: %w", what, err)
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
