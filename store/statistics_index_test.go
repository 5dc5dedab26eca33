package store

import (
	"context"
	"testing"
	"time"

	"github.com/baosong/baosong/desk"
)

// openStatistics lists the open 统计 items as the statistics jobs read them.
func openStatistics(t *testing.T, db *DB) []string {
	t.Helper()
	var ids []string
	err := db.ViewDesk(func(tx desk.Tx) error {
		arts, err := tx.StatisticsOpen()
		for _, a := range arts {
			ids = append(ids, a.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// The statistics jobs of every minute read the 统计 items not at the office
// by their index, not every item: items that are not 统计, or have arrived,
// are not read at all (their stored JSON is broken here and nothing fails);
// an item leaves the index when it arrives; a database of schema 7 gets the
// index at open.
func TestStatisticsOpenReadsOnlyItsIndex(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenTest(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	due := data.Add(24 * time.Hour)
	stat := func(id string, steps ...desk.Step) *desk.Article {
		return &desk.Article{ID: id, Category: desk.StatCategory, Status: desk.Submitted, DataAt: &data, StatDue: &due,
			Steps: append([]desk.Step{{At: data, Action: "投稿", Status: desk.Submitted}}, steps...)}
	}
	arrived := desk.Step{At: data.Add(time.Hour), Action: "通过", Status: desk.Approved}
	put := func(arts ...*desk.Article) {
		t.Helper()
		if err := db.UpdateDesk(context.Background(), func(tx desk.Tx) error {
			for _, a := range arts {
				if err := tx.PutArticle(a, len(a.Steps)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(stat("S1"), stat("S2", arrived), &desk.Article{ID: "S3", Category: "动态", Status: desk.Submitted}, stat("S4"))
	if got := openStatistics(t, db); len(got) != 2 || got[0] != "S1" || got[1] != "S4" {
		t.Fatalf("open = %v, want S1 S4", got)
	}

	var kept [][]byte
	if err := db.kv.Update(func(tx kvTx) error {
		b := tx.Bucket(bucketSubmission)
		for _, n := range []uint64{2, 3} {
			kept = append(kept, append([]byte(nil), b.Get(u64(n))...))
			if err := b.Put(u64(n), []byte("{broken")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := openStatistics(t, db); len(got) != 2 {
		t.Fatalf("open with S2, S3 unreadable = %v", got)
	}

	put(stat("S1", arrived))
	if got := openStatistics(t, db); len(got) != 1 || got[0] != "S4" {
		t.Fatalf("open after S1 arrived = %v, want S4", got)
	}

	// Schema 7: items, no index.
	db = asSchema(t, db, dir, 7, Options{}, func(tx kvTx) error {
		b := tx.Bucket(bucketSubmission)
		for i, n := range []uint64{2, 3} {
			if err := b.Put(u64(n), kept[i]); err != nil {
				return err
			}
		}
		return tx.DeleteBucket(bucketSubmissionStat)
	})
	if got := openStatistics(t, db); len(got) != 1 || got[0] != "S4" {
		t.Errorf("open after the migration = %v, want S4", got)
	}
}
