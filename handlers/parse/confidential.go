package parse

import (
	"slices"
	"strings"
	"unicode"
)

// A confidential marking (篇1 第八条, 篇7; SPEC §4) is the word used as a
// classification, not the characters anywhere: at the start of the body, a
// line or a field value (标题：机密…), in brackets (【绝密】, （机密）),
// followed by ★ and a period (秘密★1年), or 密级：X where X is not
// 非涉密/公开. Spaces (full-width too) and zero-width characters are removed
// and traditional forms folded first, so 秘　密★1年, 机<U+200B>密 and 機密 are
// found. 秘密 is also an ordinary word (秘密花园, 心中藏着秘密): at the start it
// is a marking only when it stands alone (秘密，【秘密】, 秘密 请勿外传) or
// names a classified thing (秘密级, 秘密文件). Negations (不涉密, 非涉密,
// 无涉密) are not markings, and neither are words that merely contain the
// characters (神秘密室, 计算机密码).

// Confidential marking words; weak ones are also ordinary words.
var markWords = []struct {
	word []rune
	weak bool
}{
	{[]rune("涉密"), false}, {[]rune("机密"), false}, {[]rune("绝密"), false}, {[]rune("内部资料"), false},
	{[]rune("秘密"), true},
}

var (
	negations   = []rune("不非无未")
	openers     = []rune("([<\"'“‘")
	separators  = []rune(":;,.!?、-—")
	closers     = []rune(")]>\"'”’")
	weakObjects = [][]rune{[]rune("级"), []rune("文件"), []rune("材料"), []rune("资料"), []rune("档案")}
	// openLevels are the values of 密级 that mark nothing.
	openLevels = [][]rune{[]rune("非涉密"), []rune("非密"), []rune("不涉密"), []rune("无"), []rune("公开"), []rune("普通")}
)

// Confidential reports whether text carries a confidential marking.
func Confidential(text string) bool {
	// Every marking word has 密 or 料 (no fold yields either): the guard runs
	// on every message, and most have neither.
	if !strings.ContainsAny(text, "密料") {
		return false
	}
	rs := foldForMarking(text)
	for i, r := range rs {
		if r == ' ' || r == '\n' {
			continue
		}
		if end, ok := matchSpaced(rs, i, []rune("密级")); ok && classifiedLevel(rs, end) {
			return true
		}
		for _, w := range markWords {
			end, ok := matchSpaced(rs, i, w.word)
			if !ok || slices.Contains(negations, before(rs, i)) {
				continue
			}
			next := after(rs, end)
			switch {
			case next == '★':
				return true
			case !wordStart(rs, i):
			case !w.weak || next == 0 || next == '\n' || slices.Contains(separators, next) || slices.Contains(closers, next):
				return true
			case spaceAt(rs, end) || startsAny(rs, end, weakObjects):
				return true
			}
		}
	}
	return false
}

// classifiedLevel reports whether "密级" ending at end is followed by a
// colon and a level other than an open one.
func classifiedLevel(rs []rune, end int) bool {
	i := skipSpaces(rs, end)
	if i >= len(rs) || rs[i] != ':' {
		return false
	}
	i = skipSpaces(rs, i+1)
	if i >= len(rs) || rs[i] == '\n' || slices.Contains(separators, rs[i]) {
		return false
	}
	return !startsAny(rs, i, openLevels)
}

// foldForMarking folds the text for the search: zero-width and other format
// characters dropped, every space a plain space (newlines kept), traditional
// forms and full-width punctuation folded.
func foldForMarking(text string) []rune {
	out := make([]rune, 0, len(text)/2)
	for _, r := range text {
		switch {
		case r == '\n' || r == '\r':
			out = append(out, '\n')
		case unicode.IsSpace(r):
			out = append(out, ' ')
		case unicode.Is(unicode.Cf, r):
		default:
			if f, ok := markingFolds[r]; ok {
				r = f
			}
			out = append(out, r)
		}
	}
	return out
}

var markingFolds = map[rune]rune{
	'機': '机', '祕': '秘', '絕': '绝', '內': '内', '資': '资', '級': '级', '無': '无', '開': '开', '檔': '档',
	'（': '(', '）': ')', '【': '[', '】': ']', '〔': '[', '〕': ']', '［': '[', '］': ']', '〖': '[', '〗': ']',
	'「': '[', '」': ']', '『': '[', '』': ']', '《': '<', '》': '>', '〈': '<', '〉': '>',
	'：': ':', '；': ';', '，': ',', '。': '.', '！': '!', '？': '?', '－': '-',
	'☆': '★', '✩': '★', '✭': '★', '✮': '★', '*': '★', '＊': '★',
}

// matchSpaced matches word at i, allowing spaces between its characters;
// it returns the index after the match.
func matchSpaced(rs []rune, i int, word []rune) (int, bool) {
	for k, w := range word {
		if k > 0 {
			i = skipSpaces(rs, i)
		}
		if i >= len(rs) || rs[i] != w {
			return 0, false
		}
		i++
	}
	return i, true
}

func skipSpaces(rs []rune, i int) int {
	for i < len(rs) && rs[i] == ' ' {
		i++
	}
	return i
}

// before is the character before i, spaces skipped (0 at the start).
func before(rs []rune, i int) rune {
	for i--; i >= 0 && rs[i] == ' '; i-- {
	}
	if i < 0 {
		return 0
	}
	return rs[i]
}

// after is the character at end or later, spaces skipped (0 at the end).
func after(rs []rune, end int) rune {
	if i := skipSpaces(rs, end); i < len(rs) {
		return rs[i]
	}
	return 0
}

func spaceAt(rs []rune, i int) bool { return i < len(rs) && rs[i] == ' ' }

// wordStart reports whether a word may start at i: the start of the text
// or of a line, or after a space, an opening bracket or a separator.
func wordStart(rs []rune, i int) bool {
	if i == 0 {
		return true
	}
	p := rs[i-1]
	return p == ' ' || p == '\n' || slices.Contains(openers, p) || slices.Contains(separators, p)
}

func startsAny(rs []rune, i int, words [][]rune) bool {
	for _, w := range words {
		if end, ok := matchSpaced(rs, i, w); ok && end > i {
			return true
		}
	}
	return false
}
