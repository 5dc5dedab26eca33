package attendance

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Row types: the lines of the form (SPEC §5.1).
const (
	Absent     = "旷课"   // student, class hours
	LateReturn = "晚归"   // student, optional clock time
	NightAway  = "夜不归宿" // student
	Leave      = "请假"   // student, hours or days, reason, approver
	LeftSchool = "擅自离校" // student, days
)

// RowTypes lists the row types in the order forms show them.
var RowTypes = []string{Absent, LateReturn, NightAway, Leave, LeftSchool}

// Form states.
const (
	FormOpen    = "open"    // not yet due, no entry
	FormOnTime  = "on_time" // first live entry by the due time
	FormLate    = "late"    // first live entry after the due time
	FormMissing = "missing" // due time passed, no live entry
)

// Errors of the attendance service. The handlers phrase them in Chinese.
var (
	ErrNoEntry     = errors.New("attendance: no such attendance entry")
	ErrWithdrawn   = errors.New("attendance: attendance entry already withdrawn")
	ErrNotYours    = errors.New("attendance: only the submitter, the class teacher or the office may change an entry")
	ErrFutureDate  = errors.New("attendance: the date is after the message")
	ErrNoForm      = errors.New("attendance: no attendance form is due")
	ErrMonthOpen   = errors.New("attendance: the month is not over yet")
	ErrNotAClass   = errors.New("attendance: not a class")
	ErrNoStudent   = errors.New("attendance: a row names no student")
	ErrTooManyRows = errors.New("attendance: too many rows in one entry")
	ErrTooOld      = errors.New("attendance: the form is older than the previous one")
	ErrConfirmed   = errors.New("attendance: the month's summary is confirmed")
	ErrOutOfBounds = errors.New("attendance: a row counts more than a form can hold")
)

// WindowError refuses a date, or a change by anyone but the office, whose
// form is older than the previous form (due at Floor): backdating stops at
// the current and the previous form.
type WindowError struct{ Due, Floor time.Time }

func (e *WindowError) Error() string { return ErrTooOld.Error() }
func (e *WindowError) Unwrap() error { return ErrTooOld }

// ConfirmedError refuses a change to a form of a month whose summary the
// grade lead confirmed (确认汇总); the office may reopen it (重开汇总).
type ConfirmedError struct{ *Confirmation }

func (e *ConfirmedError) Error() string { return ErrConfirmed.Error() }
func (e *ConfirmedError) Unwrap() error { return ErrConfirmed }

// BoundsError is a row beyond the bounds of SPEC §5.1: more class hours
// than [attendance] max_hours_per_form, or more days than the form's
// window. It wraps ErrOutOfBounds.
type BoundsError struct {
	Row   Row
	Days  bool // the days exceed the window (else the hours exceed the limit)
	Limit int  // the most hours, or days, the row may count
}

func (e *BoundsError) Error() string {
	unit := "hours"
	if e.Days {
		unit = "days"
	}
	return fmt.Sprintf("attendance: %s %s beyond %d %s", e.Row.Type, e.Row.Who(), e.Limit, unit)
}

// Unwrap returns ErrOutOfBounds.
func (e *BoundsError) Unwrap() error { return ErrOutOfBounds }

// MaxRows is the most rows one entry may carry.
const MaxRows = 200

// Row is one line of a form: what happened to one student.
type Row struct {
	Type     string `json:"type"`
	Student  string `json:"student"`
	No       string `json:"no,omitempty"`       // student number, to tell namesakes apart
	Hours    int    `json:"hours,omitempty"`    // 旷课, 请假 in class hours
	Days     int    `json:"days,omitempty"`     // 擅自离校, 请假 in days (旷课 in days counts Days×day_hours); 夜不归宿 nights (0 is one)
	Time     string `json:"time,omitempty"`     // 晚归: clock time "23:40"
	Reason   string `json:"reason,omitempty"`   // 请假
	Approver string `json:"approver,omitempty"` // 请假; "" means 待补请假条
}

