package platform

import "strings"

// Text from people (names, titles, reports, students) must not become live
// markup in what the platforms render. Two formats interpret it:
//
//   - markdown messages (WeCom app and robot markdown, DingTalk markdown):
//     **bold**, [text](url) links, # headings, > quotes, `code` and HTML
//     such as <font color="warning"> or <@userid> mentions;
//   - WeCom plain text: app text messages and passive replies render
//     <a href="…">…</a> as a link, textcard descriptions render <div> tags.
//
// EscapeMarkdown is for a producer that builds a markdown notification
// around text it did not write; DefuseTags is applied by the WeCom adapter
// to every plain text it sends.

// markdownInert maps every character the markdown subsets interpret to its
// full-width form, which reads the same to a Chinese reader and is plain
// text to every renderer (neither platform documents backslash escapes).
var markdownInert = strings.NewReplacer(
	"*", "＊", "_", "＿", "`", "｀", "[", "［", "]", "］", "(", "（", ")", "）",
	"#", "＃", ">", "＞", "<", "＜", "~", "～", "|", "｜",
)

// EscapeMarkdown returns s as inert text for a markdown message: it cannot
// open emphasis, a link, a heading, a quote, code or an HTML tag.
func EscapeMarkdown(s string) string { return markdownInert.Replace(s) }

// DefuseTags returns s with every '<' that could open an HTML tag (before a
// letter, '/', '!' or '?') replaced by the full-width '＜', so that
// <a href="http://…">点我</a> in a report stays text. Other '<' (a < b, <3)
// are left alone.
func DefuseTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && i+1 < len(s) && opensTag(s[i+1]) {
			b.WriteString("＜")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func opensTag(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?'
}
