package parse

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Information item categories (SPEC §5.2).
// 统计 items (篇7) must reach the office within [submission]
// statistics_within of their data.
var SubmissionCategories = []string{"动态", "参考", "调研", "新闻", "综合", "统计"}

// Field labels as the reply names them; Article.Missing returns these.
const (
	LabelTitle    = "标题"
	LabelCategory = "类别"
	LabelBody     = "正文"
	LabelAuthor   = "撰稿"
	LabelReviewer = "审核"
	// LabelDataTime is when a 统计 item's data came out (篇7: 数据出来的24小时内).
	LabelDataTime = "数据时间"
)

// MaxTitleRunes is the longest title accepted with an explicit 标题 label.
const MaxTitleRunes = 80

// Errors of Submission.
var (
	ErrEmptyArticle       = errors.New("parse: empty submission")
	ErrSubmissionCategory = errors.New("parse: unknown category")
	ErrTitleTooLong       = errors.New("parse: title too long")
)

// FieldError is a field that cannot be taken as typed: Err is
// ErrSubmissionCategory (Value: the category as typed) or ErrTitleTooLong
// (Value: how long the title is, 85 字（最多 80 字）).
type FieldError struct {
	Err   error
	Value string
}

func (e *FieldError) Error() string { return e.Err.Error() + ": " + e.Value }
func (e *FieldError) Unwrap() error { return e.Err }

// Article is an information item (信息稿件) as typed after 投稿 or 补充 S5.
// Empty fields were not given.
type Article struct {
	Title    string `json:"title,omitempty"`
	Category string `json:"category,omitempty"` // one of SubmissionCategories
	Body     string `json:"body,omitempty"`
	Author   string `json:"author,omitempty"`    // 撰稿人
	Reviewer string `json:"reviewer,omitempty"`  // 审核人
	DataTime string `json:"data_time,omitempty"` // 数据时间 as typed (read it with DateTime)
	// Labeled lists the fields that came with a label, in canonical form
	// (标题, 类别, 正文, 撰稿, 审核), in the order typed.
	Labeled []string `json:"labeled,omitempty"`
}

// subLabels maps every label word to its canonical field. Longer words are
// tried first (撰稿人 before 撰稿).
var subLabels = map[string]string{
	"标题": LabelTitle, "题目": LabelTitle, "稿件标题": LabelTitle, "信息标题": LabelTitle, "题名": LabelTitle,
	"类别": LabelCategory, "类型": LabelCategory, "分类": LabelCategory, "信息类别": LabelCategory, "栏目": LabelCategory,
	"正文": LabelBody, "内容": LabelBody, "全文": LabelBody, "信息内容": LabelBody,
	"撰稿": LabelAuthor, "撰稿人": LabelAuthor, "作者": LabelAuthor, "撰写": LabelAuthor, "撰写人": LabelAuthor,
	"执笔": LabelAuthor, "执笔人": LabelAuthor, "通讯员": LabelAuthor,
	"审核": LabelReviewer, "审核人": LabelReviewer, "审稿": LabelReviewer, "审稿人": LabelReviewer,
	"审签": LabelReviewer, "审定": LabelReviewer,
	"数据时间": LabelDataTime, "数据发布时间": LabelDataTime, "数据出来时间": LabelDataTime, "数据日期": LabelDataTime,
}

