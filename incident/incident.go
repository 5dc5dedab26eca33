// Package incident holds the pure rules of urgent incidents (篇4, 篇5, 篇9):
// the record and its timeline, severity, the escalation schedule until a
// leader acknowledges, the written-report clock (先口头后书面) and the upward
// report text. Nothing here stores, sends or reads the clock: callers pass
// `now` and persist the *Incident the functions mutate, inside one store
// transaction, so that "first acknowledgement wins" is a compare-and-set and a
// restart recomputes exactly what is still due.
package incident

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kinds of incident (篇9 一).
const (
	KindAccident = "事故"
	KindHazard   = "隐患"
	KindUnrest   = "不稳定因素"
)

// Severity levels, in increasing order (SPEC §7 item 2).
const (
	Normal   = "一般"
	Major    = "重大"
	ReportUp = "须报上级"
)

// Timeline entry types.
const (
	EntryReport    = "初报"
	EntryFollowUp  = "续报"
	EntryWritten   = "书面"
	EntryClose     = "结案"
	EntryAck       = "确认"
	EntryEscalated = "升级"
	EntryGraded    = "定级"
)

// Written-report states (SPEC §10.1 written_state).
const (
	WrittenPending = "pending"
	WrittenOnTime  = "on_time"
	WrittenLate    = "late"
	WrittenMissing = "missing"
)

// Errors returned by the state changes; callers turn them into polite replies.
var (
	ErrClosed       = errors.New("incident closed")
	ErrAlreadyAcked = errors.New("incident already acknowledged")
	ErrEmpty        = errors.New("empty text")
	ErrLevel        = errors.New("unknown severity level")
)

// Facts is what a report says about the event. The chat parser
// (handlers/parse.IncidentReport) has fields of the same names; the handler
// copies them over. Zero means "not stated" unless a flag says otherwise.
type Facts struct {
	Kind       string    `json:"kind"`     // KindAccident, KindHazard or KindUnrest
	Category   string    `json:"category"` // 校园伤害, 食品卫生, … (see DefaultPolicy)
	Time       time.Time `json:"occurred_at,omitzero"`
	TimeApprox bool      `json:"occurred_approx,omitempty"` // 许, 左右, 中午 …
	Place      string    `json:"place"`

	// People, counted by what happened to them (SPEC §7 item 2).
	// SeriouslyInjured is the part of Injured that is 重伤/危重.
	Dead             int  `json:"dead"`
	Missing          int  `json:"missing"`
	Injured          int  `json:"injured"`
	SeriouslyInjured int  `json:"seriously_injured"`
	Ill              int  `json:"ill"`
	Hospitalised     int  `json:"hospitalised"`
	CountsApprox     bool `json:"counts_approx,omitempty"` // 十余名, 20余人
	NoHarm           bool `json:"no_harm,omitempty"`       // 无人员伤亡, 无大碍: counts known to be zero

	LossYuan   int64 `json:"loss_yuan"`
	LossKnown  bool  `json:"loss_known,omitempty"` // a loss was stated (also 无财产损失)
	LossApprox bool  `json:"loss_approx,omitempty"`

	Cause    string `json:"cause,omitempty"`
	Measures string `json:"measures,omitempty"`
	Help     string `json:"help,omitempty"`
	Serious  bool   `json:"serious,omitempty"` // the text says 造成严重后果

	// HospitalAssumed: Hospitalised counts people taken to a hospital (送医)
	// whose admission nobody has confirmed or denied yet (SPEC §7 fail safe).
	HospitalAssumed bool `json:"hospital_assumed,omitempty"`
	// Grave lists what makes an injury grave: 骨折, 烧伤, 持刀, 斗殴, 校车侧翻 ….
	Grave []string `json:"grave,omitempty"`
}

// HarmKnown reports whether the facts say anything about people harmed.
func (f Facts) HarmKnown() bool {
	return f.NoHarm || f.Dead+f.Missing+f.Injured+f.Ill+f.Hospitalised > 0
}

// Entry is one line of an incident's timeline.
type Entry struct {
	At   time.Time `json:"at"`
	Type string    `json:"type"` // EntryReport, EntryFollowUp, …
	By   string    `json:"by"`   // member id; "" for the bot itself
	Text string    `json:"text"`
	// Changes lists the facts a follow-up, written report or grading
	// changed ("住院 1 → 0", "定级 重大 → 一般").
	Changes []string `json:"changes,omitempty"`
}

