package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/desk"
)

// UpdateDesk runs fn in one durable transaction (desk.Store): an
// information item, weekly report, good deed or media summary, its history
// and its pushes commit together.
func (s *DB) UpdateDesk(ctx context.Context, fn func(desk.Tx) error) error {
	return s.update(ctx, func(t *Tx) error { return fn(deskTx{t: t}) })
}

// ViewDesk runs fn in a read-only transaction (desk.Store). Its
// Articles reuse the items decoded by an earlier read of the same version.
func (s *DB) ViewDesk(fn func(desk.Tx) error) error {
	return s.view(func(t *Tx) error { return fn(deskTx{t: t, cache: &s.articles}) })
}

// deskTx is desk.Tx over a store transaction. Items, weekly reports and
// good deeds live in the S, W and G record buckets;
// media summaries in bucketMediaSummary. cache is nil in a write
// transaction, which may hold items of its own not committed yet.
type deskTx struct {
	t     *Tx
	cache *articleCache
}

// articlesVersion is the sequence that Tx.Put increments with every
// information item it writes, in the same transaction.
const articlesVersion = "ver:S"

// articleCache holds every item as decoded by the latest read, under the
// items' version then (articlesVersion): the 信息 page, 今日's quota and the
// scheduler's questions read all items, and decoding a year of them (5,000)
// takes about 60 ms. A read that finds the version of its own snapshot
// takes them from here; the version is written with the items, so equal
// versions mean equal items, on any number of nodes sharing one database.
// After a write, the next read decodes only the items whose stored JSON
// changed (by its hash), reusing the others.
type articleCache struct {
	mu    sync.Mutex
	ok    bool
	ver   uint64
	arts  []*desk.Article
	known map[uint64]decodedArticle // by item number
}

// decodedArticle is an item with the hash of the JSON it was decoded from.
type decodedArticle struct {
	sum uint64
	a   *desk.Article
}

// articleSeed keys the hashes of items' JSON (random for each process).
var articleSeed = maphash.MakeSeed()

// articles returns the items of t's snapshot. The slice is the caller's;
// the items are shared.
func (c *articleCache) articles(t *Tx) ([]*desk.Article, error) {
	ver := t.seq(articlesVersion)
	c.mu.Lock()
	arts, known, hit := c.arts, c.known, c.ok && c.ver == ver
	c.mu.Unlock()
	if !hit {
		var err error
		if arts, known, err = decodeArticles(t, known); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if !c.ok || ver > c.ver { // an older snapshot's read finishing late keeps the newer items
			c.ok, c.ver, c.arts, c.known = true, ver, arts, known
		}
		c.mu.Unlock()
	}
	return slices.Clone(arts), nil
}

// decodeArticles lists the items of t in id order, taking from known those
// whose JSON is unchanged and decoding the others.
func decodeArticles(t *Tx, known map[uint64]decodedArticle) ([]*desk.Article, map[uint64]decodedArticle, error) {
	b := t.bucket(bucketSubmission)
	if b == nil { // a read-only database written before the kind existed
		return nil, nil, nil
	}
	var arts []*desk.Article
	now := make(map[uint64]decodedArticle, len(known))
	c := b.Cursor()
	for k, raw := c.First(); k != nil; k, raw = c.Next() {
		n, sum := binary.BigEndian.Uint64(k), maphash.Bytes(articleSeed, raw)
		d, ok := known[n]
		if !ok || d.sum != sum {
			d = decodedArticle{sum: sum, a: new(desk.Article)}
			if err := json.Unmarshal(raw, d.a); err != nil {
				return nil, nil, fmt.Errorf("store: decode S%d: %w", n, err)
			}
		}
		now[n] = d
		arts = append(arts, d.a)
	}
	return arts, now, nil
}

var _ desk.Tx = deskTx{}

func (d deskTx) NewID(prefix string) (string, error) {
	switch prefix {
	case "S", "W", "G":
		return d.t.NextID(prefix)
	}
	return "", fmt.Errorf("store: no desk records with prefix %q", prefix)
}

func (d deskTx) Article(id string) (*desk.Article, error) {
	if p, _, ok := ParseID(id); !ok || p != "S" {
		return nil, desk.ErrNoArticle
	}
	a := new(desk.Article)
	if err := d.t.Get(id, a); errors.Is(err, ErrNotFound) {
		return nil, desk.ErrNoArticle
	} else if err != nil {
		return nil, err
	}
	return a, nil
}

func (d deskTx) PutArticle(a *desk.Article, since int) error {
	if err := d.t.Put(a.ID, a); err != nil {
		return err
	}
	if err := indexStatistic(d.t.bucket(bucketSubmissionStat), a); err != nil {
		return err
	}
	for _, st := range a.Steps[min(max(since, 0), len(a.Steps)):] {
		detail := st.Status
		if st.Detail != "" {
			detail += "：" + st.Detail
		}
		if err := d.t.Record(a.ID, st.Action, detail, st.At); err != nil {
			return err
		}
	}
	return nil
}

