package desk

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Store persists information items, weekly reports, good deeds and media
// summaries. Package store implements it.
type Store interface {
	// UpdateDesk runs fn in one durable transaction; fn may run more than
	// once and must only act through tx. A retried platform message fails
	// here with bot.ErrDuplicate.
	UpdateDesk(ctx context.Context, fn func(tx Tx) error) error
	// ViewDesk runs fn in a read-only transaction (writes fail).
	ViewDesk(fn func(tx Tx) error) error
}

// Tx is what the rules read and write inside one transaction.
type Tx interface {
	// NewID allocates the next id of a kind: "S" → S1, "W" → W1, "G" → G1.
	NewID(prefix string) (string, error)
	// Article loads an item (S5, #S5, s5); ErrNoArticle when absent.
	Article(id string) (*Article, error)
	// PutArticle stores the item and records its steps from index since on
	// in its history.
	PutArticle(a *Article, since int) error
	// Articles lists every item in id order. In a read-only transaction
	// the items may be shared with other reads: the caller must not change
	// them (copy one first).
	Articles() ([]*Article, error)
	// StatisticsOpen lists the 统计 items not at the office yet (a due
	// time, no arrival) in id order, by an index: without reading the others.
	StatisticsOpen() ([]*Article, error)
	// PutWeekly stores a weekly report and records action in its history.
	PutWeekly(w *Weekly, action string) error
	// Weeklies lists every weekly report in id order.
	Weeklies() ([]*Weekly, error)
	// PutGoodDeed stores a good-deed report and records action in its history.
	PutGoodDeed(g *GoodDeed, action string) error
	// GoodDeeds lists every good-deed report in id order.
	GoodDeeds() ([]*GoodDeed, error)
	// PutMediaSummary stores an officer's media summary of a month (the
	// latest one of a month and member wins).
	PutMediaSummary(s *MediaSummary) error
	// MediaSummaries lists the media summaries of a month ("" for all).
	MediaSummaries(month string) ([]*MediaSummary, error)
	// Sequence increments a named gap-free sequence (RegSequence).
	Sequence(name string) (uint64, error)
	// Enqueue queues pushes in this transaction; a Key already queued is skipped.
	Enqueue(ns ...bot.Notification) error
}

// Service is the information desk: items and their review chain, weekly
// reports, good deeds and media summaries, each change one transaction
// with its history and pushes. Its pure rules are the package functions
// and InfoPolicy; the Service only loads, applies and stores.
type Service struct {
	Dir    *org.Directory
	Store  Store
	Policy *InfoPolicy
	Weeks  *Weeks // when weekly reports are due
	Now    func() time.Time
	// Forms counts the classes' attendance forms for the statistics and the
	// circular (Stats.Forms); nil leaves them out.
	Forms FormCounter
}

// New builds the desk of the submission and weekly-report policies over the
// directory's calendar.
func New(sub org.SubmissionPolicy, week org.WeeklyPolicy, dir *org.Directory, st Store, now func() time.Time) *Service {
	return &Service{Dir: dir, Store: st, Policy: NewInfoPolicy(sub, dir.Calendar()), Weeks: NewWeeks(week, dir.Calendar()),
		Now: now}
}

// DefaultCategory is the category of an item sent without one.
const DefaultCategory = "动态"

// Change is the outcome of one action on an item: the item after it and
// whom it was pushed to.
type Change struct {
	Article *Article
	Pushed  []string // member ids (and group:NAME) notified
}

func (d *Service) at(t time.Time) time.Time {
	if t.IsZero() {
		return d.Now()
	}
	return t
}

