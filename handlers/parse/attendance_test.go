package parse

import (
	"errors"
	"math/rand/v2"
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
	if form.Rows == nil {
		t.Fatalf("Attendance(%q): Rows is nil", input)
	}
	if form.Nothing && len(form.Rows) > 0 {
		t.Fatalf("Attendance(%q): Nothing with %d items", input, len(form.Rows))
	}
	if !form.Nothing && len(form.Rows) == 0 {
		t.Fatalf("Attendance(%q): neither items nor Nothing", input)
	}
	for _, it := range form.Rows {
		if !slices.Contains([]string{Absent, LateReturn, NightAway, Leave, LeftSchool}, it.Type) {
			t.Fatalf("Attendance(%q): item type %q", input, it.Type)
		}
		if it.Student == "" || it.Hours < 0 || it.Days < 0 {
			t.Fatalf("Attendance(%q): bad item %+v", input, it)
		}
		// Issue 12: a student is text of the message, and never a class-hour word.
		if !strings.Contains(Normalize(input), it.Student) {
			t.Fatalf("Attendance(%q): student %q is not in the message", input, it.Student)
		}
		for _, w := range classHourWords {
			if strings.Contains(it.Student, w) {
				t.Fatalf("Attendance(%q): student %q holds the class-hour word %q", input, it.Student, w)
			}
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
		if !slices.Equal(got.Rows, want.Rows) || len(got.Unread) > 0 {
			t.Errorf("Attendance(%q) = %+v (unread %q); want %+v", in, got.Rows, got.Unread, want.Rows)
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

// classHourWords are the words of class hours and sections: never a name.
var classHourWords = []string{"节", "课", "学时", "课时", "第", "堂"}

// TestAttendanceNamesProperty: messages put together at random from the
// pieces cadres type — names, class-hour words, numbers in both scripts,
// types, spaces and separators — never give a student that is a class-hour
// word or not in the message (checkAttendance, which FuzzAttendance runs
// too). Names typed with nothing between them or glued to a bare Chinese
// number (张三李四, 李四十五) cannot be told apart without the roster: the
// handler's roster check asks them back.
func TestAttendanceNamesProperty(t *testing.T) {
	ref := refTime(t)
	names := []string{"张三", "李四", "王五", "赵六", "孙七", "欧阳小明", "买买提·艾力"}
	pieces := append([]string{"旷课", "晚归", "夜不归宿", "请假", "擅自离校", "没来", "早退", "病假", "事假", "节", "节课",
		"课时", "学时", "第", "第3-4节", "第3-1节", "-3节", "2", "两", "十五", "一百零八", "3", "天", "半天", " ", "  ", "，",
		"、", "；", "：", ":", "\n", "[23]", "【5】", "(", ")", "批准人", "刘老师", "无", "全勤", "其余正常", "各", "分别",
		"应到45人", "实到43人", "23:40", "才回宿舍", "家长已请假", "1、", "去网吧", "迟到"}, names...)
	r := rand.New(rand.NewPCG(12, 2026))
	whole := 0
	for range 20000 {
		var b strings.Builder
		last := ""
		for range 1 + r.IntN(9) {
			p := pieces[r.IntN(len(pieces))]
			if slices.Contains(names, p) && slices.Contains(names, last) {
				b.WriteString("、") // names typed together are one run (张三李四): the roster tells them apart
			}
			b.WriteString(p)
			last = p
		}
		msg := b.String()
		form, err := Attendance(msg, ref)
		checkAttendance(t, msg, form, err)
		if err != nil || !form.Whole() {
			continue
		}
		whole++
	}
	if whole < 300 {
		t.Errorf("only %d of 20000 random messages read whole: the generator says too little", whole)
	}
}
