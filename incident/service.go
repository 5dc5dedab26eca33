package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

// Errors of the Service besides those of the rules (ErrClosed,
// ErrAlreadyAcked, ErrEmpty).
var (
	ErrNotFound  = errors.New("incident not found")
	ErrForbidden = errors.New("not allowed for this incident")
)

// Change is what one state change writes besides the record, in the same
// transaction: a history line, the pushes to queue, and whether the incident
// stays in the clock's index of active incidents.
type Change struct {
	Action string // history action ("report", "ack", …); "" writes none
	Detail string
	Pushes []bot.Notification
	// Next is when the clock next has something to do for the incident
	// (the time of the change when a step is due now); zero when nothing is
	// due or scheduled any more. An incident with a Next stays in the index
	// the clock reads; the clock never looks at the others.
	Next time.Time
}

// Store persists incidents. Every function that changes one runs in one
// durable transaction that also writes the history and queues the pushes,
// so a change and its notifications commit or vanish together. fn may run
// more than once (batched transactions are retried one by one): it must
// only change the incident it is given and return what to write.
type Store interface {
	// CreateIncident allocates the next E<n> and stores what fn builds.
	CreateIncident(ctx context.Context, fn func(id string) (*Incident, Change, error)) (*Incident, error)
	// UpdateIncident loads the incident, lets fn change it and stores it;
	// an error from fn writes nothing and is returned as is. An unknown id
	// is ErrNotFound.
	UpdateIncident(ctx context.Context, id string, fn func(*Incident) (Change, error)) (*Incident, error)
	// Incident loads one incident (ErrNotFound).
	Incident(id string) (*Incident, error)
	// ActiveIncidents lists the incidents of the index (Change.Next).
	ActiveIncidents() ([]*Incident, error)
	// LatestIncidents lists up to limit incidents for which keep is true,
	// newest first.
	LatestIncidents(limit int, keep func(*Incident) bool) ([]*Incident, error)
	// IncidentsBetween lists the incidents reported in [from, to), oldest first.
	IncidentsBetween(from, to time.Time) ([]*Incident, error)
	// Undelivered returns those of the push keys that were queued and are
	// not delivered (still waiting, or parked as failed).
	Undelivered(keys ...string) ([]string, error)
}

// Service runs urgent incidents over a Store: it applies the rules of this
// package, decides who is told what, and keeps the escalation and
// written-report clock (Tick). It holds no state of its own, so any number
// of Services over one store agree, and a restart resumes from the store.
type Service struct {
	store  Store
	policy Policy
	dir    *org.Directory
	now    func() time.Time
}

// NewService binds the rules to a store, a policy, the directory (names,
// units, roles, the office) and the clock.
func NewService(st Store, p Policy, dir *org.Directory, now func() time.Time) *Service {
	p.Levels = slices.Clone(p.Levels)
	for i, l := range p.Levels {
		p.Levels[i].Names = levelNames(dir, l)
	}
	return &Service{store: st, policy: p, dir: dir, now: now}
}

// levelNames names a level's members and groups for the texts:
// 王副校长、李校长、群“安全工作群”.
func levelNames(dir *org.Directory, l Level) string {
	var names []string
	for _, id := range l.Members {
		names = append(names, dir.MemberName(id))
	}
	for _, g := range l.Groups {
		names = append(names, "群“"+g+"”")
	}
	return strings.Join(names, "、")
}

// Policy is the policy the service applies.
func (s *Service) Policy() Policy { return s.policy }

// Reported is the outcome of Report, for the reporter's reply.
type Reported struct {
	*Incident
	Alerted []bot.Recipient // level 0 (but the reporter), pushed in the same transaction
	Missing []string        // what the written report should add (Missing)
	Upward  bool            // the upward report was drafted and sent to the office
}

// AlertKey is the key of the first alert's push to a recipient of level 0.
func (r *Reported) AlertKey(to bot.Recipient) string { return key(r.ID, "esc", 0, to) }

