package incident

import (
	"slices"
	"strconv"
	"time"

	"github.com/baosong/baosong/bot"
)

// Step kinds.
const (
	StepAlert    = "alert"    // first push to level 0 (round 0)
	StepEscalate = "escalate" // first push to a higher level
	StepRenotify = "renotify" // the same level again: still not acknowledged
	StepRemind   = "remind"   // written-report reminder to the reporter
	StepOverdue  = "overdue"  // written report not received by the deadline: level 0
	// StepUnreached tells the reporter, CheckAfter after a round that paged
	// someone for the first time, which of those first pushes are still not
	// delivered, so that a person phones (Checks lists them; the Service
	// asks the outbox).
	StepUnreached = "unreached"
)

// Step is one push that is due. Key is stable across restarts
// ("E3|esc|2|leader-2", "E3|remind|1|teacher-g1c1", "E3|overdue|0|group:safety"):
// the outbox refuses a key it has seen, and MarkSent records it in the
// incident so that Due does not return it again.
type Step struct {
	Key     string
	Kind    string
	Round   int // escalation round (0 = first report) or reminder number (1, 2, …)
	Level   int // escalation level of the recipient; -1 for the reporter
	To      bot.Recipient
	Mention []string  // members of the level to @mention in a group push
	Names   string    // who the level is, for the texts (Level.Names)
	At      time.Time // when it fell due
	Checks  []Step    // StepUnreached: the first pushes whose delivery it checks
}

// Due returns what must be pushed at now, given the stored incident and the
// policy; nothing for a closed incident.
//
// Escalation: round 0 at the report pushes to level 0; round r ≥ 1, at
// AckWithin + (r-1)·RepeatEvery, pushes to level min(r, len(Levels)-1) and
// re-notifies the levels below; at most MaxRepeats rounds; nothing once
// acknowledged. Written report: reminders to the reporter at the scaled
// Reminders offsets, then the overdue notice to level 0 at the deadline;
// nothing once the written report is in.
//
// After downtime only the latest due round and the latest due reminder are
// returned (older ones are superseded), so a restart never floods.
func Due(inc *Incident, p Policy, now time.Time) []Step {
	if inc.Closed {
		return nil
	}
	var steps []Step
	add := func(s Step) {
		if _, sent := inc.Sent[s.Key]; !sent {
			steps = append(steps, s)
		}
	}
	if !inc.Acked() {
		if r, at, ok := latestRound(inc.ReportedAt, p, now); ok {
			for _, s := range roundSteps(inc, p, r, at) {
				add(s)
			}
		}
		for _, c := range checks(inc, p) {
			if !now.Before(c.At) {
				add(c)
			}
		}
	}
	if inc.WrittenAt == nil {
		if now.Before(inc.WrittenDue) {
			if i, at, ok := latestReminder(inc, p, now); ok {
				add(Step{
					Key: key(inc.ID, "remind", i, bot.Recipient{Member: inc.Reporter}), Kind: StepRemind,
					Round: i, Level: -1, To: bot.Recipient{Member: inc.Reporter}, At: at,
				})
			}
		} else if len(p.Levels) > 0 {
			for _, to := range recipients(p.Levels[0]) {
				add(Step{
					Key: key(inc.ID, "overdue", 0, to), Kind: StepOverdue,
					Level: 0, To: to, Mention: mention(p.Levels[0], to), At: inc.WrittenDue,
				})
			}
		}
	}
	return steps
}

// MarkSent records that steps were queued at `at` (in the same transaction
// as the outbox entries): Due will not return them again. The first push to
// a higher level is noted in the timeline and in LevelReached.
func MarkSent(inc *Incident, steps []Step, at time.Time) {
	if inc.Sent == nil {
		inc.Sent = make(map[string]time.Time, len(steps))
	}
	for _, s := range steps {
		if _, dup := inc.Sent[s.Key]; dup {
			continue
		}
		inc.Sent[s.Key] = at
		switch s.Kind {
		case StepEscalate:
			if s.Level > inc.LevelReached {
				inc.LevelReached = s.Level
				inc.Timeline = append(inc.Timeline, Entry{At: at, Type: EntryEscalated, Text: escalatedText(s)})
			}
		case StepRemind:
			inc.Reminders++
		}
	}
	Refresh(inc, at)
}

