package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
)

// UpdateAttendance runs fn in one durable transaction (attendance.Store).
func (s *DB) UpdateAttendance(ctx context.Context, fn func(attendance.Tx) error) error {
	return s.update(ctx, func(t *Tx) error { return fn(attendanceTx{t}) })
}

// ViewAttendance runs fn in a read-only transaction (attendance.Store).
func (s *DB) ViewAttendance(fn func(attendance.Tx) error) error {
	return s.view(func(t *Tx) error { return fn(attendanceTx{t}) })
}

// attendanceTx is attendance.Tx over a store transaction. Entries live
// in the A record bucket; bucketAttendanceForm indexes them by class and due
// time, bucketAttendanceBy by submitter.
type attendanceTx struct{ t *Tx }

var _ attendance.Tx = attendanceTx{}

func (a attendanceTx) NewEntryID() (string, error) { return a.t.NextID("A") }

func entryNumber(id string) (uint64, bool) {
	prefix, n, ok := ParseID(id)
	return n, ok && prefix == "A"
}

func (a attendanceTx) Entry(id string) (*attendance.Entry, error) {
	n, ok := entryNumber(id)
	if !ok {
		return nil, attendance.ErrNoEntry
	}
	return a.entry(n)
}

func (a attendanceTx) entry(n uint64) (*attendance.Entry, error) {
	raw := a.t.bucket(bucketAttendance).Get(u64(n))
	if raw == nil {
		return nil, attendance.ErrNoEntry
	}
	e := new(attendance.Entry)
	if err := json.Unmarshal(raw, e); err != nil {
		return nil, fmt.Errorf("store: decode A%d: %w", n, err)
	}
	for i, f := range e.Followups {
		if f.Since.IsZero() {
			e.Followups[i].Since = e.At
		}
	}
	return e, nil
}

// encodeEntry is an entry as stored: its JSON without the time a follow-up
// was asked when it is the entry's own message time (nearly always); entry
// puts it back.
func encodeEntry(e *attendance.Entry) ([]byte, error) {
	s := *e
	s.Followups = slices.Clone(e.Followups)
	for i, f := range s.Followups {
		if f.Since.Equal(e.At) {
			s.Followups[i].Since = time.Time{}
		}
	}
	return json.Marshal(&s)
}

// formKey is unit + 0x00 + due (unix seconds) [+ entry number].
func formKey(unit string, due time.Time, n uint64) []byte {
	k := make([]byte, 0, len(unit)+17)
	k = append(k, unit...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(max(due.Unix(), 0)))
	if n > 0 {
		k = binary.BigEndian.AppendUint64(k, n)
	}
	return k
}

