package incident

import (
	"context"
	"log/slog"
	"time"
)

// Clock runs the Service's Tick at the instant the earliest step of any
// active incident falls due — an escalation round, a repeat, a
// written-report reminder or overdue notice, a delivery check — rather than
// on a minute tick: with ack_within = "4s" level 1 is paged 4 s after the
// report. It keeps a timer on the earliest due instant of the active
// incidents, computed at start and after every Tick, and brought forward
// whenever a stored change needs it sooner (a new incident, a follow-up…;
// an acknowledgement that makes it later costs at most one idle Tick). The
// instants come from the stored incidents, so a restarted process resumes
// the same clock.
type Clock struct {
	Service *Service
	// Changes tells of stored changes and when they need the clock.
	Changes Changes
	// Poll is the longest the clock sleeps without reading the Service's
	// clock, so that an injected clock that jumps (tests, `serve -now`) is
	// followed within Poll; default 250ms. A real clock wakes on the timer.
	Poll time.Duration
	Log  *slog.Logger
}

// Changes tells the clock of stored changes (the store implements it).
type Changes interface {
	// IncidentsChanged is signalled after a change was stored.
	IncidentsChanged() <-chan struct{}
	// IncidentDue returns, and forgets, the earliest Change.Next stored
	// since the last call (zero: none).
	IncidentDue() time.Time
}

// Run keeps the clock until ctx is cancelled.
func (c *Clock) Run(ctx context.Context) {
	poll := c.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	var next time.Time
	stale := true
	for ctx.Err() == nil {
		now := c.Service.now()
		if stale {
			n, err := c.Service.Next(now)
			if err != nil {
				log.Error("incident clock: read the active incidents", "err", err)
			}
			next, stale = n, err != nil
		}
		wait := poll
		if !next.IsZero() {
			if !now.Before(next) {
				if err := c.Service.Tick(ctx, now); err != nil {
					log.Error("incident clock", "err", err)
				} else {
					stale = true
					continue
				}
			} else {
				wait = min(wait, next.Sub(now))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-c.Changes.IncidentsChanged():
			if at := c.Changes.IncidentDue(); !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
		case <-t.C:
		}
		t.Stop()
	}
}
