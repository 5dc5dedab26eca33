package parse

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// attKind is the kind of a token of the attendance language.
type attKind uint8

const (
	tHard          attKind = iota + 1 // ; 。 line break: ends a sentence
	tSoft                             // ,
	tList                             // 、 and the joiners 和/与/及 between names
	tColon                            // :
	tType                             // an item type word: typ, reason
	tName                             // a student's name: text
	tStudentNo                        // [23]: text
	tQty                              // a number with a unit: n, unit
	tNum                              // a bare Arabic number: n
	tClock                            // a time of day: clock
	tReason                           // a leave reason: reason
	tReasonMark                       // 因, 由于, 原因 …: the next name-like text is a reason
	tApproverLabel                    // 批准人: the next person approved
	tPerson                           // 刘老师, 班主任: text
	tTitle                            // 老师 after a surname
	tApprove                          // 批准, 同意 …
	tApproved                         // 有假条, 请假条已交 … (approved, no person named)
	tNeg                              // 无, 没有
	tNothing                          // 无异常, 全勤, 其余正常 …
	tCount                            // 应到, 实到 …: the next number is a head count
	tEach                             // 各
	tRespective                       // 分别: the quantities that follow go to the names before, in order
	tAmong                            // 其中: what follows breaks down what came before
	tReporter                         // 报告人 …: the next name is the reporter
	tClass                            // class: class
	tDate                             // date: date
	tFiller                           // words that carry nothing (同学, 情况 …)
	tOther                            // text that is none of the above
)

// attUnit is what a quantity counts.
type attUnit uint8

const (
	uHours   attUnit = iota + 1 // 节, 课时, 学时 …
	uDays                       // 天, 日
	uNights                     // 晚, 夜
	uTimes                      // 次
	uPersons                    // 人, 名
	uWeeks                      // 周, 个星期: seven days
)

// attToken is one word of a message.
type attToken struct {
	kind   attKind
	text   string
	typ    string
	reason string
	n      int
	unit   attUnit
	clock  Clock
	date   time.Time
	class  ClassRef
	space  bool // whitespace right before the token
	piece  int  // index of the piece (text between separators) holding it
	// soft marks an absence word that only says the student was not there
	// (没来, 早退): with a leave reason or an approval it is a leave.
	soft   bool
	free   bool // a reason as typed after 因, 由于 …, not a lexicon word
	truant bool // a reason that is no leave's (see attWord.truant)
	sect   bool // hours counted from sections: 第3-4节, 3-5节, 3、4节
}

// halfDayHours is the number of class hours a half day (半天) counts for: the
// morning or the afternoon timetable of a Chinese secondary school.
const halfDayHours = 4

// attLexer splits a normalized message into tokens.
type attLexer struct {
	s          string
	ref        time.Time
	i          int
	toks       []attToken
	pieces     []string
	pieceStart int
	run        int  // byte offset where a pending run of name characters starts, -1 when none
	runSpace   bool // whitespace before the pending run
	space      bool // whitespace seen since the last token
	reasonNext bool // the pending run is a reason (after 因, 由于 …)
}

// attLex returns the tokens of s (normalized) and the texts of its pieces.
func attLex(s string, ref time.Time) ([]attToken, []string) {
	l := &attLexer{s: s, ref: ref, run: -1, toks: make([]attToken, 0, len(s)/6+4)}
	for l.i < len(l.s) {
		r, size := utf8.DecodeRuneInString(l.s[l.i:])
		switch r {
		case ' ':
			l.flush()
			l.space = true
			l.i += size
			continue
		case '\n', ';', '。':
			l.sep(tHard, size)
			continue
		case ',':
			l.sep(tSoft, size)
			continue
		case '、':
			l.sep(tList, size)
			continue
		case ':':
			l.emit(attToken{kind: tColon}, size)
			continue
		case '[', '(':
			if l.studentNo() {
				continue
			}
			if r == '[' {
				l.sep(tSoft, size) // 【旷课】张三2节【晚归】王五: a heading
				continue
			}
		case ']':
			l.sep(tSoft, size)
			continue
		case '-', '~':
			// A sign before a number (李四-3节) or a range without its
			// start: never a quantity.
			if next, _ := utf8.DecodeRuneInString(l.s[l.i+size:]); isArabic(next) || isChineseNumeral(next) {
				l.emit(attToken{kind: tOther}, size+l.sectionRun(l.s[l.i+size:]))
				continue
			}
		}
		if n := l.numbering(); n > 0 {
			l.i += n // 1、旷课：… 2、晚归：… at the start of a line
			continue
		}
		if start := l.i; l.word() {
			if l.i == start { // defensive: a word of no length would loop forever
				l.emit(attToken{kind: tOther}, size)
			}
			continue
		}
		switch {
		case unicode.Is(unicode.Han, r) || r == '·' && l.run >= 0:
			if l.run < 0 {
				l.run, l.runSpace, l.space = l.i, l.space, false
			}
			l.i += size
		case r == utf8.RuneError:
			l.emit(attToken{kind: tOther}, size) // garbled text is never transparent
		case unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r):
			l.flush() // brackets, quotes and the like are transparent
			l.i += size
		default:
			l.emit(attToken{kind: tOther}, size)
		}
	}
	l.flush()
	l.pieces = append(l.pieces, strings.TrimSpace(l.s[l.pieceStart:]))
	return l.toks, l.pieces
}