// subLabelWords are the keys of subLabels, longest first.
var subLabelWords = func() []string {
	out := make([]string, 0, len(subLabels))
	for w := range subLabels {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}()

// subLabelMatch is one label found in the text.
type subLabelMatch struct {
	start, value int      // byte offsets of the label and of its value
	fields       []string // one field, or 撰稿 and 审核 for "撰稿/审核："
}

// Submission reads the fields of an information item: 标题 (题目), 类别,
// 正文 (内容), 撰稿 (撰稿人, 作者), 审核 (审核人, 审稿), on one line or
// several, labels in any order, with full- or half-width colons. A label
// counts where a word may start (the text's start, after a line break, a
// space or punctuation); in a body, 经审核：… is text, not a label. Only the
// first label of a field counts: a later one is text.
//
// A label at the start of a line may also be followed by a space instead of
// a colon (撰稿 马丽). The combined "撰稿/审核：马丽/周强" names both. Text
// before the first label is the title when no 标题 is labelled (its first
// line; longer than MaxTitleRunes it is body instead), otherwise body; text
// after a one-line field's line (标题, 类别, 撰稿, 审核) belongs to the body.
// The category accepts 动态类, 调研信息, 调研报告 …
//
// Submission never returns both an article and an error.
func Submission(text string) (Article, error) {
	s := Normalize(text)
	if s == "" {
		return Article{}, ErrEmptyArticle
	}
	matches := subFindLabels(s)
	var a Article
	type part struct {
		pos  int
		text string
	}
	var bodyParts []part
	lead := s
	if len(matches) > 0 {
		lead = s[:matches[0].start]
	}
	lead = subTrimValue(lead)
	set := map[string]bool{}
	for _, m := range matches {
		for _, f := range m.fields {
			set[f] = true
		}
	}
	if lead != "" {
		first, rest, _ := strings.Cut(lead, "\n")
		if !set[LabelTitle] && utf8.RuneCountInString(first) <= MaxTitleRunes {
			a.Title = subTrimValue(first)
			if rest != "" {
				bodyParts = append(bodyParts, part{0, rest})
			}
		} else {
			bodyParts = append(bodyParts, part{0, lead})
		}
	}
	for i, m := range matches {
		end := len(s)
		if i+1 < len(matches) {
			end = matches[i+1].start
		}
		value := s[m.value:end]
		a.Labeled = append(a.Labeled, m.fields...)
		if len(m.fields) == 1 && m.fields[0] == LabelBody {
			bodyParts = append(bodyParts, part{m.value, value})
			continue
		}
		line, rest, _ := strings.Cut(value, "\n")
		if rest = strings.TrimSpace(rest); rest != "" {
			bodyParts = append(bodyParts, part{m.value + len(line) + 1, rest})
		}
		line = subTrimShort(line)
		if len(m.fields) == 2 {
			a.Author, a.Reviewer = subSplitPair(line)
			continue
		}
		switch m.fields[0] {
		case LabelTitle:
			a.Title = line
		case LabelCategory:
			a.Category = line
		case LabelAuthor:
			a.Author = line
		case LabelReviewer:
			a.Reviewer = line
		case LabelDataTime:
			a.DataTime = line
		}
	}
	var body []string
	for _, p := range bodyParts {
		if t := subTrimValue(p.text); t != "" {
			body = append(body, t)
		}
	}
	a.Body = subChinesePunct(strings.Join(body, "\n"))
	a.Title = subChinesePunct(a.Title)
	if a.Category != "" {
		c, ok := subCategory(a.Category)
		if !ok {
			return Article{}, &FieldError{Err: ErrSubmissionCategory, Value: a.Category}
		}
		a.Category = c
	}
	if utf8.RuneCountInString(a.Title) > MaxTitleRunes {
		return Article{}, &FieldError{Err: ErrTitleTooLong, Value: fmt.Sprintf("%d 字（最多 %d 字）", utf8.RuneCountInString(a.Title), MaxTitleRunes)}
	}
	if a.Title == "" && a.Body == "" && a.Author == "" && a.Reviewer == "" && a.Category == "" && a.DataTime == "" {
		return Article{}, ErrEmptyArticle
	}
	return a, nil
}

// subFindLabels lists the labels of s in order: the first of each field.
func subFindLabels(s string) []subLabelMatch {
	var out []subLabelMatch
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		if subBoundary(s, i) {
			if m, ok := subLabelAt(s, i); ok {
				fresh := true
				for _, f := range m.fields {
					fresh = fresh && !seen[f]
				}
				if fresh {
					for _, f := range m.fields {
						seen[f] = true
					}
					out = append(out, m)
					i = m.value
					continue
				}
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return out
}

// subBoundary reports whether a label may start at byte i of s.
func subBoundary(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return strings.ContainsRune("\n ,，;；。、([|", r)
}

// subLineStart reports whether byte i of s starts a line.
func subLineStart(s string, i int) bool { return i == 0 || s[i-1] == '\n' }

// subLabelAt matches a label at byte i: a word, optional spaces, a colon;
// or, at a line start, a word and a space; or 撰稿/审核 combined.
func subLabelAt(s string, i int) (subLabelMatch, bool) {
	rest := s[i:]
	for _, w := range subLabelWords {
		if !strings.HasPrefix(rest, w) {
			continue
		}
		field := subLabels[w]
		after := rest[len(w):]
		fields := []string{field}
		// 撰稿/审核：马丽/周强 (and 撰稿人、审核人：…)
		if field == LabelAuthor {
			if r2, ok := subCutAny(after, "/、及和"); ok {
				for _, w2 := range subLabelWords {
					if strings.HasPrefix(r2, w2) && subLabels[w2] == LabelReviewer {
						fields = []string{LabelAuthor, LabelReviewer}
						after = r2[len(w2):]
						break
					}
				}
			}
		}
		trimmed := strings.TrimLeft(after, " ")
		if strings.HasPrefix(trimmed, ":") {
			v := trimmed[1:]
			return subLabelMatch{start: i, value: len(s) - len(v), fields: fields}, true
		}
		if subLineStart(s, i) && len(fields) == 1 && field != LabelBody && strings.HasPrefix(after, " ") &&
			strings.TrimSpace(after) != "" {
			return subLabelMatch{start: i, value: len(s) - len(after), fields: fields}, true
		}
	}
	return subLabelMatch{}, false
}

// subCutAny cuts one leading separator rune out of seps from s.
func subCutAny(s, seps string) (string, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || !strings.ContainsRune(seps, r) {
		return s, false
	}
	return s[size:], true
}

// subSplitPair splits "马丽/周强" (or 、，, and spaces) into two names.
func subSplitPair(v string) (string, string) {
	f := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("/、,，; ；", r) })
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return subTrimShort(f[0]), ""
	}
	return subTrimShort(f[0]), subTrimShort(strings.Join(f[1:], "、"))
}

