package parse

import (
	"slices"
	"strings"
)

// Students reads which of names the text after an entry id starts with
// (查明 A12 张三 发烧, 批准 A5 赵六 刘老师). names are the students as an
// entry lists them: 张三, or 张三[23] when two share a name. The text may
// name one or several, joined by 、，和 or spaces (周八、吴九 去网吧了), each
// with its student number in any bracket (张三[23], 张三【23】, 张三［23］)
// or without it when that is unambiguous. rest is what follows, the
// separators before it trimmed; with no student read it is s so trimmed.
func Students(s string, names []string) (picked []string, rest string) {
	for {
		t := strings.TrimLeft(s, " 、，,和及与")
		best, n := "", 0
		for _, who := range names {
			if form := LeadingName(t, studentForms(who)); len(form) > n {
				best, n = who, len(form)
			}
		}
		if n == 0 || ambiguous(names, t[:n]) {
			break
		}
		if !slices.Contains(picked, best) {
			picked = append(picked, best)
		}
		s = t[n:]
	}
	return picked, trimCause(s)
}

// LeadingName is the longest of names that s starts with; "" when none.
func LeadingName(s string, names []string) string {
	best := ""
	for _, n := range names {
		if len(n) > len(best) && strings.HasPrefix(s, n) {
			best = n
		}
	}
	return best
}

// ambiguous reports a bare name that stands for more than one of names
// (张三 when the entry has 张三[23] and 张三[45]).
func ambiguous(names []string, typed string) bool {
	n := 0
	for _, who := range names {
		if slices.Contains(studentForms(who), typed) {
			n++
		}
	}
	return n > 1
}

// studentForms are the ways a student (张三 or 张三[23]) may be written: as
// listed, with full-width or lenticular brackets, and the bare name.
func studentForms(who string) []string {
	name, no, ok := strings.Cut(who, "[")
	if !ok {
		return []string{who}
	}
	no = strings.TrimSuffix(no, "]")
	return []string{who, name + "【" + no + "】", name + "［" + no + "］", name}
}

// causeSeps separate a name from the cause that follows.
const causeSeps = ":：,，、;；。"

// trimCause trims the separators and spaces before a cause.
func trimCause(s string) string {
	return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), causeSeps+" "))
}

// Approver reads who approved a leave, after the student of 批准 A5 赵六
// 刘老师 or 补请假条 A5 赵六 批准人：刘老师; "" when the text names no one.
func Approver(s string) string {
	return strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(s), "批准人"), " :：,，"))
}