// Report records a first report (初报) by a member with the facts read from
// text, and queues the level-0 alerts (and, for 须报上级, the upward report
// to the office) in the same transaction.
func (s *Service) Report(ctx context.Context, reporter, text string, f Facts) (*Reported, error) {
	mem, ok := s.dir.Member(reporter)
	if !ok {
		return nil, fmt.Errorf("incident: report by %s: %w", reporter, ErrForbidden)
	}
	now := s.now()
	unit := ""
	if len(mem.Units) > 0 {
		unit = mem.Units[0]
	}
	var upward bool
	inc, err := s.store.CreateIncident(ctx, func(id string) (*Incident, Change, error) {
		inc := New(Report{
			ID: id, Reporter: mem.ID, ReporterName: mem.Name, Unit: unit, UnitName: s.unitName(unit),
			At: now, Text: text, Facts: f,
		}, s.policy)
		steps := Due(inc, s.policy, now)
		pushes := s.notices(inc, steps, nil)
		MarkSent(inc, steps, now)
		up := s.upward(inc, now)
		upward = len(up) > 0
		return inc, Change{Action: "report", Detail: inc.Severity, Pushes: append(pushes, up...),
			Next: s.next(inc, now)}, nil
	})
	if err != nil {
		return nil, err
	}
	var alerted []bot.Recipient
	if len(s.policy.Levels) > 0 {
		alerted = without(recipients(s.policy.Levels[0]), inc.Reporter)
	}
	return &Reported{Incident: inc, Alerted: alerted, Missing: Missing(inc.Facts), Upward: upward}, nil
}

// Ack records a leader's acknowledgement (收到 E3). The first one wins: the
// check and the write are one transaction, so of concurrent acknowledgements
// exactly one succeeds and the others get ErrAlreadyAcked with the incident
// as it is (AckedBy names the winner). The reporter and everyone alerted so
// far are told who acknowledged; escalation stops.
func (s *Service) Ack(ctx context.Context, member, id string) (*Incident, error) {
	mem, ok := s.dir.Member(member)
	if !ok || !mem.Has(org.Leader) {
		return nil, fmt.Errorf("incident: ack %s by %s: %w", id, member, ErrForbidden)
	}
	now := s.now()
	var current *Incident
	inc, err := s.store.UpdateIncident(ctx, id, func(inc *Incident) (Change, error) {
		current = inc
		if err := Ack(inc, member, now); err != nil {
			return Change{}, err
		}
		var pushes []bot.Notification
		text := fmt.Sprintf(noticeAcked, inc.ID, inc.Severity, s.name(member), clock(now, now), short(inc.Text))
		for _, to := range without(append([]bot.Recipient{{Member: inc.Reporter}}, s.Alerted(inc)...), member) {
			pushes = append(pushes, bot.Notification{Key: inc.ID + "|acked|" + to.String(), To: to,
				Title: "急报已确认 " + inc.ID, Text: text, At: now})
		}
		return Change{Action: "ack", Pushes: pushes, Next: s.next(inc, now)}, nil
	})
	if errors.Is(err, ErrAlreadyAcked) || errors.Is(err, ErrClosed) {
		return current, err
	}
	return inc, err
}

// Reader reads a follow-up's text against the facts known so far (see
// Merge); the Service calls it inside the transaction, on the stored facts.
type Reader func(known Facts) Facts

// FollowUp appends a 续报 by member and pushes it to whoever acknowledged
// (everyone alerted so far while nobody has). What read finds in the text is
// merged in (Amend): every change is kept in the timeline entry and pushed,
// and may raise the severity; an incident that becomes 须报上级 sends its
// upward report then. A time in a follow-up is that of the update (截至18时),
// never the event's. read may be nil.
func (s *Service) FollowUp(ctx context.Context, member, id, text string, read Reader) (*Incident, error) {
	now := s.now()
	return s.store.UpdateIncident(ctx, id, func(inc *Incident) (Change, error) {
		if !s.mayFollowUp(member, inc) {
			return Change{}, fmt.Errorf("incident: follow-up to %s by %s: %w", inc.ID, member, ErrForbidden)
		}
		if err := FollowUp(inc, member, text, now); err != nil {
			return Change{}, err
		}
		entry := &inc.Timeline[len(inc.Timeline)-1]
		if read != nil {
			add := read(inc.Facts)
			add.Time = time.Time{}
			entry.Changes = Amend(inc, add, s.policy)
		}
		n := len(inc.Timeline)
		body := fmt.Sprintf(noticeFollowUp, inc.ID, inc.Severity, s.name(member), clock(now, now), text) + changesText(entry.Changes)
		pushes := s.tell(inc, member, "续报 "+inc.ID, body, "followup|"+strconv.Itoa(n), now)
		pushes = append(pushes, s.upward(inc, now)...)
		return Change{Action: "followup", Detail: text, Pushes: pushes, Next: s.next(inc, now)}, nil
	})
}

