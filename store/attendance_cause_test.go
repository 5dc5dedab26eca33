package store

import (
	"context"
	"errors"
	"strings"
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

// The absence clock's index lists the entries waiting for a cause by when
// their oldest pending follow-up was asked, so that AwaitingCause(t) reads
// only those asked by t; answers, corrections and withdrawals move them. A
// schema 9 index (by entry number) is rebuilt at open.
func TestAwaitingCauseByAsked(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, loc)
	clock := func(hm string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-26 "+hm, loc)
		return t
	}
	pending := func(who, hm string) attendance.Followup {
		return attendance.Followup{Student: who, State: attendance.CausePending, Since: clock(hm)}
	}
	put := func(e *attendance.Entry) {
		t.Helper()
		err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
			if _, err := tx.Entry(e.ID); errors.Is(err, attendance.ErrNoEntry) {
				if _, err := tx.NewEntryID(); err != nil {
					return err
				}
			}
			e.Unit, e.Due, e.At = "g1c1", due, clock("08:00")
			return tx.PutEntry(e, "test", "", e.At)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	awaiting := func(db *DB, by string) string {
		t.Helper()
		var ids []string
		err := db.ViewAttendance(func(tx attendance.Tx) error {
			es, err := tx.AwaitingCause(clock(by))
			for _, e := range es {
				ids = append(ids, e.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ids, " ")
	}
	absent := []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 2}, {Type: attendance.NightAway, Student: "李四"}}
	put(&attendance.Entry{ID: "A1", Rows: absent, Followups: []attendance.Followup{pending("张三", "12:30")}})
	put(&attendance.Entry{ID: "A2", Rows: absent, Followups: []attendance.Followup{pending("张三", "13:00"), pending("李四", "12:00")}})
	put(&attendance.Entry{ID: "A3", Rows: absent, Followups: []attendance.Followup{pending("李四", "14:00")}})
	put(&attendance.Entry{ID: "A4", Rows: absent}) // nothing asked
	for by, want := range map[string]string{"11:59": "", "12:00": "A2", "12:45": "A2 A1", "23:00": "A2 A1 A3"} {
		if got := awaiting(db, by); got != want {
			t.Errorf("awaiting by %s: %q, want %q", by, got, want)
		}
	}
	// A2's 李四 answered: A2 now waits from 13:00 (张三). A1 withdrawn. A3
	// corrected to ask about 张三 too, earlier than 李四: it waits from 13:30.
	found := attendance.Followup{Student: "李四", State: attendance.CauseFound, Cause: "回家", Since: clock("12:00")}
	put(&attendance.Entry{ID: "A2", Rows: absent, Followups: []attendance.Followup{pending("张三", "13:00"), found}})
	put(&attendance.Entry{ID: "A1", Rows: absent, Withdrawn: true})
	put(&attendance.Entry{ID: "A3", Rows: absent, Followups: []attendance.Followup{pending("李四", "14:00"), pending("张三", "13:30")}})
	want := map[string]string{"12:45": "", "13:00": "A2", "13:45": "A2 A3", "23:00": "A2 A3"}
	for by, w := range want {
		if got := awaiting(db, by); got != w {
			t.Errorf("after the changes, awaiting by %s: %q, want %q", by, got, w)
		}
	}
	db = asSchema(t, db, dir, 9, Options{}, func(tx kvTx) error { // the index by number
		if err := tx.DeleteBucket(bucketAttendanceCause); err != nil {
			return err
		}
		if err := tx.CreateBucketIfNotExists(bucketAttendanceCause); err != nil {
			return err
		}
		for _, n := range []uint64{2, 3} {
			if err := tx.Bucket(bucketAttendanceCause).Put(u64(n), nil); err != nil {
				return err
			}
		}
		return nil
	})
	for by, w := range want {
		if got := awaiting(db, by); got != w {
			t.Errorf("after the migration, awaiting by %s: %q, want %q", by, got, w)
		}
	}
}
