package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
)

var monthTh = attendance.Thresholds{YellowHours: 6, CriticizeHours: 12, DisciplineHours: 20, DisciplineDays: 2, DayHours: 6}

// checkMonth compares the stored month record of a student with the one
// summarized from the student's entries, and its tally with the ledger of
// those entries' forms.
func checkMonth(tx attendance.Tx, unit, who string, month time.Time) (*attendance.Tally, error) {
	raw := tx.(attendanceTx).t.bucket(bucketAttendanceStudent).Get(monthKey(unit, who, month))
	from, to := monthOf(month)
	es, err := tx.StudentEntries(unit, who, from, to)
	if err != nil {
		return nil, err
	}
	want := attendance.SummarizeMonth(es, who)
	if raw == nil {
		if !want.Empty() {
			return nil, fmt.Errorf("%s: no month record, want %+v", who, want)
		}
		return want.Tally(unit, who, monthTh), nil
	}
	got, err := decodeMonth(raw)
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(got, want) {
		return nil, fmt.Errorf("%s: month record %+v, from the entries %+v", who, got, want)
	}
	// Each form part kept is the form's entries' part.
	b := tx.(attendanceTx).t.bucket(bucketAttendanceStudent)
	prefix := studentPrefix(unit, who)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+9 {
			continue
		}
		due := time.Unix(int64(binary.BigEndian.Uint64(k[len(prefix):])), 0)
		fes, err := tx.StudentEntries(unit, who, due, due.Add(time.Second))
		if err != nil {
			return nil, err
		}
		var p attendance.FormPart
		if err := json.Unmarshal(v, &p); err != nil {
			return nil, err
		}
		if want, _ := attendance.PartOf(due, fes, who); p != want || p == (attendance.FormPart{Due: p.Due}) {
			return nil, fmt.Errorf("%s: form part %+v, from the entries %+v", who, p, want)
		}
	}
	var forms []*attendance.Form
	for _, e := range es {
		if n := len(forms); n == 0 || !forms[n-1].Due.Equal(e.Due) {
			forms = append(forms, &attendance.Form{Unit: unit, Due: e.Due})
		}
		forms[len(forms)-1].Entries = append(forms[len(forms)-1].Entries, e)
	}
	tally := got.Tally(unit, who, monthTh)
	if ls := attendance.Ledger(forms, monthTh); len(ls) != 1 || !reflect.DeepEqual(ls[0], tally) {
		return nil, fmt.Errorf("%s: tally %+v, ledger %+v", who, tally, ls)
	}
	return tally, nil
}

