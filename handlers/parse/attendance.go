package parse

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AttendanceForm is what one attendance message (《日常信息报表》) says.
type AttendanceForm struct {
	// Class is the class named in the message, for teachers of several classes.
	Class *ClassRef `json:"class,omitempty"`
	// Date is an explicit date (midnight in ref's location), nil when none.
	// When a message names several dates, the first counts.
	Date *time.Time `json:"date,omitempty"`
	// Nothing is set when the message reports nothing (无异常, 全勤, 正常,
	// 零报告, 无, 夜不归宿：无, 无旷课、晚归、夜不归宿情况 …) and has no rows.
	Nothing bool `json:"nothing,omitempty"`
	// Rows are the reported students, in message order; never nil.
	Rows []Row `json:"items"`
	// Unread lists the pieces of the message (text between separators) that
	// could not be understood, as typed, so that the reply can say so. A
	// form is returned with Unread set when something else was read.
	Unread []string `json:"unread,omitempty"`
	// Repeated names the students reported twice with the same type (张三2节，
	// 张三3节): one row or two events? A form with Unread or Repeated is
	// not to be stored as it stands (see Whole).
	Repeated []string `json:"repeated,omitempty"`
}

// Whole reports whether every piece of the message was attributed to a
// row or to "nothing to report", each student once per type: only such a
// form may be stored (SPEC §5.1).
func (f *AttendanceForm) Whole() bool { return len(f.Unread) == 0 && len(f.Repeated) == 0 }

// Row is one student's entry in a form.
//
// Defaults, so that the ledger never sees a row without its measure:
// 旷课 without hours or days counts 1 hour (one class missed is the least an
// entry can mean); 擅自离校 without days counts 1 day. 夜不归宿 counts one
// night per row unless a number of nights is given (张三夜不归宿2晚, Days 2).
// 请假 without hours or days has neither. 旷课 given in days (旷课一天) keeps
// Days and no Hours: how many hours a day is worth is the ledger's rule.
// 半天 counts halfDayHours (4) hours; 次 counts hours for 旷课 and days for
// 夜不归宿 and 擅自离校.
type Row struct {
	Type      string `json:"type"` // Absent, LateReturn, NightAway, Leave or LeftSchool
	Student   string `json:"student"`
	StudentNo string `json:"student_no,omitempty"` // 张三[23], 张三【23】
	Hours     int    `json:"hours,omitempty"`      // class hours
	Days      int    `json:"days,omitempty"`       // days (擅自离校, 请假, 旷课) or nights (夜不归宿)
	// Time is a 晚归 time as "23:40". A time without a period word between
	// 6 and 11 o'clock is read as evening (晚归 at "11点" is 23:00); 0–5 stay
	// after midnight.
	Time   string `json:"time,omitempty"`
	Reason string `json:"reason,omitempty"` // 请假: 病假, 事假, 发烧, 家里有事 …
	// Approver of a leave: a person (刘老师), a role (班主任), or "已批准"
	// when the message says the leave is approved or has its note (已批准,
	// 有假条) without naming who. Empty means 待补请假条.
	Approver string `json:"approver,omitempty"`
}

// ErrUnreadable is the cause of every error of Attendance: nothing in the
// message could be read as a form.
var ErrUnreadable = errors.New("parse: unreadable message")

// ParseError says, in Chinese, what could not be read. It wraps ErrUnreadable.
type ParseError struct {
	Hint   string   // a short Chinese sentence for the user
	Unread []string // the pieces that were not understood
}

func (e *ParseError) Error() string { return "parse: attendance: " + e.Hint }

// Unwrap returns ErrUnreadable.
func (e *ParseError) Unwrap() error { return ErrUnreadable }

