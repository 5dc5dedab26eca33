package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/internal/testorg"
	"github.com/baosong/baosong/store"
)

// yearOfItems stores n information items over a school year, one in ten a
// 统计 item (all arrived but the last few), and returns the desk over them.
func yearOfItems(b *testing.B, n int) (*desk.Service, *store.DB) {
	cfg := testorg.Config(b)
	now := at("2027-07-01 09:00")
	db := testorg.Store(b, func() time.Time { return now })
	d := desk.New(cfg.Submission, cfg.Weekly, testorg.Directory(b, cfg), db, func() time.Time { return now })
	start, step := at("2026-09-01 09:00"), 300*24*time.Hour/time.Duration(n)
	body := strings.Repeat("本周我校组织开展校园安全隐患排查，覆盖教学楼、宿舍、食堂等重点区域。", 4)
	err := db.UpdateDesk(context.Background(), func(tx desk.Tx) error {
		for i := range n {
			t := start.Add(time.Duration(i) * step)
			id, err := tx.NewID("S")
			if err != nil {
				return err
			}
			a := &desk.Article{ID: id, Unit: "general", UnitName: "办公室", Submitter: "officer-2", SubmitterName: "孙敏",
				Title: fmt.Sprintf("我校开展第%d次安全隐患排查", i+1), Category: "动态", Body: body, Author: "孙敏", Reviewer: "周强",
				Status: desk.Adopted, CreatedAt: t, SubmittedAt: &t, CountedMonth: t.Format("2006-01"),
				Adoptions: []desk.Adoption{{Level: "县级", At: t.Add(3 * time.Hour), By: "office-1"}},
				Steps: []desk.Step{{At: t, By: "officer-2", Action: "投稿", Status: desk.Submitted},
					{At: t.Add(time.Hour), By: "head-general", Action: "通过", Status: desk.Approved},
					{At: t.Add(3 * time.Hour), By: "office-1", Action: "采用", Status: desk.Adopted, Detail: "县级"}}}
			if i%10 == 0 {
				data, due := t.Add(-time.Hour), t.Add(23*time.Hour)
				a.Category, a.DataAt, a.StatDue = desk.StatCategory, &data, &due
				if i >= n-50 {
					a.Status, a.Adoptions, a.Steps = desk.Submitted, nil, a.Steps[:1]
				}
			}
			if err := tx.PutArticle(a, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return d, db
}

// touch rewrites one item, as a 补充 or 通过 would.
func touch(b *testing.B, db *store.DB, id string) {
	b.StopTimer()
	defer b.StartTimer()
	err := db.UpdateDesk(context.Background(), func(tx desk.Tx) error {
		a, err := tx.Article(id)
		if err != nil {
			return err
		}
		a.Reason += "。"
		return tx.PutArticle(a, len(a.Steps))
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStatisticsYear is the statistics jobs' question of every minute
// (the open 统计 items) and a desk question (我的: Recent) over a year of
// 20,000 items, with nothing written since the last read (warm) and right
// after an item was written.
func BenchmarkStatisticsYear(b *testing.B) {
	d, db := yearOfItems(b, 20000)
	ctx := context.Background()
	open := func(b *testing.B) {
		if arts, err := d.StatisticsOpen(ctx); err != nil || len(arts) != 5 {
			b.Fatalf("%d open, %v", len(arts), err)
		}
	}
	mine := func(b *testing.B) {
		if arts, _, _, err := d.Recent("officer-2", 5); err != nil || len(arts) != 5 {
			b.Fatalf("%d recent, %v", len(arts), err)
		}
	}
	for _, q := range []struct {
		name string
		ask  func(*testing.B)
	}{{"StatisticsOpen", open}, {"Recent", mine}} {
		b.Run(q.name+"/warm", func(b *testing.B) {
			q.ask(b)
			for b.Loop() {
				q.ask(b)
			}
		})
		b.Run(q.name+"/afterWrite", func(b *testing.B) {
			for b.Loop() {
				touch(b, db, "S7")
				q.ask(b)
			}
		})
	}
}