// The month record kept next to the student index follows every change:
// after each step it is what summarizing the student's entries gives, its
// tally is the ledger's, and it holds the expected totals.
func TestStudentMonthFollowsEntries(t *testing.T) {
	db, err := OpenTest(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := time.FixedZone("CST", 8*3600)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 17, 0, 0, 0, loc) }
	absent := func(who string, h int) attendance.Row {
		return attendance.Row{Type: attendance.Absent, Student: who, Hours: h}
	}
	absentDays := func(who string, d int) attendance.Row {
		return attendance.Row{Type: attendance.Absent, Student: who, Days: d}
	}
	leave := func(who string, h int, approver string) attendance.Row {
		return attendance.Row{Type: attendance.Leave, Student: who, Hours: h, Reason: "病", Approver: approver}
	}
	left := func(who string, d int) attendance.Row {
		return attendance.Row{Type: attendance.LeftSchool, Student: who, Days: d}
	}
	night := attendance.Row{Type: attendance.NightAway, Student: "张三"}
	entries := map[string]*attendance.Entry{}
	type step struct {
		name     string
		id       string // "" adds an entry due on day; else the entry changed
		day      int
		rows     []attendance.Row
		withdraw bool
		absent   map[string]int // AbsentHours after the step
		daysLeft map[string]int
	}
	steps := []step{
		{name: "first 旷课", day: 2, rows: []attendance.Row{absent("张三", 2)},
			absent: map[string]int{"张三": 2, "李四": 0}},
		{name: "two students", day: 3, rows: []attendance.Row{absent("李四", 3), absent("张三", 1), night},
			absent: map[string]int{"张三": 3, "李四": 3}},
		{name: "approved leave covers in the same form", day: 3, rows: []attendance.Row{leave("张三", 4, "王老师")},
			absent: map[string]int{"张三": 2, "李四": 3}},
		{name: "pending leave covers nothing", day: 2, rows: []attendance.Row{leave("张三", 2, "")},
			absent: map[string]int{"张三": 2}},
		{name: "旷课 in days", day: 4, rows: []attendance.Row{absentDays("李四", 1), left("李四", 2)},
			absent: map[string]int{"李四": 9}, daysLeft: map[string]int{"李四": 2}},
		{name: "earlier form, later entry", day: 1, rows: []attendance.Row{absent("张三", 5), leave("张三", 1, "王老师")},
			absent: map[string]int{"张三": 6}},
		{name: "correct the leave to pending", id: "A3", rows: []attendance.Row{leave("张三", 4, "")},
			absent: map[string]int{"张三": 7}},
		{name: "correct a student away", id: "A2", rows: []attendance.Row{absent("张三", 1)},
			absent: map[string]int{"张三": 7, "李四": 6}, daysLeft: map[string]int{"李四": 2}},
		{name: "withdraw", id: "A5", withdraw: true, absent: map[string]int{"李四": 0}, daysLeft: map[string]int{"李四": 0}},
		{name: "next month apart", day: 30, rows: []attendance.Row{absent("李四", 7)},
			absent: map[string]int{"李四": 7}},
		{name: "more 擅自离校", day: 5, rows: []attendance.Row{left("李四", 1)},
			absent: map[string]int{"李四": 0}, daysLeft: map[string]int{"李四": 1}},
	}
	for _, s := range steps {
		var e *attendance.Entry
		err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
			e = entries[s.id]
			if e == nil {
				id, err := tx.NewEntryID()
				if err != nil {
					return err
				}
				due := day(s.day)
				if s.day == 30 {
					due = time.Date(2026, 12, 1, 17, 0, 0, 0, loc)
				}
				e = &attendance.Entry{ID: id, Unit: "g1c1", Due: due, Submitter: "cadre", At: due, Rows: s.rows}
			} else {
				e.Withdrawn, e.Revision = s.withdraw, e.Revision+1
				if !s.withdraw {
					e.Rows = s.rows
				}
			}
			entries[e.ID] = e
			return tx.PutEntry(e, "test", "", e.At)
		})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		err = db.ViewAttendance(func(tx attendance.Tx) error {
			for _, who := range []string{"张三", "李四"} {
				for _, month := range []time.Time{day(1), time.Date(2026, 12, 1, 17, 0, 0, 0, loc)} {
					if _, err := checkMonth(tx, "g1c1", who, month); err != nil {
						return err
					}
				}
			}
			for who, h := range s.absent {
				tl, err := tx.StudentMonth("g1c1", who, e.Due)
				if err != nil {
					return err
				}
				got := tl.Tally("g1c1", who, monthTh)
				if got.AbsentHours != h || got.DaysLeft != s.daysLeft[who] {
					return fmt.Errorf("%s: %d hours, %d days left; want %d, %d", who, got.AbsentHours, got.DaysLeft, h, s.daysLeft[who])
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}

// A database written by schema 3 (no month records) gets them at open.
func TestMigrateStudentMonths(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 26, 17, 0, 0, 0, loc)
	puts := []struct {
		unit     string
		due      time.Time
		rows     []attendance.Row
		withdraw bool
	}{
		{"g1c1", due, []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 4}, {Type: attendance.Leave, Student: "张三", Hours: 2, Approver: "王老师"}}, false},
		{"g1c1", due.AddDate(0, 0, 1), []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 3}, {Type: attendance.LeftSchool, Student: "李四", Days: 3}}, false},
		{"g1c1", due.AddDate(0, 0, 6), []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 9}}, false},
		{"g1c2", due, []attendance.Row{{Type: attendance.Absent, Student: "张三", Hours: 1}}, false},
		{"g1c2", due, []attendance.Row{{Type: attendance.Absent, Student: "王五", Hours: 8}}, true},
	}
	for _, p := range puts {
		err := db.UpdateAttendance(context.Background(), func(tx attendance.Tx) error {
			id, err := tx.NewEntryID()
			if err != nil {
				return err
			}
			return tx.PutEntry(&attendance.Entry{ID: id, Unit: p.unit, Due: p.due, At: p.due, Rows: p.rows, Withdrawn: p.withdraw}, "test", "", p.due)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	type month struct {
		unit, who string
		at        time.Time
		absent    int
		daysLeft  int
	}
	months := []month{
		{"g1c1", "张三", due, 5, 0},
		{"g1c1", "李四", due, 0, 3},
		{"g1c1", "张三", due.AddDate(0, 0, 6), 9, 0},
		{"g1c2", "张三", due, 1, 0},
		{"g1c2", "王五", due, 0, 0},
	}
	// Make it a schema 3 database: no month records.
	db = asSchema(t, db, dir, 3, Options{}, func(tx kvTx) error {
		for _, m := range months {
			if err := tx.Bucket(bucketAttendanceStudent).Delete(monthKey(m.unit, m.who, m.at)); err != nil {
				return err
			}
		}
		return nil
	})
	err = db.ViewAttendance(func(tx attendance.Tx) error {
		for _, m := range months {
			raw := tx.(attendanceTx).t.bucket(bucketAttendanceStudent).Get(monthKey(m.unit, m.who, m.at))
			if (raw == nil) != (m.who == "王五") {
				return fmt.Errorf("%s %s %v: record %q after migration", m.unit, m.who, m.at, raw)
			}
			tally, err := checkMonth(tx, m.unit, m.who, m.at)
			if err != nil {
				return err
			}
			if tally.AbsentHours != m.absent || tally.DaysLeft != m.daysLeft {
				return fmt.Errorf("%s %s %v: %+v after migration", m.unit, m.who, m.at, tally)
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