func (a attendanceTx) UnitEntries(unit string, from, to time.Time) ([]*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceForm)
	if b == nil { // a read-only database written before the index existed
		return nil, nil
	}
	prefix := append([]byte(unit), 0)
	end := formKey(unit, to, 0)
	var out []*attendance.Entry
	c := b.Cursor()
	for k, _ := c.Seek(formKey(unit, from, 0)); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		if len(k) != len(prefix)+16 {
			continue
		}
		e, err := a.entry(binary.BigEndian.Uint64(k[len(k)-8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// FormEntries reads a form's entries from the index alone: id, class, due
// time, message time and withdrawn, without their rows.
func (a attendanceTx) FormEntries(unit string, due time.Time) ([]*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceForm)
	if b == nil {
		return nil, nil
	}
	prefix := formKey(unit, due, 0)
	var out []*attendance.Entry
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		n := binary.BigEndian.Uint64(k[len(prefix):])
		if len(v) != 9 { // written before the index carried its flags
			e, err := a.entry(n)
			if err != nil {
				return nil, err
			}
			e.Rows = nil
			out = append(out, e)
			continue
		}
		out = append(out, &attendance.Entry{ID: "A" + strconv.FormatUint(n, 10), Unit: unit, Due: due,
			At: time.Unix(0, int64(binary.BigEndian.Uint64(v[1:]))).In(due.Location()), Withdrawn: v[0]&1 != 0})
	}
	return out, nil
}

// FormSummary reads the summary PutEntry keeps under the form's own key
// (formKey without an entry number); a form without one (a read-only
// database of an older schema) is summarized from its index.
func (a attendanceTx) FormSummary(unit string, due time.Time) (attendance.FormSummary, error) {
	b := a.t.bucket(bucketAttendanceForm)
	if b == nil {
		return attendance.FormSummary{}, nil
	}
	if raw := b.Get(formKey(unit, due, 0)); raw != nil {
		return decodeSummary(raw)
	}
	es, err := a.FormEntries(unit, due)
	return attendance.SummarizeForm(es), err
}

// Summary value: live entries, first entry number, its message time (unix
// nanos), then the recent entry numbers; 8 bytes each, big endian.
func encodeSummary(s attendance.FormSummary) []byte {
	out := make([]byte, 0, 24+8*len(s.Recent))
	first, _ := entryNumber(s.FirstID)
	out = binary.BigEndian.AppendUint64(out, uint64(s.Live))
	out = binary.BigEndian.AppendUint64(out, first)
	out = binary.BigEndian.AppendUint64(out, uint64(s.FirstAt.UnixNano()))
	for _, id := range s.Recent {
		n, _ := entryNumber(id)
		out = binary.BigEndian.AppendUint64(out, n)
	}
	return out
}

func decodeSummary(raw []byte) (attendance.FormSummary, error) {
	if len(raw) < 24 || len(raw)%8 != 0 {
		return attendance.FormSummary{}, fmt.Errorf("store: form summary of %d bytes", len(raw))
	}
	s := attendance.FormSummary{Live: int(binary.BigEndian.Uint64(raw))}
	if s.Live > 0 {
		s.FirstID = "A" + strconv.FormatUint(binary.BigEndian.Uint64(raw[8:]), 10)
		s.FirstAt = time.Unix(0, int64(binary.BigEndian.Uint64(raw[16:])))
	}
	for i := 24; i < len(raw); i += 8 {
		s.Recent = append(s.Recent, "A"+strconv.FormatUint(binary.BigEndian.Uint64(raw[i:]), 10))
	}
	return s, nil
}

// putSummary updates the summary of e's form after e was indexed: a new
// entry is added to it; a change (rare) summarizes the form again.
func (a attendanceTx) putSummary(e *attendance.Entry, isNew bool) error {
	b := a.t.bucket(bucketAttendanceForm)
	key := formKey(e.Unit, e.Due, 0)
	var sum attendance.FormSummary
	if raw := b.Get(key); raw != nil && isNew {
		old, err := decodeSummary(raw)
		if err != nil {
			return err
		}
		sum = old.Add(e)
	} else {
		es, err := a.FormEntries(e.Unit, e.Due)
		if err != nil {
			return err
		}
		sum = attendance.SummarizeForm(es)
	}
	return b.Put(key, encodeSummary(sum))
}

// summarizeForms is the migration to schema 3: a summary for every form.
func summarizeForms(tx kvTx) error {
	a := attendanceTx{&Tx{tx: tx}}
	type form struct {
		unit string
		due  time.Time
	}
	var forms []form
	var last []byte
	err := tx.Bucket(bucketAttendanceForm).ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 || len(k) != i+17 || bytes.Equal(k[:i+9], last) {
			return nil
		}
		last = append(last[:0], k[:i+9]...)
		forms = append(forms, form{string(k[:i]), time.Unix(int64(binary.BigEndian.Uint64(k[i+1:])), 0)})
		return nil
	})
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketAttendanceForm)
	for _, f := range forms {
		es, err := a.FormEntries(f.unit, f.due)
		if err != nil {
			return err
		}
		if err := b.Put(formKey(f.unit, f.due, 0), encodeSummary(attendance.SummarizeForm(es))); err != nil {
			return err
		}
	}
	return nil
}

// studentPrefix is unit + 0x00 + student + 0x00.
func studentPrefix(unit, student string) []byte {
	k := make([]byte, 0, len(unit)+len(student)+18)
	k = append(k, unit...)
	k = append(k, 0)
	k = append(k, student...)
	return append(k, 0)
}

func studentKey(unit, student string, due time.Time, n uint64) []byte {
	k := binary.BigEndian.AppendUint64(studentPrefix(unit, student), uint64(max(due.Unix(), 0)))
	return binary.BigEndian.AppendUint64(k, n)
}