// Attendance reads an attendance message. body is the text after the intent
// keyword (a leading 考勤/日报/报表/日常信息, with or without a colon or comma
// after it, is tolerated); ref is the message time, whose location is the
// organisation's time zone and which resolves 今天, 周四 and dates without a
// year. It returns a form, or a *ParseError wrapping ErrUnreadable when
// neither a row nor a "nothing to report" could be read; never both.
//
// The language: rows name a type (旷课, 晚归, 夜不归宿, 请假, 擅自离校 and
// their synonyms) and students, in either order: 旷课：张三2节，李四一节 or
// 张三旷课2节 or 张三、李四旷课. A type before the names is a label that holds
// until the next type; a sentence (ended by ；。 or a line break) without any
// type word goes on with the previous sentence's type. Names joined by 、 to
// a name with its own type word share that type. A student with hours but no
// type is 旷课, one with a reason or approver 请假, one with a time 晚归.
func Attendance(body string, ref time.Time) (*AttendanceForm, error) {
	toks, pieces := attLex(Normalize(body), ref)
	f := newAttReader(toks, pieces)
	for k := range toks {
		f.read(k)
	}
	return f.result()
}

// attSource tells where a student's type came from.
type attSource uint8

const (
	srcNone      attSource = iota
	srcInherited           // the type of an earlier piece: 张三旷课2节，李四1节
	srcLabel               // a type before the names: 旷课：张三
	srcOwn                 // a type word in the student's own piece: 张三旷课
)

// attEntry is a student being read.
type attEntry struct {
	Row
	src       attSource
	lab       *attLabel // the label the type came from
	times     int       // a count in 次, resolved by type
	clock     *Clock
	sentence  int
	piece     int
	listed    bool   // the piece started after 、
	inherited string // the reason the label gave
	soft      bool   // the type is a soft 旷课 (没来, 早退): a leave wins
	leaveCue  bool   // a leave reason of the lexicon or an approval was read
	truant    bool   // a reason that is no leave's was read (去网吧)
	// sect counts the hours named as sections (第3、4节); with hours also
	// given (旷课2节（第3、4节）) the two must agree.
	sect int
}

// attLabel is a type word that applies to the names after it.
type attLabel struct {
	typ, reason string
	src         attSource
	hours, days int // a quantity written with the label: 旷课2节：张三、李四
	used, zero  bool
	piece       int
	sentence    int
}

// attReader walks the tokens of a message once.
type attReader struct {
	toks    []attToken
	pieces  []string
	hasType []bool // per sentence: does it contain a type word
	form    AttendanceForm

	sentence  int
	lastSep   attKind
	prev      attKind // previous token of the piece (0 at its start)
	lab       *attLabel
	labels    []*attLabel
	cur       *attEntry // the student of the current piece
	entries   []*attEntry
	neg       bool // after 无/没有, until a name or the end of the sentence
	sawNeg    bool
	nothing   bool
	candidate string // a person who may be about to approve
	approver  bool   // after 批准人
	reporter  bool   // after 报告人
	count     bool   // after 应到/实到
	heads     []int  // the head counts read after 应到/实到, in order
	each      bool   // after 各
	// respective are the students of the sentence before 分别, waiting for
	// their quantities in order (张三、李四分别旷课2节、1节).
	respective      []*attEntry
	respectivePiece int
	pending         []attToken // quantities before the piece's name
	among           int        // entries before 其中 in the sentence (-1: no 其中)
	unread          []bool     // per piece
}

func newAttReader(toks []attToken, pieces []string) *attReader {
	f := &attReader{toks: toks, pieces: pieces, unread: make([]bool, len(pieces)), among: -1}
	s := 0
	f.hasType = append(f.hasType, false)
	for _, t := range toks {
		switch t.kind {
		case tHard:
			s++
			f.hasType = append(f.hasType, false)
		case tType:
			f.hasType[s] = true
		}
	}
	return f
}

