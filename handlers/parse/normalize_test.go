package parse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"考勤 旷课：张三２节，李四一节；晚归：王五", "考勤 旷课:张三2节,李四一节;晚归:王五"},
		{"考勤　全勤", "考勤 全勤"},
		{"  考勤   \t 全勤  ", "考勤 全勤"},
		{"@报送助手 考勤 全勤", "考勤 全勤"},
		{"＠报送助手\u2005考勤 全勤", "考勤 全勤"},
		{"@报送助手 @小助手 考勤", "考勤"},
		{"@报送助手\n考勤", "考勤"},
		{"@报送助手考勤", "@报送助手考勤"},
		{"@报送助手", "@报送助手"},
		{"张三【23】（高一）", "张三[23](高一)"},
		{"3–5节，第3－4节", "3-5节,第3-4节"},
		{"买买提・艾力", "买买提·艾力"},
		{"旷课、晚归。", "旷课、晚归。"},
		{"考勤\r\n旷课：张三 \r\n\r\n  晚归：无\r", "考勤\n旷课:张三\n晚归:无"},
		{"a\u2028b", "a\nb"},
		{"张\u200b三\ufeff", "张三"},
		{"a\x00b\x07c", "abc"},
		{"bad\xffbyte", "badbyte"},
		{"", ""},
		{" \n \n ", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if got := Normalize(tt.want); got != tt.want {
			t.Errorf("Normalize is not idempotent on %q: %q", tt.want, got)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"@报送助手 考勤　旷课：张三２节", "a\r\n\r\nb", "＠x\u2005＠y\u3000z", "\xff\xfe", " \t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: not UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize is not idempotent: %q → %q → %q", s, n, again)
		}
		if strings.Contains(n, "  ") || strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.HasSuffix(n, "\n") {
			t.Fatalf("Normalize(%q) = %q: untrimmed or uncollapsed space", s, n)
		}
	})
}
