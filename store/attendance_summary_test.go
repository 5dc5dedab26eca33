package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
)

// The form summary kept under the form's key follows every change: after
// each step it is what summarizing the form's entries gives, and it holds
// the expected count, first entry and recent ids.
func TestFormSummaryFollowsEntries(t *testing.T) {
	db, err := OpenTest(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, loc)
	at := func(min int) time.Time { return due.Add(time.Duration(min) * time.Minute) }
	entries := map[string]*attendance.Entry{}
	type step struct {
		name     string
		id       string // "" adds an entry at min; else the entry changed
		min      int
		withdraw bool
		live     int
		first    string
		recent   []string
	}
	steps := []step{
		{name: "first entry", min: -60, live: 1, first: "A1", recent: []string{"A1"}},
		{name: "later entry", min: -30, live: 2, first: "A1", recent: []string{"A1", "A2"}},
		{name: "entry with an earlier time", min: -90, live: 3, first: "A3", recent: []string{"A1", "A2", "A3"}},
		{name: "withdraw the first", id: "A3", withdraw: true, live: 2, first: "A1", recent: []string{"A1", "A2"}},
		{name: "correct one", id: "A2", live: 2, first: "A1", recent: []string{"A1", "A2"}},
		{name: "4", min: 10, live: 3, first: "A1", recent: []string{"A1", "A2", "A4"}},
		{name: "5", min: 11, live: 4, first: "A1", recent: []string{"A1", "A2", "A4", "A5"}},
		{name: "6", min: 12, live: 5, first: "A1", recent: []string{"A1", "A2", "A4", "A5", "A6"}},
		{name: "7", min: 13, live: 6, first: "A1", recent: []string{"A1", "A2", "A4", "A5", "A6", "A7"}},
		{name: "8 drops the oldest recent", min: 14, live: 7, first: "A1", recent: []string{"A2", "A4", "A5", "A6", "A7", "A8"}},
		{name: "withdraw a recent one", id: "A6", withdraw: true, live: 6, first: "A1", recent: []string{"A1", "A2", "A4", "A5", "A7", "A8"}},
		{name: "withdraw the last", id: "A8", withdraw: true, live: 5, first: "A1", recent: []string{"A1", "A2", "A4", "A5", "A7"}},
	}
	for _, s := range steps {
		err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
			e := entries[s.id]
			if e == nil {
				id, err := tx.NewEntryID()
				if err != nil {
					return err
				}
				e = &attendance.Entry{ID: id, Unit: "g1c1", Due: due, Submitter: "cadre", At: at(s.min)}
			} else {
				e.Withdrawn, e.Revision = s.withdraw, e.Revision+1
			}
			entries[e.ID] = e
			return tx.PutEntry(e, "test", "", e.At)
		})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		err = db.ViewAttendance(func(tx attendance.Tx) error {
			if tx.(attendanceTx).t.bucket(bucketAttendanceForm).Get(formKey("g1c1", due, 0)) == nil {
				return fmt.Errorf("no summary stored")
			}
			got, err := tx.FormSummary("g1c1", due)
			if err != nil {
				return err
			}
			es, err := tx.FormEntries("g1c1", due)
			if err != nil {
				return err
			}
			want := attendance.SummarizeForm(es)
			if got.Live != want.Live || got.FirstID != want.FirstID || !got.FirstAt.Equal(want.FirstAt) || !slices.Equal(got.Recent, want.Recent) {
				return fmt.Errorf("summary %+v, from the entries %+v", got, want)
			}
			if got.Live != s.live || got.FirstID != s.first || !slices.Equal(got.Recent, s.recent) {
				return fmt.Errorf("summary %+v, want %d live, first %s, recent %v", got, s.live, s.first, s.recent)
			}
			if first := entries[s.first]; !got.FirstAt.Equal(first.At) {
				return fmt.Errorf("first at %v, want %v", got.FirstAt, first.At)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
	// A form without entries: nothing live; the form index lists no summary as an entry.
	err = db.ViewAttendance(func(tx attendance.Tx) error {
		if s, err := tx.FormSummary("g1c1", due.AddDate(0, 0, 4)); err != nil || s.Live != 0 || s.FirstID != "" {
			return fmt.Errorf("empty form: %+v %v", s, err)
		}
		es, err := tx.UnitEntries("g1c1", due, due.Add(time.Second))
		if err != nil || len(es) != len(entries) {
			return fmt.Errorf("unit entries: %d, %v", len(es), err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// A database written by schema 2 (no form summaries) gets them at open.
func TestMigrateFormSummaries(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	forms := []struct {
		unit string
		due  time.Time
		n    int
	}{{"g1c1", due, 3}, {"g1c1", due.AddDate(0, 0, 4), 1}, {"g1c2", due, 8}}
	for _, f := range forms {
		for i := range f.n {
			err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
				id, err := tx.NewEntryID()
				if err != nil {
					return err
				}
				return tx.PutEntry(&attendance.Entry{ID: id, Unit: f.unit, Due: f.due, At: f.due.Add(time.Duration(-i) * time.Minute)}, "test", "", f.due)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// Make it a schema 2 database: no summaries.
	db = asSchema(t, db, dir, 2, Options{}, func(tx kvTx) error {
		for _, f := range forms {
			if err := tx.Bucket(bucketAttendanceForm).Delete(formKey(f.unit, f.due, 0)); err != nil {
				return err
			}
		}
		return nil
	})
	err = db.ViewAttendance(func(tx attendance.Tx) error {
		for _, f := range forms {
			raw := tx.(attendanceTx).t.bucket(bucketAttendanceForm).Get(formKey(f.unit, f.due, 0))
			if raw == nil {
				return fmt.Errorf("%s %v: no summary after migration", f.unit, f.due)
			}
			s, err := decodeSummary(raw)
			if err != nil {
				return err
			}
			es, _ := tx.FormEntries(f.unit, f.due)
			if s.Live != f.n || s.FirstID != es[len(es)-1].ID || len(s.Recent) != min(f.n, attendance.RecentEntries) {
				return fmt.Errorf("%s %v: summary %+v after migration", f.unit, f.due, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
