package bot

import (
	"strings"
	"unicode/utf8"
)

// MaxTextBytes is the platform limit of one text message (SPEC §3).
const MaxTextBytes = 2048

// SplitText cuts s into pieces of at most max bytes: at line breaks where
// it can, inside a longer line at rune boundaries. Pieces carry no leading
// or trailing line break; nothing else is lost.
func SplitText(s string, max int) []string {
	if max < utf8.UTFMax {
		max = utf8.UTFMax
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if cur.Len() > 0 && cur.Len()+1+len(line) <= max {
			cur.WriteByte('\n')
			cur.WriteString(line)
			continue
		}
		flush()
		for len(line) > max {
			cut := max
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			out = append(out, line[:cut])
			line = line[cut:]
		}
		cur.WriteString(line)
	}
	flush()
	return out
}