// indexStatistic keeps a 统计 item in bucketSubmissionStat while it has not
// reached the office.
func indexStatistic(idx kvBucket, a *desk.Article) error {
	_, n, ok := ParseID(a.ID)
	if !ok {
		return fmt.Errorf("store: information item id %q", a.ID)
	}
	if _, arrived := a.Arrived(); a.StatDue != nil && !arrived {
		return idx.Put(u64(n), nil)
	}
	return idx.Delete(u64(n))
}

// indexStatistics builds the index of the open 统计 items (schema 7 → 8).
func indexStatistics(tx kvTx) error {
	idx := tx.Bucket(bucketSubmissionStat)
	return tx.Bucket(bucketSubmission).ForEach(func(k, raw []byte) error {
		a := new(desk.Article)
		if err := json.Unmarshal(raw, a); err != nil {
			return fmt.Errorf("store: decode S%d: %w", binary.BigEndian.Uint64(k), err)
		}
		return indexStatistic(idx, a)
	})
}

// StatisticsOpen reads the 统计 items not at the office yet by their index,
// in id order.
func (d deskTx) StatisticsOpen() ([]*desk.Article, error) {
	idx := d.t.bucket(bucketSubmissionStat)
	if idx == nil { // a read-only database written before the index: nothing runs its clocks
		return nil, nil
	}
	var out []*desk.Article
	err := idx.ForEach(func(k, _ []byte) error {
		a, err := d.Article("S" + strconv.FormatUint(binary.BigEndian.Uint64(k), 10))
		out = append(out, a)
		return err
	})
	return out, err
}

func (d deskTx) Articles() ([]*desk.Article, error) {
	if d.cache == nil {
		return collect[desk.Article](d.t, "S")
	}
	return d.cache.articles(d.t)
}

func (d deskTx) PutWeekly(w *desk.Weekly, action string) error {
	if err := d.t.Put(w.ID, w); err != nil {
		return err
	}
	return d.t.Record(w.ID, action, "周 "+w.Week, w.At)
}

func (d deskTx) Weeklies() ([]*desk.Weekly, error) { return collect[desk.Weekly](d.t, "W") }

func (d deskTx) PutGoodDeed(g *desk.GoodDeed, action string) error {
	if err := d.t.Put(g.ID, g); err != nil {
		return err
	}
	return d.t.Record(g.ID, action, strings.Join(g.Notified, "、"), g.At)
}

func (d deskTx) GoodDeeds() ([]*desk.GoodDeed, error) { return collect[desk.GoodDeed](d.t, "G") }

func (d deskTx) PutMediaSummary(m *desk.MediaSummary) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store: encode media summary: %w", err)
	}
	return d.t.bucket(bucketMediaSummary).Put([]byte(m.Month+"\x00"+m.Member), raw)
}

func (d deskTx) MediaSummaries(month string) ([]*desk.MediaSummary, error) {
	b := d.t.bucket(bucketMediaSummary)
	if b == nil { // a read-only database written before the bucket existed
		return nil, nil
	}
	prefix := ""
	if month != "" {
		prefix = month + "\x00"
	}
	var out []*desk.MediaSummary
	c := b.Cursor()
	for k, raw := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, raw = c.Next() {
		m := new(desk.MediaSummary)
		if err := json.Unmarshal(raw, m); err != nil {
			return nil, fmt.Errorf("store: decode media summary %q: %w", k, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (d deskTx) Sequence(name string) (uint64, error) { return d.t.Sequence(name) }

func (d deskTx) Enqueue(ns ...bot.Notification) error {
	_, err := d.t.Enqueue(ns...)
	return err
}

// collect decodes every record of a kind in id order.
func collect[T any](t *Tx, prefix string) ([]*T, error) {
	var out []*T
	err := Each(t, prefix, func(v *T) bool {
		out = append(out, v)
		return true
	})
	return out, err
}

// Records returns the raw JSON of every record of a kind ("A", "S", "E",
// "W", "G", "O") in id order, for the annual archive.
func (s *DB) Records(prefix string) ([]json.RawMessage, error) {
	if _, ok := recordBuckets[prefix]; !ok {
		return nil, fmt.Errorf("store: no records with prefix %q", prefix)
	}
	var out []json.RawMessage
	err := s.view(func(t *Tx) error {
		b := t.bucket(recordBuckets[prefix])
		if b == nil { // a read-only database written before the kind existed
			return nil
		}
		return b.ForEach(func(_, raw []byte) error {
			out = append(out, append(json.RawMessage(nil), raw...))
			return nil
		})
	})
	return out, err
}