// subTrimValue trims spaces and the separators a label leaves behind.
func subTrimValue(v string) string {
	return strings.Trim(v, " \n,，;；、([|")
}

// subTrimShort trims a one-line value: separators, closing brackets and a
// final full stop.
func subTrimShort(v string) string {
	return strings.Trim(v, " \n,，;；、。.([|)]")
}

// subChinesePunct undoes Normalize's folding of full-width punctuation in
// running text: , ; : ! ? ( ) next to a Chinese character become ，；：！？（）
// again, so that a title or body reads as typed. Digits and letters stay
// half-width, as Chinese house style has them.
func subChinesePunct(s string) string {
	if !strings.ContainsAny(s, ",;:!?()") {
		return s
	}
	rs := []rune(s)
	for i, r := range rs {
		j := strings.IndexRune(",;:!?()", r)
		if j < 0 {
			continue
		}
		if (i > 0 && unicode.Is(unicode.Han, rs[i-1])) || (i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1])) {
			rs[i] = []rune("，；：！？（）")[j]
		}
	}
	return string(rs)
}

// subCategory maps 动态, 动态类, 动态信息, 调研报告 … to a category.
func subCategory(v string) (string, bool) {
	v = strings.TrimSpace(v)
	for _, c := range SubmissionCategories {
		if v == c {
			return c, true
		}
	}
	for _, suffix := range []string{"类信息", "信息", "类", "稿", "报告", "稿件"} {
		if base, ok := strings.CutSuffix(v, suffix); ok {
			for _, c := range SubmissionCategories {
				if base == c {
					return c, true
				}
			}
		}
	}
	switch v {
	case "专题调研", "调查报告", "调研文章":
		return "调研", true
	case "工作动态", "信息动态":
		return "动态", true
	case "综合信息", "专题信息", "综合类":
		return "综合", true
	}
	return "", false
}
