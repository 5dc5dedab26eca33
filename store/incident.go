package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/baosong/baosong/incident"
)

// The incident store (incident.Store): every change writes the record, a
// history line and its pushes in one transaction, and keeps
// bucketIncidentActive, the index the incident clock reads, up to date.

// CreateIncident allocates the next E<n> and stores what fn builds.
func (s *DB) CreateIncident(ctx context.Context, fn func(id string) (*incident.Incident, incident.Change, error)) (*incident.Incident, error) {
	var out *incident.Incident
	var next time.Time
	err := s.update(ctx, func(t *Tx) error {
		id, err := t.NextID("E")
		if err != nil {
			return err
		}
		inc, ch, err := fn(id)
		if err != nil {
			return err
		}
		if inc.ID != id {
			return fmt.Errorf("store: incident built as %q, allocated %s", inc.ID, id)
		}
		out, next = inc, ch.Next
		return t.saveIncident(inc, ch)
	})
	if err != nil {
		return nil, err
	}
	s.incidentDue(next)
	return out, nil
}

// incidentDue tells the incident clock that a stored change needs it at
// next (zero: not at all).
func (s *DB) incidentDue(next time.Time) {
	if next.IsZero() {
		return
	}
	s.imu.Lock()
	if s.nextIncident.IsZero() || next.Before(s.nextIncident) {
		s.nextIncident = next
	}
	s.imu.Unlock()
	notify(s.incidents)
}

// IncidentDue returns, and forgets, the earliest instant a change stored
// since the last call needs the incident clock (zero: none).
func (s *DB) IncidentDue() time.Time {
	s.imu.Lock()
	defer s.imu.Unlock()
	next := s.nextIncident
	s.nextIncident = time.Time{}
	return next
}

// IncidentsChanged is signalled after an incident was stored with
// something for the incident clock to do (see IncidentDue).
func (s *DB) IncidentsChanged() <-chan struct{} { return s.incidents }

// UpdateIncident loads the incident, lets fn change it and stores it with
// its history line and pushes. An error from fn writes nothing and is
// returned as is; an unknown id is incident.ErrNotFound.
func (s *DB) UpdateIncident(ctx context.Context, id string, fn func(*incident.Incident) (incident.Change, error)) (*incident.Incident, error) {
	var out *incident.Incident
	var next time.Time
	err := s.update(ctx, func(t *Tx) error {
		inc, err := t.incident(id)
		if err != nil {
			return err
		}
		ch, err := fn(inc)
		if err != nil {
			return err
		}
		out, next = inc, ch.Next
		return t.saveIncident(inc, ch)
	})
	if err != nil {
		return nil, err
	}
	s.incidentDue(next)
	return out, nil
}

// Incident loads one incident.
func (s *DB) Incident(id string) (*incident.Incident, error) {
	var out *incident.Incident
	err := s.view(func(t *Tx) error {
		var err error
		out, err = t.incident(id)
		return err
	})
	return out, err
}

// ActiveIncidents lists the incidents in the clock's index, oldest first.
func (s *DB) ActiveIncidents() ([]*incident.Incident, error) {
	var out []*incident.Incident
	err := s.view(func(t *Tx) error {
		b := t.bucket(bucketIncident)
		return t.bucket(bucketIncidentActive).ForEach(func(k, _ []byte) error {
			raw := b.Get(k)
			if raw == nil {
				return nil // cannot happen: the index is written with the record
			}
			inc := new(incident.Incident)
			if err := json.Unmarshal(raw, inc); err != nil {
				return fmt.Errorf("store: decode incident in the active index: %w", err)
			}
			out = append(out, inc)
			return nil
		})
	})
	return out, err
}

// LatestIncidents lists up to limit incidents for which keep is true,
// newest first.
func (s *DB) LatestIncidents(limit int, keep func(*incident.Incident) bool) ([]*incident.Incident, error) {
	var out []*incident.Incident
	err := s.view(func(t *Tx) error {
		c := t.bucket(bucketIncident).Cursor()
		for k, raw := c.Last(); k != nil && len(out) < limit; k, raw = c.Prev() {
			inc := new(incident.Incident)
			if err := json.Unmarshal(raw, inc); err != nil {
				return fmt.Errorf("store: decode incident: %w", err)
			}
			if keep(inc) {
				out = append(out, inc)
			}
		}
		return nil
	})
	return out, err
}

// IncidentsBetween lists the incidents reported in [from, to), oldest first.
func (s *DB) IncidentsBetween(from, to time.Time) ([]*incident.Incident, error) {
	var out []*incident.Incident
	err := s.view(func(t *Tx) error {
		return Each(t, "E", func(inc *incident.Incident) bool {
			if !inc.ReportedAt.Before(from) && inc.ReportedAt.Before(to) {
				out = append(out, inc)
			}
			return true
		})
	})
	return out, err
}

func (t *Tx) incident(id string) (*incident.Incident, error) {
	if prefix, _, ok := ParseID(id); !ok || prefix != "E" {
		return nil, fmt.Errorf("store: %q: %w", id, incident.ErrNotFound)
	}
	inc := new(incident.Incident)
	if err := t.Get(id, inc); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("store: %s: %w", id, incident.ErrNotFound)
		}
		return nil, err
	}
	return inc, nil
}

func (t *Tx) saveIncident(inc *incident.Incident, ch incident.Change) error {
	if err := t.Put(inc.ID, inc); err != nil {
		return err
	}
	if ch.Action != "" {
		if err := t.Record(inc.ID, ch.Action, ch.Detail, t.Now()); err != nil {
			return err
		}
	}
	if _, err := t.Enqueue(ch.Pushes...); err != nil {
		return err
	}
	_, n, _ := ParseID(inc.ID)
	idx := t.bucket(bucketIncidentActive)
	if !ch.Next.IsZero() {
		t.announce(announceIncident + strconv.FormatInt(ch.Next.UnixNano(), 10))
		return idx.Put(u64(n), nil)
	}
	return idx.Delete(u64(n))
}
