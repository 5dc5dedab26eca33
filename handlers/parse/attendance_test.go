package parse

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// attendanceCase is one case of testdata/attendance.input and its result.
type attendanceCase struct {
	Name   string          `json:"name"`
	Input  string          `json:"input"`
	Form   *AttendanceForm `json:"form,omitempty"`
	Error  string          `json:"error,omitempty"`
	Unread []string        `json:"unread,omitempty"`
}

func readAttendanceCases(t testing.TB) []attendanceCase {
	t.Helper()
	var cases []attendanceCase
	for _, c := range readNamedCases(t, "attendance.input") {
		cases = append(cases, attendanceCase{Name: c.Name, Input: c.Input})
	}
	return cases
}

func TestAttendanceGolden(t *testing.T) {
	ref := refTime(t)
	cases := readAttendanceCases(t)
	if len(cases) < 80 {
		t.Fatalf("only %d cases; the golden file should keep at least 80", len(cases))
	}
	for i, c := range cases {
		form, err := Attendance(c.Input, ref)
		checkAttendance(t, c.Input, form, err)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				cases[i].Unread = pe.Unread
			}
			cases[i].Error = err.Error()
			continue
		}
		cases[i].Form = form
	}
	checkGolden(t, "attendance.golden.json", cases, func(_ int, c attendanceCase) string { return "case " + c.Name })
}

// checkAttendance asserts what holds for every message: a form or an error,
// never both; errors wrap ErrUnreadable; items have a known type, a student
// and no negative measure.
func checkAttendance(t testing.TB, input string, form *AttendanceForm, err error) {
	t.Helper()
	switch {
	case (form == nil) == (err == nil):
		t.Fatalf("Attendance(%q) = %v, %v: want exactly one of form and error", input, form, err)
	case err != nil:
		if !errors.Is(err, ErrUnreadable) {
			t.Fatalf("Attendance(%q) error %v does not wrap ErrUnreadable", input, err)
		}
		return
	}
	if form.Items == nil {
		t.Fatalf("Attendance(%q): Items is nil", input)
	}
	if form.Nothing && len(form.Items) > 0 {
		t.Fatalf("Attendance(%q): Nothing with %d items", input, len(form.Items))
	}
	if !form.Nothing && len(form.Items) == 0 {
		t.Fatalf("Attendance(%q): neither items nor Nothing", input)
	}
	for _, it := range form.Items {
		if !slices.Contains([]string{Absent, LateReturn, NightAway, Leave, LeftSchool}, it.Type) {
			t.Fatalf("Attendance(%q): item type %q", input, it.Type)
		}
		if it.Student == "" || it.Hours < 0 || it.Days < 0 {
			t.Fatalf("Attendance(%q): bad item %+v", input, it)
		}
	}
	if d := form.Date; d != nil && (d.Hour() != 0 || d.Minute() != 0) {
		t.Fatalf("Attendance(%q): date %v is not midnight", input, d)
	}
}

// TestAttendanceTolerance checks that the spellings of one report give the
// same items: keyword left in, punctuation full or half width, spaces, an
// @mention, full-width digits.
func TestAttendanceTolerance(t *testing.T) {
	ref := refTime(t)
	want, err := Attendance("旷课：张三2节，李四一节；晚归：王五；夜不归宿：无", ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		"旷课:张三2节,李四一节;晚归:王五;夜不归宿:无",
		"考勤 旷课：张三2节，李四一节；晚归：王五；夜不归宿：无",
		"考勤，旷课：张三2节，李四一节；晚归：王五；夜不归宿：无",
		"考勤:旷课:张三2节、李四1节;晚归:王五;夜不归宿:无",
		"@报送助手 考勤 旷课：张三２节，李四１节；晚归：王五；夜不归宿：无",
		"日常信息 旷课：张三 2节， 李四 一节\n晚归：王五\n夜不归宿：无",
		"旷课：张三两节，李四1学时；晚归：王五；夜不归宿：没有",
		"张三旷课2节，李四旷课1节，王五晚归，无夜不归宿",
		"旷课 张三 2节 李四 1节 晚归 王五",
	} {
		got, err := Attendance(in, ref)
		if err != nil {
			t.Errorf("Attendance(%q): %v", in, err)
			continue
		}
		if !slices.Equal(got.Items, want.Items) || len(got.Unread) > 0 {
			t.Errorf("Attendance(%q) = %+v (unread %q); want %+v", in, got.Items, got.Unread, want.Items)
		}
	}
}

func TestAttendanceHint(t *testing.T) {
	ref := refTime(t)
	_, err := Attendance("张三上课睡觉", ref)
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Hint, "张三上课睡觉") || !slices.Equal(pe.Unread, []string{"张三上课睡觉"}) {
		t.Errorf("error = %#v; want a ParseError naming the unread text", err)
	}
	_, err = Attendance("  ", ref)
	if !errors.As(err, &pe) || pe.Hint != "未填写考勤内容" {
		t.Errorf("empty message: error = %v", err)
	}
}

func FuzzAttendance(f *testing.F) {
	for _, c := range readAttendanceCases(f) {
		f.Add(c.Input)
	}
	f.Add("旷课：张三[123456789012345678901]；（【")
	f.Add("第一二三四五六七八九十十一十二十三节")
	f.Add("请了99999999999天假")
	ref := refTime(f)
	f.Fuzz(func(t *testing.T, s string) {
		form, err := Attendance(s, ref)
		checkAttendance(t, s, form, err)
	})
}

func BenchmarkAttendance(b *testing.B) {
	ref := refTime(b)
	const msg = "考勤 旷课：张三2节，李四一节；晚归：王五23:40；请假：赵六病假3节，批准人刘老师"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Attendance(msg, ref); err != nil {
			b.Fatal(err)
		}
	}
}