// Who names the student of the row, with the number when given: 张三[23].
func (r Row) Who() string {
	if r.No != "" {
		return r.Student + "[" + r.No + "]"
	}
	return r.Student
}

// Notable reports whether the row makes the class teacher contact the
// guardian (旷课, 夜不归宿, 擅自离校) or chase a leave note (请假 without approver).
func (r Row) Notable() bool {
	switch r.Type {
	case Absent, NightAway, LeftSchool:
		return true
	case Leave:
		return r.Approver == ""
	}
	return false
}

// Entry is one accepted attendance message (A<n>). Unit and Due (the form)
// never change after it is stored; a correction replaces Rows, a withdrawal
// sets Withdrawn.
type Entry struct {
	ID        string    `json:"id"`
	Unit      string    `json:"unit"`
	Due       time.Time `json:"due"`            // the form the entry belongs to
	Submitter string    `json:"submitter"`      // member id
	At        time.Time `json:"at"`             // message time
	Date      string    `json:"date,omitempty"` // explicit date named in the message, 2006-01-02
	Rows      []Row     `json:"rows"`
	Withdrawn bool      `json:"withdrawn,omitempty"`
	Revision  int       `json:"rev,omitempty"`    // corrections applied
	ChangedAt time.Time `json:"changed,omitzero"` // last correction or withdrawal
	// Followups are the class teacher's follow-ups of the abnormal absences
	// the entry records, one per student (篇3; see attendance_followup.go).
	Followups []Followup `json:"followups,omitempty"`
}

// Late reports whether the entry came after its form's due time.
func (e *Entry) Late() bool { return e.At.After(e.Due) }

// Form is one class's form for one window: the entries attributed to it.
type Form struct {
	Unit    string
	Start   time.Time // window start: the previous due time (zero when unknown)
	Due     time.Time
	Entries []*Entry // in id order, withdrawn ones included
}

// Live lists the entries that are not withdrawn.
func (f *Form) Live() []*Entry {
	var out []*Entry
	for _, e := range f.Entries {
		if !e.Withdrawn {
			out = append(out, e)
		}
	}
	return out
}

// FirstAt is the message time of the earliest live entry.
func (f *Form) FirstAt() (time.Time, bool) {
	var first time.Time
	for _, e := range f.Entries {
		if !e.Withdrawn && (first.IsZero() || e.At.Before(first)) {
			first = e.At
		}
	}
	return first, !first.IsZero()
}

// State judges the form at now: on time or late by its first live entry's
// message time; without live entries missing once the due time has passed,
// else open.
func (f *Form) State(now time.Time) string {
	first, ok := f.FirstAt()
	switch {
	case ok && !first.After(f.Due):
		return FormOnTime
	case ok:
		return FormLate
	case now.After(f.Due):
		return FormMissing
	}
	return FormOpen
}

// Rows is the union of the live entries' rows, in entry order.
func (f *Form) Rows() []Row {
	var out []Row
	for _, e := range f.Entries {
		if !e.Withdrawn {
			out = append(out, e.Rows...)
		}
	}
	return out
}

// Missing lists the forms that are missing at now (due time passed, no live
// entry), in their order. The scheduler's overdue lists and 未交 use it.
func Missing(forms []*Form, now time.Time) []*Form {
	var out []*Form
	for _, f := range forms {
		if f.State(now) == FormMissing {
			out = append(out, f)
		}
	}
	return out
}

// Lacking lists the forms that have no live entry yet, due or not: the
// classes a reminder before the due time goes to.
func Lacking(forms []*Form) []*Form {
	var out []*Form
	for _, f := range forms {
		if _, ok := f.FirstAt(); !ok {
			out = append(out, f)
		}
	}
	return out
}

