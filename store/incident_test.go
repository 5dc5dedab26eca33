package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/incident"
)

func TestIncidentRecordPushesAndIndexCommitTogether(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	ctx := context.Background()
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	push := func(key string) bot.Notification {
		return bot.Notification{Key: key, To: bot.Recipient{Member: "leader-1"}, Text: key}
	}
	for i, day := range []int{0, 1, 40} {
		_, err := db.CreateIncident(ctx, func(id string) (*incident.Incident, incident.Change, error) {
			inc := &incident.Incident{ID: id, Reporter: "teacher-g1c1", ReportedAt: at.AddDate(0, 0, day)}
			ch := incident.Change{Action: "report", Pushes: []bot.Notification{push(id + "|alert")}}
			if i != 1 {
				ch.Next = inc.ReportedAt.Add(10 * time.Minute)
			}
			return inc, ch, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := db.Depth(); d != 3 {
		t.Fatalf("outbox depth %d, want 3", d)
	}
	active, err := db.ActiveIncidents()
	if err != nil || len(active) != 2 || active[0].ID != "E1" || active[1].ID != "E3" {
		t.Fatalf("active %v %v", active, err)
	}
	// The clock is told the earliest instant the stored changes need it, once.
	if due := db.IncidentDue(); !due.Equal(at.Add(10 * time.Minute)) {
		t.Errorf("incident clock due %v, want E1's 12:10", due)
	}
	if due := db.IncidentDue(); !due.IsZero() {
		t.Errorf("incident clock due %v again", due)
	}

	// An error from fn writes nothing: no record change, no push, no history.
	boom := errors.New("boom")
	_, err = db.UpdateIncident(ctx, "E1", func(inc *incident.Incident) (incident.Change, error) {
		inc.Closed = true
		return incident.Change{Action: "close", Pushes: []bot.Notification{push("E1|closed")}}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update error %v", err)
	}
	inc, err := db.Incident("E1")
	if err != nil || inc.Closed {
		t.Fatalf("rolled-back change is visible: %+v %v", inc, err)
	}
	if d, _ := db.Depth(); d != 3 {
		t.Errorf("rolled-back push queued: depth %d", d)
	}
	if h, _ := db.HistoryOf("E1"); len(h) != 1 {
		t.Errorf("history %+v", h)
	}

	// A change that leaves nothing scheduled takes the incident off the index.
	if _, err := db.UpdateIncident(ctx, "E1", func(inc *incident.Incident) (incident.Change, error) {
		inc.Closed = true
		return incident.Change{Action: "close"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if active, _ := db.ActiveIncidents(); len(active) != 1 || active[0].ID != "E3" {
		t.Errorf("active after close %v", active)
	}

	for _, id := range []string{"E9", "A1", "x"} {
		if _, err := db.UpdateIncident(ctx, id, func(*incident.Incident) (incident.Change, error) {
			return incident.Change{}, nil
		}); !errors.Is(err, incident.ErrNotFound) {
			t.Errorf("update %s: %v", id, err)
		}
		if _, err := db.Incident(id); !errors.Is(err, incident.ErrNotFound) {
			t.Errorf("get %s: %v", id, err)
		}
	}

	latest, _ := db.LatestIncidents(2, func(inc *incident.Incident) bool { return true })
	if len(latest) != 2 || latest[0].ID != "E3" || latest[1].ID != "E2" {
		t.Errorf("latest %v", latest)
	}
	between, _ := db.IncidentsBetween(at, at.AddDate(0, 0, 30))
	if len(between) != 2 || between[0].ID != "E1" || between[1].ID != "E2" {
		t.Errorf("between %v", between)
	}
}
