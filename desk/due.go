package desk

// What is due, for the scheduler's jobs (SPEC §6): the officers below the
// monthly quota, those who have not sent the media summary, those without a
// 调研 item in the quarter, the departments without a weekly report, and the
// quarterly circular. The scheduler decides the dates (scheduler.Rules);
// these answer from stored state at the moment they are asked. The pure
// variants take the records; the Service methods load them and match the
// scheduler's source interfaces (BelowQuota returns QuotaGap, which the
// wiring maps to scheduler.Shortfall).

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// QuotaGap is an officer below the monthly quota.
type QuotaGap struct {
	Member         string
	Counted, Quota int
}

// BelowQuotaOf lists the officers whose items counted for month (at now)
// are fewer than their quota, in directory order. Pure.
func (p *InfoPolicy) BelowQuotaOf(dir *org.Directory, arts []*Article, month string, now time.Time) []QuotaGap {
	at, _ := p.asOf(month, now)
	counted := map[string]int{}
	for _, a := range arts {
		if a.CountedMonth == month && a.countsAt(at) {
			counted[a.Submitter]++
		}
	}
	var out []QuotaGap
	for _, m := range dir.WithRole(org.Officer) {
		if q := p.QuotaOf(m, dir); counted[m.ID] < q {
			out = append(out, QuotaGap{Member: m.ID, Counted: counted[m.ID], Quota: q})
		}
	}
	return out
}

// ResearchMissingOf lists the officers with fewer 调研 items counted for the
// quarter starting at quarter than [submission] quarter_research. Pure.
func (p *InfoPolicy) ResearchMissingOf(dir *org.Directory, arts []*Article, quarter, now time.Time) []string {
	q := quarterOf(p.monthOf(quarter))
	n := map[string]int{}
	for _, a := range arts {
		if a.Category == "调研" && quarterOf(a.CountedMonth) == q && a.countsAt(now) {
			n[a.Submitter]++
		}
	}
	var out []string
	for _, m := range dir.WithRole(org.Officer) {
		if n[m.ID] < p.QuarterResearch {
			out = append(out, m.ID)
		}
	}
	return out
}

// Load reads every item, weekly report and good deed in one view (the
// statistics and the exports); the items are shared with other reads.
func (d *Service) Load() (arts []*Article, weeks []*Weekly, deeds []*GoodDeed, err error) {
	err = d.Store.ViewDesk(func(tx Tx) error {
		if arts, err = tx.Articles(); err != nil {
			return err
		}
		if weeks, err = tx.Weeklies(); err != nil {
			return err
		}
		deeds, err = tx.GoodDeeds()
		return err
	})
	return arts, weeks, deeds, err
}

// BelowQuota lists the officers below quota for month (any instant in it).
func (d *Service) BelowQuota(_ context.Context, month time.Time) ([]QuotaGap, error) {
	arts, err := d.Articles()
	if err != nil {
		return nil, err
	}
	return d.Policy.BelowQuotaOf(d.Dir, arts, d.Policy.monthOf(month), d.Now()), nil
}

// ResearchMissing lists the officers short of 调研 items in the quarter
// starting at quarter.
func (d *Service) ResearchMissing(_ context.Context, quarter time.Time) ([]string, error) {
	arts, err := d.Articles()
	if err != nil {
		return nil, err
	}
	return d.Policy.ResearchMissingOf(d.Dir, arts, quarter, d.Now()), nil
}

// StatsFor computes the statistics of a period now, with the classes'
// attendance forms when the desk has a FormCounter.
func (d *Service) StatsFor(per org.Period) (*Stats, error) {
	arts, weeks, deeds, err := d.Load()
	if err != nil {
		return nil, err
	}
	now := d.Now()
	s := d.Statistics(per, arts, weeks, deeds, now)
	if d.Forms != nil {
		if s.Forms, err = d.Forms.FormLines(per, now); err != nil {
			return nil, fmt.Errorf("desk: statistics of %s: %w", per.Name, err)
		}
	}
	return s, nil
}

// QuarterPeriod is the quarter starting at (or containing) t.
func (d *Service) QuarterPeriod(t time.Time) org.Period {
	t = t.In(d.Policy.Loc)
	first := time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, d.Policy.Loc)
	return org.Period{Name: fmt.Sprintf("%dQ%d", first.Year(), (int(first.Month())-1)/3+1), From: first, To: first.AddDate(0, 3, 0)}
}

// RankingText is the circular of the quarter starting at quarter.
func (d *Service) RankingText(_ context.Context, quarter time.Time) (string, error) {
	s, err := d.StatsFor(d.QuarterPeriod(quarter))
	if err != nil {
		return "", err
	}
	return s.Circular(d.Dir.Name), nil
}

