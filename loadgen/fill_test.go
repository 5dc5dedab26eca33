package loadgen_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baosong/baosong/loadgen"
	"github.com/baosong/baosong/store"
)

// Fill writes a month of records for a small school: every class's forms
// for every due time, the items and the incidents asked for, each incident
// closed, and no push left queued.
func TestFillAMonth(t *testing.T) {
	cfg := generated(t, loadgen.Scale{Classes: 3, Students: 10, Staff: 40}, "http://127.0.0.1:1")
	dir := t.TempDir()
	loc := cfg.Location()
	o := loadgen.FillOptions{From: time.Date(2025, 11, 1, 0, 0, 0, 0, loc), To: time.Date(2025, 12, 1, 0, 0, 0, 0, loc),
		Items: 12, Incidents: 3}
	res, err := loadgen.Fill(context.Background(), cfg, dir, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(prefix string) int {
		t.Helper()
		recs, err := db.Records(prefix)
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	// About eight forms a month per class, a third of them with a second entry.
	if n := count("A"); n != res.Forms || n < 3*8 || n > 3*12*4/3 {
		t.Errorf("%d attendance entries stored, %d reported", n, res.Forms)
	}
	if n := count("S"); n != 12 || res.Items != 12 {
		t.Errorf("%d items stored, %d reported", n, res.Items)
	}
	recs, err := db.Records("E")
	if err != nil || len(recs) != 3 || res.Incidents != 3 {
		t.Fatalf("%d incidents stored (%v), %d reported", len(recs), err, res.Incidents)
	}
	for _, raw := range recs {
		var inc struct {
			ID     string `json:"id"`
			Closed bool   `json:"closed"`
		}
		if err := json.Unmarshal(raw, &inc); err != nil || !inc.Closed {
			t.Errorf("incident %s not closed: %s", inc.ID, raw)
		}
	}
	if d, err := db.Depth(); d != 0 || err != nil || res.Pushes == 0 {
		t.Errorf("%d pushes left queued (%v), %d delivered", d, err, res.Pushes)
	}
}
