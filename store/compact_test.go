package store

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
)

// A schema 8 database kept its history as JSON and its student index with
// each row's name; a schema 9 program writes both shorter and reads both.
func TestHistoryAndStudentIndexOfSchema8StillRead(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 11, 9, 8, 0, 0, 0, loc)
	at := due.Add(3*time.Minute + 7*time.Nanosecond)
	ctx := bot.WithActor(context.Background(), bot.Actor{Member: "t-g1c1", Channel: "wecom"})
	rows := []attendance.Row{
		{Type: attendance.Absent, Student: "张三", No: "23", Hours: 4},
		{Type: attendance.Leave, Student: "张三", No: "23", Hours: 2, Reason: "病假", Approver: "王老师"},
		{Type: attendance.LateReturn, Student: "李四", Time: "23:40"},
		{Type: attendance.Absent, Student: "张三", No: "7", Hours: 1}, // a namesake
	}
	err = db.UpdateAttendance(ctx, func(tx attendance.Tx) error {
		if _, err := tx.NewEntryID(); err != nil {
			return err
		}
		return tx.PutEntry(&attendance.Entry{ID: "A1", Unit: "g1c1", Due: due, At: at, Rows: rows}, "submit", "高一1班 张三[23]旷课4节", at)
	})
	if err != nil {
		t.Fatal(err)
	}
	// What schema 8 wrote for a second form, A2 (its history by office-1 on
	// the local channel, its index rows with names), and its first change.
	old := History{At: at.Add(time.Hour), By: "office-1", Channel: "local", Action: "submit", Detail: "李四 迟到 07:50"}
	oldHist, _ := json.Marshal(old)
	oldRows, _ := json.Marshal([]attendance.Row{{Type: attendance.LateReturn, Student: "李四", Time: "23:50"}})
	due2 := due.AddDate(0, 0, 1)
	err = db.kv.Update(func(tx kvTx) error {
		if err := tx.Bucket(bucketHistory).Put(append([]byte("A2\x00"), u64(1)...), oldHist); err != nil {
			return err
		}
		return tx.Bucket(bucketAttendanceStudent).Put(studentKey("g1c1", "李四", due2, 2), oldRows)
	})
	if err != nil {
		t.Fatal(err)
	}

	h1, err := db.HistoryOf("A1")
	if err != nil {
		t.Fatal(err)
	}
	want := History{At: at, By: "t-g1c1", Channel: "wecom", Action: "submit", Detail: "高一1班 张三[23]旷课4节"}
	if len(h1) != 1 || !h1[0].At.Equal(want.At) || h1[0].By != want.By || h1[0].Channel != want.Channel ||
		h1[0].Action != want.Action || h1[0].Detail != want.Detail {
		t.Errorf("history of A1 %+v, want %+v", h1, want)
	}
	h2, err := db.HistoryOf("A2")
	if err != nil {
		t.Fatal(err)
	}
	if len(h2) != 1 || !h2[0].At.Equal(old.At) || h2[0].By != old.By || h2[0].Detail != old.Detail {
		t.Errorf("schema 8 history of A2 %+v, want %+v", h2, old)
	}

	err = db.ViewAttendance(func(tx attendance.Tx) error {
		raw := tx.(attendanceTx).t.bucket(bucketAttendanceStudent).Get(studentKey("g1c1", "张三[23]", due, 1))
		if bytes.Contains(raw, []byte("张三")) {
			t.Errorf("the index repeats the name of its key: %s", raw)
		}
		for _, c := range []struct {
			who  string
			want []attendance.Row
		}{
			{"张三[23]", rows[:2]},
			{"张三[7]", rows[3:]},
			{"李四", []attendance.Row{rows[2], {Type: attendance.LateReturn, Student: "李四", Time: "23:50"}}},
		} {
			es, err := tx.StudentEntries("g1c1", c.who, due, due.AddDate(0, 0, 7))
			if err != nil {
				return err
			}
			var got []attendance.Row
			for _, e := range es {
				got = append(got, e.Rows...)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: rows %+v, want %+v", c.who, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
