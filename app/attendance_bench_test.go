package app_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/config"
)

// attBigSchool is the demo school grown by 60 classes (高一 … 高三, 20 each)
// of 50 students: 3,000 students, a cadre and a teacher per class, no rate
// limit. It returns the configuration and the cadres' ids.
func attBigSchool(tb testing.TB) (*config.Config, []string, []string) {
	tb.Helper()
	var b strings.Builder
	b.Write(baosong.ExampleConfig)
	var cadres, names []string
	for _, s := range "王李张刘陈杨黄赵吴周" {
		for _, g := range "伟芳娜敏静" {
			names = append(names, string(s)+string(g))
		}
	}
	for g, grade := range []string{"高一", "高二", "高三"} {
		for n := 1; n <= 20; n++ {
			id := fmt.Sprintf("b%dc%d", g+1, n)
			cadres = append(cadres, "cadre-"+id)
			fmt.Fprintf(&b, "\n[[unit]]\nid = %q\nname = \"%s(%d)班\"\nkind = \"class\"\ngrade = %q\n", id, grade, n+2, grade)
			fmt.Fprintf(&b, "\n[[member]]\nid = \"cadre-%s\"\nname = \"班长%s\"\nroles = [\"cadre\"]\nunits = [%q]\n", id, id, id)
			fmt.Fprintf(&b, "\n[[member]]\nid = \"teacher-%s\"\nname = \"老师%s\"\nroles = [\"teacher\"]\nunits = [%q]\n", id, id, id)
			for _, name := range names {
				fmt.Fprintf(&b, "\n[[student]]\nunit = %q\nname = %q\n", id, name)
			}
		}
	}
	cfg, err := config.Parse([]byte(b.String()), ".")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Server.RatePerMinute = 0
	return cfg, cadres, names
}

// attBenchApp starts the big school over a real store (on PostgreSQL with
// BAOSONG_TEST_PG), outbox delivering.
func attBenchApp(b *testing.B) (*app.App, func(i int64) string) {
	cfg, cadres, names := attBigSchool(b)
	data := b.TempDir()
	onPostgres(b, cfg, data)
	a, err := app.New(app.Options{Config: cfg, Data: data, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	a.Start()
	b.Cleanup(func() { a.Close() })
	// A full form: two absences (a teacher notice), a late return, a "none".
	body := func(i int64) string {
		n := int(i / int64(len(cadres)))
		text := fmt.Sprintf("考勤 旷课：%s2节，%s一节；晚归：%s；夜不归宿：无", names[n%50], names[(n+17)%50], names[(n+31)%50])
		return fmt.Sprintf(`{"from":%q,"text":%q,"id":"bench-%d"}`, cadres[i%int64(len(cadres))], text, i)
	}
	return a, body
}

func attPost(a *app.App, body string) error {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/hook/local", strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000" // the local hook answers loopback callers while local_token is empty
	a.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已收到") {
		return fmt.Errorf("HTTP %d: %s", rec.Code, rec.Body)
	}
	return nil
}

// BenchmarkAttendanceForm sends full attendance forms from the 60 cadres of
// the big school through the local hook's HTTP handler, from parallel
// clients, with durable writes (entry, history, teacher notice and message
// claim fsynced) and the outbox delivering the notices (SPEC §12: ≥ 2,000
// messages/s). Commits are shared by the messages in flight, so throughput
// grows with the number of concurrent clients.
func BenchmarkAttendanceForm(b *testing.B) {
	for _, clients := range []int{32, 64, 128} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			a, body := attBenchApp(b)
			var seq atomic.Int64
			b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := attPost(a, body(seq.Add(1))); err != nil {
						b.Error(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

// BenchmarkAttendanceFormAt500 sends the forms at a steady 500 messages/s
// and reports the latency percentiles (SPEC §12: p99 ≤ 25 ms).
func BenchmarkAttendanceFormAt500(b *testing.B) {
	a, body := attBenchApp(b)
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			if err := attPost(a, body(int64(i))); err != nil {
				b.Error(err)
			}
			lat[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}
