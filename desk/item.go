package desk

// Information items (信息稿件, S<n>; 篇1, 篇6, 篇7).
//
// # Flow
//
// An officer sends 投稿 with 标题, 类别, 正文, 撰稿, 审核. Without 撰稿 or 审核
// (or title, or body) the item is a Draft and the reply asks for what is
// missing; `补充 S5 撰稿：马丽` completes it. A complete item is Submitted and
// goes to the head (unit_head) of the submitting unit, who 通过 (→ Approved,
// on to the office) or 退回 with a reason (→ Returned, back to the officer,
// who corrects it with 补充 and so submits it again). A unit without a head
// (the demo's 政教处 office) sends its items straight to the office: they
// are Approved at once, the history says why. The office 采用 an approved item
// at a level, optionally naming the medium (→ Adopted; further 采用 add
// adoptions at other levels or media, all kept), 不采用 it (→ Rejected) or
// 退回 it. A leader may 签发 an adopted item (→ Signed), which gives it the
// registration number 〔YYYY〕第N号 from a gap-free sequence per year (篇7
// 统一登记编号), or 退回 it. Every step is a Step in the record and an entry
// in the store's history, and pushes go to the next person and back to the
// submitter in the same transaction.
//
// # Counting
//
// An item counts for the month whose information deadline (due_day, the
// 15th, moved off non-working days by holiday_policy; the whole deadline
// day counts) is the first at or after the moment it was first submitted
// (complete); an item submitted after its month's deadline counts for the
// next month and is marked late (延期, 篇6: not counted for its own month). A
// returned item that is submitted again keeps its first submission time.

import (
	"errors"
	"fmt"
	"time"
)

// Statuses of an information item (SPEC §10.1).
const (
	Draft     = "draft"
	Submitted = "submitted"
	Approved  = "approved"
	Returned  = "returned"
	Adopted   = "adopted"
	Rejected  = "rejected"
	Signed    = "signed"
)

// statusNames are the statuses as replies say them; an approved item's
// names the office (StatusName).
var statusNames = map[string]string{
	Draft: "草稿（待补充）", Submitted: "待单位负责人审核", Approved: "已审核，待%s采用", Returned: "已退回",
	Adopted: "已采用", Rejected: "不采用", Signed: "已签发",
}

// StatusName is a status as replies say it, the office named by its unit
// (org.Directory.OfficeName: 已审核，待政教处采用).
func StatusName(status, office string) string {
	if status == Approved {
		return fmt.Sprintf(statusNames[status], office)
	}
	return statusNames[status]
}

// Adoption levels (篇6), lowest first. 区级 and 省级 are one level.
var AdoptionLevels = []string{"内刊", "县级", "市级", "区级", "省级", "国家级"}

// adoptionRank orders the adoption levels; 区级 = 省级.
var adoptionRank = map[string]int{"内刊": 1, "县级": 2, "市级": 3, "区级": 4, "省级": 4, "国家级": 5}

// AdoptionRank orders adoption levels (0 for none or unknown).
func AdoptionRank(level string) int { return adoptionRank[level] }

// Errors of the information-item rules; handlers turn them into replies.
var (
	ErrNoArticle     = errors.New("desk: no such information item")
	ErrArticleState  = errors.New("desk: the item is not at that step")
	ErrNotUnitHead   = errors.New("desk: only the head of the submitting unit may review the item")
	ErrNotSubmitter  = errors.New("desk: only the submitter may complete the item")
	ErrNoDeptUnit    = errors.New("desk: the officer belongs to no unit")
	ErrLevel         = errors.New("desk: unknown adoption level")
	ErrSameAdoption  = errors.New("desk: adoption already recorded")
	ErrNothingToFill = errors.New("desk: nothing to complete")
	ErrNotAllowed    = errors.New("desk: not allowed at this step")
)

// StateError says an item is not at the step an action needs.
type StateError struct {
	ID, Status string
}

func (e *StateError) Error() string { return fmt.Sprintf("desk: %s is %s", e.ID, e.Status) }

// Unwrap makes errors.Is(err, ErrArticleState) true.
func (e *StateError) Unwrap() error { return ErrArticleState }

// Fields are the typed fields of an item (from parse.Article).
type Fields struct {
	Title, Category, Body, Author, Reviewer string
	DataAt                                  *time.Time // 数据时间 of a 统计 item, when typed
}

