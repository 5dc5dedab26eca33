package handlers

import (
	"regexp"
	"testing"
	"time"
)

// FuzzCommandWords fuzzes the readers of a command's words that live in
// the handlers (record ids, months, adoption levels): no input panics, and
// an id read is always canonical.
func FuzzCommandWords(f *testing.F) {
	for _, s := range []string{"A12 旷课：张三2节", "#ａ１２", "S5 市级 今日头条", "#S0005", "S0", "截至15时，E3 人数上升至4人", "＃Ｅ７ 收到",
		"11月", "2026年13月", "上月", "2026Q4", "十一月", "#", "E99999999999", "\xff"} {
		f.Add(s)
	}
	attID := regexp.MustCompile(`^[A-Z][0-9]+$`)
	subID := regexp.MustCompile(`^S[1-9][0-9]*$`)
	incID := regexp.MustCompile(`^E[0-9]+$`)
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 26, 16, 2, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		if id, _, ok := splitID(s); ok && !attID.MatchString(id) {
			t.Fatalf("splitID(%q) = %q", s, id)
		}
		if id, _, ok := leadingItem(s); ok && !subID.MatchString(id) {
			t.Fatalf("leadingItem(%q) = %q", s, id)
		}
		if id, _, ok := incidentRef(s); ok && !incID.MatchString(id) {
			t.Fatalf("incidentRef(%q) = %q", s, id)
		}
		if p, ok := monthWord(s, now, loc); ok && !p.From.Before(p.To) {
			t.Fatalf("monthWord(%q) = %+v", s, p)
		}
		if level, media, ok := readAdoption(s); ok && levelWords[level] != level {
			t.Fatalf("readAdoption(%q) = %q, %q", s, level, media)
		}
		_ = afterID(s)
	})
}