// Submit records a new item from an officer. Missing required fields make
// it a draft; otherwise it goes to the unit head (or straight to the
// office when the unit has none).
func (d *Service) Submit(ctx context.Context, m *org.Member, f Fields, at time.Time) (*Change, error) {
	at = d.at(at)
	unit := officerUnit(m, d.Dir)
	if unit == "" {
		return nil, ErrNoDeptUnit
	}
	var out *Change
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		id, err := tx.NewID("S")
		if err != nil {
			return err
		}
		a := &Article{ID: id, Unit: unit, UnitName: d.Dir.UnitName(unit), Submitter: m.ID, SubmitterName: m.Name,
			CreatedAt: at, Adoptions: []Adoption{}}
		a.fill(f)
		if a.Category == "" {
			a.Category = DefaultCategory
		}
		d.Policy.setStat(a, f.DataAt)
		a.step(at, m.ID, "投稿", Draft, "")
		out, err = d.advance(tx, a, 0, at)
		return err
	})
	return out, err
}

// Complete fills in fields of a draft or a returned item (补充) and, once it
// is complete, submits it (again). Only the submitter may.
func (d *Service) Complete(ctx context.Context, m *org.Member, id string, f Fields, at time.Time) (*Change, error) {
	at = d.at(at)
	var out *Change
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		a, err := tx.Article(id)
		if err != nil {
			return err
		}
		if err := a.need(Draft, Returned); err != nil {
			return err
		}
		if a.Submitter != m.ID {
			return ErrNotSubmitter
		}
		before := *a
		a.fill(f)
		if a.Status == Draft && before.Title == a.Title && before.Body == a.Body && before.Author == a.Author &&
			before.Reviewer == a.Reviewer && before.Category == a.Category && f.DataAt == nil {
			return ErrNothingToFill
		}
		d.Policy.setStat(a, f.DataAt)
		since := len(a.Steps)
		a.step(at, m.ID, "补充", a.Status, strings.Join(changedFields(&before, a), "、"))
		out, err = d.advance(tx, a, since, at)
		return err
	})
	return out, err
}

func changedFields(a, b *Article) []string {
	var out []string
	for _, f := range []struct{ label, x, y string }{
		{"标题", a.Title, b.Title}, {"类别", a.Category, b.Category}, {"正文", a.Body, b.Body},
		{"撰稿", a.Author, b.Author}, {"审核", a.Reviewer, b.Reviewer},
	} {
		if f.x != f.y {
			out = append(out, f.label)
		}
	}
	return out
}

// advance submits a complete draft or returned item, stores it and queues
// the pushes of the steps from since on.
func (d *Service) advance(tx Tx, a *Article, since int, at time.Time) (*Change, error) {
	var pushes []bot.Notification
	if len(a.Missing()) == 0 && (a.Status == Draft || a.Status == Returned) {
		if a.SubmittedAt == nil {
			t := at
			a.SubmittedAt = &t
			a.CountedMonth, a.Late = d.Policy.CountedMonth(at)
		}
		heads := d.Dir.InUnit(a.Unit, org.UnitHead)
		a.step(at, a.Submitter, "提交", Submitted, "")
		if len(heads) > 0 {
			pushes = d.notify(a, ids(heads), sprintf(pushToHead, a.SubmitterName, a.UnitName, a.brief(), a.ID, a.ID, a.ID))
		} else {
			a.step(at, "system", "直送", Approved, "单位未设负责人，直接报送"+d.Dir.OfficeName())
			pushes = d.notify(a, ids(d.Dir.WithRole(org.Office)), sprintf(pushToOffice, a.UnitName, a.SubmitterName, a.brief(), a.ID))
		}
	}
	if err := tx.PutArticle(a, since); err != nil {
		return nil, err
	}
	if err := tx.Enqueue(pushes...); err != nil {
		return nil, err
	}
	return &Change{Article: a, Pushed: recipients(pushes)}, nil
}

// Approve is 通过 by the head of the submitting unit.
func (d *Service) Approve(ctx context.Context, m *org.Member, id string, at time.Time) (*Change, error) {
	return d.change(ctx, id, func(a *Article) ([]bot.Notification, error) {
		if !m.Has(org.UnitHead) || !m.In(a.Unit) {
			return nil, ErrNotUnitHead
		}
		if err := a.need(Submitted); err != nil {
			return nil, err
		}
		a.step(d.at(at), m.ID, "通过", Approved, "")
		ps := d.notify(a, ids(d.Dir.WithRole(org.Office)), sprintf(pushToOfficeApproved, m.Name, a.UnitName, a.brief(), a.ID))
		return append(ps, d.notify(a, []string{a.Submitter}, sprintf(pushApproved, a.ID, a.Title, m.Name, d.Dir.OfficeName()))...), nil
	})
}

