package attendance

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

// Store persists attendance entries. Package store implements it.
type Store interface {
	// UpdateAttendance runs fn in one durable transaction; fn may run more
	// than once and must only act through tx. A retried platform message
	// fails here with bot.ErrDuplicate.
	UpdateAttendance(ctx context.Context, fn func(tx Tx) error) error
	// ViewAttendance runs fn in a read-only transaction (writes fail).
	ViewAttendance(fn func(tx Tx) error) error
}

// Tx is what the rules read and write inside one transaction.
type Tx interface {
	// NewEntryID allocates the next id: A1, A2 …
	NewEntryID() (string, error)
	// Entry loads an entry by id (A12, #A12, a12); ErrNoEntry when absent.
	Entry(id string) (*Entry, error)
	// UnitEntries lists a class's entries whose due time is in [from, to),
	// by due time then id.
	UnitEntries(unit string, from, to time.Time) ([]*Entry, error)
	// FormEntries lists the entries of one form (a class's form due at due) in
	// id order, withdrawn ones included, WITHOUT their rows: enough for the
	// form's state, cheap enough for every message.
	FormEntries(unit string, due time.Time) ([]*Entry, error)
	// FormSummary reads what a new entry needs of its form without reading
	// the form's entries: PutEntry keeps it up to date.
	FormSummary(unit string, due time.Time) (FormSummary, error)
	// StudentEntries lists the class's live entries that name the student
	// (as Row.Who) and whose due time is in [from, to), by due time then id,
	// each with only that student's rows (enough for the student's ledger).
	StudentEntries(unit, student string, from, to time.Time) ([]*Entry, error)
	// StudentMonth reads the student's month record in the class (the month
	// of month, named in month's zone): what PutEntry keeps of the live
	// entries naming the student with a due time in that month.
	StudentMonth(unit, student string, month time.Time) (StudentMonth, error)
	// FormCause reads the live entry of the class's form due at due in
	// which the student's cause was found (Entry.FoundFor), nil when none:
	// PutEntry keeps the form's answer for each student, so no entry of the
	// form is read to find it.
	FormCause(unit, student string, due time.Time) (*Entry, error)
	// AwaitingCause lists the entries with a follow-up still pending that
	// was asked at or before asked (Entry.Asked), the longest waiting
	// first: the absence clock reads only those it may report.
	AwaitingCause(asked time.Time) ([]*Entry, error)
	// MemberEntries lists the entries a member submitted, newest first, at most limit.
	MemberEntries(member string, limit int) ([]*Entry, error)
	// PutEntry stores the entry (new or changed; Unit and Due never change)
	// and appends action and detail to its history at at.
	PutEntry(e *Entry, action, detail string, at time.Time) error
	// Confirmation loads a grade's confirmation of a month; nil when none.
	Confirmation(period, grade string) (*Confirmation, error)
	// PutConfirmation stores a confirmation and records it in its history.
	PutConfirmation(c *Confirmation) error
	// DeleteConfirmation removes a grade's confirmation of a month (重开汇总)
	// and records that in its history at at.
	DeleteConfirmation(period, grade string, at time.Time) error
	// NewOutingID allocates the next outing notice id: O1, O2 …
	NewOutingID() (string, error)
	// PutOuting stores an outing notice and records action in its history.
	PutOuting(o *Outing, action string) error
	// Outing loads an outing notice (O3, #O3, o3); ErrNoOuting when absent.
	Outing(id string) (*Outing, error)
	// Outings lists every outing notice in id order.
	Outings() ([]*Outing, error)
	// Enqueue queues pushes in this transaction; a Key already queued is skipped.
	Enqueue(ns ...bot.Notification) error
	// Queued reports whether a push key was ever queued.
	Queued(key string) bool
}

// RecentEntries is how many of a form's last live entries FormSummary lists.
const RecentEntries = 6

// FormSummary is what adding an entry needs of its form, kept by the store
// with the form's index so that a new entry costs the same in a form of one
// entry as in a form of a thousand.
type FormSummary struct {
	Live    int       // live (not withdrawn) entries
	FirstID string    // the live entry with the earliest message time ("" when none)
	FirstAt time.Time // its message time
	Recent  []string  // the last RecentEntries live entries, in id order
}

