package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize prepares a chat message for the parsers of this package:
//
//   - full-width ASCII (Ｕ+FF01–Ｕ+FF5E: digits, letters and the punctuation
//     ：，；（）！？＠＃［］－～ …) becomes half-width, and the ideographic
//     space becomes a space;
//   - the lenticular brackets 【】 become [ ], the dashes –, − and ‐ become -,
//     and the middle dots ・ and ･ become · (names such as 买买提·艾力);
//   - the Chinese enumeration comma 、 and full stop 。 are kept as typed (they
//     are no ASCII character's twin); parsers treat 、 and 。 as separators;
//   - zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and other control
//     characters except line breaks are removed; \r\n, \r and the Unicode
//     line and paragraph separators become \n;
//   - runs of spaces and tabs (any Unicode space, including the U+2005 WeCom
//     puts after a mention) become one space; spaces around a line break and
//     empty lines are dropped, so line breaks survive as separators;
//   - leading @mentions ("@报送助手 考勤 …", "＠报送助手\u2005考勤") are
//     stripped: an @ at the start and everything up to the next space. A
//     mention glued to the text ("@报送助手考勤") cannot be told apart from
//     the text and is left alone.
//
// The result is trimmed. Normalize is idempotent.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false // a space run waits to be written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == '\r' {
			if i < len(s) && s[i] == '\n' {
				continue
			}
			r = '\n'
		}
		r = foldRune(r)
		switch {
		case r == '\n':
			pendingSpace = false
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
		case r == utf8.RuneError && size == 1, isInvisible(r):
			// dropped
		case unicode.IsSpace(r):
			pendingSpace = true
		default:
			if pendingSpace && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte(' ')
			}
			pendingSpace = false
			b.WriteRune(r)
		}
	}
	return stripMentions(strings.TrimSuffix(b.String(), "\n"))
}

// foldRune maps full-width and look-alike characters to their canonical form.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + '!'
	case r == '\u3000':
		return ' '
	case r == '\u0085' || r == '\u2028' || r == '\u2029':
		return '\n'
	case r == '【':
		return '['
	case r == '】':
		return ']'
	case r == '–' || r == '−' || r == '‐':
		return '-'
	case r == '・' || r == '･':
		return '·'
	}
	return r
}

// isInvisible reports characters that carry nothing a reader sees: zero-width
// marks and control characters other than the line breaks handled by Normalize.
func isInvisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsControl(r) && !unicode.IsSpace(r)
}

// stripMentions removes leading "@name " mentions from normalized text.
func stripMentions(s string) string {
	for strings.HasPrefix(s, "@") {
		end := strings.IndexAny(s, " \n")
		if end < 0 {
			return s // only a mention, or a mention glued to the text
		}
		s = s[end+1:]
	}
	return s
}
