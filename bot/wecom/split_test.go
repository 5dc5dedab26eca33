package wecom

import (
	"strings"
	"testing"
	"time"
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
			parts := split(tt.s, tt.limit)
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
	for i, p := range split(lines, 2048) {
		if i < 2 && !strings.HasSuffix(p, "\n") {
			t.Errorf("part %d does not end at a line break", i)
		}
	}
}

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	l := newLimiter(3, time.Minute)
	for i := range 3 {
		if _, ok := l.reserve("u", 1, t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("send %d refused", i)
		}
	}
	wait, ok := l.reserve("u", 1, t0.Add(10*time.Second))
	if ok || wait != 50*time.Second {
		t.Fatalf("4th send: ok=%v wait=%v, want refused for 50s", ok, wait)
	}
	if _, ok := l.reserve("v", 3, t0.Add(10*time.Second)); !ok {
		t.Error("another key is limited")
	}
	if wait, ok := l.reserve("u", 2, t0.Add(60500*time.Millisecond)); ok || wait != 500*time.Millisecond {
		t.Errorf("2 sends at 60.5s: ok=%v wait=%v, want refused for 0.5s", ok, wait)
	}
	if _, ok := l.reserve("u", 2, t0.Add(61*time.Second)); !ok {
		t.Error("2 sends at 61s refused")
	}
	if wait, ok := l.reserve("u", 4, t0); ok || wait != 0 {
		t.Errorf("more than the limit at once: ok=%v wait=%v, want never", ok, wait)
	}
	l.reserve("w", 1, t0.Add(5*time.Minute)) // sweeps idle keys
	if _, kept := l.hits["v"]; kept {
		t.Error("idle key not swept")
	}
}
