package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// BenchmarkFormRoundTrips is the store's work for one attendance form, in
// the order the app does it: the dedupe look-up, the form stored with its
// claim (attendance.Service.Submit: entry, indexes, history, month records,
// teacher notices), the reply remembered, and the outbox loop's scan and
// delivery of the notices. One form at a time, so that on PostgreSQL
// (BAOSONG_TEST_PG) trips/form is the round trips one form costs; on bbolt
// it is 0.
func BenchmarkFormRoundTrips(b *testing.B) {
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		b.Fatal(err)
	}
	dir, err := org.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	loc := cfg.Location()
	now := time.Date(2027, 7, 20, 12, 0, 0, 0, loc)
	db, trips, err := store.OpenCounting(b.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	att := attendance.New(cfg.Policies.Attendance, cfg.Policies.Outing, dir, db, func() time.Time { return now })
	dues := att.Schedule.Between(time.Date(2026, 9, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 10, 0, 0, 0, 0, loc))
	var cadres []*org.Member
	for _, m := range dir.Members() {
		if m.Has(org.Cadre) && len(dir.Roster(m.Units[0])) > 1 {
			cadres = append(cadres, m)
		}
	}
	ctx := context.Background()
	form := func(i int) {
		m := cadres[i%len(cadres)]
		unit := m.Units[0]
		roster := dir.Roster(unit)
		n := i / len(cadres)
		key := fmt.Sprintf("local|bench-%d", i)
		if _, found, err := db.Seen(ctx, key); err != nil || found {
			b.Fatalf("seen %s: %v %v", key, found, err)
		}
		res, err := att.Submit(bot.WithClaim(ctx, bot.Claim{Key: key, Nonce: fmt.Sprint(i)}), attendance.Message{
			Member: m, Unit: unit, At: dues[n%len(dues)].Add(-2 * time.Hour), Text: "考勤",
			Rows: []attendance.Row{
				{Type: attendance.Absent, Student: roster[n%len(roster)].Name, Hours: 2},
				{Type: attendance.LateReturn, Student: roster[(n+1)%len(roster)].Name, Time: "23:10"},
			}})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Remember(ctx, key, []string{"已收到 " + res.Entry.ID}); err != nil {
			b.Fatal(err)
		}
		due, err := db.Scan(now, 1000, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range due {
			if err := db.Delivered(it.Seq); err != nil {
				b.Fatal(err)
			}
		}
	}
	form(0) // the statements prepared, the buckets made
	var before int64
	if trips != nil {
		before = trips.Load()
	}
	i := 1
	for b.Loop() {
		form(i)
		i++
	}
	if trips != nil {
		b.ReportMetric(float64(trips.Load()-before)/float64(b.N), "trips/form")
	}
}