func (f *attReader) read(k int) {
	t := &f.toks[k]
	switch t.kind {
	case tHard, tSoft, tList:
		f.flushPending()
		if t.kind == tHard && len(f.respective) > 0 {
			f.unread[f.respectivePiece] = true // fewer quantities than students
		}
		if t.kind == tHard {
			f.respective, f.among = nil, -1
		}
		f.cur, f.candidate, f.prev = nil, "", 0
		f.approver, f.reporter, f.count, f.each = false, false, false, false
		f.lastSep = t.kind
		if t.kind == tHard {
			f.sentence++
			f.neg = false
			if f.hasType[f.sentence] {
				f.lab = nil
			}
		}
		return
	case tColon, tFiller:
	case tClass:
		if f.form.Class == nil {
			c := t.class
			f.form.Class = &c
		} else if *f.form.Class != t.class {
			f.unread[t.piece] = true
		}
	case tDate:
		if f.form.Date == nil {
			d := t.date
			f.form.Date = &d
		}
	case tType:
		f.typeWord(k)
	case tName:
		f.name(*t)
	case tStudentNo:
		if f.cur != nil && f.cur.StudentNo == "" {
			f.cur.StudentNo = t.text
		}
	case tQty:
		f.quantity(*t)
	case tNum:
		f.number(*t)
	case tClock:
		if e := f.target(); e != nil {
			c := t.clock
			e.clock = &c
		} else {
			f.unread[t.piece] = true
		}
	case tReason:
		if e := f.target(); e != nil {
			e.addReason(t.reason)
			e.leaveCue = e.leaveCue || !t.free && !t.truant
			e.truant = e.truant || t.truant
		} else {
			f.unread[t.piece] = true
		}
	case tApproverLabel:
		f.approver = true
	case tPerson:
		switch {
		case f.reporter:
			f.reporter = false
		case f.approver:
			f.approve(t.text, t.piece)
		default:
			f.candidate = t.text
		}
	case tApprove:
		who := f.candidate
		if who == "" {
			who = attGenericNote
		}
		f.approve(who, t.piece)
	case tApproved:
		f.approve(attGenericNote, t.piece)
	case tNeg:
		f.neg, f.sawNeg = true, true
		if f.lab != nil && f.lab.piece == t.piece && !f.lab.used {
			f.lab.zero = true
		}
		if f.prev == 0 && f.lastSep == tList || f.prev == tType {
			// 旷课、晚归、夜不归宿均无: the labels listed before it are nil too
			for _, l := range f.labels {
				if l.sentence == f.sentence && !l.used {
					l.zero = true
				}
			}
		}
	case tNothing:
		f.nothing = true
	case tCount:
		f.count = true
	case tEach:
		f.each = true
	case tAmong:
		f.among = len(f.entries) // 张三旷课3节，其中上午2节: not 5 more hours
	case tRespective:
		f.respective = f.respective[:0]
		for _, e := range f.entries {
			if e.sentence == f.sentence && e.Hours == 0 && e.Days == 0 && e.times == 0 {
				f.respective = append(f.respective, e)
			}
		}
		f.respectivePiece = t.piece
	case tReporter:
		f.reporter = true
	default: // tOther
		f.unread[t.piece] = true
	}
	if t.kind != tFiller {
		f.prev = t.kind
	}
}

// name starts a new student, unless the name belongs to a reporter or an
// approver.
func (f *attReader) name(t attToken) {
	switch {
	case f.reporter:
		f.reporter = false
		return
	case f.approver:
		f.approve(t.text, t.piece)
		return
	case f.prev == tPerson && !t.space:
		f.candidate += t.text // 班主任张华批准
		return
	}
	e := &attEntry{Row: Row{Student: t.text}, sentence: f.sentence, piece: t.piece, listed: f.lastSep == tList}
	if f.lab != nil && !f.neg {
		e.Type, e.Reason, e.src, e.lab, e.inherited = f.lab.typ, f.lab.reason, f.lab.src, f.lab, f.lab.reason
		f.lab.used = true
	}
	f.neg = false
	f.cur = e
	f.entries = append(f.entries, e)
	for _, q := range f.pending {
		e.add(q)
	}
	f.pending = nil
}

// flushPending reports the quantities no name came for.
func (f *attReader) flushPending() {
	for _, q := range f.pending {
		f.unread[q.piece] = true
	}
	f.pending = nil
}

