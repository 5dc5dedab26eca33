package store

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
)

// An entry is stored without the times its follow-ups were asked when they
// are its own message time, and reads back whole: the same times (a
// follow-up asked later keeps its own).
func TestEntryStoredWithoutWhatTheStoreKnows(t *testing.T) {
	db, err := OpenTest(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 12, 7, 8, 5, 3, 123456789, loc)
	e := &attendance.Entry{Unit: "g1c1", Due: time.Date(2026, 12, 7, 17, 0, 0, 0, loc), Submitter: "cadre-g1c1", At: at,
		Rows: []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 2}, {Type: attendance.Absent, Student: "李四", Hours: 1}},
		Followups: []attendance.Followup{{Student: "张三", Since: at, State: attendance.CausePending},
			{Student: "李四", Since: at.Add(time.Hour), State: attendance.CausePending}}}
	want := *e
	err = db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
		id, err := tx.NewEntryID()
		if err != nil {
			return err
		}
		e.ID, want.ID = id, id
		return tx.PutEntry(e, "submit", "", at)
	})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	var got *attendance.Entry
	err = db.ViewAttendance(func(tx attendance.Tx) error {
		raw = bytes.Clone(tx.(attendanceTx).t.bucket(bucketAttendance).Get(u64(1)))
		got, err = tx.Entry("A1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(t, got), mustJSON(t, &want); g != w { // times compared with their offsets
		t.Errorf("read back %s\nwant %s", g, w)
	}
	if bytes.Count(raw, []byte(`"since"`)) != 1 {
		t.Errorf("stored %s: want only the later follow-up's since", raw)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
