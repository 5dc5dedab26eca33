package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/report"
)

// UpdateAttendance runs fn in one durable transaction (report.AttendanceStore).
func (s *DB) UpdateAttendance(ctx context.Context, fn func(report.AttendanceTx) error) error {
	return s.update(ctx, func(t *Tx) error { return fn(attendanceTx{t}) })
}

// ViewAttendance runs fn in a read-only transaction (report.AttendanceStore).
func (s *DB) ViewAttendance(fn func(report.AttendanceTx) error) error {
	return s.view(func(t *Tx) error { return fn(attendanceTx{t}) })
}

// attendanceTx is report.AttendanceTx over a store transaction. Entries live
// in the A record bucket; bucketAttendanceForm indexes them by class and due
// time, bucketAttendanceBy by submitter.
type attendanceTx struct{ t *Tx }

var _ report.AttendanceTx = attendanceTx{}

func (a attendanceTx) NewEntryID() (string, error) { return a.t.NextID("A") }

func entryNumber(id string) (uint64, bool) {
	prefix, n, ok := ParseID(id)
	return n, ok && prefix == "A"
}

func (a attendanceTx) Entry(id string) (*report.Entry, error) {
	n, ok := entryNumber(id)
	if !ok {
		return nil, report.ErrNoEntry
	}
	return a.entry(n)
}

func (a attendanceTx) entry(n uint64) (*report.Entry, error) {
	raw := a.t.bucket(bucketAttendance).Get(u64(n))
	if raw == nil {
		return nil, report.ErrNoEntry
	}
	e := new(report.Entry)
	if err := json.Unmarshal(raw, e); err != nil {
		return nil, fmt.Errorf("store: decode A%d: %w", n, err)
	}
	return e, nil
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

func (a attendanceTx) UnitEntries(unit string, from, to time.Time) ([]*report.Entry, error) {
	b := a.t.bucket(bucketAttendanceForm)
	if b == nil { // a read-only database written before the index existed
		return nil, nil
	}
	prefix := append([]byte(unit), 0)
	end := formKey(unit, to, 0)
	var out []*report.Entry
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

func (a attendanceTx) MemberEntries(member string, limit int) ([]*report.Entry, error) {
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
	var out []*report.Entry
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

func (a attendanceTx) PutEntry(e *report.Entry, action, detail string, at time.Time) error {
	n, ok := entryNumber(e.ID)
	if !ok {
		return fmt.Errorf("store: bad attendance id %q", e.ID)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", e.ID, err)
	}
	if err := a.t.bucket(bucketAttendance).Put(u64(n), raw); err != nil {
		return err
	}
	if err := a.t.bucket(bucketAttendanceForm).Put(formKey(e.Unit, e.Due, n), nil); err != nil {
		return err
	}
	by := binary.BigEndian.AppendUint64(append([]byte(e.Submitter), 0), n)
	if err := a.t.bucket(bucketAttendanceBy).Put(by, nil); err != nil {
		return err
	}
	return a.t.Record(e.ID, action, detail, at)
}

func confirmKey(period, grade string) []byte { return []byte(period + "\x00" + grade) }

func (a attendanceTx) Confirmation(period, grade string) (*report.Confirmation, error) {
	b := a.t.bucket(bucketAttendanceConfirm)
	if b == nil {
		return nil, nil
	}
	raw := b.Get(confirmKey(period, grade))
	if raw == nil {
		return nil, nil
	}
	c := new(report.Confirmation)
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("store: decode confirmation %s %s: %w", period, grade, err)
	}
	return c, nil
}

func (a attendanceTx) PutConfirmation(c *report.Confirmation) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := a.t.bucket(bucketAttendanceConfirm).Put(confirmKey(c.Period, c.Grade), raw); err != nil {
		return err
	}
	return a.t.Record("attendance-confirm|"+c.Period+"|"+c.Grade, "confirm", "", c.At)
}

func (a attendanceTx) Enqueue(ns ...bot.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	_, err := a.t.Enqueue(ns...)
	return err
}

func (a attendanceTx) Queued(key string) bool { return a.t.Queued(key) }
