package platform

import (
	"strings"
	"unicode/utf8"
)

// Split cuts s into parts of at most limit bytes without breaking a UTF-8
// sequence. A cut prefers to follow a newline in the second half of a part.
// Joining the parts gives s back. An empty s gives no parts.
func Split(s string, limit int) []string {
	var parts []string
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if nl := strings.LastIndexByte(s[:cut], '\n'); nl >= limit/2 {
			cut = nl + 1
		}
		if cut == 0 { // limit shorter than the first rune: emit the rune whole
			_, cut = utf8.DecodeRuneInString(s)
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}
