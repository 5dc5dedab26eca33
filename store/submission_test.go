package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/store"
)

// viewArticles lists the items as the 信息 page reads them.
func viewArticles(t *testing.T, db *store.DB) []*desk.Article {
	t.Helper()
	var arts []*desk.Article
	if err := db.ViewDesk(func(tx desk.Tx) error {
		var err error
		arts, err = tx.Articles()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return arts
}

func putArticle(db *store.DB, a *desk.Article, fail error) error {
	return db.UpdateDesk(context.Background(), func(tx desk.Tx) error {
		if err := tx.PutArticle(a, 0); err != nil {
			return err
		}
		return fail
	})
}

// Reads between item writes reuse the decoded items, and after a write only
// the items written are decoded again; every committed write (a new item or
// a changed one) is seen by the next read, and a write that rolled back,
// even one that read its own items, is never seen.
func TestDeskArticlesCacheFollowsWrites(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	if arts := viewArticles(t, db); len(arts) != 0 {
		t.Fatalf("empty desk lists %d items", len(arts))
	}
	if err := putArticle(db, &desk.Article{ID: "S1", Title: "运动会", Status: desk.Submitted}, nil); err != nil {
		t.Fatal(err)
	}
	first := viewArticles(t, db)
	again := viewArticles(t, db)
	if len(first) != 1 || first[0].Title != "运动会" || again[0] != first[0] {
		t.Fatalf("second read without a write: %+v then %+v (want the same decoded item)", first, again)
	}
	_ = append(first[:0], &desk.Article{ID: "S9"}) // a caller's slice is its own
	if arts := viewArticles(t, db); arts[0].ID != "S1" {
		t.Fatalf("a caller's append changed the next read: %s", arts[0].ID)
	}

	if err := putArticle(db, &desk.Article{ID: "S1", Title: "运动会", Status: desk.Approved}, nil); err != nil {
		t.Fatal(err)
	}
	approved := viewArticles(t, db)
	if len(approved) != 1 || approved[0].Status != desk.Approved {
		t.Fatalf("after the item was approved the desk reads %+v", approved[0])
	}

	boom := errors.New("boom")
	err := db.UpdateDesk(context.Background(), func(tx desk.Tx) error {
		if err := tx.PutArticle(&desk.Article{ID: "S1", Title: "运动会", Status: desk.Rejected}, 0); err != nil {
			return err
		}
		arts, err := tx.Articles()
		if err != nil || arts[0].Status != desk.Rejected {
			t.Errorf("a write does not read its own change: %v %+v", err, arts)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if arts := viewArticles(t, db); arts[0].Status != desk.Approved {
		t.Fatalf("a rolled back change is read: %s", arts[0].Status)
	}
	if err := putArticle(db, &desk.Article{ID: "S2", Title: "家长会", Status: desk.Draft}, nil); err != nil {
		t.Fatal(err)
	}
	arts := viewArticles(t, db)
	if len(arts) != 2 || arts[0].Status != desk.Approved || arts[1].Title != "家长会" {
		t.Fatalf("after a new item the desk reads %d items", len(arts))
	}
	if arts[0] != approved[0] {
		t.Error("a new item made the desk decode the unchanged S1 again")
	}
}