// push appends a token at the current piece.
func (l *attLexer) push(t attToken) {
	t.piece = len(l.pieces)
	l.toks = append(l.toks, t)
}

// emit ends a pending name run, appends t and advances by size bytes.
func (l *attLexer) emit(t attToken, size int) {
	l.flush()
	t.space, l.space = l.space, false
	l.reasonNext = false
	l.push(t)
	l.i += size
}

// sep emits a separator and starts a new piece.
func (l *attLexer) sep(kind attKind, size int) {
	l.emit(attToken{kind: kind}, 0)
	l.pieces = append(l.pieces, strings.TrimSpace(l.s[l.pieceStart:l.i]))
	l.i += size
	l.pieceStart = l.i
}

// flush turns a pending run of name characters into tokens.
func (l *attLexer) flush() {
	if l.run < 0 {
		return
	}
	text, space := l.s[l.run:l.i], l.runSpace
	l.run = -1
	if l.reasonNext {
		l.reasonNext = false
		l.push(attToken{kind: tReason, reason: text, space: space, free: true})
		return
	}
	if !strings.ContainsAny(text, "和与及跟等") {
		l.pushName(text, space)
		return
	}
	for k, part := range attSplitNames(text) {
		if k > 0 {
			l.push(attToken{kind: tList})
		}
		l.pushName(part, space && k == 0)
	}
}

// pushName pushes a name, or text that cannot be one (see plausibleName).
func (l *attLexer) pushName(text string, space bool) {
	kind := tName
	if !plausibleName(text) {
		kind = tOther
	}
	l.push(attToken{kind: kind, text: text, space: space})
}

// attSplitNames splits a run of name characters at the joiners 和, 与, 及 and
// 跟 when both sides have at least two characters (张三和李四, but not 王和平),
// and drops a trailing 等 (张三等).
func attSplitNames(run string) []string {
	rs := []rune(run)
	if len(rs) >= 3 && rs[len(rs)-1] == '等' {
		rs = rs[:len(rs)-1]
	}
	var parts []string
	start := 0
	for i := 2; i < len(rs)-2; i++ {
		if i-start >= 2 && strings.ContainsRune("和与及跟", rs[i]) {
			parts = append(parts, string(rs[start:i]))
			start = i + 1
			i++
		}
	}
	return append(parts, string(rs[start:]))
}

// studentNo reads a student number in brackets right after a name: 张三[23],
// 张三[23号], 张三(学号23), 张三(2023015); a number of one or two digits in
// parentheses (张三(2)) is left to be read as hours.
func (l *attLexer) studentNo() bool {
	afterName := l.run >= 0 || len(l.toks) > 0 && l.toks[len(l.toks)-1].kind == tName && !l.space
	if !afterName {
		return false
	}
	closing := "]"
	if l.s[l.i] == '(' {
		closing = ")"
	}
	end := strings.Index(l.s[l.i+1:], closing)
	if end < 0 || end > 40 {
		return false
	}
	raw := strings.TrimSpace(l.s[l.i+1 : l.i+1+end])
	no := strings.TrimSuffix(strings.TrimPrefix(raw, "学号"), "号")
	if closing == ")" && no == raw && len(no) < 3 {
		return false // 张三(2): more likely two hours than a student number
	}
	if no == "" || len(no) > 20 || strings.IndexFunc(no, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-')
	}) >= 0 {
		return false
	}
	l.emit(attToken{kind: tStudentNo, text: no}, 2+end)
	return true
}