// typeWord handles the type word at toks[k].
func (f *attReader) typeWord(k int) {
	t := f.toks[k]
	if f.neg && !f.restOfPieceHas(k, tName, tQty, tNum, tClock) {
		f.lab = nil // 无旷课、晚归、夜不归宿情况
		return
	}
	f.neg = false
	if e := f.cur; e != nil && e.absorbs(t) {
		return // 孙七私自回家，一天没来
	}
	if e := f.cur; e != nil {
		switch {
		case e.Type == "":
			e.setType(t)
			f.backPatch(e)
		case e.Type == t.typ || e.yields(t):
			if e.src != srcOwn {
				// 事假：王五1，孙七肚子疼请假 — the student's own word wins
				// over the label's reason
				e.dropLabel()
			}
			e.setType(t)
		case t.space && e.src != srcOwn && f.restOfPieceHas(k, tName):
			// 晚归 王五 夜不归宿 李四: a new label
			f.newLabel(t, srcLabel)
			f.cur = nil
			return
		case e.src != srcOwn:
			e.dropLabel() // 晚归：张三旷课 — the student's own word wins
			e.setType(t)
		default:
			// 张三旷课2节、晚归: a second row for the same student
			f.another(e, t, e.piece)
		}
		f.lab = &attLabel{typ: t.typ, reason: t.reason, src: srcInherited, piece: t.piece, used: true}
		return
	}
	last := f.lastInSentence()
	if last != nil && last.Type == t.typ && f.pieceHasDate(k) && !f.restOfPieceHas(k, tName) {
		// 李四周一晚归，周三又晚归: another event of the same student
		f.another(last, t, t.piece)
		return
	}
	goesOn := last != nil && f.prev == 0 && !f.restOfPieceHas(k, tName) &&
		(f.restOfPieceHas(k, tQty) || last.Type == t.typ || last.yields(t))
	if (goesOn || !f.restOfSentenceHas(k, tName)) && !f.restOfPieceHas(k, tColon, tNeg, tNothing) && !f.pieceHasPersons(k) {
		// A type after the names of the sentence: 张三，请假 / 张三2节，旷课
		// / 请假：赵六，病假; or a piece that goes on about the sentence's
		// last student: 张三上午没来，旷了两节课，王五…
		if f.patchPending(t) {
			return
		}
		if e := last; e != nil {
			switch {
			case e.Type == t.typ || e.yields(t):
				e.setType(t)
				f.cur = e
				return
			case e.absorbs(t):
				f.cur = e
				return
			case e.src == srcOwn:
				f.another(e, t, t.piece)
				return
			}
		}
	}
	f.newLabel(t, srcLabel)
	f.patchPending(t)
}

func (f *attReader) newLabel(t attToken, src attSource) {
	f.lab = &attLabel{typ: t.typ, reason: t.reason, src: src, piece: t.piece, sentence: f.sentence}
	f.labels = append(f.labels, f.lab)
}

// patchPending gives type t to the students of the sentence that have none
// yet and whose details fit it (张三，李四旷课). It reports whether any did.
func (f *attReader) patchPending(t attToken) bool {
	patched := false
	for _, e := range f.entries {
		if e.sentence == f.sentence && e.Type == "" && e.fits(t.typ) {
			e.setType(t)
			e.src = srcLabel
			if f.lab != nil && f.lab.typ == t.typ {
				e.lab = f.lab
				f.lab.used = true
			}
			patched = true
		}
	}
	return patched
}

// backPatch gives e's type to the bare students joined to it by 、 before it
// whose type was only inherited (张三旷课，李四、王五晚归), then to the
// sentence's students without a type.
func (f *attReader) backPatch(e *attEntry) {
	i := slices.Index(f.entries, e)
	for j := i - 1; j >= 0; j-- {
		p, next := f.entries[j], f.entries[j+1]
		if !next.listed || p.sentence != e.sentence || !p.bare() || p.src == srcLabel || p.src == srcOwn {
			break
		}
		p.Type, p.Reason, p.src, p.soft = e.Type, e.Reason, srcOwn, e.soft
	}
	for _, p := range f.entries[:i] {
		if p.sentence == e.sentence && p.Type == "" && p.fits(e.Type) {
			p.Type, p.Reason, p.src = e.Type, e.Reason, srcOwn
		}
	}
}

