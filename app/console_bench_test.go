package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/loadgen"
)

// BenchmarkConsolePages renders every console page for the office (the
// widest scope) over the load generator's school (60 classes, 3,000
// students) after a school year of records written by loadgen -fill
// (every form, 5,000 items, 120 incidents), straight through the app's
// handler: server time only (SPEC §12: ≤ 50 ms a page). It reports each
// page's size (< 100 KB without the scripts).
func BenchmarkConsolePages(b *testing.B) {
	cfg, _ := wecomSchool(b, loadgen.DefaultScale)
	cfg.Console.Enabled = true
	loc := cfg.Location()
	now := time.Date(2026, 6, 24, 10, 0, 0, 0, loc) // a Wednesday near the year's end
	dir := b.TempDir()
	o := loadgen.FillOptions{From: time.Date(2025, 9, 1, 0, 0, 0, 0, loc), To: now, Items: 5000, Incidents: 120}
	if _, err := loadgen.Fill(context.Background(), cfg, dir, o, nil); err != nil {
		b.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, Data: dir, Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	link, _, err := a.Console.Link("office-1")
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(link)
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", u.RequestURI(), nil))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("login: %d", rec.Code)
	}
	for _, p := range []struct{ name, path string }{
		{"today", "/"}, {"today-quota", "/today/quota"}, {"attendance", "/attendance"}, {"incidents", "/incidents"}, {"incident", "/incidents/E120"},
		{"desk", "/desk"}, {"desk-year", "/desk?p=2026"}, {"charts", "/charts"}, {"schedule", "/schedule"},
	} {
		b.Run(p.name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(cookies[0])
				w := httptest.NewRecorder()
				a.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", p.path, w.Code, w.Body.String())
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size)/1024, "KB")
			if size > 100<<10 {
				b.Errorf("%s is %d bytes, over 100 KB", p.path, size)
			}
		})
	}
}