// word reads whatever is not a name character at l.i: a class, a number
// with its unit, a time, a date, or a lexicon word. It reports whether it
// emitted something.
func (l *attLexer) word() bool {
	rest := l.s[l.i:]
	r, size := utf8.DecodeRuneInString(rest)
	inRun := l.run >= 0

	if strings.ContainsRune("初高一二三四五六七八九", r) || isArabic(r) {
		if c, after, ok := LeadingClass(rest); ok {
			l.emit(attToken{kind: tClass, class: c}, len(rest)-len(after))
			return true
		}
	}
	if isArabic(r) || isChineseNumeral(r) || r == '第' || r == '半' || r == '全' {
		t, n, ok := l.number(rest)
		if ok && inRun && isChineseNumeral(r) && utf8.RuneCountInString(l.s[l.run:l.i]) == 1 {
			// 李四十节: a one-character name is unlikely; keep 四 in the
			// name when what follows it is still a number.
			if _, _, ok2 := l.number(rest[size:]); ok2 {
				ok = false
			}
		}
		if ok {
			l.emit(t, n)
			return true
		}
		if r == '第' {
			// 第3-1节, 第十五六节: sections that cannot be counted
			l.emit(attToken{kind: tOther}, size+l.sectionRun(rest[size:]))
			return true
		}
		if isArabic(r) {
			digits := strings.TrimLeftFunc(rest, isArabic)
			v, _, ok := leadingArabic(rest)
			if !ok || strings.HasPrefix(digits, ".") && isArabicStart(digits[1:]) {
				// 1.5天 (no fractions here) or a number too long to be one
				after := strings.TrimLeftFunc(strings.TrimPrefix(digits, "."), isArabic)
				l.emit(attToken{kind: tOther}, len(rest)-len(after))
				return true
			}
			l.emit(attToken{kind: tNum, n: v}, len(rest)-len(digits))
			return true
		}
	}
	if strings.ContainsRune("早上凌中下傍晚夜半深", r) {
		if c, after, ok := LeadingClock(rest); ok {
			l.emit(attToken{kind: tClock, clock: c}, len(rest)-len(after))
			return true
		}
	}
	if strings.ContainsRune("今昨前大当周星礼上本这", r) {
		if d, after, ok := LeadingDate(rest, l.ref); ok {
			// 周一 may start a name (周一鸣): read it as a day only where a
			// name cannot be going on and nothing name-like follows.
			// After a name of two characters or more (张三周一旷课) it is a day.
			plain := r == '周'
			if !plain || (!inRun || utf8.RuneCountInString(l.s[l.run:l.i]) >= 2) && l.boundary(after) {
				l.emit(attToken{kind: tDate, date: d}, len(rest)-len(after))
				return true
			}
		}
	}
	if strings.HasPrefix(rest, "学号") {
		after := strings.TrimLeft(rest[len("学号"):], ": ")
		if v, a2, ok := leadingArabic(after); ok && v >= 0 {
			l.emit(attToken{kind: tStudentNo, text: after[:len(after)-len(a2)]}, len(rest)-len(a2))
			return true
		}
	}
	if r == '旷' {
		// 旷一节课, 旷了2节, 旷第三节课
		after := strings.TrimPrefix(rest[size:], "了")
		if a, _ := utf8.DecodeRuneInString(after); isArabic(a) || isChineseNumeral(a) || a == '第' || a == '半' {
			l.emit(attToken{kind: tType, typ: Absent}, len(rest)-len(after))
			return true
		}
	}
	if r == '许' && !inRun && len(l.toks) > 0 && l.toks[len(l.toks)-1].kind == tClock || r == '计' && !inRun && numberNext(rest[size:]) {
		l.i += size // 23时许; 计2人 (许 and 计 are surnames too: 许明静)
		return true
	}
	if r == '请' && l.leaveWithQty(rest) {
		return true
	}
	if r == '各' && inRun {
		// 张三和李四各2节, 张三、李四各旷课1节
		if _, _, ok := l.number(rest[size:]); ok {
			l.emit(attToken{kind: tEach}, size)
			return true
		}
		if w, _, ok := attMatchWord(rest[size:], true); ok && w.kind == tType {
			l.emit(attToken{kind: tEach}, size)
			return true
		}
	}
	w, n, ok := attMatchWord(rest, inRun)
	if !ok {
		return false
	}
	switch w.kind {
	case tTitle:
		l.title(rest[:n])
		return true
	case tReasonMark:
		l.flush()
		l.reasonNext = true
		l.i += n
		return true
	case tFiller:
		l.flush()
		l.space = false
		l.i += n
		return true
	}
	l.emit(attToken{kind: w.kind, typ: w.typ, reason: w.reason, text: rest[:n], soft: w.soft, truant: w.truant}, n)
	return true
}