// Adoption is one adoption of an item at a level, in a medium.
type Adoption struct {
	Level string    `json:"level"`
	Media string    `json:"media"`
	At    time.Time `json:"at"`
	By    string    `json:"by"`
}

// Step is one step of an item's review chain.
type Step struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"` // 投稿, 补充, 通过, 退回, 采用, 不采用, 签发, 直送
	Status string    `json:"status"` // the status after the step
	Detail string    `json:"detail,omitempty"`
}

// Article is an information item (S<n>). Its JSON is the submissions
// export of SPEC §10.1 plus extra fields.
type Article struct {
	ID            string     `json:"id"`
	Unit          string     `json:"unit"`
	UnitName      string     `json:"unit_name,omitempty"`
	Submitter     string     `json:"submitter"`
	SubmitterName string     `json:"submitter_name,omitempty"`
	Title         string     `json:"title"`
	Category      string     `json:"category"`
	Body          string     `json:"body"`
	Author        string     `json:"author"`
	Reviewer      string     `json:"reviewer"`
	Status        string     `json:"status"`
	CreatedAt     time.Time  `json:"created_at"`
	SubmittedAt   *time.Time `json:"submitted_at"` // first complete submission
	Late          bool       `json:"late"`
	CountedMonth  string     `json:"counted_month"` // 2026-11; "" while a draft
	Adoptions     []Adoption `json:"adoptions"`
	RegNo         string     `json:"reg_no"`
	SignedBy      string     `json:"signed_by,omitempty"`
	SignedAt      *time.Time `json:"signed_at,omitempty"`
	Reason        string     `json:"reason,omitempty"` // of the last 退回 or 不采用
	Steps         []Step     `json:"steps"`
	// 统计 items only (see statistics.go): when the data came out and when
	// the item is due at the office (where it stands is StatStateAt).
	DataAt  *time.Time `json:"data_at,omitempty"`
	StatDue *time.Time `json:"stat_due,omitempty"`
}

// Missing lists the required fields that are empty, as labels.
func (a *Article) Missing() []string {
	var out []string
	for _, f := range []struct{ label, v string }{
		{"标题", a.Title}, {"正文", a.Body}, {"撰稿", a.Author}, {"审核", a.Reviewer},
	} {
		if f.v == "" {
			out = append(out, f.label)
		}
	}
	return out
}

// fill sets the non-empty fields of f.
func (a *Article) fill(f Fields) {
	for _, p := range []struct {
		dst *string
		v   string
	}{{&a.Title, f.Title}, {&a.Category, f.Category}, {&a.Body, f.Body}, {&a.Author, f.Author}, {&a.Reviewer, f.Reviewer}} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
}

// step appends a step and sets the status.
func (a *Article) step(at time.Time, by, action, status, detail string) {
	a.Status = status
	a.Steps = append(a.Steps, Step{At: at, By: by, Action: action, Status: status, Detail: detail})
}

// need fails with a StateError unless the item has one of the statuses.
func (a *Article) need(statuses ...string) error {
	for _, s := range statuses {
		if a.Status == s {
			return nil
		}
	}
	return &StateError{ID: a.ID, Status: a.Status}
}

// HighestLevel is the highest level the item was adopted at ("" for none).
func (a *Article) HighestLevel() string { return highestLevel(a.Adoptions) }

func highestLevel(ads []Adoption) string {
	best := ""
	for _, ad := range ads {
		if AdoptionRank(ad.Level) > AdoptionRank(best) {
			best = ad.Level
		}
	}
	return best
}

// StatusAt is the item's status at t, replayed from its steps ("" before
// it existed).
func (a *Article) StatusAt(t time.Time) string {
	status := ""
	for _, s := range a.Steps {
		if s.At.After(t) {
			break
		}
		status = s.Status
	}
	return status
}

// countsAt reports whether the item counts towards its month's quota at t:
// submitted and neither a draft, returned nor rejected then.
func (a *Article) countsAt(t time.Time) bool {
	switch a.StatusAt(t) {
	case Submitted, Approved, Adopted, Signed:
		return true
	}
	return false
}

// RegNo formats a registration number: 〔2026〕第7号.
func RegNo(year int, n uint64) string { return fmt.Sprintf("〔%d〕第%d号", year, n) }

// RegSequence names the gap-free sequence of registration numbers of a year.
func RegSequence(year int) string { return fmt.Sprintf("reg:%d", year) }