// Written records the written report (书面报告) and returns the incident and
// whether it came on time (WrittenOnTime) or late (WrittenLate). It is
// pushed like a follow-up and read like one, except that its time, when the
// event's was not known yet, is the event's.
func (s *Service) Written(ctx context.Context, member, id, text string, read Reader) (*Incident, string, error) {
	now := s.now()
	var state string
	inc, err := s.store.UpdateIncident(ctx, id, func(inc *Incident) (Change, error) {
		if !s.mayWrite(member, inc) {
			return Change{}, fmt.Errorf("incident: written report for %s by %s: %w", inc.ID, member, ErrForbidden)
		}
		var err error
		if state, err = Written(inc, member, text, now); err != nil {
			return Change{}, err
		}
		entry := &inc.Timeline[len(inc.Timeline)-1]
		if read != nil {
			entry.Changes = Amend(inc, read(inc.Facts), s.policy)
		}
		n := len(inc.Timeline)
		body := fmt.Sprintf(noticeWritten, inc.ID, inc.Severity, s.name(member), clock(now, now), writtenWord[state], text) +
			changesText(entry.Changes)
		pushes := s.tell(inc, member, "书面报告 "+inc.ID, body, "written|"+strconv.Itoa(n), now)
		pushes = append(pushes, s.upward(inc, now)...)
		return Change{Action: "written", Detail: state, Pushes: pushes, Next: s.next(inc, now)}, nil
	})
	return inc, state, err
}

// Grade records a leader's level (定级 E3 一般|重大|须报上级 [理由]), keeps it
// in the timeline and tells the reporter and everyone alerted so far; a
// level of 须报上级 sends the upward report if it was not sent yet.
func (s *Service) Grade(ctx context.Context, member, id, level, reason string) (*Incident, error) {
	mem, ok := s.dir.Member(member)
	if !ok || !mem.Has(org.Leader) {
		return nil, fmt.Errorf("incident: grade %s by %s: %w", id, member, ErrForbidden)
	}
	now := s.now()
	return s.store.UpdateIncident(ctx, id, func(inc *Incident) (Change, error) {
		before := inc.Severity
		if err := Grade(inc, member, level, reason, now, s.policy); err != nil {
			return Change{}, err
		}
		n := len(inc.Timeline)
		body := fmt.Sprintf(noticeGraded, inc.ID, s.name(member), clock(now, now), before, level) + reasonText(reason) +
			"\n事由：" + short(inc.Text)
		var pushes []bot.Notification
		for _, to := range without(append([]bot.Recipient{{Member: inc.Reporter}}, s.Alerted(inc)...), member) {
			pushes = append(pushes, bot.Notification{Key: inc.ID + "|graded|" + strconv.Itoa(n) + "|" + to.String(), To: to,
				Title: "急报定级 " + inc.ID, Text: body, At: now})
		}
		pushes = append(pushes, s.upward(inc, now)...)
		return Change{Action: "grade", Detail: level, Pushes: pushes, Next: s.next(inc, now)}, nil
	})
}

// Close closes the incident (结案): a leader, the office or the head of the
// reporter's unit may. The reporter and whoever acknowledged (or was
// alerted) are told.
func (s *Service) Close(ctx context.Context, member, id, text string) (*Incident, error) {
	now := s.now()
	return s.store.UpdateIncident(ctx, id, func(inc *Incident) (Change, error) {
		if !s.mayClose(member, inc) {
			return Change{}, fmt.Errorf("incident: close %s by %s: %w", inc.ID, member, ErrForbidden)
		}
		if err := Close(inc, member, text, now); err != nil {
			return Change{}, err
		}
		body := fmt.Sprintf(noticeClosed, inc.ID, s.name(member), clock(now, now), inc.Timeline[len(inc.Timeline)-1].Text)
		pushes := s.tell(inc, member, "结案 "+inc.ID, body, "closed", now)
		return Change{Action: "close", Detail: text, Pushes: pushes}, nil
	})
}

