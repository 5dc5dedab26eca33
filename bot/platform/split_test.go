package platform

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	long := strings.Repeat("报送", 834)       // 5,004 bytes, 3-byte runes
	lines := strings.Repeat("第一行内容\n", 300) // 4,800 bytes
	tests := []struct {
		name      string
		s         string
		limit     int
		wantParts int
	}{
		{"empty", "", 2048, 0},
		{"fits", "你好", 2048, 1},
		{"exactly the limit", strings.Repeat("a", 2048), 2048, 1},
		{"5000-byte text", long, 2048, 3},
		{"lines cut after newlines", lines, 2048, 3},
		{"limit below a rune", "中文", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Split(tt.s, tt.limit)
			if len(parts) != tt.wantParts {
				t.Fatalf("%d parts, want %d", len(parts), tt.wantParts)
			}
			if strings.Join(parts, "") != tt.s {
				t.Error("parts do not join back to the text")
			}
			for i, p := range parts {
				if !utf8.ValidString(p) {
					t.Errorf("part %d cuts a rune", i)
				}
				if len(p) > tt.limit && utf8.RuneCountInString(p) > 1 {
					t.Errorf("part %d is %d bytes > %d", i, len(p), tt.limit)
				}
			}
		})
	}
	for i, p := range Split(lines, 2048) {
		if i < 2 && !strings.HasSuffix(p, "\n") {
			t.Errorf("part %d does not end at a line break", i)
		}
	}
}