// Attribute decides which form (its due time) a message belongs to (SPEC
// §5.1). at is the message time; date, when not zero, is a date the message
// names (any instant of that day in the organisation's zone); missing
// reports whether the class's form due at a given time has no live entry.
//
//   - A date: the form whose window contains that day — the form due that
//     day, or else the next one. A date after the message's day is refused
//     (ErrFutureDate), and so is a date whose form is older than the form
//     due last before the message (a *WindowError): a date reaches the
//     current and the previous form only.
//   - Otherwise, on a due day (up to and including the due time): the form
//     due that day.
//   - Otherwise, when the latest due time before at belongs to a form that is
//     still missing, the message completes it (late); else it belongs to the
//     form due next.
//
// SPEC §5.1 lets a late entry complete a missed form "before the next due
// time"; its own example (§10.1: a class's first entry, 16:02 on a due day,
// is that day's form, on time) and the reminders sent on due days show that a
// message on the next form's due day is meant for that form. So late
// completion runs until the start of the next due day.
//
// ErrNoForm means the schedule has no due time to attribute to.
func Attribute(s *Schedule, at, date time.Time, missing func(due time.Time) (bool, error)) (time.Time, error) {
	if !date.IsZero() {
		day := s.startOfDay(date)
		if day.After(s.startOfDay(at)) {
			return time.Time{}, ErrFutureDate
		}
		due, ok := s.Next(day)
		if !ok {
			return time.Time{}, ErrNoForm
		}
		if floor, found := s.Prev(at); found && due.Before(floor) {
			return time.Time{}, &WindowError{Due: due, Floor: floor}
		}
		return due, nil
	}
	due, ok := s.Next(at)
	if ok && !s.startOfDay(due).After(at) {
		return due, nil // on the due day itself: that day's form
	}
	if prev, found := s.Prev(at); found {
		miss, err := missing(prev)
		if err != nil {
			return time.Time{}, err
		}
		if miss {
			return prev, nil
		}
	}
	if !ok {
		return time.Time{}, ErrNoForm
	}
	return due, nil
}

// BuildForms groups entries into the forms of the given units and due
// times: one form per (unit, due) in dues, plus one for any other due time an
// entry carries (an entry stored before the schedule changed). Forms come in
// units order, then by due time; each form's Start is the previous due time
// of the schedule.
func BuildForms(s *Schedule, units []string, dues []time.Time, entries []*Entry) []*Form {
	type key struct {
		unit string
		due  int64
	}
	byKey := map[key]*Form{}
	perUnit := map[string][]*Form{}
	add := func(unit string, due time.Time) *Form {
		k := key{unit, due.Unix()}
		if f, ok := byKey[k]; ok {
			return f
		}
		f := &Form{Unit: unit, Due: due}
		byKey[k] = f
		perUnit[unit] = append(perUnit[unit], f)
		return f
	}
	for _, u := range units {
		for _, d := range dues {
			add(u, d)
		}
	}
	for _, e := range entries {
		f := add(e.Unit, e.Due)
		f.Entries = append(f.Entries, e)
	}
	// Window starts: the due before each due, from the list itself where
	// possible (one calendar walk for the whole period).
	starts := map[int64]time.Time{}
	for i, d := range dues {
		if i > 0 {
			starts[d.Unix()] = dues[i-1]
		}
	}
	var out []*Form
	seenUnit := map[string]bool{}
	order := append([]string(nil), units...)
	for _, e := range entries {
		if _, listed := perUnit[e.Unit]; listed && !contains(order, e.Unit) {
			order = append(order, e.Unit)
		}
	}
	for _, u := range order {
		if seenUnit[u] {
			continue
		}
		seenUnit[u] = true
		fs := perUnit[u]
		sort.Slice(fs, func(i, j int) bool { return fs[i].Due.Before(fs[j].Due) })
		for _, f := range fs {
			start, ok := starts[f.Due.Unix()]
			if !ok {
				start, _ = s.Prev(f.Due)
				starts[f.Due.Unix()] = start
			}
			f.Start = start
			sort.SliceStable(f.Entries, func(i, j int) bool { return idLess(f.Entries[i].ID, f.Entries[j].ID) })
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// idLess orders typed ids by number: A9 before A10.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
