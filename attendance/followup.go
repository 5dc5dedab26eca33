package attendance

// The follow-up of abnormal absences (篇3 第3条: 如遇学生非正常缺席……班主任
// 应立即与其家长联系，调查其缺席原因；班主任查明缺席原因后，需向年级组长汇报
// 情况；如遇未查明缺席原因者，则年级组长需及时向政教处及分管领导汇报情况).
//
// An entry that records 旷课, 夜不归宿 or 擅自离校 opens one follow-up per
// student (Entry.Followups), pending since the message that recorded it;
// the class teacher's notice asks for the cause. A teacher of the class, the
// office or an admin answers per student:
//
//   - 查明 A12 张三 发烧在家，家长已知晓: the cause is found. It is pushed to
//     the grade leads of the class's grade and, when the absence had already
//     been reported as unexplained, to the office and leaders told then. A
//     later 查明 corrects the cause and is pushed again.
//   - 未查明 A12 张三 [note]: the cause is not found. It is reported to the
//     grade leads, the office and the leaders in charge ([attendance]
//     absence_leaders, else every leader): once per student and entry.
//
// A 查明 covers the student for the whole form: their follow-ups in the
// form's other entries, and in entries added to it later, take the cause.
//
// No answer within [attendance] explain_within of the time the teacher was
// asked reports the absence the same way, once (FollowupTick, run every
// minute by the scheduler's absence clock), in one digest per recipient per
// run. Only stored state is read: the pending follow-ups are indexed in the
// store, the deadline is computed from each one's Since, and one transaction
// marks them reported and queues the digests, so a restart, a clock that
// missed minutes or a firing run twice reports late at worst, never twice;
// after downtime, absences overdue for [schedule] catchup or longer are
// marked but not pushed. Each answer and report is kept in the entry's
// history. Names go to people only, never to group chats.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Follow-up states.
const (
	CausePending  = "pending"   // the teacher was asked; no answer yet
	CauseFound    = "found"     // 查明
	CauseNotFound = "not_found" // 未查明, reported
	CauseOverdue  = "overdue"   // no answer within explain_within, reported
)

// Errors of the follow-up. The handlers phrase them in Chinese.
var (
	ErrNotClassTeacher = errors.New("attendance: only a teacher of the class, the office or an admin may answer for an absence")
	ErrNoFollowup      = errors.New("attendance: the entry records no abnormal absence of that student")
	ErrNoCause         = errors.New("attendance: 查明 needs the cause")
)

// Followup is the class teacher's follow-up of one student's abnormal
// absence in an entry.
type Followup struct {
	Student  string    `json:"student"`           // as Row.Who
	Since    time.Time `json:"since,omitzero"`    // when the teacher was asked (the message that recorded it)
	State    string    `json:"state"`             // CausePending, CauseFound, CauseNotFound, CauseOverdue
	Cause    string    `json:"cause,omitempty"`   // 查明: the cause; 未查明: the teacher's note
	By       string    `json:"by,omitempty"`      // member who answered last
	At       time.Time `json:"at,omitzero"`       // when they answered
	Reported time.Time `json:"reported,omitzero"` // reported to the office and leaders (未查明 or overdue); zero when not
	Answers  int       `json:"answers,omitempty"` // 查明 answers so far
	// Via is the entry of the same form whose 查明 of the student covers
	// this one ("" when answered here): a 查明 covers the student for the form.
	Via string `json:"via,omitempty"`
}

// Abnormal reports whether the row is an abnormal absence (非正常缺席) whose
// cause the class teacher must find: 旷课, 夜不归宿, 擅自离校.
func (r Row) Abnormal() bool {
	return r.Type == Absent || r.Type == NightAway || r.Type == LeftSchool
}

// Asked is when the entry's oldest follow-up still waiting for its first
// answer or report was asked; zero when none waits.
func (e *Entry) Asked() time.Time {
	var asked time.Time
	for _, f := range e.Followups {
		if f.State == CausePending && (asked.IsZero() || f.Since.Before(asked)) {
			asked = f.Since
		}
	}
	return asked
}

