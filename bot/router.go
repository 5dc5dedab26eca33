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

// Handle routes the message.
func (r *Router) Handle(ctx context.Context, m *Message) (*Reply, error) {
	text := StripMention(m.Text)
	lower := strings.ToLower(text)
	for _, k := range r.keys {
		if strings.HasPrefix(lower, k.word) && boundary(lower[len(k.word):], k.word) {
			m.Intent = k.route.Intent
			m.Body = strings.TrimLeft(text[len(k.word):], " \t\r\n,，:：、;；。.")
			return k.route.Handler.Handle(ctx, m)
		}
	}
	m.Intent = "unknown"
	m.Body = text
	return r.fallback.Handle(ctx, m)
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