// numbering is the length of a list number at the start of a line (1、
// 2. 3) (4) 一、), 0 when there is none.
func (l *attLexer) numbering() int {
	if l.i > 0 && l.s[l.i-1] != '\n' {
		return 0
	}
	s := l.s[l.i:]
	open := strings.HasPrefix(s, "(")
	body := strings.TrimPrefix(s, "(")
	n := 0
	for n < len(body) && n < 2 && body[n] >= '0' && body[n] <= '9' {
		n++
	}
	if n == 0 {
		if r, size := utf8.DecodeRuneInString(body); isChineseNumeral(r) && strings.HasPrefix(body[size:], "、") {
			return size + len("、")
		}
		return 0
	}
	for _, mark := range []string{"、", ".", ")"} {
		if after, ok := strings.CutPrefix(body[n:], mark); ok && (mark == ")") == open {
			if r, _ := utf8.DecodeRuneInString(after); !isArabic(r) && !isChineseNumeral(r) && r != '第' {
				return len(s) - len(after)
			}
		}
	}
	return 0
}

// numberNext reports whether s starts with a number.
func numberNext(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isArabic(r) || isChineseNumeral(r)
}

// sectionRun is the length in bytes of the numerals, range marks and hour
// units at the start of s: what is left of a quantity that did not read.
func (l *attLexer) sectionRun(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isArabic(r) && !isChineseNumeral(r) && !strings.ContainsRune("-~至到—、第节课堂", r) {
			break
		}
		n += size
	}
	return n
}

// leaveWithQty reads 请两天假, 请了一天病假, 请2节事假.
func (l *attLexer) leaveWithQty(rest string) bool {
	after := strings.TrimPrefix(rest[len("请"):], "了")
	q, n, ok := attQty(after)
	if !ok || q.unit != uDays && q.unit != uHours {
		return false
	}
	tail := after[n:]
	reason := ""
	for _, k := range []string{"病假", "事假", "公假", "丧假"} {
		if strings.HasPrefix(tail, k) {
			reason, tail = k, tail[len(k):]
			break
		}
	}
	if reason == "" {
		var found bool
		if tail, found = strings.CutPrefix(tail, "假"); !found {
			return false
		}
	}
	l.emit(attToken{kind: tType, typ: Leave, reason: reason}, 0)
	l.emit(q, len(rest)-len(tail))
	return true
}

// title joins 老师, 主任 … to the surname before it: 刘老师.
func (l *attLexer) title(t string) {
	who := t
	if l.run >= 0 {
		run := []rune(l.s[l.run:l.i])
		if len(run) > 3 {
			l.i -= len(string(run[len(run)-1:]))
			l.flush()
			l.i += len(string(run[len(run)-1:]))
			run = run[len(run)-1:]
		}
		who = string(run) + t
		l.run = -1
		l.reasonNext = false
	}
	l.emit(attToken{kind: tPerson, text: who}, len(t))
}

// boundary reports whether s starts where a name cannot be going on.
func (l *attLexer) boundary(s string) bool {
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.Is(unicode.Han, r) {
		return true
	}
	_, _, ok := attMatchWord(s, false)
	return ok
}

// number reads a quantity, a time or a date at the start of s.
func (l *attLexer) number(s string) (attToken, int, bool) {
	if t, n, ok := attQty(s); ok {
		return t, n, true
	}
	if c, after, ok := LeadingClock(s); ok {
		return attToken{kind: tClock, clock: c}, len(s) - len(after), true
	}
	if d, after, ok := LeadingDate(s, l.ref); ok {
		return attToken{kind: tDate, date: d}, len(s) - len(after), true
	}
	return attToken{}, 0, false
}