// Followup finds the entry's follow-up of a student (as Row.Who).
func (e *Entry) Followup(student string) (*Followup, bool) {
	for i := range e.Followups {
		if e.Followups[i].Student == student {
			return &e.Followups[i], true
		}
	}
	return nil, false
}

// syncFollowups brings the follow-ups in line with the entry's rows after a
// change at at: each student with an abnormal row has one (a new one pending
// since at); a pending one whose student has no such row any more (corrected
// away, or the entry withdrawn) is dropped; answered ones are kept.
func syncFollowups(e *Entry, at time.Time) {
	need := map[string]bool{}
	if !e.Withdrawn {
		for _, r := range e.Rows {
			if r.Abnormal() {
				need[r.Who()] = true
			}
		}
	}
	kept := e.Followups[:0]
	for _, f := range e.Followups {
		if need[f.Student] || f.State != CausePending {
			kept = append(kept, f)
		}
	}
	e.Followups = kept
	for _, r := range e.Rows {
		if who := r.Who(); need[who] {
			if _, ok := e.Followup(who); !ok {
				e.Followups = append(e.Followups, Followup{Student: who, Since: at, State: CausePending})
			}
		}
	}
	if len(e.Followups) == 0 {
		e.Followups = nil
	}
}

// pendingStudents lists the students whose cause the entry still waits for.
func (e *Entry) pendingStudents() []string {
	var out []string
	for _, f := range e.Followups {
		if f.State == CausePending {
			out = append(out, f.Student)
		}
	}
	return out
}

// MayExplain reports whether the member may answer for the entry's
// absences: a teacher of its class, the office or an admin.
func MayExplain(m *org.Member, e *Entry) bool {
	return (m.Has(org.Teacher) && m.In(e.Unit)) || m.Has(org.Office, org.Admin)
}

// Answer is a 查明 or 未查明 for one student of an entry.
type Answer struct {
	Member  *org.Member
	Entry   string // A12
	Student string // as Row.Who
	Found   bool   // 查明; else 未查明
	Text    string // the cause (required with Found) or a note
	At      time.Time
}

// AnswerResult says what an answer did.
type AnswerResult struct {
	Entry    *Entry
	Followup Followup // after the answer
	Notified []string // members pushed now
	// Reported is when the absence was reported to the office and the
	// leaders (zero when never); Before, whether that was before this answer.
	Reported time.Time
	Before   bool
	// Covered lists the form's other entries whose follow-up of the
	// student a 查明 answered too.
	Covered []string
}