// studentRow is an attendance.Row in the student index, where the key
// names the student: since schema 9 the name is left out (about 20 bytes a
// row); the number stays, to tell the name from the key's name[no].
type studentRow struct {
	Type     string `json:"type"`
	Student  string `json:"student,omitempty"`
	No       string `json:"no,omitempty"`
	Hours    int    `json:"hours,omitempty"`
	Days     int    `json:"days,omitempty"`
	Time     string `json:"time,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Approver string `json:"approver,omitempty"`
}

// encodeStudentRows is the index value of the rows naming who (Row.Who).
func encodeStudentRows(rows []attendance.Row, who string) ([]byte, error) {
	var out []studentRow
	for _, r := range rows {
		if r.Who() == who {
			r.Student = ""
			out = append(out, studentRow(r))
		}
	}
	return json.Marshal(out)
}

// decodeStudentRows reads an index value of the student who, with or
// without the names (written before schema 9, they are kept as they are).
func decodeStudentRows(raw []byte, who string) ([]attendance.Row, error) {
	var in []studentRow
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	rows := make([]attendance.Row, len(in))
	for i, r := range in {
		if r.Student == "" {
			r.Student = who
			if r.No != "" {
				r.Student = strings.TrimSuffix(who, "["+r.No+"]")
			}
		}
		rows[i] = attendance.Row(r)
	}
	return rows, nil
}

// StudentEntries lists, for each live entry of the class naming the student
// with its due time in [from, to), a partial entry: id, class, due time and
// only that student's rows (kept in the index, so nothing else is decoded).
func (a attendanceTx) StudentEntries(unit, student string, from, to time.Time) ([]*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceStudent)
	if b == nil {
		return nil, nil
	}
	prefix := studentPrefix(unit, student)
	end := binary.BigEndian.AppendUint64(studentPrefix(unit, student), uint64(max(to.Unix(), 0)))
	var out []*attendance.Entry
	c := b.Cursor()
	start := binary.BigEndian.AppendUint64(studentPrefix(unit, student), uint64(max(from.Unix(), 0)))
	for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) < 0; k, v = c.Next() {
		if len(k) != len(prefix)+16 {
			continue
		}
		n := binary.BigEndian.Uint64(k[len(k)-8:])
		e := &attendance.Entry{ID: "A" + strconv.FormatUint(n, 10), Unit: unit,
			Due: time.Unix(int64(binary.BigEndian.Uint64(k[len(prefix):])), 0).In(from.Location())}
		rows, err := decodeStudentRows(v, student)
		if err != nil {
			return nil, fmt.Errorf("store: decode student index of %s: %w", e.ID, err)
		}
		e.Rows = rows
		out = append(out, e)
	}
	return out, nil
}

// monthKey is the student prefix + 'm' + the month of t in t's zone
// (2026-11): the key of the student's month record, shorter than the index's
// entry keys (prefix + 16 bytes), the only ones StudentEntries reads.
func monthKey(unit, student string, t time.Time) []byte {
	return t.AppendFormat(append(studentPrefix(unit, student), 'm'), "2006-01")
}

// monthOf is the month of t in t's zone, as [from, to).
func monthOf(t time.Time) (from, to time.Time) {
	from = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return from, from.AddDate(0, 1, 0)
}

// StudentMonth reads the month record PutEntry keeps; a student without one
// (none named this month, or a read-only database of an older schema) is
// summarized from the student index.
func (a attendanceTx) StudentMonth(unit, student string, month time.Time) (attendance.StudentMonth, error) {
	b := a.t.bucket(bucketAttendanceStudent)
	if b == nil {
		return attendance.StudentMonth{}, nil
	}
	if raw := b.Get(monthKey(unit, student, month)); raw != nil {
		return decodeMonth(raw)
	}
	return a.summarizeMonth(unit, student, month)
}

func decodeMonth(raw []byte) (attendance.StudentMonth, error) {
	var m attendance.StudentMonth
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("store: decode student month: %w", err)
	}
	return m, nil
}

func (a attendanceTx) summarizeMonth(unit, student string, month time.Time) (attendance.StudentMonth, error) {
	from, to := monthOf(month)
	es, err := a.StudentEntries(unit, student, from, to)
	if err != nil {
		return attendance.StudentMonth{}, err
	}
	return attendance.SummarizeMonth(es, student), nil
}

// partKey is the student prefix + due time + 'p': the key of the student's
// part of one form (attendance.FormPart), shorter than the index's entry keys.
func partKey(unit, student string, due time.Time) []byte {
	return append(binary.BigEndian.AppendUint64(studentPrefix(unit, student), uint64(max(due.Unix(), 0))), 'p')
}

// putPart updates the student's part of e's form after e's student keys
// were written: a new entry is added to it; a change (rare) or a form
// without one sums the form's entries naming the student again.
func (a attendanceTx) putPart(e *attendance.Entry, student string, isNew bool) (attendance.FormPart, bool, error) {
	b := a.t.bucket(bucketAttendanceStudent)
	key := partKey(e.Unit, student, e.Due)
	var p attendance.FormPart
	var ok bool
	if raw := b.Get(key); raw != nil && isNew {
		if err := json.Unmarshal(raw, &p); err != nil {
			return p, false, fmt.Errorf("store: decode form part: %w", err)
		}
		p, ok = p.Add(e, student)
	} else {
		es, err := a.StudentEntries(e.Unit, student, e.Due, e.Due.Add(time.Second))
		if err != nil {
			return p, false, err
		}
		p, ok = attendance.PartOf(e.Due, es, student)
	}
	if p == (attendance.FormPart{Due: p.Due}) {
		return p, ok, b.Delete(key)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return p, ok, fmt.Errorf("store: encode form part: %w", err)
	}
	return p, ok, b.Put(key, raw)
}

// causeKey is the student prefix + due time + 'c': the key of the entry
// that answers the student's cause for that form (Entry.FoundFor), its
// number big-endian; shorter than the index's entry keys.
func causeKey(unit, student string, due time.Time) []byte {
	return append(binary.BigEndian.AppendUint64(studentPrefix(unit, student), uint64(max(due.Unix(), 0))), 'c')
}

// FormCause reads the entry causeKey names.
func (a attendanceTx) FormCause(unit, student string, due time.Time) (*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceStudent)
	if b == nil {
		return nil, nil
	}
	raw := b.Get(causeKey(unit, student, due))
	if len(raw) != 8 {
		return nil, nil
	}
	return a.entry(binary.BigEndian.Uint64(raw))
}

// putAsked moves the entry in the cause index from where it was (old: nil
// for a new entry) to when its oldest pending follow-up was asked, or out.
func (a attendanceTx) putAsked(old, e *attendance.Entry, n uint64) error {
	b := a.t.bucket(bucketAttendanceCause)
	if old != nil {
		if asked := old.Asked(); !asked.IsZero() {
			if err := b.Delete(askedKey(asked, n)); err != nil {
				return err
			}
		}
	}
	if asked := e.Asked(); !asked.IsZero() {
		return b.Put(askedKey(asked, n), nil)
	}
	return nil
}

// putCauses keeps the form's answers for the students e names (and, for a
// change, named before) after e was written: e becomes the answer of a
// student it answers and who has none; when the entry named as the answer
// no longer answers (withdrawn or corrected, rare), the form's entries
// naming the student are read for another. A new entry is nobody's answer
// yet, so only those it answers are looked up.
func (a attendanceTx) putCauses(e *attendance.Entry, n uint64, who []string, isNew bool) error {
	b := a.t.bucket(bucketAttendanceStudent)
	for _, w := range who {
		if isNew && !e.FoundFor(w) {
			continue
		}
		key := causeKey(e.Unit, w, e.Due)
		cur := b.Get(key)
		switch {
		case e.FoundFor(w):
			if cur == nil {
				if err := b.Put(key, u64(n)); err != nil {
					return err
				}
			}
		case len(cur) == 8 && binary.BigEndian.Uint64(cur) == n:
			if err := a.findCause(e.Unit, w, e.Due); err != nil {
				return err
			}
		}
	}
	return nil
}

// findCause sets the student's answer for the form to the first live entry
// naming the student that answers, or none.
func (a attendanceTx) findCause(unit, student string, due time.Time) error {
	b := a.t.bucket(bucketAttendanceStudent)
	named, err := a.StudentEntries(unit, student, due, due.Add(time.Second))
	if err != nil {
		return err
	}
	for _, p := range named {
		n, _ := entryNumber(p.ID)
		e, err := a.entry(n)
		if err != nil {
			return err
		}
		if e.FoundFor(student) {
			return b.Put(causeKey(unit, student, due), u64(n))
		}
	}
	return b.Delete(causeKey(unit, student, due))
}

// indexCauses is the migration to schema 10: each form's answer for each
// student whose cause was found, the first such entry; the cause index by
// when the entries were asked (it was by entry number).
func indexCauses(tx kvTx) error {
	if err := tx.DeleteBucket(bucketAttendanceCause); err != nil { // init created it
		return err
	}
	if err := tx.CreateBucketIfNotExists(bucketAttendanceCause); err != nil {
		return err
	}
	a := attendanceTx{&Tx{tx: tx}}
	return eachEntry(tx, func(k []byte, e *attendance.Entry) error { // as PutEntry keeps them, in id order
		n := binary.BigEndian.Uint64(k)
		if err := a.putCauses(e, n, entryStudents(e), true); err != nil {
			return err
		}
		return a.putAsked(nil, e, n)
	})
}

// putMonths updates the month records of the students who (e's and, for a
// change, those it named before) after its student keys were written: a new
// entry is added to them (its form's part kept under partKey); a change
// (rare) or a student without a record summarizes the student's month again.
func (a attendanceTx) putMonths(e *attendance.Entry, who []string, isNew bool) error {
	b := a.t.bucket(bucketAttendanceStudent)
	for _, w := range who {
		var part attendance.FormPart
		var mixed, touched bool
		if !isNew || attendance.Touches(e.Rows, w) {
			var err error
			if part, mixed, err = a.putPart(e, w, isNew); err != nil {
				return err
			}
			touched = true
		}
		key := monthKey(e.Unit, w, e.Due)
		var m attendance.StudentMonth
		var err error
		if raw := b.Get(key); raw != nil && isNew {
			if m, err = decodeMonth(raw); err != nil {
				return err
			}
			m.Add(e, w)
			if touched {
				m.SetPart(part, mixed)
			}
		} else if m, err = a.summarizeMonth(e.Unit, w, e.Due); err != nil {
			return err
		}
		if m.Empty() {
			if err := b.Delete(key); err != nil {
				return err
			}
			continue
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("store: encode student month: %w", err)
		}
		if err := b.Put(key, raw); err != nil {
			return err
		}
	}
	return nil
}

// eachEntry calls fn with every stored attendance entry, decoded, and its
// key (for the migrations).
func eachEntry(tx kvTx, fn func(k []byte, e *attendance.Entry) error) error {
	return tx.Bucket(bucketAttendance).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		e := new(attendance.Entry)
		if err := json.Unmarshal(v, e); err != nil {
			return fmt.Errorf("store: decode A%d: %w", binary.BigEndian.Uint64(k), err)
		}
		return fn(k, e)
	})
}

// summarizeMonths is the migration to schema 4: a month record for every
// (class, student, month) the live entries name.
func summarizeMonths(tx kvTx) error {
	a := attendanceTx{&Tx{tx: tx}}
	type month struct{ unit, who, name string }
	seen := map[month]bool{}
	b := tx.Bucket(bucketAttendanceStudent)
	return eachEntry(tx, func(_ []byte, e *attendance.Entry) error {
		if e.Withdrawn {
			return nil
		}
		for _, w := range entryStudents(e) {
			m := month{e.Unit, w, e.Due.Format("2006-01")}
			if seen[m] {
				continue
			}
			seen[m] = true
			sm, err := a.summarizeMonth(e.Unit, w, e.Due)
			if err != nil {
				return err
			}
			raw, err := json.Marshal(sm)
			if err != nil {
				return fmt.Errorf("store: encode student month: %w", err)
			}
			if err := b.Put(monthKey(e.Unit, w, e.Due), raw); err != nil {
				return err
			}
		}
		return nil
	})
}

// askedKey is the cause index key of an entry asked at asked: the time
// (unix nanos) and the entry number, big-endian.
func askedKey(asked time.Time, n uint64) []byte {
	return binary.BigEndian.AppendUint64(u64(uint64(max(asked.UnixNano(), 0))), n)
}

// AwaitingCause reads the entries the cause index lists up to asked.
func (a attendanceTx) AwaitingCause(asked time.Time) ([]*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceCause)
	if b == nil { // a read-only database written before the index existed
		return nil, nil
	}
	end := u64(uint64(max(asked.UnixNano(), 0)))
	var out []*attendance.Entry
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:min(len(k), 8)], end) <= 0; k, _ = c.Next() {
		if len(k) != 16 {
			continue
		}
		e, err := a.entry(binary.BigEndian.Uint64(k[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (a attendanceTx) MemberEntries(member string, limit int) ([]*attendance.Entry, error) {
	b := a.t.bucket(bucketAttendanceBy)
	if b == nil || limit <= 0 {
		return nil, nil
	}
	prefix := append([]byte(member), 0)
	c := b.Cursor()
	k, _ := c.Seek(append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	var out []*attendance.Entry
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Prev() {
		if len(k) != len(prefix)+8 {
			continue
		}
		e, err := a.entry(binary.BigEndian.Uint64(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (a attendanceTx) PutEntry(e *attendance.Entry, action, detail string, at time.Time) error {
	n, ok := entryNumber(e.ID)
	if !ok {
		return fmt.Errorf("store: bad attendance id %q", e.ID)
	}
	students := a.t.bucket(bucketAttendanceStudent)
	isNew := a.t.bucket(bucketAttendance).Get(u64(n)) == nil
	var before []string       // the students a changed entry named
	var old *attendance.Entry // the entry as it was
	if !isNew {               // a change: drop the old rows' student keys
		var err error
		if old, err = a.entry(n); err != nil {
			return err
		}
		before = entryStudents(old)
		for _, who := range before {
			if err := students.Delete(studentKey(old.Unit, who, old.Due, n)); err != nil {
				return err
			}
		}
	}
	raw, err := encodeEntry(e)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", e.ID, err)
	}
	if err := a.t.noteRecord(e.ID); err != nil {
		return err
	}
	if err := a.t.bucket(bucketAttendance).Put(u64(n), raw); err != nil {
		return err
	}
	flags := make([]byte, 9)
	if e.Withdrawn {
		flags[0] = 1
	}
	binary.BigEndian.PutUint64(flags[1:], uint64(e.At.UnixNano()))
	if err := a.t.bucket(bucketAttendanceForm).Put(formKey(e.Unit, e.Due, n), flags); err != nil {
		return err
	}
	if err := a.putSummary(e, isNew); err != nil {
		return err
	}
	if !e.Withdrawn {
		for _, who := range entryStudents(e) {
			raw, err := encodeStudentRows(e.Rows, who)
			if err != nil {
				return err
			}
			if err := students.Put(studentKey(e.Unit, who, e.Due, n), raw); err != nil {
				return err
			}
		}
	}
	who := entryStudents(e)
	for _, w := range before {
		if !slices.Contains(who, w) {
			who = append(who, w)
		}
	}
	if err := a.putMonths(e, who, isNew); err != nil {
		return err
	}
	if err := a.putCauses(e, n, who, isNew); err != nil {
		return err
	}
	if err := a.putAsked(old, e, n); err != nil {
		return err
	}
	by := binary.BigEndian.AppendUint64(append([]byte(e.Submitter), 0), n)
	if err := a.t.bucket(bucketAttendanceBy).Put(by, nil); err != nil {
		return err
	}
	return a.t.Record(e.ID, action, detail, at)
}

// entryStudents lists the students an entry names, each once.
func entryStudents(e *attendance.Entry) []string {
	var out []string
	for _, r := range e.Rows {
		if who := r.Who(); !slices.Contains(out, who) {
			out = append(out, who)
		}
	}
	return out
}

func confirmKey(period, grade string) []byte { return []byte(period + "\x00" + grade) }

func (a attendanceTx) Confirmation(period, grade string) (*attendance.Confirmation, error) {
	b := a.t.bucket(bucketAttendanceConfirm)
	if b == nil {
		return nil, nil
	}
	raw := b.Get(confirmKey(period, grade))
	if raw == nil {
		return nil, nil
	}
	c := new(attendance.Confirmation)
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("store: decode confirmation %s %s: %w", period, grade, err)
	}
	return c, nil
}

func (a attendanceTx) PutConfirmation(c *attendance.Confirmation) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := a.t.bucket(bucketAttendanceConfirm).Put(confirmKey(c.Period, c.Grade), raw); err != nil {
		return err
	}
	return a.t.Record("attendance-confirm|"+c.Period+"|"+c.Grade, "confirm", "", c.At)
}

func (a attendanceTx) DeleteConfirmation(period, grade string, at time.Time) error {
	if err := a.t.bucket(bucketAttendanceConfirm).Delete(confirmKey(period, grade)); err != nil {
		return err
	}
	return a.t.Record("attendance-confirm|"+period+"|"+grade, "reopen", "", at)
}

func (a attendanceTx) Enqueue(ns ...bot.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	_, err := a.t.Enqueue(ns...)
	return err
}

func (a attendanceTx) Queued(key string) bool { return a.t.Queued(key) }