// Tick is the incident clock's work (see Clock, which runs it at each due
// instant): for each active incident it queues the escalation rounds and
// written-report reminders or overdue notices due at now. What is due is decided again
// inside the transaction that queues it, on the state as stored then, so an
// acknowledgement that lands between the read and the write is never paged
// over; every push carries its step's key, so a second tick, a restart or
// two processes never send one twice.
func (s *Service) Tick(ctx context.Context, now time.Time) error {
	active, err := s.store.ActiveIncidents()
	if err != nil {
		return fmt.Errorf("incident: clock: %w", err)
	}
	var errs []error
	for _, inc := range active {
		steps := Due(inc, s.policy, now)
		if len(steps) == 0 && !s.next(inc, now).IsZero() {
			continue // nothing yet: no write
		}
		// The outbox is read before the transaction, not inside it.
		unreached, err := s.unreached(steps)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = s.store.UpdateIncident(ctx, inc.ID, func(inc *Incident) (Change, error) {
			steps := slices.DeleteFunc(Due(inc, s.policy, now), func(st Step) bool {
				_, read := unreached[st.Key]
				return st.Kind == StepUnreached && !read // due meanwhile: the next tick reads it
			})
			pushes := s.notices(inc, steps, unreached)
			MarkSent(inc, steps, now)
			ch := Change{Pushes: pushes, Next: s.next(inc, now)}
			if len(steps) > 0 {
				ch.Action, ch.Detail = "clock", stepSummary(steps)
			}
			return ch, nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("incident: clock: %w", err)
	}
	return nil
}

// Next returns when Tick next has something to do: now when a step is due,
// else the earliest instant a step of an active incident falls due (zero
// when none will).
func (s *Service) Next(now time.Time) (time.Time, error) {
	active, err := s.store.ActiveIncidents()
	if err != nil {
		return time.Time{}, fmt.Errorf("incident: clock: %w", err)
	}
	var next time.Time
	for _, inc := range active {
		if at := s.next(inc, now); !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next, nil
}

// Get loads one incident.
func (s *Service) Get(id string) (*Incident, error) { return s.store.Incident(id) }

// Open lists up to limit incidents not yet closed, newest first.
func (s *Service) Open(limit int) ([]*Incident, error) {
	return s.store.LatestIncidents(limit, func(inc *Incident) bool { return !inc.Closed })
}

// Latest lists up to limit incidents that keep accepts, newest first.
func (s *Service) Latest(limit int, keep func(*Incident) bool) ([]*Incident, error) {
	return s.store.LatestIncidents(limit, keep)
}

// ReportedBy lists up to limit incidents the member reported, newest first.
func (s *Service) ReportedBy(member string, limit int) ([]*Incident, error) {
	return s.store.LatestIncidents(limit, func(inc *Incident) bool { return inc.Reporter == member })
}

// Between lists the incidents reported in [from, to), oldest first.
func (s *Service) Between(from, to time.Time) ([]*Incident, error) {
	return s.store.IncidentsBetween(from, to)
}

// Alerted lists who has been alerted about the incident so far: every
// recipient of the levels up to the highest reached.
func (s *Service) Alerted(inc *Incident) []bot.Recipient {
	var out []bot.Recipient
	for lvl := 0; lvl <= inc.LevelReached && lvl < len(s.policy.Levels); lvl++ {
		for _, to := range recipients(s.policy.Levels[lvl]) {
			if !slices.Contains(out, to) {
				out = append(out, to)
			}
		}
	}
	return out
}

// Merge combines what a follow-up or the written report says with what was
// known and lists every change of a fact ("住院 1 → 0"). add is read against
// the known facts (parse.IncidentUpdate), so its counts are already the
// totals after the text: they replace the known ones. The loss only grows;
// the kind, category (once more than 其他), time and place are kept once
// known; a cause stated anew replaces the old one; measures accumulate.
func Merge(old, add Facts) (Facts, []string) {
	m := old
	var changes []string
	if m.Kind == "" {
		m.Kind = add.Kind
	}
	if (m.Category == "" || m.Category == CatOther) && add.Category != "" && add.Category != m.Category {
		m.Category = add.Category
		changes = append(changes, labelCategory+fmt.Sprintf(changeText, orText(old.Category, CatOther), add.Category))
	}
	fill := func(label string, dst *string, v string) {
		if *dst == "" && v != "" {
			*dst = v
			changes = append(changes, label+" → "+v)
		}
	}
	if m.Time.IsZero() && !add.Time.IsZero() {
		m.Time, m.TimeApprox = add.Time, add.TimeApprox
		changes = append(changes, labelTime+" → "+clock(add.Time, time.Time{}))
	}
	fill(labelPlace, &m.Place, add.Place)
	for _, c := range []struct {
		label    string
		dst      *int
		old, new int
	}{
		{"死亡", &m.Dead, old.Dead, add.Dead}, {"失踪", &m.Missing, old.Missing, add.Missing},
		{"受伤", &m.Injured, old.Injured, add.Injured}, {"重伤", &m.SeriouslyInjured, old.SeriouslyInjured, add.SeriouslyInjured},
		{"身体不适", &m.Ill, old.Ill, add.Ill}, {"住院", &m.Hospitalised, old.Hospitalised, add.Hospitalised},
	} {
		if c.new != c.old {
			*c.dst = c.new
			changes = append(changes, fmt.Sprintf(changeCount, c.label, c.old, c.new))
		}
	}
	if old.HospitalAssumed && !add.HospitalAssumed && add.Hospitalised == old.Hospitalised && add.Hospitalised > 0 {
		changes = append(changes, fmt.Sprintf(changeAdmit, add.Hospitalised))
	}
	m.HospitalAssumed, m.CountsApprox, m.NoHarm = add.HospitalAssumed, add.CountsApprox, add.NoHarm
	if add.LossKnown && (!m.LossKnown || add.LossYuan > m.LossYuan) {
		if m.LossKnown {
			changes = append(changes, fmt.Sprintf(changeLoss, lossText(old), lossText(add)))
		} else {
			changes = append(changes, fmt.Sprintf(changeLoss, unknown, lossText(add)))
		}
		m.LossYuan, m.LossApprox, m.LossKnown = add.LossYuan, add.LossApprox, true
	}
	if add.Cause != "" && add.Cause != m.Cause {
		changes = append(changes, labelCause+" "+fmt.Sprintf(changeText, orText(m.Cause, unknown), add.Cause))
		m.Cause = add.Cause
	}
	for _, part := range strings.Split(add.Measures, "，") {
		if part != "" && !strings.Contains(m.Measures, part) {
			m.Measures = strings.TrimPrefix(m.Measures+"，"+part, "，")
		}
	}
	if add.Help != "" {
		m.Help = add.Help
	}
	m.Serious = m.Serious || add.Serious
	m.Grave = slices.Clone(old.Grave)
	for _, g := range add.Grave {
		if !slices.Contains(m.Grave, g) {
			m.Grave = append(m.Grave, g)
			changes = append(changes, fmt.Sprintf(changeGrave, g))
		}
	}
	return m, changes
}

// Amend merges what a follow-up or the written report says into the
// incident, ranks it again (SetFacts) and returns every change, the level's
// included.
func Amend(inc *Incident, add Facts, p Policy) []string {
	before := inc.Severity
	f, changes := Merge(inc.Facts, add)
	SetFacts(inc, f, p)
	if inc.Severity != before {
		changes = append(changes, fmt.Sprintf(changeLevel, before, inc.Severity))
	}
	return changes
}

// notices turns due steps into pushes; a leader who reported the incident
// is not paged about it. A delivery check becomes a push to the reporter
// only when unreached (by step key) names someone not reached.
func (s *Service) notices(inc *Incident, steps []Step, unreached map[string][]bot.Recipient) []bot.Notification {
	out := make([]bot.Notification, 0, len(steps))
	for _, st := range steps {
		switch {
		case st.Level >= 0 && st.To.Member == inc.Reporter:
		case st.Kind == StepUnreached:
			if rs := unreached[st.Key]; len(rs) > 0 {
				out = append(out, bot.Notification{Key: st.Key, To: st.To, Title: "急报通知未送达 " + inc.ID,
					Text: fmt.Sprintf(noticeUnreached, inc.ID, inc.ID, s.names(rs)), At: st.At})
			}
		default:
			out = append(out, Notice(inc, st))
		}
	}
	return out
}

// unreached reads from the outbox, for each delivery check among steps,
// the recipients of its first pushes not delivered yet.
func (s *Service) unreached(steps []Step) (map[string][]bot.Recipient, error) {
	out := map[string][]bot.Recipient{}
	for _, st := range steps {
		if st.Kind != StepUnreached {
			continue
		}
		keys := make([]string, len(st.Checks))
		for i, c := range st.Checks {
			keys[i] = c.Key
		}
		left, err := s.store.Undelivered(keys...)
		if err != nil {
			return nil, fmt.Errorf("incident: delivery check %s: %w", st.Key, err)
		}
		var rs []bot.Recipient
		for _, c := range st.Checks {
			if slices.Contains(left, c.Key) {
				rs = append(rs, c.To)
			}
		}
		out[st.Key] = rs
	}
	return out, nil
}

// names lists recipients by name: 王副校长、群“值班群”.
func (s *Service) names(rs []bot.Recipient) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = s.name(r.Member)
		if r.Group != "" {
			out[i] = fmt.Sprintf(groupName, r.Group)
		}
	}
	return strings.Join(out, "、")
}

// upward drafts the upward report of a 须报上级 incident for the office
// members, once per incident.
func (s *Service) upward(inc *Incident, now time.Time) []bot.Notification {
	if inc.Severity != ReportUp || inc.UpwardAt != nil {
		return nil
	}
	text := UpwardReport(inc, s.dir.Name, inc.ReporterName, inc.UnitName)
	var out []bot.Notification
	for _, m := range s.dir.WithRole(org.Office) {
		out = append(out, bot.Notification{Key: inc.ID + "|upward|" + m.ID, To: bot.Recipient{Member: m.ID},
			Title: "须报上级 " + inc.ID, Text: noticeUpwardHead + text, At: now})
	}
	if len(out) > 0 {
		inc.UpwardAt = &now
	}
	return out
}

// tell pushes a timeline entry to those Told; kind makes the keys unique.
func (s *Service) tell(inc *Incident, author, title, text, kind string, now time.Time) []bot.Notification {
	var out []bot.Notification
	for _, to := range s.Told(inc, author) {
		out = append(out, bot.Notification{Key: inc.ID + "|" + kind + "|" + to.String(), To: to,
			Title: title, Text: text, At: now})
	}
	return out
}

// Told lists who hears about a follow-up, a written report or the closing
// by author: the reporter and the leader who acknowledged (everyone alerted
// so far while nobody has), without the author.
func (s *Service) Told(inc *Incident, author string) []bot.Recipient {
	followers := s.Alerted(inc)
	if inc.AckedBy != "" {
		followers = []bot.Recipient{{Member: inc.AckedBy}}
	}
	return without(append([]bot.Recipient{{Member: inc.Reporter}}, followers...), author)
}

// without drops repeated recipients and the member except.
func without(rs []bot.Recipient, except string) []bot.Recipient {
	out := make([]bot.Recipient, 0, len(rs))
	for _, r := range rs {
		if (r.Member == "" || r.Member != except) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// next is when the clock next has something to do for the incident: now
// when a step is due, else NextAt (zero: nothing more).
func (s *Service) next(inc *Incident, now time.Time) time.Time {
	if len(Due(inc, s.policy, now)) > 0 {
		return now
	}
	return NextAt(inc, s.policy, now)
}

func (s *Service) mayFollowUp(member string, inc *Incident) bool {
	mem, ok := s.dir.Member(member)
	return ok && (member == inc.Reporter || mem.Has(org.Leader, org.Office) || staffOf(mem, inc.Unit))
}

// mayWrite: the written report is the school's own account (篇4: late or
// missing reports are accountable), so besides the reporter only the office
// and the staff of the reporter's unit may file it — not its students.
func (s *Service) mayWrite(member string, inc *Incident) bool {
	mem, ok := s.dir.Member(member)
	return ok && (member == inc.Reporter || mem.Has(org.Office) || staffOf(mem, inc.Unit))
}

// staffOf reports whether the member works in the unit (a class's cadres are
// students and do not count).
func staffOf(mem *org.Member, unit string) bool {
	return unit != "" && mem.In(unit) && mem.Has(org.Teacher, org.Officer, org.UnitHead)
}

func (s *Service) mayClose(member string, inc *Incident) bool {
	mem, ok := s.dir.Member(member)
	return ok && (mem.Has(org.Leader, org.Office) || (inc.Unit != "" && mem.Has(org.UnitHead) && mem.In(inc.Unit)))
}

func (s *Service) name(member string) string { return s.dir.MemberName(member) }

func (s *Service) unitName(unit string) string {
	if unit == "" {
		return ""
	}
	return s.dir.UnitName(unit)
}

func stepSummary(steps []Step) string {
	counts := map[string]int{}
	var kinds []string
	for _, st := range steps {
		if counts[st.Kind] == 0 {
			kinds = append(kinds, st.Kind)
		}
		counts[st.Kind]++
	}
	out := ""
	for i, k := range kinds {
		if i > 0 {
			out += ", "
		}
		out += k + "×" + strconv.Itoa(counts[k])
	}
	return out
}