// Answer records a 查明 or 未查明 in the entry and its history and queues
// its pushes (see the file comment).
func (a *Service) Answer(ctx context.Context, x Answer) (*AnswerResult, error) {
	x.Text = strings.TrimSpace(x.Text)
	if x.Found && x.Text == "" {
		return nil, ErrNoCause
	}
	at := a.at(x.At)
	at = at.In(a.Location())
	var res *AnswerResult
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		e, err := tx.Entry(x.Entry)
		if err != nil {
			return err
		}
		if !MayExplain(x.Member, e) {
			return ErrNotClassTeacher
		}
		if e.Withdrawn {
			return ErrWithdrawn
		}
		f, ok := e.Followup(x.Student)
		if !ok {
			return fmt.Errorf("%w: %s %s", ErrNoFollowup, e.ID, x.Student)
		}
		before := f.Reported
		f.By, f.At, f.Cause = x.Member.ID, at, x.Text
		var pushes []bot.Notification
		var covered []string
		action, detail := "cause-found", f.Student+"："+x.Text
		if x.Found {
			f.State, f.Via = CauseFound, ""
			f.Answers++
			// The cause covers the student for the whole form: their
			// follow-ups in the form's other entries take it too.
			others, err := a.formFollowups(tx, e, f.Student)
			if err != nil {
				return err
			}
			reported := !before.IsZero()
			for _, o := range others {
				g, _ := o.Followup(f.Student)
				reported = reported || !g.Reported.IsZero()
				g.State, g.Cause, g.By, g.At, g.Via = CauseFound, x.Text, x.Member.ID, at, e.ID
				if err := tx.PutEntry(o, "cause-found", fmt.Sprintf(causeViaDetail, f.Student, x.Text, e.ID), at); err != nil {
					return err
				}
				covered = append(covered, o.ID)
			}
			to := a.gradeLeads(e.Unit)
			if reported {
				to = a.reportRecipients(e.Unit)
			}
			text := fmt.Sprintf(causeFoundText, a.absenceHead(e, f.Student), x.Text, a.Dir.MemberName(x.Member.ID),
				at.Format("01-02 15:04"))
			if len(covered) > 0 {
				text += fmt.Sprintf(causeCoveredNote, strings.Join(covered, "、"), f.Student)
			}
			if reported {
				text += causeFoundAfterReport
			}
			key := fmt.Sprintf("%s|cause|%s|%d", e.ID, f.Student, f.Answers)
			pushes = a.pushesTo(to, x.Member.ID, key, causeFoundTitle, text)
		} else {
			f.State, action = CauseNotFound, "cause-not-found"
			if x.Text == "" {
				detail = f.Student
			}
			if before.IsZero() {
				f.Reported = at
				note := ""
				if x.Text != "" {
					note = "（" + x.Text + "）"
				}
				text := fmt.Sprintf(causeNotFoundText, a.absenceHead(e, f.Student), a.Dir.MemberName(x.Member.ID), note)
				pushes = a.reportPushes(e, f.Student, x.Member.ID, text)
			}
		}
		res = &AnswerResult{Followup: *f, Reported: f.Reported, Before: !before.IsZero(), Covered: covered}
		if err := tx.PutEntry(e, action, detail, at); err != nil {
			return err
		}
		res.Entry = e
		for _, n := range pushes {
			res.Notified = append(res.Notified, n.To.Member)
		}
		return tx.Enqueue(pushes...)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// FollowupTick reports every abnormal absence whose cause nobody answered
// within ExplainWithin of the time the teacher was asked, once, to the grade
// leads, the office and the leaders in charge: one digest per recipient per
// run, naming each student and entry (after downtime a leader gets one push,
// not one per absence). now is the scheduler's firing time. An absence that
// became overdue Catchup or more before now (the server was down) is marked
// overdue, kept in its history and logged, but not pushed: SPEC §6 catch-up.
// One transaction marks the follow-ups and queues the digests, so a run
// repeated after a restart finds nothing left to report.
func (a *Service) FollowupTick(ctx context.Context, now time.Time) error {
	var due []string
	err := a.Store.ViewAttendance(func(tx Tx) error {
		es, err := tx.AwaitingCause(now.Add(-a.ExplainWithin))
		if err != nil {
			return err
		}
		for _, e := range es {
			if len(a.overdue(e, now)) > 0 {
				due = append(due, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("attendance: absence clock: %w", err)
	}
	if len(due) == 0 {
		return nil
	}
	now = now.In(a.Location())
	var missed []string
	err = a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		missed = missed[:0]
		d := &overdueDigest{a: a, byKey: map[string]*overdueLine{}, lines: map[string][]*overdueLine{}}
		for _, id := range due {
			e, err := tx.Entry(id)
			if err != nil {
				return err
			}
			var reported, skipped []string
			for _, f := range a.overdue(e, now) {
				f.State = CauseOverdue
				if a.Catchup > 0 && now.Sub(f.Since.Add(a.ExplainWithin)) >= a.Catchup {
					skipped = append(skipped, f.Student)
					continue
				}
				f.Reported = now
				reported = append(reported, f.Student)
				d.add(e, f)
			}
			if len(reported)+len(skipped) == 0 {
				continue // answered meanwhile
			}
			detail := strings.Join(reported, "、")
			if len(skipped) > 0 {
				if detail != "" {
					detail += "；"
				}
				detail += fmt.Sprintf(causeMissedDetail, strings.Join(skipped, "、"), org.DurationText(a.Catchup))
				missed = append(missed, e.ID+" "+strings.Join(skipped, "、"))
			}
			if err := tx.PutEntry(e, "cause-overdue", detail, now); err != nil {
				return err
			}
		}
		return tx.Enqueue(d.pushes(now)...)
	})
	if err != nil {
		return fmt.Errorf("attendance: absence clock: %w", err)
	}
	if len(missed) > 0 {
		a.log().Warn("attendance: absence clock: absences overdue longer than the catch-up window marked overdue, not pushed",
			"at", now, "catchup", a.Catchup, "absences", strings.Join(missed, "; "))
	}
	return nil
}

// overdueDigest gathers one run's overdue absences per recipient: one line
// per class, form and student, naming the entries.
type overdueDigest struct {
	a     *Service
	byKey map[string]*overdueLine
	order []string                  // recipients in the order first met
	lines map[string][]*overdueLine // recipient → lines
}

type overdueLine struct {
	e     *Entry // the first entry met
	more  []*Entry
	since time.Time
	who   string
}

func (d *overdueDigest) add(e *Entry, f *Followup) {
	key := e.Unit + "|" + e.Due.String() + "|" + f.Student
	if l := d.byKey[key]; l != nil {
		l.more = append(l.more, e)
		if f.Since.Before(l.since) {
			l.since = f.Since
		}
		return
	}
	l := &overdueLine{e: e, since: f.Since, who: f.Student}
	d.byKey[key] = l
	for _, r := range d.a.reportRecipients(e.Unit) {
		if d.lines[r] == nil {
			d.order = append(d.order, r)
		}
		d.lines[r] = append(d.lines[r], l)
	}
}

// pushes are the digests, cut to the platforms' text size, keyed per run,
// recipient and piece.
func (d *overdueDigest) pushes(now time.Time) []bot.Notification {
	var out []bot.Notification
	loc := d.a.Location()
	for _, r := range d.order {
		lines := d.lines[r]
		var b strings.Builder
		fmt.Fprintf(&b, causeOverdueHead, org.DurationText(d.a.ExplainWithin), len(lines))
		for i, l := range lines {
			fmt.Fprintf(&b, "\n%d. %s，%s 告知", i+1, d.a.absenceHead(l.e, l.who, l.more...), l.since.In(loc).Format("01-02 15:04"))
		}
		b.WriteString("\n" + causeOverdueTail)
		for i, p := range bot.SplitText(b.String(), bot.MaxTextBytes) {
			out = append(out, bot.Notification{Key: fmt.Sprintf("absence-clock|%d|%s|%d", now.Unix(), r, i+1),
				To: bot.Recipient{Member: r}, Title: causeNotFoundTitle, Text: p})
		}
	}
	return out
}

// formFollowups lists the form's other live entries (besides e) that have a
// follow-up of the student.
func (a *Service) formFollowups(tx Tx, e *Entry, student string) ([]*Entry, error) {
	named, err := tx.StudentEntries(e.Unit, student, e.Due, e.Due.Add(time.Second))
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, n := range named {
		if n.ID == e.ID {
			continue
		}
		o, err := tx.Entry(n.ID)
		if err != nil {
			return nil, err
		}
		if _, ok := o.Followup(student); ok && !o.Withdrawn {
			out = append(out, o)
		}
	}
	return out, nil
}

// coverFromForm settles e's pending follow-ups of students whose cause was
// already found in another entry of the same form: a 查明 covers the student
// for the form, so the teacher is not asked again.
func (a *Service) coverFromForm(tx Tx, e *Entry) error {
	for i := range e.Followups {
		f := &e.Followups[i]
		if f.State != CausePending {
			continue
		}
		o, err := tx.FormCause(e.Unit, f.Student, e.Due)
		if err != nil {
			return err
		}
		if o == nil || o.ID == e.ID {
			continue
		}
		g, _ := o.Followup(f.Student)
		via := g.Via
		if via == "" {
			via = o.ID
		}
		f.State, f.Cause, f.By, f.At, f.Via = CauseFound, g.Cause, g.By, g.At, via
	}
	return nil
}

// FoundFor reports whether the entry answers the student's cause for its
// form: it is live, names the student in a row and its follow-up of the
// student has the cause found.
func (e *Entry) FoundFor(student string) bool {
	if e.Withdrawn {
		return false
	}
	f, ok := e.Followup(student)
	return ok && f.State == CauseFound && slices.ContainsFunc(e.Rows, func(r Row) bool { return r.Who() == student })
}

func (a *Service) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// overdue lists the entry's pending follow-ups whose time to answer has
// passed at now.
func (a *Service) overdue(e *Entry, now time.Time) []*Followup {
	if e.Withdrawn {
		return nil
	}
	var out []*Followup
	for i := range e.Followups {
		f := &e.Followups[i]
		if f.State == CausePending && !now.Before(f.Since.Add(a.ExplainWithin)) {
			out = append(out, f)
		}
	}
	return out
}

// reportPushes are the pushes reporting a student's absence as
// unexplained: one per recipient (but the sender), keyed once per entry,
// student and recipient whatever reported it (未查明 or the clock).
func (a *Service) reportPushes(e *Entry, student, sender, text string) []bot.Notification {
	return a.pushesTo(a.reportRecipients(e.Unit), sender, e.ID+"|cause-unfound|"+student, causeNotFoundTitle, text)
}

// pushesTo addresses one push per member (but the sender), keyed key|member.
func (a *Service) pushesTo(to []string, sender, key, title, text string) []bot.Notification {
	var out []bot.Notification
	for _, id := range to {
		if id == sender {
			continue
		}
		out = append(out, bot.Notification{Key: key + "|" + id, To: bot.Recipient{Member: id}, Title: title, Text: text})
	}
	return out
}

// gradeLeads are the grade leads of the class's grade.
func (a *Service) gradeLeads(unit string) []string {
	var out []string
	if u, ok := a.Dir.Unit(unit); ok {
		for _, m := range a.Dir.GradeLeads(u.Grade) {
			out = append(out, m.ID)
		}
	}
	return out
}

// reportRecipients are who hear of an unexplained absence (篇3: 年级组长向
// 政教处及分管领导汇报): the grade leads of the class's grade, the office and
// the leaders in charge, each once.
func (a *Service) reportRecipients(unit string) []string {
	out := a.gradeLeads(unit)
	add := func(id string) {
		for _, x := range out {
			if x == id {
				return
			}
		}
		out = append(out, id)
	}
	for _, m := range a.Dir.WithRole(org.Office) {
		add(m.ID)
	}
	if len(a.Leaders) > 0 {
		for _, id := range a.Leaders {
			add(id)
		}
	} else {
		for _, m := range a.Dir.WithRole(org.Leader) {
			add(m.ID)
		}
	}
	return out
}

// absenceHead names the class, the student and what the entry (and more
// entries of the same form) record of them: 高一(1)班 张三（11月26日(周四)17:00的报表
// A12：旷课 2节；A14：夜不归宿）.
func (a *Service) absenceHead(e *Entry, student string, more ...*Entry) string {
	var parts []string
	for _, x := range append([]*Entry{e}, more...) {
		var what []string
		for _, r := range x.Rows {
			if r.Abnormal() && r.Who() == student {
				what = append(what, r.Type+strings.TrimPrefix(DescribeRow(r), r.Who()))
			}
		}
		parts = append(parts, x.ID+"："+strings.Join(what, "、"))
	}
	return fmt.Sprintf("%s %s（%s的报表 %s）", a.Dir.UnitName(e.Unit), student,
		FormLabel(e.Due, a.Location()), strings.Join(parts, "；"))
}

// AskText is the line of the teacher's notice (and of a class teacher's own
// reply) asking for the causes of the entry's pending absences; "" when none.
func (a *Service) AskText(e *Entry) string {
	var notes []string
	if students := e.pendingStudents(); len(students) > 0 {
		s := students[0]
		text := fmt.Sprintf(noticeAsk, e.ID, s, e.ID, s, org.DurationText(a.ExplainWithin))
		if len(students) > 1 {
			text += fmt.Sprintf(noticeAskEach, strings.Join(students, "、"))
		}
		notes = append(notes, text)
	}
	for _, f := range e.Followups {
		if f.State == CauseFound && f.Via != "" {
			notes = append(notes, fmt.Sprintf(noticeCovered, f.Student, f.Via, f.Cause))
		}
	}
	return strings.Join(notes, "\n")
}
