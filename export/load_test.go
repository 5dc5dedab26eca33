package export_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/store"
)

// countingStore is the store with every read of the desk's items counted.
type countingStore struct {
	*store.DB
	items atomic.Int32
}

func (s *countingStore) ViewDesk(fn func(desk.Tx) error) error {
	return s.DB.ViewDesk(func(tx desk.Tx) error { return fn(countingTx{tx, &s.items}) })
}

type countingTx struct {
	desk.Tx
	n *atomic.Int32
}

func (t countingTx) Articles() ([]*desk.Article, error) {
	t.n.Add(1)
	return t.Tx.Articles()
}

// The office downloads the year's archive: its sheets of items, points,
// weekly reports and good deeds come from one read of the information
// desk, not one read each (there were four). Nothing is kept between
// downloads: an item submitted after one is in the next.
func TestArchiveReadsTheDeskOnce(t *testing.T) {
	src := deskFixture(t)
	cs := &countingStore{DB: src.Store.(*store.DB)}
	p := src.Policies
	dk := desk.New(p.Submission, p.Weekly, src.Dir, cs, src.Now)
	src.Desk = dk
	for _, format := range []string{export.XLSX, export.JSON} {
		before := cs.items.Load()
		var buf bytes.Buffer
		if err := export.Write(src, "archive", "2026", format, &buf); err != nil {
			t.Fatal(err)
		}
		if n := cs.items.Load() - before; n != 1 {
			t.Errorf("the archive as %s read the desk's items %d times, want once", format, n)
		}
	}

	officer, _ := src.Dir.Member("officer-2")
	if _, err := dk.Submit(context.Background(), officer, desk.Fields{Title: "冬季消防演练", Category: "动态", Body: "正文",
		Author: "孙敏", Reviewer: "周强"}, src.Now()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.Write(src, "archive", "2026", export.JSON, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "冬季消防演练") {
		t.Error("an item submitted after a download is missing from the next one")
	}
}