func (f *attReader) quantity(t attToken) {
	if f.count && t.unit == uPersons {
		f.heads = append(f.heads, t.n)
	}
	f.count = false
	if t.unit == uPersons || t.n == 0 {
		if t.n == 0 {
			f.zero(t)
		}
		return // head counts: 应到45人, 旷课2人
	}
	if f.respective != nil && t.unit != uPersons {
		if len(f.respective) == 0 {
			f.unread[t.piece] = true // more quantities than students
			return
		}
		f.respective[0].add(t)
		f.respective = f.respective[1:]
		return
	}
	if f.each {
		f.each = false
		for _, e := range f.entries {
			if e.sentence == f.sentence && e.Hours == 0 && e.Days == 0 && e.times == 0 {
				e.add(t)
			}
		}
		return
	}
	if f.cur == nil && f.lab != nil && f.lab.piece == t.piece && !f.lab.used {
		switch t.unit { // 旷课2节：张三、李四
		case uHours:
			f.lab.hours += t.n
		default:
			f.lab.days += t.n
		}
		return
	}
	if e := f.target(); e != nil {
		if f.among >= 0 && slices.Index(f.entries, e) < f.among {
			f.unread[t.piece] = true // a breakdown of hours already given: asked back
			return
		}
		e.add(t)
		return
	}
	f.pending = append(f.pending, t) // 下午第二节课张三没来: for the name to come
}

func (f *attReader) number(t attToken) {
	switch {
	case f.count:
		f.count = false // 实到43
		f.heads = append(f.heads, t.n)
	case t.n == 0:
		f.zero(t) // 旷课：0
	case f.cur != nil && (f.prev == tName || f.prev == tType || f.prev == tStudentNo):
		f.cur.Hours += t.n // 张三事假1, 旷课：张三2
	case f.cur == nil && f.prev == tType:
		// 旷课2：… a head count
	default:
		f.unread[t.piece] = true
	}
}

// zero records a count of nought: 旷课0人, 夜不归宿：0.
func (f *attReader) zero(t attToken) {
	f.sawNeg = true
	if f.lab != nil && f.lab.piece == t.piece && !f.lab.used {
		f.lab.zero = true
	}
}

// approve records who approved the leave of the current student, or of the
// students of the sentence on leave without an approver.
func (f *attReader) approve(who string, piece int) {
	f.approver, f.candidate = false, ""
	if f.cur != nil {
		f.cur.Approver, f.cur.leaveCue = who, true
		return
	}
	done := false
	for _, e := range f.entries {
		if e.sentence == f.sentence && (e.Type == Leave || e.Type == "" || e.soft) && e.Approver == "" {
			e.Approver, e.leaveCue, done = who, true, true
		}
	}
	if done {
		return
	}
	for i := len(f.entries) - 1; i >= 0; i-- {
		if e := f.entries[i]; e.Type == Leave || e.Type == "" || e.soft {
			if e.Approver == "" {
				e.Approver, e.leaveCue = who, true
			}
			return
		}
	}
	f.unread[piece] = true
}

// target is the student details refer to: the current piece's, else the
// sentence's last one.
func (f *attReader) target() *attEntry {
	if f.cur != nil {
		return f.cur
	}
	return f.lastInSentence()
}

func (f *attReader) lastInSentence() *attEntry {
	if n := len(f.entries); n > 0 && f.entries[n-1].sentence == f.sentence {
		return f.entries[n-1]
	}
	return nil
}

// restOfPieceHas reports whether a token of one of kinds follows toks[k]
// before the next separator.
func (f *attReader) restOfPieceHas(k int, kinds ...attKind) bool {
	for _, t := range f.toks[k+1:] {
		if t.kind == tHard || t.kind == tSoft || t.kind == tList {
			return false
		}
		if slices.Contains(kinds, t.kind) {
			return true
		}
	}
	return false
}

// restOfSentenceHas is restOfPieceHas up to the end of the sentence.
func (f *attReader) restOfSentenceHas(k int, kind attKind) bool {
	for _, t := range f.toks[k+1:] {
		if t.kind == tHard {
			return false
		}
		if t.kind == kind {
			return true
		}
	}
	return false
}

// another starts a second row of e's student, of t's type, in piece: the
// row the reader goes on with.
func (f *attReader) another(e *attEntry, t attToken, piece int) {
	second := &attEntry{Row: Row{Student: e.Student, StudentNo: e.StudentNo}, sentence: e.sentence, piece: piece}
	second.setType(t)
	f.entries = append(f.entries, second)
	f.cur = second
}

