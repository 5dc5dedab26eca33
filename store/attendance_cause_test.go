package store

import (
	"context"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
)

// A database written by schema 9 has no form answers (查明); at open each
// form gets, for each student, the first live entry naming the student with
// the cause found: not a withdrawn one, not one whose found follow-up
// outlived its row, not one still waiting.
func TestMigrateFormCauses(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, loc)
	found := func(who string) []attendance.Followup {
		return []attendance.Followup{{Student: who, State: attendance.CauseFound, Cause: "发烧", By: "teacher-g1c1", At: due.Add(-time.Hour)}}
	}
	absent := func(who string) []attendance.Row {
		return []attendance.Row{{Type: attendance.Absent, Student: who, Hours: 2}}
	}
	entries := []*attendance.Entry{
		{ID: "A1", Unit: "g1c1", Due: due, Rows: absent("张三"), Followups: found("张三"), Withdrawn: true},
		{ID: "A2", Unit: "g1c1", Due: due, Rows: absent("李四"), Followups: found("张三")}, // corrected away from 张三
		{ID: "A3", Unit: "g1c1", Due: due, Rows: absent("张三"), Followups: []attendance.Followup{{Student: "张三", State: attendance.CausePending}}},
		{ID: "A4", Unit: "g1c1", Due: due, Rows: absent("张三"), Followups: found("张三")},
		{ID: "A5", Unit: "g1c1", Due: due, Rows: absent("张三"), Followups: found("张三")},
		{ID: "A6", Unit: "g1c1", Due: due.AddDate(0, 0, 4), Rows: absent("张三"), Followups: found("张三")},
		{ID: "A7", Unit: "g1c2", Due: due, Rows: absent("王五"), Followups: []attendance.Followup{{Student: "王五", State: attendance.CauseNotFound}}},
	}
	err = db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
		for _, e := range entries {
			if _, err := tx.NewEntryID(); err != nil {
				return err
			}
			e.At = due.Add(-2 * time.Hour)
			if err := tx.PutEntry(e, "test", "", e.At); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		unit, who string
		due       time.Time
		id        string // "" for none
	}{
		{"g1c1", "张三", due, "A4"},
		{"g1c1", "李四", due, ""},
		{"g1c1", "张三", due.AddDate(0, 0, 4), "A6"},
		{"g1c2", "王五", due, ""},
	}
	check := func(db *DB, when string) {
		t.Helper()
		err := db.ViewAttendance(func(tx attendance.Tx) error {
			for _, w := range want {
				e, err := tx.FormCause(w.unit, w.who, w.due)
				if err != nil {
					return err
				}
				got := ""
				if e != nil {
					got = e.ID
				}
				if got != w.id {
					t.Errorf("%s: %s %s %s answered by %q, want %q", when, w.unit, w.who, w.due.Format(time.DateOnly), got, w.id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(db, "as written")
	db = asSchema(t, db, dir, 9, Options{}, func(tx kvTx) error {
		for _, w := range want {
			if err := tx.Bucket(bucketAttendanceStudent).Delete(causeKey(w.unit, w.who, w.due)); err != nil {
				return err
			}
		}
		return nil
	})
	check(db, "after the migration")
}