// SummarizeForm computes a form's summary from its entries (in id order; rows
// are not needed).
func SummarizeForm(es []*Entry) FormSummary {
	var s FormSummary
	for _, e := range es {
		s = s.Add(e)
	}
	return s
}

// Add is the summary after e, the form's newest entry, is added.
func (s FormSummary) Add(e *Entry) FormSummary {
	if e.Withdrawn {
		return s
	}
	if s.Live == 0 || e.At.Before(s.FirstAt) {
		s.FirstID, s.FirstAt = e.ID, e.At
	}
	s.Live++
	s.Recent = append(slices.Clip(s.Recent), e.ID)
	if n := len(s.Recent); n > RecentEntries {
		s.Recent = s.Recent[n-RecentEntries:]
	}
	return s
}

// Service is the attendance service: it runs the rules of this package
// over the store, one transaction per change, queuing the pushes a change
// causes (teacher notices, threshold warnings) in that same transaction.
type Service struct {
	Dir        *org.Directory
	Store      Store
	Schedule   *Schedule
	Thresholds Thresholds
	Now        func() time.Time
	// ExplainWithin is how long a class teacher has to answer the cause of
	// an abnormal absence before it is reported (篇3, [attendance] explain_within).
	ExplainWithin time.Duration
	// Leaders are told of unexplained absences ([attendance]
	// absence_leaders); empty: every leader.
	Leaders []string
	// CadresSeeLevels shows classmates' levels to class cadres too
	// ([attendance] cadres_see_levels).
	CadresSeeLevels bool
	// Catchup: an absence that became overdue this long or longer before
	// the absence clock runs (the server was down) is not pushed (the
	// scheduler's catch-up, [schedule] catchup); 0 means every overdue
	// absence is.
	Catchup time.Duration
	// Log is told of what the absence clock skipped; nil means slog.Default().
	Log *slog.Logger
	// MaxHours is the most class hours one row may count ([attendance]
	// max_hours_per_form); 0: no limit.
	MaxHours int
	// OutingTimes are when outing notices are reminded and overdue ([outing]).
	OutingTimes org.OutingPolicy
}

// New builds the service of the attendance and outing policies over the
// directory's calendar (Catchup and Log are set by whoever runs the absence
// clock).
func New(p org.AttendancePolicy, out org.OutingPolicy, dir *org.Directory, st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{Dir: dir, Store: st, Schedule: NewSchedule(p, dir.Calendar()), Thresholds: ThresholdsOf(p), Now: now,
		ExplainWithin: p.ExplainWithin.Duration, Leaders: p.AbsenceLeaders, CadresSeeLevels: p.CadresSeeLevels,
		MaxHours: p.MaxHoursPerForm, OutingTimes: out}
}

// Location is the organisation's time zone.
func (a *Service) Location() *time.Location { return a.Schedule.Location() }

// at is the time of an action: t, or now when t is zero.
func (a *Service) at(t time.Time) time.Time {
	if t.IsZero() {
		return a.Now()
	}
	return t
}

// Message is one attendance message as the parser read it; once accepted
// it is stored as an Entry. (The information desk's "submission" is an
// item, never this.)
type Message struct {
	Member *org.Member // the sender, allowed to submit for Unit (the handler checks scope)
	Unit   string      // the class
	At     time.Time   // message time
	Date   time.Time   // a date the message names; zero when none
	Rows   []Row       // none: 无异常
	Text   string      // the message as typed, kept in the history
}

// Result says what a change did.
type Result struct {
	Entry *Entry
	// Form is the entry's form after the change. After Submit it holds only
	// the form's first live entry and the new one (enough for its State);
	// after Correct and Withdraw, all its entries.
	Form *Form
	// Earlier lists the last other live entries of the same form, at most
	// RecentEntries-1 after Submit (all of them after Correct and Withdraw),
	// in id order; EarlierCount counts them all.
	Earlier      []string
	EarlierCount int
	Unknown      []NameHint // names not on the roster
	Notified     []string   // members told at once (teacher notices)
	Crossings    []Crossing // levels students of the entry are at this month after the change
	// Closed is the due time of the missing previous form the entry would
	// have completed late, had its month's summary not been confirmed (zero
	// when none): the entry went to the current form.
	Closed time.Time
}