// pieceHasDate reports a date in the piece of toks[k], before it.
func (f *attReader) pieceHasDate(k int) bool {
	for i := k - 1; i >= 0 && f.toks[i].piece == f.toks[k].piece; i-- {
		if f.toks[i].kind == tDate {
			return true
		}
	}
	return false
}

// pieceHasPersons reports a head count in the piece of toks[k]: 事假0人.
func (f *attReader) pieceHasPersons(k int) bool {
	for _, t := range f.toks[k+1:] {
		if t.kind == tHard || t.kind == tSoft || t.kind == tList {
			return false
		}
		if t.kind == tQty && t.unit == uPersons || t.kind == tNum || t.kind == tCount {
			return true
		}
	}
	return false
}

func (e *attEntry) setType(t attToken) {
	if e.Type == t.typ && e.soft && !t.soft {
		e.soft = false // 没来，旷了两节课
	} else if e.Type != t.typ {
		e.soft = t.soft
	}
	e.Type, e.src = t.typ, srcOwn
	e.addReason(t.reason)
}

// dropLabel forgets what e took from a label: its quantity and its reason.
func (e *attEntry) dropLabel() {
	if r := e.inherited; r != "" {
		e.Reason = strings.TrimPrefix(strings.TrimPrefix(e.Reason, r), "、")
	}
	e.lab, e.inherited = nil, ""
}

// absorbs reports whether t only says again that e was not there: a soft
// 旷课 after a leave, 擅自离校 or 夜不归宿 of the same student.
func (e *attEntry) absorbs(t attToken) bool {
	return t.soft && t.typ == Absent && e.src == srcOwn && (e.Type == Leave || e.Type == LeftSchool || e.Type == NightAway)
}

// yields reports whether e's soft 旷课 gives way to the leave t: 张三没来，
// 请假了.
func (e *attEntry) yields(t attToken) bool {
	return e.soft && e.Type == Absent && t.typ == Leave
}

func (e *attEntry) addReason(r string) {
	switch {
	case r == "" || strings.Contains(e.Reason, r):
	case e.Reason == "":
		e.Reason = r
	default:
		e.Reason += "、" + r
	}
}

func (e *attEntry) add(t attToken) {
	if t.sect {
		e.sect += t.n
		return
	}
	switch t.unit {
	case uHours:
		e.Hours += t.n
	case uDays, uNights:
		e.Days += t.n
	case uWeeks:
		e.Days += 7 * t.n
	case uTimes:
		e.times += t.n
	}
}

// undetailed reports a student with no detail of their own (a label's
// reason is not their own).
func (e *attEntry) undetailed() bool {
	return e.Hours == 0 && e.Days == 0 && e.times == 0 && e.clock == nil && e.Approver == "" &&
		(e.Reason == "" || e.Reason == e.inherited)
}

// bare reports a student with no detail yet.
func (e *attEntry) bare() bool {
	return e.Hours == 0 && e.Days == 0 && e.times == 0 && e.clock == nil && e.Reason == "" && e.Approver == ""
}

// fits reports whether e's details agree with type typ.
func (e *attEntry) fits(typ string) bool {
	switch {
	case e.clock != nil:
		return typ == LateReturn
	case e.Reason != "" || e.Approver != "":
		return typ == Leave
	case e.Hours > 0:
		return typ == Absent || typ == Leave
	case e.Days > 0 || e.times > 0:
		return typ != LateReturn
	}
	return true
}

// infer gives a type to a student who got none from the words around.
func (e *attEntry) infer() bool {
	switch {
	case e.leaveCue || e.Approver != "" || e.Reason != "" && !e.truant:
		e.Type = Leave
	case e.clock != nil:
		e.Type = LateReturn
	case e.Hours > 0 || e.times > 0:
		e.Type = Absent
	default:
		return false
	}
	return true
}

// finish applies the label's quantity and the defaults documented on Row.
func (e *attEntry) finish() Row {
	if l := e.lab; l != nil && e.Hours == 0 && e.Days == 0 && e.times == 0 {
		e.Hours, e.Days = l.hours, l.days
	}
	if e.soft && e.Type == Absent && e.leaveCue {
		e.Type = Leave // 孙七发烧没来，班主任已批准
	}
	switch e.Type {
	case Absent:
		e.Hours += e.times
	case NightAway, LeftSchool:
		e.Days += e.times
	}
	switch {
	case e.Type == Absent && e.Hours == 0 && e.Days == 0:
		e.Hours = 1
	case e.Type == LeftSchool && e.Days == 0:
		e.Days = 1
	}
	if c := e.clock; c != nil {
		h := c.Hour
		if e.Type == LateReturn && c.Period == "" && h >= 6 && h <= 11 {
			h += 12
		}
		e.Time = fmt.Sprintf("%02d:%02d", h, c.Minute)
	}
	return e.Row
}