// attQty reads a number with its unit: 2节, 两节课, 4个课时, 3学时, 3天,
// 两个晚上, 2人; the ranges 3-5节 (three hours); the sections 第三节课, 第3-4节,
// 第一、二节, 第一二节 (one hour each); 半天 (halfDayHours) and 全天 (a day).
func attQty(s string) (attToken, int, bool) {
	if after, ok := strings.CutPrefix(s, "第"); ok {
		count, after, ok := attSections(strings.TrimLeft(after, " "))
		after = strings.TrimLeft(after, " ")
		if !ok || !hasAnyPrefix(&after, "节课", "节", "课") {
			return attToken{}, 0, false
		}
		return attToken{kind: tQty, n: count, unit: uHours, sect: true}, len(s) - len(after), true
	}
	if after, ok := strings.CutPrefix(s, "半天"); ok {
		return attToken{kind: tQty, n: halfDayHours, unit: uHours}, len(s) - len(after), true
	}
	if after, ok := attCutAny(s, "一上午", "一下午"); ok {
		return attToken{kind: tQty, n: halfDayHours, unit: uHours}, len(s) - len(after), true
	}
	if after, ok := strings.CutPrefix(s, "全天"); ok {
		return attToken{kind: tQty, n: 1, unit: uDays}, len(s) - len(after), true
	}
	n, after, ok := LeadingNumber(s)
	if !ok {
		return attToken{}, 0, false
	}
	if strings.HasPrefix(after, "、") {
		// 3、4节: sections without 第
		if count, a2, ok := attSections(s); ok && count > 1 && hasAnyPrefix(&a2, "节课", "节") {
			return attToken{kind: tQty, n: count, unit: uHours, sect: true}, len(s) - len(a2), true
		}
	}
	after = strings.TrimLeft(after, " ") // 张三 旷课 2 节
	if r2, ok := attCutAny(after, "-", "~", "至", "到", "—"); ok {
		if m, a2, ok := LeadingNumber(strings.TrimLeft(r2, " ")); ok && m >= n && m-n < 12 {
			a2 = strings.TrimLeft(a2, " ")
			if u, size, ok := attLeadingUnit(a2); ok && u == uHours {
				return attToken{kind: tQty, n: m - n + 1, unit: uHours, sect: true}, len(s) - len(a2) + size, true
			}
		}
	}
	u, size, ok := attLeadingUnit(after)
	if !ok {
		return attToken{}, 0, false
	}
	if _, wn, ok := attMatchWord(after, false); ok && wn > size {
		return attToken{}, 0, false // 王五晚归: 晚 starts 晚归, it is no unit
	}
	return attToken{kind: tQty, n: n, unit: u}, len(s) - len(after) + size, true
}

// attSections counts the class sections named after 第: 三 (1), 3-4 (2),
// 一、二 (2), 一二 (2), 3到5 (3).
func attSections(s string) (int, string, bool) {
	last, rest, ok := LeadingNumber(s)
	if !ok {
		return 0, s, false
	}
	count := 1
	for count <= 12 {
		if r2, ok := attCutAny(rest, "-", "~", "至", "到", "—"); ok {
			hasAnyPrefix(&r2, "第")
			m, r3, ok := LeadingNumber(r2)
			if !ok || m <= last || m-last > 12 {
				break
			}
			count, last, rest = count+m-last, m, r3
			continue
		}
		if r2, ok := attCutAny(rest, "、", ",", "和"); ok {
			hasAnyPrefix(&r2, "第")
			m, r3, ok := LeadingNumber(r2)
			if !ok {
				break
			}
			count, last, rest = count+1, m, r3
			continue
		}
		m, r3, ok := LeadingNumber(rest)
		if !ok {
			break
		}
		count, last, rest = count+1, m, r3
	}
	return count, rest, count <= 12
}

// attCutAny cuts the first of prefixes that s starts with.
func attCutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if after, ok := strings.CutPrefix(s, p); ok {
			return after, true
		}
	}
	return s, false
}

func isArabic(r rune) bool {
	_, ok := arabicDigit(r)
	return ok
}