// NameHint is a name not on the class roster and the closest roster name ("" when none is close).
type NameHint struct{ Name, Suggest string }

// Submit stores a new entry in the form the rules attribute it to (see
// Attribute), queues the teacher notice and the threshold warnings, and
// reports the result.
func (a *Service) Submit(ctx context.Context, s Message) (*Result, error) {
	u, ok := a.Dir.Unit(s.Unit)
	if !ok || u.Kind != org.Class {
		return nil, fmt.Errorf("%w: %s", ErrNotAClass, s.Unit)
	}
	rows, err := a.cleanRows(s.Member, s.Unit, s.Rows)
	if err != nil {
		return nil, err
	}
	at := a.at(s.At)
	at = at.In(a.Location())
	var res *Result
	err = a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		// A missing form of a confirmed month is closed: the message goes
		// to the current form instead of completing it late.
		var closed time.Time
		missing := func(due time.Time) (bool, error) {
			sum, err := tx.FormSummary(s.Unit, due)
			if err != nil || sum.Live > 0 {
				return false, err
			}
			err = a.unconfirmed(tx, s.Unit, due)
			if errors.Is(err, ErrConfirmed) {
				closed = due
				return false, nil
			}
			return err == nil, err
		}
		due, err := Attribute(a.Schedule, at, s.Date, missing)
		if err != nil {
			return err
		}
		if err := a.unconfirmed(tx, s.Unit, due); err != nil {
			return err
		}
		if err := a.checkBounds(rows, due); err != nil {
			return err
		}
		id, err := tx.NewEntryID()
		if err != nil {
			return err
		}
		e := &Entry{ID: id, Unit: s.Unit, Due: due, Submitter: s.Member.ID, At: at, Rows: rows}
		if !s.Date.IsZero() {
			e.Date = s.Date.In(a.Location()).Format(time.DateOnly)
		}
		syncFollowups(e, at)
		if err := a.coverFromForm(tx, e); err != nil {
			return err
		}
		if err := tx.PutEntry(e, "submit", s.Text, at); err != nil {
			return err
		}
		res, err = a.after(tx, e, nil, "")
		if res != nil {
			res.Closed = closed
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Correct replaces an entry's rows (更正 A12 …): by its submitter, a teacher
// of its class or the office.
func (a *Service) Correct(ctx context.Context, m *org.Member, id string, rows []Row, at time.Time, text string) (*Result, error) {
	at = a.at(at)
	var res *Result
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		e, err := a.changeable(tx, m, id, at)
		if err != nil {
			return err
		}
		clean, err := a.cleanRows(m, e.Unit, rows)
		if err != nil {
			return err
		}
		if err := a.checkBounds(clean, e.Due); err != nil {
			return err
		}
		old := e.Rows
		e.Rows, e.Revision, e.ChangedAt = clean, e.Revision+1, at
		syncFollowups(e, at)
		if err := a.coverFromForm(tx, e); err != nil {
			return err
		}
		if err := tx.PutEntry(e, "correct", text, at); err != nil {
			return err
		}
		res, err = a.after(tx, e, old, "correct")
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Withdraw withdraws an entry (撤回 A12); its history is kept and it counts
// for nothing. A form whose entries are all withdrawn is missing again.
func (a *Service) Withdraw(ctx context.Context, m *org.Member, id string, at time.Time) (*Result, error) {
	at = a.at(at)
	var res *Result
	err := a.Store.UpdateAttendance(ctx, func(tx Tx) error {
		e, err := a.changeable(tx, m, id, at)
		if err != nil {
			return err
		}
		e.Withdrawn, e.ChangedAt = true, at
		syncFollowups(e, at)
		if err := tx.PutEntry(e, "withdraw", "", at); err != nil {
			return err
		}
		res, err = a.after(tx, e, e.Rows, "withdraw")
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// MayChange reports whether the member may correct or withdraw the entry:
// its submitter, a teacher of its class, or the office.
func MayChange(m *org.Member, e *Entry) bool {
	return m.ID == e.Submitter || (m.Has(org.Teacher) && m.In(e.Unit)) || m.Has(org.Office)
}

// SeesLevels reports whether the member may see students' discipline levels
// (黄牌警示, 通报批评, 纪律处分): teachers and above; class cadres only when
// CadresSeeLevels is set. A cadre still sees the class's forms and counts.
func (a *Service) SeesLevels(m *org.Member) bool {
	return a.CadresSeeLevels || m.Has(org.Teacher, org.GradeLead, org.Office, org.Leader, org.Admin)
}

// changeable loads an entry the member may change at at: theirs to change
// (MayChange), not withdrawn, of the current or the previous form unless the
// member is the office (who corrects older forms), and of a month whose
// summary is not confirmed.
func (a *Service) changeable(tx Tx, m *org.Member, id string, at time.Time) (*Entry, error) {
	e, err := tx.Entry(id)
	if err != nil {
		return nil, err
	}
	if !MayChange(m, e) {
		return e, ErrNotYours
	}
	if e.Withdrawn {
		return e, ErrWithdrawn
	}
	if floor, ok := a.Schedule.Prev(at); ok && e.Due.Before(floor) && !m.Has(org.Office) {
		return e, &WindowError{Due: e.Due, Floor: floor}
	}
	return e, a.unconfirmed(tx, e.Unit, e.Due)
}

// unconfirmed refuses (a *ConfirmedError) a change to the class's form due
// at due when the grade lead has confirmed that month's summary.
func (a *Service) unconfirmed(tx Tx, unit string, due time.Time) error {
	u, ok := a.Dir.Unit(unit)
	if !ok {
		return nil
	}
	c, err := tx.Confirmation(MonthOf(due, a.Location()), u.Grade)
	if err != nil || c == nil {
		return err
	}
	return &ConfirmedError{c}
}

// cleanRows trims the rows, refuses rows without a student, and marks a
// leave given by a teacher of the class without an approver as approved by
// that teacher.
func (a *Service) cleanRows(m *org.Member, unit string, rows []Row) ([]Row, error) {
	if len(rows) > MaxRows {
		return nil, ErrTooManyRows
	}
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Student = strings.TrimSpace(r.Student)
		if r.Student == "" {
			return nil, ErrNoStudent
		}
		r.Hours, r.Days = max(r.Hours, 0), max(r.Days, 0)
		if r.Type == Leave && r.Approver == "" && m != nil && m.Has(org.Teacher) && m.In(unit) {
			r.Approver = m.Name
		}
		out[i] = r
	}
	return out, nil
}

// checkBounds refuses a row of the form due at due that counts more class
// hours than MaxHours (旷课 in days at DayHours a day), a leave of more days
// than the form's window holds (SPEC §5.1; a started day counts whole), or
// any other count of days or nights beyond the window and the one before it
// (a student away since before the last due time and reported only now).
func (a *Service) checkBounds(rows []Row, due time.Time) error {
	days := func(from, to time.Time) int { return int((to.Sub(from) + 24*time.Hour - 1) / (24 * time.Hour)) }
	window, reach := 0, 0
	if start, ok := a.Schedule.Prev(due); ok {
		window, reach = days(start, due), days(start, due)
		if before, ok := a.Schedule.Prev(start); ok {
			reach = days(before, due)
		}
	}
	for _, r := range rows {
		hours := r.Hours
		if r.Type == Absent {
			hours += r.Days * max(a.Thresholds.DayHours, 1)
		}
		if a.MaxHours > 0 && hours > a.MaxHours {
			return &BoundsError{Row: r, Limit: a.MaxHours}
		}
		limit := reach
		if r.Type == Leave {
			limit = window
		}
		if limit > 0 && r.Days > limit {
			return &BoundsError{Row: r, Days: true, Limit: limit}
		}
	}
	return nil
}

// after finishes a change inside its transaction: reads the form (its
// summary for a new entry, its entries for a change), checks the roster,
// queues the teacher notice and the threshold warnings. old holds the rows
// before a correction or withdrawal.
func (a *Service) after(tx Tx, e *Entry, old []Row, change string) (*Result, error) {
	res := &Result{Entry: e, Form: &Form{Unit: e.Unit, Due: e.Due}}
	if change == "" {
		sum, err := tx.FormSummary(e.Unit, e.Due)
		if err != nil {
			return nil, err
		}
		if sum.FirstID != "" && sum.FirstID != e.ID {
			res.Form.Entries = append(res.Form.Entries, &Entry{ID: sum.FirstID, Unit: e.Unit, Due: e.Due, At: sum.FirstAt})
		}
		res.Form.Entries = append(res.Form.Entries, e)
		for _, id := range sum.Recent {
			if id != e.ID {
				res.Earlier = append(res.Earlier, id)
			}
		}
		res.EarlierCount = max(sum.Live-1, 0)
	} else {
		light, err := tx.FormEntries(e.Unit, e.Due)
		if err != nil {
			return nil, err
		}
		for _, x := range light {
			if x.ID == e.ID {
				x = e
			} else if !x.Withdrawn {
				res.Earlier = append(res.Earlier, x.ID)
			}
			res.Form.Entries = append(res.Form.Entries, x)
		}
		res.EarlierCount = len(res.Earlier)
	}
	res.Form.Start, _ = a.Schedule.Prev(e.Due)
	if !e.Withdrawn {
		res.Unknown = a.OffRoster(e.Unit, e.Rows)
	}
	notices := a.teacherNotices(e, old, change)
	for _, n := range notices {
		res.Notified = append(res.Notified, n.To.Member)
	}
	if err := tx.Enqueue(notices...); err != nil {
		return nil, err
	}
	if !e.Withdrawn && raisesLevel(e.Rows) {
		crossings, pushes, err := a.crossings(tx, e)
		if err != nil {
			return nil, err
		}
		res.Crossings = crossings
		if err := tx.Enqueue(pushes...); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// raisesLevel reports whether rows can raise a student's level (leave and
// the other rows only lower or keep it).
func raisesLevel(rows []Row) bool {
	for _, r := range rows {
		if r.Type == Absent || r.Type == LeftSchool {
			return true
		}
	}
	return false
}

func (a *Service) OffRoster(unit string, rows []Row) []NameHint {
	var out []NameHint
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Student] || a.Dir.OnRoster(unit, r.Student) {
			continue
		}
		seen[r.Student] = true
		s, _ := a.Dir.Closest(unit, r.Student)
		out = append(out, NameHint{Name: r.Student, Suggest: s})
	}
	return out
}

// teacherNotices are the pushes to the class teachers (all but the sender)
// when the entry has rows that need the guardian contacted or a leave note
// chased; on a correction or withdrawal of such an entry, the teachers hear
// of the change.
func (a *Service) teacherNotices(e *Entry, old []Row, change string) []bot.Notification {
	now, was := notable(e.Rows), notable(old)
	if e.Withdrawn {
		now = nil
	}
	if len(now) == 0 && len(was) == 0 {
		return nil
	}
	var title, text string
	unit := a.Dir.UnitName(e.Unit)
	form := FormLabel(e.Due, a.Location())
	switch {
	case change == "withdraw":
		title = noticeTitleChanged
		text = fmt.Sprintf(noticeWithdrawn, unit, form, e.ID)
	case change == "correct" && len(now) == 0:
		title = noticeTitleChanged
		text = fmt.Sprintf(noticeCorrectedClear, unit, form, e.ID)
	default:
		title = noticeTitle
		head := noticeHead
		if change == "correct" {
			title, head = noticeTitleChanged, noticeHeadCorrected
		}
		text = fmt.Sprintf(head, unit, form, e.ID, a.Dir.MemberName(e.Submitter)) + "\n" + DescribeRows(now) + "\n" + noticeTail
		if ask := a.AskText(e); ask != "" {
			text += "\n" + ask
		}
	}
	var out []bot.Notification
	for _, t := range a.Dir.InUnit(e.Unit, org.Teacher) {
		if t.ID == e.Submitter {
			continue
		}
		key := fmt.Sprintf("%s|notice|r%d|%s", e.ID, e.Revision, t.ID)
		if e.Withdrawn {
			key = fmt.Sprintf("%s|notice|withdrawn|%s", e.ID, t.ID)
		}
		out = append(out, bot.Notification{Key: key, To: bot.Recipient{Member: t.ID}, Title: title, Text: text})
	}
	return out
}

func notable(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Notable() {
			out = append(out, r)
		}
	}
	return out
}

// crossings reads the month's ledger of the entry's students that it can
// raise (旷课, 擅自离校) from their month records and, for each at a level,
// queues the first-crossing pushes to the class teachers, the grade leads
// and the office — once per (student, month, level), and not for a level
// below one already announced this month.
func (a *Service) crossings(tx Tx, e *Entry) ([]Crossing, []bot.Notification, error) {
	loc := a.Location()
	type line struct {
		tally *Tally
		first Place
	}
	var lines []line
	for _, r := range e.Rows {
		if (r.Type != Absent && r.Type != LeftSchool) || slices.ContainsFunc(lines, func(l line) bool { return l.tally.Student == r.Who() }) {
			continue
		}
		sm, err := tx.StudentMonth(e.Unit, r.Who(), e.Due.In(loc))
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, line{sm.Tally(e.Unit, r.Who(), a.Thresholds), sm.First})
	}
	// The order Ledger lists them in: by where the month first names them.
	slices.SortStableFunc(lines, func(x, y line) int {
		switch {
		case x.first.less(y.first):
			return -1
		case y.first.less(x.first):
			return 1
		}
		return 0
	})
	m := MonthOf(e.Due, loc)
	recipients := a.levelRecipients(e.Unit)
	var out []Crossing
	var pushes []bot.Notification
	for _, l := range lines {
		t := l.tally
		if t.Level == LevelNone {
			continue
		}
		c := Crossing{Month: m, Tally: t, Level: t.Level}
		if !a.announced(tx, m, e.Unit, t.Student, DisciplineRank(t.Level), recipients) {
			c.Reached = true
			text := fmt.Sprintf(levelText, a.Dir.UnitName(e.Unit), t.Student, org.MonthLabel(m), a.Thresholds.Why(t),
				t.Level, a.levelRule(t.Level), t.AbsentHours, t.Nights, t.DaysLeft)
			for _, r := range recipients {
				pushes = append(pushes, bot.Notification{Key: LevelKey(m, e.Unit, t.Student, t.Level, r),
					To: bot.Recipient{Member: r}, Title: levelTitle, Text: text})
			}
		}
		out = append(out, c)
	}
	return out, pushes, nil
}

// LevelKey is the push key of a threshold warning: one per (month, class,
// student, level, recipient), ever.
func LevelKey(month, unit, student, level, recipient string) string {
	return "lvl|" + month + "|" + unit + "|" + student + "|" + level + "|" + recipient
}

// announced reports whether the level, or a higher one, was already pushed
// for the student this month.
func (a *Service) announced(tx Tx, month, unit, student string, rank int, recipients []string) bool {
	for _, l := range DisciplineLevels[rank-1:] {
		for _, r := range recipients {
			if tx.Queued(LevelKey(month, unit, student, l, r)) {
				return true
			}
		}
	}
	return false
}

// levelRecipients are the class teachers, the grade leads and the office, each once.
func (a *Service) levelRecipients(unit string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(ms []*org.Member) {
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m.ID)
			}
		}
	}
	add(a.Dir.InUnit(unit, org.Teacher))
	if u, ok := a.Dir.Unit(unit); ok {
		add(a.Dir.GradeLeads(u.Grade))
	}
	add(a.Dir.WithRole(org.Office))
	return out
}

func (a *Service) levelRule(level string) string {
	th := a.Thresholds
	switch level {
	case LevelDiscipline:
		return fmt.Sprintf(ruleDiscipline, th.DisciplineHours, th.DisciplineDays)
	case LevelCriticize:
		return fmt.Sprintf(ruleHours, th.CriticizeHours)
	}
	return fmt.Sprintf(ruleHours, th.YellowHours)
}