// Return is 退回 with a reason: by the unit head while submitted, by the
// office while approved, by a leader while adopted and not yet signed.
func (d *Service) Return(ctx context.Context, m *org.Member, id, reason string, at time.Time) (*Change, error) {
	return d.change(ctx, id, func(a *Article) ([]bot.Notification, error) {
		switch {
		case a.Status == Submitted && m.Has(org.UnitHead) && m.In(a.Unit):
		case a.Status == Approved && m.Has(org.Office):
		case a.Status == Adopted && m.Has(org.Leader):
		case a.Status == Submitted || a.Status == Approved || a.Status == Adopted:
			if a.Status == Submitted && m.Has(org.UnitHead) {
				return nil, ErrNotUnitHead
			}
			return nil, ErrNotAllowed
		default:
			return nil, &StateError{ID: a.ID, Status: a.Status}
		}
		a.Reason = reason
		a.step(d.at(at), m.ID, "退回", Returned, reason)
		return d.notify(a, []string{a.Submitter}, sprintf(pushReturned, a.ID, a.Title, m.Name, reason, a.ID)), nil
	})
}

// Adopt is 采用 by the office at a level, optionally in a medium. An item
// keeps every adoption; the same level and medium twice is refused.
func (d *Service) Adopt(ctx context.Context, m *org.Member, id, level, media string, at time.Time) (*Change, error) {
	if AdoptionRank(level) == 0 {
		return nil, ErrLevel
	}
	return d.change(ctx, id, func(a *Article) ([]bot.Notification, error) {
		if err := a.need(Approved, Adopted, Signed); err != nil {
			return nil, err
		}
		for _, ad := range a.Adoptions {
			if ad.Level == level && ad.Media == media {
				return nil, ErrSameAdoption
			}
		}
		at := d.at(at)
		first := a.Status == Approved
		a.Adoptions = append(a.Adoptions, Adoption{Level: level, Media: media, At: at, By: m.ID})
		status := a.Status
		if first {
			status = Adopted
		}
		a.step(at, m.ID, "采用", status, strings.TrimSpace(level+" "+media))
		where := level
		if media != "" {
			where += "（" + media + "）"
		}
		ps := d.notify(a, []string{a.Submitter}, sprintf(pushAdopted, a.ID, a.Title, where, d.Policy.RewardOf(a.HighestLevel())))
		if first {
			ps = append(ps, d.notify(a, ids(d.Dir.WithRole(org.Leader)), sprintf(pushToLeader, a.UnitName, a.brief(), where, a.ID, a.ID))...)
		}
		return ps, nil
	})
}

// Reject is 不采用 by the office.
func (d *Service) Reject(ctx context.Context, m *org.Member, id, reason string, at time.Time) (*Change, error) {
	return d.change(ctx, id, func(a *Article) ([]bot.Notification, error) {
		if err := a.need(Approved); err != nil {
			return nil, err
		}
		a.Reason = reason
		a.step(d.at(at), m.ID, "不采用", Rejected, reason)
		return d.notify(a, []string{a.Submitter}, sprintf(pushRejected, a.ID, a.Title, orNone(reason))), nil
	})
}

// Sign is 签发 by a leader: the item gets the next registration number of
// the year from the gap-free sequence, in the same transaction.
func (d *Service) Sign(ctx context.Context, m *org.Member, id string, at time.Time) (*Change, error) {
	return d.change(ctx, id, func(a *Article) ([]bot.Notification, error) {
		if err := a.need(Adopted); err != nil {
			return nil, err
		}
		return nil, nil
	}, func(tx Tx, a *Article) ([]bot.Notification, error) {
		at := d.at(at)
		year := at.In(d.Policy.Loc).Year()
		n, err := tx.Sequence(RegSequence(year))
		if err != nil {
			return nil, err
		}
		a.RegNo = RegNo(year, n)
		a.SignedBy, a.SignedAt = m.ID, &at
		a.step(at, m.ID, "签发", Signed, a.RegNo)
		ps := d.notify(a, []string{a.Submitter}, sprintf(pushSigned, a.ID, a.Title, m.Name, a.RegNo))
		return append(ps, d.notify(a, ids(d.Dir.WithRole(org.Office)), sprintf(pushSignedOffice, a.ID, a.Title, m.Name, a.RegNo))...), nil
	})
}

