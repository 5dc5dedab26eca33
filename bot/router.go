package bot

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Route is one intent: its name, the first words that select it, its handler.
type Route struct {
	Intent   string
	Keywords []string
	Handler  Handler
}

// Router picks the handler by the message's first word: the longest
// keyword the text starts with (after an optional leading @mention), so
// "确认汇总" wins over "确认". It sets Message.Intent and Message.Body.
type Router struct {
	keys     []routeKey // longest first
	fallback Handler
}

type routeKey struct {
	word  string
	route *Route
}

// NewRouter builds a router; fallback answers text that matches no keyword.
func NewRouter(fallback Handler, routes ...Route) *Router {
	r := &Router{fallback: fallback}
	for i := range routes {
		for _, k := range routes[i].Keywords {
			r.keys = append(r.keys, routeKey{strings.ToLower(k), &routes[i]})
		}
	}
	sort.SliceStable(r.keys, func(i, j int) bool { return len(r.keys[i].word) > len(r.keys[j].word) })
	return r
}

// Handle routes the message. Text that matches no keyword goes to the
// fallback, with Message.Suggest set when it starts with a near miss of a
// keyword (see nearMiss); so does a keyword with a particle glued to it
// (考勤了 全勤), which is too odd to act on.
func (r *Router) Handle(ctx context.Context, m *Message) (*Reply, error) {
	text := StripMention(m.Text)
	lower := strings.ToLower(text)
	for _, k := range r.keys {
		if strings.HasPrefix(lower, k.word) && boundary(lower[len(k.word):], k.word) {
			rest := text[len(k.word):]
			if p, size := utf8.DecodeRuneInString(rest); size > 0 && strings.ContainsRune(particles, p) && wordEnd(rest[size:]) && !startsWithID(rest[size:]) {
				m.Intent, m.Body, m.Suggest = "unknown", text, suggestion(k.word, rest[size:])
				return r.fallback.Handle(ctx, m)
			}
			m.Intent = k.route.Intent
			m.Body = trimSeparators(rest)
			return k.route.Handler.Handle(ctx, m)
		}
	}
	m.Intent = "unknown"
	m.Body = text
	m.Suggest = r.nearMiss(text)
	return r.fallback.Handle(ctx, m)
}

func trimSeparators(s string) string { return strings.TrimLeft(s, " \t\r\n,，:：、;；。.") }

// particles glued to a keyword make a near miss of it (考勤了).
const particles = "了啦吧呀嘛呢哦啊"

// commonWords are everyday words one edit from a keyword that are meant as
// themselves (请问 is not 请假, 我们 not 我的).
var commonWords = map[string]bool{"请问": true, "我们": true, "你们": true, "他们": true, "我是": true, "收好": true,
	"通知": true, "确定": true, "统一": true, "原来": true, "更新": true, "汇报": true, "信心": true, "记得": true,
	"未来": true, "紧张": true, "事故": true, "考试": true, "考核": true, "报告": true, "周末": true, "你好": true}

// nearMiss finds the keyword the text starts with up to one edit (a wrong,
// missing or extra character: 考情, 急保, 确认汇), and returns the text
// with that keyword in its place; "" when there is none. A keyword of two
// characters is only matched by a word of two characters standing alone
// (followed by a space, punctuation or the end), with one character
// replaced, and not by a common word: one edit in two characters is half
// the word. ASCII and one-character keywords have no near misses.
func (r *Router) nearMiss(text string) string {
	best, bestRest, bestScore := "", "", 0
	for _, k := range r.keys {
		n := utf8.RuneCountInString(k.word)
		if n < 2 || k.word[0] < utf8.RuneSelf {
			continue
		}
		for _, m := range []int{n - 1, n, n + 1} {
			typed, rest, ok := runePrefix(text, m)
			if !ok || typed == k.word || EditDistance([]rune(typed), []rune(k.word)) != 1 {
				continue
			}
			if n == 2 && (m != 2 || !wordEnd(rest) || commonWords[typed]) {
				continue
			}
			// The longest keyword wins; for one keyword, a replaced
			// character before an extra one before a missing one.
			score := 4 * n
			switch m {
			case n:
				score += 2
			case n + 1:
				score++
			}
			if score > bestScore {
				best, bestRest, bestScore = k.word, rest, score
			}
		}
	}
	if best == "" {
		return ""
	}
	return suggestion(best, bestRest)
}

// suggestion is the message with keyword in front of rest.
func suggestion(keyword, rest string) string {
	if rest = trimSeparators(rest); rest != "" {
		return keyword + " " + rest
	}
	return keyword
}

// runePrefix splits s after n runes; ok is false when s is shorter or the
// prefix holds a space or punctuation.
func runePrefix(s string, n int) (prefix, rest string, ok bool) {
	i := 0
	for k := 0; k < n; k++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 0 || unicode.IsSpace(r) || unicode.IsPunct(r) {
			return "", s, false
		}
		i += size
	}
	return s[:i], s[i:], true
}

// wordEnd reports whether a word may end where s begins.
func wordEnd(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == 0 || unicode.IsSpace(r) || unicode.IsPunct(r)
}

// startsWithID reports whether s (after separators) starts with a record id
// such as E3 or A12: 收到了 E3 acknowledges E3.
func startsWithID(s string) bool {
	s = trimSeparators(strings.TrimLeft(s, "#＃"))
	return len(s) >= 2 && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') && s[1] >= '0' && s[1] <= '9'
}

// EditDistance is the Levenshtein distance between a and b, in runes.
func EditDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// boundary reports whether a keyword may end where rest begins: Chinese
// keywords may run straight into the text ("考勤无异常"); ASCII keywords
// ("help") need a non-letter after them.
func boundary(rest, word string) bool {
	last, _ := utf8.DecodeLastRuneInString(word)
	if last >= utf8.RuneSelf || rest == "" {
		return true
	}
	next, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(next) || next >= utf8.RuneSelf
}

// StripMention trims space and a leading "@name " mention (as group chats
// and DingTalk send it) from the text.
func StripMention(text string) string {
	text = strings.TrimSpace(text)
	for strings.HasPrefix(text, "@") || strings.HasPrefix(text, "＠") {
		i := strings.IndexFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == '\u2005' })
		if i < 0 {
			return text
		}
		text = strings.TrimSpace(strings.TrimLeft(text[i:], " \t\u2005"))
	}
	return text
}
