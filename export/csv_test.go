package export

import "testing"

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"张三", "张三"},
		{`=HYPERLINK("http://evil.example","点我")`, `'=HYPERLINK("http://evil.example","点我")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"\n=1+1", "'\n=1+1"},
		{"--5", "'--5"},
		{"-", "'-"},
		{"+", "'+"},
		{"-.", "'-."},
		{"-40", "-40"},
		{"+3.5", "+3.5"},
		{"-0.25", "-0.25"},
		{"1-1", "1-1"},     // not a formula: Excel starts formulas at the first character
		{" =1+1", " =1+1"}, // a leading space is text to Excel
		{"＝1+1", "＝1+1"},   // a full-width sign is text
		{"张=1", "张=1"},     // only the first character matters
		{"2026-11-26", "2026-11-26"},
		{"-1.2.3", "'-1.2.3"},
		{"-1e5", "'-1e5"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"=1", "-40", "+", "张三", "\t", "@", "1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := csvCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("csvCell(%q) = %q: changed more than a leading quote", s, got)
		}
		if got != "" && got[0] != '\'' && (got[0] == '=' || got[0] == '@' || got[0] == '\t' || got[0] == '\r' || got[0] == '\n' ||
			((got[0] == '+' || got[0] == '-') && !plainNumber(got))) {
			t.Fatalf("csvCell(%q) = %q starts a formula", s, got)
		}
	})
}