// NextAt returns when Due will next have something for the incident, or the
// zero time when nothing more is scheduled (acknowledged and written, or
// closed). A scheduler may use it to sleep; Due alone is enough to be correct.
func NextAt(inc *Incident, p Policy, now time.Time) time.Time {
	if inc.Closed {
		return time.Time{}
	}
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if !inc.Acked() && len(p.Levels) > 0 {
		for r := 1; r <= p.MaxRepeats; r++ {
			consider(roundAt(inc.ReportedAt, p, r))
		}
		for _, c := range checks(inc, p) {
			if _, done := inc.Sent[c.Key]; !done {
				consider(c.At)
			}
		}
	}
	if inc.WrittenAt == nil {
		for _, o := range p.Reminders {
			consider(inc.ReportedAt.Add(scaled(o, inc.WrittenDue.Sub(inc.ReportedAt))))
		}
		consider(inc.WrittenDue)
	}
	return next
}

func roundAt(t0 time.Time, p Policy, r int) time.Time {
	if r == 0 {
		return t0
	}
	return t0.Add(p.AckWithin + time.Duration(r-1)*p.RepeatEvery)
}

// latestRound is the last escalation round due at now.
func latestRound(t0 time.Time, p Policy, now time.Time) (int, time.Time, bool) {
	if len(p.Levels) == 0 || now.Before(t0) {
		return 0, time.Time{}, false
	}
	r := 0
	for r < p.MaxRepeats && !now.Before(roundAt(t0, p, r+1)) {
		r++
	}
	return r, roundAt(t0, p, r), true
}

// roundSteps lists the pushes of round r: every level up to the top one, each
// recipient once (at its lowest level).
func roundSteps(inc *Incident, p Policy, r int, at time.Time) []Step {
	top := min(r, len(p.Levels)-1)
	seen := map[bot.Recipient]bool{}
	var steps []Step
	for lvl := 0; lvl <= top; lvl++ {
		kind := StepRenotify
		switch {
		case r == 0:
			kind = StepAlert
		case lvl > inc.LevelReached:
			kind = StepEscalate
		}
		for _, to := range recipients(p.Levels[lvl]) {
			if seen[to] {
				continue
			}
			seen[to] = true
			steps = append(steps, Step{
				Key: key(inc.ID, "esc", r, to), Kind: kind, Round: r,
				Level: lvl, To: to, Mention: mention(p.Levels[lvl], to), Names: p.Levels[lvl].Names, At: at,
			})
		}
	}
	return steps
}

// checks lists the delivery checks of the rounds sent so far: for each
// round that paged recipients for the first time (the first alert, an
// escalation to a new level, or a round that followed downtime), a check
// CheckAfter after the round was queued, covering those first pushes.
func checks(inc *Incident, p Policy) []Step {
	if len(p.Levels) == 0 || p.CheckAfter <= 0 {
		return nil
	}
	paged := map[bot.Recipient]bool{}
	var out []Step
	for r := 0; r <= p.MaxRepeats; r++ {
		var first []Step
		var at time.Time
		for _, s := range roundSteps(inc, p, r, roundAt(inc.ReportedAt, p, r)) {
			sent, ok := inc.Sent[s.Key]
			if !ok {
				continue
			}
			if at.IsZero() || sent.Before(at) {
				at = sent
			}
			if !paged[s.To] {
				paged[s.To] = true
				first = append(first, s)
			}
		}
		if len(first) > 0 {
			to := bot.Recipient{Member: inc.Reporter}
			out = append(out, Step{Key: key(inc.ID, StepUnreached, r, to), Kind: StepUnreached, Round: r,
				Level: -1, To: to, At: at.Add(p.CheckAfter), Checks: first})
		}
	}
	return out
}

// latestReminder is the last written-report reminder due at now (1-based).
func latestReminder(inc *Incident, p Policy, now time.Time) (int, time.Time, bool) {
	window := inc.WrittenDue.Sub(inc.ReportedAt)
	best, at := 0, time.Time{}
	for i, o := range p.Reminders {
		t := inc.ReportedAt.Add(scaled(o, window))
		if !now.Before(t) {
			best, at = i+1, t
		}
	}
	return best, at, best > 0
}

// scaled maps a reminder offset written for ReminderBase onto window.
func scaled(offset, window time.Duration) time.Duration {
	if window == ReminderBase {
		return offset
	}
	return time.Duration(float64(offset) * float64(window) / float64(ReminderBase))
}

func recipients(l Level) []bot.Recipient {
	rs := make([]bot.Recipient, 0, len(l.Members)+len(l.Groups))
	for _, m := range l.Members {
		rs = append(rs, bot.Recipient{Member: m})
	}
	for _, g := range l.Groups {
		rs = append(rs, bot.Recipient{Group: g})
	}
	return rs
}

func mention(l Level, to bot.Recipient) []string {
	if to.Group == "" {
		return nil
	}
	return slices.Clone(l.Members)
}

func key(id, kind string, n int, to bot.Recipient) string {
	return id + "|" + kind + "|" + strconv.Itoa(n) + "|" + to.String()
}
