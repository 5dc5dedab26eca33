package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/store"
)

// The attendance indexes follow every change: by form (with the withdrawn
// flag and the message time), by student, by submitter.
func TestAttendanceIndexes(t *testing.T) {
	dir := t.TempDir()
	db := open(t, dir)
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, loc)
	next := time.Date(2026, 11, 30, 17, 0, 0, 0, loc)
	month := [2]time.Time{time.Date(2026, 11, 1, 0, 0, 0, 0, loc), time.Date(2026, 12, 1, 0, 0, 0, 0, loc)}
	absent := func(who string, h int) attendance.Row {
		return attendance.Row{Type: attendance.Absent, Student: who, Hours: h}
	}
	put := func(e *attendance.Entry, action string) {
		t.Helper()
		err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
			if e.ID == "" {
				id, err := tx.NewEntryID()
				if err != nil {
					return err
				}
				e.ID = id
			}
			return tx.PutEntry(e, action, "", e.At)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	view := func(fn func(tx attendance.Tx) string, want string) {
		t.Helper()
		var got string
		if err := db.ViewAttendance(func(tx attendance.Tx) error { got = fn(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	ids := func(es []*attendance.Entry, err error) string {
		if err != nil {
			return err.Error()
		}
		var out []string
		for _, e := range es {
			s := e.ID
			if e.Withdrawn {
				s += "-"
			}
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	a1 := &attendance.Entry{Unit: "g1c1", Due: due, Submitter: "cadre-g1c1", At: due.Add(-time.Hour), Rows: []attendance.Row{absent("张三", 2), absent("李四", 1)}}
	put(a1, "submit")
	a2 := &attendance.Entry{Unit: "g1c1", Due: due, Submitter: "teacher-g1c1", At: due.Add(-time.Minute), Rows: []attendance.Row{absent("张三", 1)}}
	put(a2, "submit")
	put(&attendance.Entry{Unit: "g1c1", Due: next, Submitter: "cadre-g1c1", At: due.Add(time.Hour), Rows: []attendance.Row{absent("张三", 1)}}, "submit")
	put(&attendance.Entry{Unit: "g1c2", Due: due, Submitter: "cadre-g1c2", At: due, Rows: []attendance.Row{absent("张三", 5)}}, "submit")

	view(func(tx attendance.Tx) string { return ids(tx.FormEntries("g1c1", due)) }, "A1,A2")
	view(func(tx attendance.Tx) string {
		es, _ := tx.FormEntries("g1c1", due)
		if len(es) == 0 || !es[0].At.Equal(a1.At) || es[0].Rows != nil {
			return "bad light entry"
		}
		return "ok"
	}, "ok")
	view(func(tx attendance.Tx) string {
		return ids(tx.StudentEntries("g1c1", "张三", month[0], month[1]))
	}, "A1,A2,A3")
	view(func(tx attendance.Tx) string {
		return ids(tx.StudentEntries("g1c1", "张三", month[0], next))
	}, "A1,A2")
	view(func(tx attendance.Tx) string {
		es, _ := tx.StudentEntries("g1c1", "李四", month[0], month[1])
		if len(es) != 1 || len(es[0].Rows) != 1 || es[0].Rows[0] != absent("李四", 1) || !es[0].Due.Equal(due) {
			return "bad partial entry"
		}
		return "ok"
	}, "ok")
	view(func(tx attendance.Tx) string { return ids(tx.UnitEntries("g1c1", month[0], month[1])) }, "A1,A2,A3")
	view(func(tx attendance.Tx) string { return ids(tx.MemberEntries("cadre-g1c1", 5)) }, "A3,A1")

	// A correction that drops 李四 and a withdrawal leave no stale student keys.
	a1.Rows, a1.Revision = []attendance.Row{absent("张三", 2)}, 1
	put(a1, "correct")
	view(func(tx attendance.Tx) string {
		return ids(tx.StudentEntries("g1c1", "李四", month[0], month[1]))
	}, "")
	a2.Withdrawn = true
	put(a2, "withdraw")
	view(func(tx attendance.Tx) string {
		return ids(tx.StudentEntries("g1c1", "张三", month[0], month[1]))
	}, "A1,A3")
	view(func(tx attendance.Tx) string { return ids(tx.FormEntries("g1c1", due)) }, "A1,A2-")
	view(func(tx attendance.Tx) string {
		_, err := tx.Entry("S1")
		_, err2 := tx.Entry("A99")
		return errors.Join(err, err2).Error()
	}, attendance.ErrNoEntry.Error()+"\n"+attendance.ErrNoEntry.Error())

	// Confirmations, and the indexes survive a reopen read-only.
	err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
		return tx.PutConfirmation(&attendance.Confirmation{Period: "2026-11", Grade: "高一", By: "lead-g1", At: next})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := store.OpenTest(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	db = ro
	view(func(tx attendance.Tx) string { return ids(tx.FormEntries("g1c1", due)) }, "A1,A2-")
	view(func(tx attendance.Tx) string {
		c, err := tx.Confirmation("2026-11", "高一")
		if err != nil || c == nil {
			return "no confirmation"
		}
		if c2, _ := tx.Confirmation("2026-11", "高二"); c2 != nil {
			return "a confirmation of 高二"
		}
		return c.By
	}, "lead-g1")
}