// fullCount reports a message that gives the same number of students
// expected and present (应到45人，实到45人).
func (f *attReader) fullCount() bool {
	return len(f.heads) == 2 && f.heads[0] == f.heads[1] && f.heads[0] > 0
}

// said reports whether the message holds anything besides separators and
// filler words (考勤 alone says nothing).
func (f *attReader) said() bool {
	for _, t := range f.toks {
		switch t.kind {
		case tHard, tSoft, tList, tColon, tFiller:
		default:
			return true
		}
	}
	return false
}

func (f *attReader) result() (*AttendanceForm, error) {
	form := f.form
	for _, e := range f.entries {
		switch {
		case e.sect > 0 && e.Hours == 0:
			e.Hours = e.sect
		case e.sect > 0 && e.Hours != e.sect:
			f.unread[e.piece] = true // 旷课2节（第3-5节）: which is it?
		}
		if e.Type == "" && !e.infer() {
			f.unread[e.piece] = true
		}
	}
	// A piece not wholly understood records nothing (旷课：张三迟到 is no
	// absence); it is reported instead.
	if len(f.respective) > 0 {
		f.unread[f.respectivePiece] = true // fewer quantities than students
	}
	f.flushPending()
	// Students listed with 、 before one with details share them: 张三、李四
	// 旷课2节; 晚归：王五、赵六 23:30; 请假：赵六、孙七1天 病假.
	for i := len(f.entries) - 2; i >= 0; i-- {
		p, n := f.entries[i], f.entries[i+1]
		if n.listed && p.sentence == n.sentence && p.Type == n.Type && p.undetailed() {
			p.Hours, p.Days, p.times, p.clock, p.Approver = n.Hours, n.Days, n.times, n.clock, n.Approver
			p.Reason, p.leaveCue, p.truant = n.Reason, n.leaveCue, n.truant
		}
	}
	for _, e := range f.entries {
		if e.Type == LateReturn && (e.times > 1 || e.Hours > 0 || e.Days > 0) {
			f.unread[e.piece] = true // 晚归2次: one row is one late return
		}
	}
	form.Rows = []Row{}
	for _, e := range f.entries {
		if !f.unread[e.piece] {
			form.Rows = append(form.Rows, e.finish())
		}
	}
	for _, l := range f.labels {
		if !l.used && !l.zero {
			f.unread[l.piece] = true // 晚归： with nobody after it
		}
	}
	for i, u := range f.unread {
		if u && f.pieces[i] != "" {
			form.Unread = append(form.Unread, f.pieces[i])
		}
	}
	seen := map[[3]string]bool{}
	for _, it := range form.Rows {
		k := [3]string{it.Type, it.Student, it.StudentNo}
		if seen[k] && !slices.Contains(form.Repeated, it.Student) {
			form.Repeated = append(form.Repeated, it.Student)
		}
		seen[k] = true
	}
	form.Nothing = len(form.Rows) == 0 && (f.nothing || f.sawNeg || f.fullCount())
	if len(form.Rows) == 0 && !form.Nothing {
		hint := "未填写考勤内容"
		if len(f.heads) == 2 && f.heads[1] < f.heads[0] && len(form.Unread) == 0 {
			hint = fmt.Sprintf("应到%d人、实到%d人，缺勤的学生未写明", f.heads[0], f.heads[1])
		} else if len(form.Unread) > 0 {
			hint = "未能识别：" + strings.Join(form.Unread, "；")
		} else if f.said() {
			hint = "未找到考勤事项（旷课、晚归、夜不归宿、请假、擅自离校）或“无异常”"
		}
		return nil, &ParseError{Hint: hint, Unread: form.Unread}
	}
	return &form, nil
}