// CircularPushes splits a circular into text-sized pieces (MaxTextBytes)
// and addresses each to every recipient of the units' circulars (their
// groups, else their members; the office; the leaders), keyed
// job|period|recipient|piece so that each is queued once.
func (d *Service) CircularPushes(job, period, text string, units []string) []bot.Notification {
	pieces := bot.SplitText(text, bot.MaxTextBytes)
	var out []bot.Notification
	for _, r := range d.circularRecipients(units) {
		to := bot.Recipient{Member: r}
		if g, ok := strings.CutPrefix(r, "group:"); ok {
			to = bot.Recipient{Group: g}
		}
		for i, p := range pieces {
			out = append(out, bot.Notification{Key: fmt.Sprintf("%s|%s|%s|%d", job, period, r, i+1), To: to,
				Title: "信息工作通报", Text: p})
		}
	}
	return out
}

// MediaLine is one adoption in a media summary.
type MediaLine struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Level string    `json:"level"`
	Media string    `json:"media"`
	At    time.Time `json:"at"`
}

// MediaSummary is an officer's media adoptions of a month (篇6: 每月28日前
// 将汇总信息及媒体采用情况发至法宣中心), sent with 媒体汇总.
type MediaSummary struct {
	Month  string      `json:"month"`
	Member string      `json:"member"`
	Name   string      `json:"name"`
	Unit   string      `json:"unit"`
	At     time.Time   `json:"at"`
	Note   string      `json:"note,omitempty"`
	Lines  []MediaLine `json:"lines"`
	Late   bool        `json:"late"` // sent after the media deadline day
}

// MediaLinesOf lists a member's adoptions recorded for month — after the
// previous month's close, up to this month's — oldest first; member "" means
// everyone's. (The ledger settles an item's reward no earlier than the
// month the item counts for; the media summary reports adoptions when they
// happen.) Pure.
func (p *InfoPolicy) MediaLinesOf(arts []*Article, member, month string, now time.Time) []MediaLine {
	var out []MediaLine
	for _, a := range arts {
		if member != "" && a.Submitter != member {
			continue
		}
		for _, ad := range a.Adoptions {
			if ad.At.After(now) {
				continue
			}
			if p.settleMonth(ad.At) == month {
				out = append(out, MediaLine{ID: a.ID, Title: a.Title, Level: ad.Level, Media: ad.Media, At: ad.At})
			}
		}
	}
	return out
}

// SendMediaSummary records an officer's media summary of month and pushes
// it to the office.
func (d *Service) SendMediaSummary(ctx context.Context, m *org.Member, month, note string, at time.Time) (*MediaSummary, error) {
	at = d.at(at)
	var out *MediaSummary
	err := d.Store.UpdateDesk(ctx, func(tx Tx) error {
		arts, err := tx.Articles()
		if err != nil {
			return err
		}
		deadline, _ := d.Policy.MediaDeadline(month)
		s := &MediaSummary{Month: month, Member: m.ID, Name: m.Name, Unit: officerUnit(m, d.Dir), At: at, Note: note,
			Lines: d.Policy.MediaLinesOf(arts, m.ID, month, at), Late: !at.Before(deadline.AddDate(0, 0, 1))}
		if err := tx.PutMediaSummary(s); err != nil {
			return err
		}
		text := sprintf(pushMediaSummary, m.Name, org.MonthLabel(month), MediaText(s.Lines, note))
		key := fmt.Sprintf("media|%s|%s|%d", month, m.ID, at.UnixNano())
		if err := tx.Enqueue(d.officeNotices(key, text)...); err != nil {
			return err
		}
		out = s
		return nil
	})
	return out, err
}

// MediaText lists adoptions one per line, with an optional note.
func MediaText(lines []MediaLine, note string) string {
	var b strings.Builder
	if len(lines) == 0 {
		b.WriteString("本月暂无采用记录。")
	}
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		media := l.Media
		if media == "" {
			media = "未注明媒体"
		}
		fmt.Fprintf(&b, "%d. %s《%s》%s（%s）", i+1, l.ID, l.Title, l.Level, media)
	}
	if note != "" {
		b.WriteString("\n说明：" + note)
	}
	return b.String()
}

// MediaSummaries lists the media summaries of a month.
func (d *Service) MediaSummaries(month string) ([]*MediaSummary, error) {
	var out []*MediaSummary
	err := d.Store.ViewDesk(func(tx Tx) error {
		var err error
		out, err = tx.MediaSummaries(month)
		return err
	})
	return out, err
}

// MediaMissing lists the officers who have not sent the media summary of
// month (any instant in it).
func (d *Service) MediaMissing(_ context.Context, month time.Time) ([]string, error) {
	sums, err := d.MediaSummaries(d.Policy.monthOf(month))
	if err != nil {
		return nil, err
	}
	sent := map[string]bool{}
	for _, s := range sums {
		sent[s.Member] = true
	}
	var out []string
	for _, m := range d.Dir.WithRole(org.Officer) {
		if !sent[m.ID] {
			out = append(out, m.ID)
		}
	}
	return out, nil
}
