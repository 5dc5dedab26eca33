package app_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/internal/testorg"
)

// BenchmarkLocalHook measures a help message through the local hook's HTTP
// handler with its durable (fsynced) dedupe write, from parallel clients.
func BenchmarkLocalHook(b *testing.B) {
	noLimit := func(c *config.Config) { c.Server.RatePerMinute = 0 }
	a, err := app.New(app.Options{Config: testorg.Config(b, noLimit), Data: b.TempDir(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	var seq atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"from":"cadre-g1c1","text":"帮助","id":"bench-%d"}`, seq.Add(1))
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/hook/local", strings.NewReader(body))
			req.RemoteAddr = "127.0.0.1:40000" // the local hook answers loopback callers while local_token is empty
			a.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "您可以发送") {
				b.Errorf("HTTP %d: %s", rec.Code, rec.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