// change loads an item, applies fn (and then, with the transaction, each
// of more), stores it and queues the pushes.
func (d *Service) change(ctx context.Context, id string, fn func(a *Article) ([]bot.Notification, error),
	more ...func(tx Tx, a *Article) ([]bot.Notification, error)) (*Change, error) {
	var out *Change
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		a, err := tx.Article(id)
		if err != nil {
			return err
		}
		since := len(a.Steps)
		pushes, err := fn(a)
		if err != nil {
			return err
		}
		for _, f := range more {
			ps, err := f(tx, a)
			if err != nil {
				return err
			}
			pushes = append(pushes, ps...)
		}
		if err := tx.PutArticle(a, since); err != nil {
			return err
		}
		if err := tx.Enqueue(pushes...); err != nil {
			return err
		}
		out = &Change{Article: a, Pushed: recipients(pushes)}
		return nil
	})
	return out, err
}

// notify builds one push per member, keyed by the item, its step count and
// the recipient, so that each step pushes once.
func (d *Service) notify(a *Article, members []string, text string) []bot.Notification {
	var out []bot.Notification
	for _, id := range members {
		out = append(out, bot.Notification{Key: fmt.Sprintf("%s|%d|%s", a.ID, len(a.Steps), id),
			To: bot.Recipient{Member: id}, Title: "信息报送", Text: text})
	}
	return out
}

// Article loads one item.
func (d *Service) Article(id string) (*Article, error) {
	var a *Article
	err := d.Store.ViewDesk(func(tx Tx) error {
		var err error
		a, err = tx.Article(id)
		return err
	})
	return a, err
}

// Articles loads every item (shared with other reads: do not change them).
func (d *Service) Articles() ([]*Article, error) {
	var out []*Article
	err := d.Store.ViewDesk(func(tx Tx) error {
		var err error
		out, err = tx.Articles()
		return err
	})
	return out, err
}

// Recent lists a member's latest items, weekly reports and good deeds,
// newest first, at most limit of each.
func (d *Service) Recent(member string, limit int) (arts []*Article, weeks []*Weekly, deeds []*GoodDeed, err error) {
	err = d.Store.ViewDesk(func(tx Tx) error {
		all, err := tx.Articles()
		if err != nil {
			return err
		}
		for i := len(all) - 1; i >= 0 && len(arts) < limit; i-- {
			if all[i].Submitter == member {
				arts = append(arts, all[i])
			}
		}
		ws, err := tx.Weeklies()
		if err != nil {
			return err
		}
		for i := len(ws) - 1; i >= 0 && len(weeks) < limit; i-- {
			if ws[i].Submitter == member {
				weeks = append(weeks, ws[i])
			}
		}
		gs, err := tx.GoodDeeds()
		if err != nil {
			return err
		}
		for i := len(gs) - 1; i >= 0 && len(deeds) < limit; i-- {
			if gs[i].Reporter == member {
				deeds = append(deeds, gs[i])
			}
		}
		return nil
	})
	return arts, weeks, deeds, err
}

// brief is the item in one line for pushes: 《标题》（类别，撰稿 X，审核 Y）.
func (a *Article) brief() string {
	return fmt.Sprintf("《%s》（%s，撰稿：%s，审核：%s）", a.Title, a.Category, a.Author, a.Reviewer)
}

func ids(ms []*org.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func recipients(ns []bot.Notification) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range ns {
		r := n.To.String()
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "未说明"
	}
	return s
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