// Grading is a leader's decision on the level (定级 E3 一般|重大|须报上级).
// It stands until later facts make the rules rank the incident higher than
// they did when the leader decided.
type Grading struct {
	Level  string    `json:"level"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	Ruled  string    `json:"ruled"` // the rules' level at that time
}

// Incident is the stored record. Its JSON is the incidents export of SPEC
// §10.1 (plus extra fields); WrittenState is refreshed by every change here
// and by Refresh.
type Incident struct {
	ID           string    `json:"id"`
	Reporter     string    `json:"reporter"`
	ReporterName string    `json:"reporter_name,omitempty"`
	Unit         string    `json:"unit"`
	UnitName     string    `json:"unit_name,omitempty"`
	ReportedAt   time.Time `json:"reported_at"`
	Text         string    `json:"text"` // the first report as typed
	Facts
	Severity string   `json:"severity"`
	Why      []string `json:"severity_why,omitempty"`
	Graded   *Grading `json:"graded,omitempty"`

	AckedBy      string     `json:"acked_by"`
	AckedAt      *time.Time `json:"acked_at"`
	LevelReached int        `json:"level_reached"`

	WrittenDue   time.Time  `json:"written_due"`
	WrittenAt    *time.Time `json:"written_at"`
	WrittenText  string     `json:"written_text,omitempty"`
	WrittenState string     `json:"written_state"`
	Reminders    int        `json:"reminders_sent"`

	// UpwardAt is when the upward report (须报上级) went to the office.
	UpwardAt *time.Time `json:"upward_at,omitempty"`

	Closed   bool       `json:"closed"`
	ClosedAt *time.Time `json:"closed_at"`
	ClosedBy string     `json:"closed_by,omitempty"`

	Timeline []Entry `json:"timeline"`
	// Sent holds the key of every Step already queued, with when.
	Sent map[string]time.Time `json:"sent,omitempty"`
}

// Report is a new incident as received.
type Report struct {
	ID           string // E<n>
	Reporter     string // member id
	ReporterName string
	Unit         string // unit id
	UnitName     string
	At           time.Time
	Text         string // as typed, after the keyword
	Facts        Facts
}

// New builds the record of a first report (初报): severity from the policy,
// the written-report deadline, the first timeline entry. The level-0 pushes
// are then what Due returns at r.At.
func New(r Report, p Policy) *Incident {
	inc := &Incident{
		ID:           r.ID,
		Reporter:     r.Reporter,
		ReporterName: r.ReporterName,
		Unit:         r.Unit,
		UnitName:     r.UnitName,
		ReportedAt:   r.At,
		Text:         r.Text,
		WrittenDue:   r.At.Add(p.WrittenWithin),
		Timeline:     []Entry{{At: r.At, Type: EntryReport, By: r.Reporter, Text: r.Text}},
	}
	SetFacts(inc, r.Facts, p)
	Refresh(inc, r.At)
	return inc
}

// SetFacts replaces what is known about the event (a 续报 may bring new
// counts) and ranks it again. Failing safe, the rules only ever raise the
// level: a leader lowers it (Grade), and a leader's level stands until the
// rules rank the facts higher than they did when the leader decided.
func SetFacts(inc *Incident, f Facts, p Policy) {
	inc.Facts = f
	level, why := Severity(f, p)
	if g := inc.Graded; g != nil {
		if Rank(level) <= Rank(g.Ruled) {
			return
		}
		inc.Graded = nil
	}
	if Rank(level) >= Rank(inc.Severity) {
		inc.Severity, inc.Why = level, why
	}
}

// Grade records a leader's level with its reason (may be empty) and keeps
// it in the timeline. Whether by is a leader is the caller's check.
func Grade(inc *Incident, by, level, reason string, now time.Time, p Policy) error {
	if inc.Closed {
		return fmt.Errorf("incident: grade %s: %w", inc.ID, ErrClosed)
	}
	if Rank(level) < 0 {
		return fmt.Errorf("incident: grade %s as %q: %w", inc.ID, level, ErrLevel)
	}
	reason = strings.TrimSpace(reason)
	ruled, _ := Severity(inc.Facts, p)
	change := fmt.Sprintf(changeLevel, inc.Severity, level)
	inc.Graded = &Grading{Level: level, By: by, At: now, Reason: reason, Ruled: ruled}
	inc.Severity = level
	inc.Why = []string{strings.TrimSuffix(whyGraded+"："+reason, "：")}
	inc.Timeline = append(inc.Timeline, Entry{At: now, Type: EntryGraded, By: by, Text: orText(reason, change),
		Changes: []string{change}})
	Refresh(inc, now)
	return nil
}

// Refresh brings the stored WrittenState up to date for now.
func Refresh(inc *Incident, now time.Time) {
	inc.WrittenState = WrittenState(inc, now)
}

// Acked reports whether a leader has acknowledged the incident.
func (inc *Incident) Acked() bool { return inc.AckedAt != nil }

// Ack records member's acknowledgement. The first one wins: later ones get
// ErrAlreadyAcked (the first acknowledger is in inc.AckedBy). Whether member
// may acknowledge (a leader) is the caller's check.
func Ack(inc *Incident, member string, now time.Time) error {
	if inc.Closed {
		return fmt.Errorf("incident: ack %s: %w", inc.ID, ErrClosed)
	}
	if inc.Acked() {
		return fmt.Errorf("incident: ack %s by %s (first was %s): %w", inc.ID, member, inc.AckedBy, ErrAlreadyAcked)
	}
	inc.AckedBy = member
	inc.AckedAt = &now
	inc.Timeline = append(inc.Timeline, Entry{At: now, Type: EntryAck, By: member, Text: msgAcked})
	Refresh(inc, now)
	return nil
}

// Written records the written report (书面报告) and returns its state,
// WrittenOnTime or WrittenLate. A second written report is kept in the
// timeline and replaces the text; the state stays that of the first.
func Written(inc *Incident, by, text string, now time.Time) (string, error) {
	text = strings.TrimSpace(text)
	if inc.Closed {
		return "", fmt.Errorf("incident: written report for %s: %w", inc.ID, ErrClosed)
	}
	if text == "" {
		return "", fmt.Errorf("incident: written report for %s: %w", inc.ID, ErrEmpty)
	}
	if inc.WrittenAt == nil {
		inc.WrittenAt = &now
	}
	inc.WrittenText = text
	inc.Timeline = append(inc.Timeline, Entry{At: now, Type: EntryWritten, By: by, Text: text})
	Refresh(inc, now)
	return inc.WrittenState, nil
}

// WrittenState says where the written report stands at now: on_time or late
// once received, pending before the deadline, missing after it.
func WrittenState(inc *Incident, now time.Time) string {
	switch {
	case inc.WrittenAt != nil && !inc.WrittenAt.After(inc.WrittenDue):
		return WrittenOnTime
	case inc.WrittenAt != nil:
		return WrittenLate
	case now.Before(inc.WrittenDue):
		return WrittenPending
	default:
		return WrittenMissing
	}
}

// FollowUp appends a 续报 (progress, measures, cause and consequence,
// lessons) to the timeline.
func FollowUp(inc *Incident, by, text string, now time.Time) error {
	text = strings.TrimSpace(text)
	if inc.Closed {
		return fmt.Errorf("incident: follow-up to %s: %w", inc.ID, ErrClosed)
	}
	if text == "" {
		return fmt.Errorf("incident: follow-up to %s: %w", inc.ID, ErrEmpty)
	}
	inc.Timeline = append(inc.Timeline, Entry{At: now, Type: EntryFollowUp, By: by, Text: text})
	Refresh(inc, now)
	return nil
}

// Close closes the incident (结案); nothing more is pushed for it and
// follow-ups are refused. Who may close is the caller's check.
func Close(inc *Incident, by, text string, now time.Time) error {
	if inc.Closed {
		return fmt.Errorf("incident: close %s: %w", inc.ID, ErrClosed)
	}
	inc.Closed = true
	inc.ClosedAt = &now
	inc.ClosedBy = by
	text = strings.TrimSpace(text)
	if text == "" {
		text = msgClosed
	}
	inc.Timeline = append(inc.Timeline, Entry{At: now, Type: EntryClose, By: by, Text: text})
	Refresh(inc, now)
	return nil
}
