package app_test

// Benchmarks of the DingTalk Stream path behind docs/PERFORMANCE.md: a
// frame from the fake gateway → the form stored (fsync) → the ack → the
// reply posted to the fake sessionWebhook, through the whole app.

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot/dingstream/streamtest"
	"github.com/baosong/baosong/config"
)

// sessionClock is a fake API host whose sessionWebhooks note when the
// reply to each session (one per message) arrived.
type sessionClock struct {
	mu      sync.Mutex
	arrived map[string]time.Time
	signal  chan struct{}
}

func (s *sessionClock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	now := time.Now()
	s.mu.Lock()
	if _, ok := s.arrived[r.URL.Query().Get("session")]; !ok {
		s.arrived[r.URL.Query().Get("session")] = now
	}
	s.mu.Unlock()
	s.signal <- struct{}{}
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (s *sessionClock) wait(tb testing.TB, n int) {
	deadline := time.After(5 * time.Minute)
	for {
		s.mu.Lock()
		got := len(s.arrived)
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-s.signal:
		case <-deadline:
			tb.Fatalf("%d replies, want %d", got, n)
		}
	}
}

// streamBench is the big school (60 classes) on DingTalk Stream.
type streamBench struct {
	app      *app.App
	cadres   []string
	gw       *streamtest.Gateway
	sessions *sessionClock
	api      string
	message  func(i int) string // the i-th message's frame data
}

func newStreamBench(b testing.TB) *streamBench {
	cfg, cadres, names := attBigSchool(b)
	sb := &streamBench{cadres: cadres, gw: streamtest.New(b), sessions: &sessionClock{arrived: map[string]time.Time{}, signal: make(chan struct{}, 1<<20)}}
	api := httptest.NewServer(sb.sessions)
	b.Cleanup(api.Close)
	sb.api = api.URL
	cfg.DingTalk = config.DingTalk{Enabled: true, AppKey: streamtest.ClientID, AppSecret: streamtest.ClientSecret,
		AgentID: 1, APIBase: api.URL, Mode: config.ModeStream, StreamBase: sb.gw.Srv.URL}
	loc := cfg.Location()
	end := time.Date(2027, 7, 20, 12, 0, 0, 0, loc)
	data := b.TempDir()
	onPostgres(b, cfg, data)
	a, err := app.New(app.Options{Config: cfg, Data: data, Now: func() time.Time { return end },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	a.Start()
	b.Cleanup(func() { a.Close() })
	sb.app = a
	att := attendance.New(cfg.Attendance, cfg.Outing, a.Dir, a.Store, func() time.Time { return end })
	dues := att.Schedule.Between(time.Date(2026, 9, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 10, 0, 0, 0, 0, loc))
	// As BenchmarkAttendanceFormSpread: each cadre's messages dated before
	// successive due times, so that forms hold a few entries as in a school.
	sb.message = func(i int) string {
		c, n := i%len(cadres), i/len(cadres)
		at := dues[n%len(dues)].Add(-2 * time.Hour)
		raw, _ := json.Marshal(map[string]any{
			"msgtype": "text", "msgId": fmt.Sprintf("bench-%d", i), "createAt": at.UnixMilli(), "conversationType": "1",
			"text":          map[string]string{"content": fmt.Sprintf(" 考勤 旷课：%s2节，%s一节；晚归：%s；夜不归宿：无", names[n%50], names[(n+17)%50], names[(n+31)%50])},
			"senderStaffId": cadres[c], "sessionWebhook": fmt.Sprintf("%s/robot/sendBySession?session=%d", api.URL, i),
			"sessionWebhookExpiredTime": end.Add(time.Hour).UnixMilli(),
		})
		return string(raw)
	}
	sb.gw.WaitConnected(1)
	return sb
}

// latencies returns the time from each frame's sending to its reply.
func (sb *streamBench) latencies(sent []time.Time) []time.Duration {
	sb.sessions.mu.Lock()
	defer sb.sessions.mu.Unlock()
	out := make([]time.Duration, 0, len(sent))
	for i, t := range sent {
		if at, ok := sb.sessions.arrived[fmt.Sprint(i)]; ok {
			out = append(out, at.Sub(t))
		}
	}
	slices.Sort(out)
	return out
}

func pct(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	return float64(d[min(len(d)-1, int(float64(len(d))*p))].Microseconds()) / 1000
}

// BenchmarkDingTalkStreamBurst: b.N frames sent as fast as the gateway
// writes them; msgs/s from the first frame to the last reply.
func BenchmarkDingTalkStreamBurst(b *testing.B) {
	sb := newStreamBench(b)
	sent := make([]time.Time, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		sent[i] = time.Now()
		sb.gw.SendID(fmt.Sprintf("f-%d", i), "CALLBACK", "/v1.0/im/bot/messages/get", sb.message(i))
	}
	sb.sessions.wait(b, b.N)
	elapsed := time.Since(start)
	b.StopTimer()
	sb.gw.WaitAcks(b.N)
	lat := sb.latencies(sent)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
}

// BenchmarkDingTalkStreamAt200: b.N frames at 200 a second (open loop);
// the time from frame to reply, p50/p99/max.
func BenchmarkDingTalkStreamAt200(b *testing.B) {
	sb := newStreamBench(b)
	sent := make([]time.Time, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		due := start.Add(time.Duration(i) * time.Second / 200)
		time.Sleep(time.Until(due))
		sent[i] = time.Now()
		sb.gw.SendID(fmt.Sprintf("f-%d", i), "CALLBACK", "/v1.0/im/bot/messages/get", sb.message(i))
	}
	sb.sessions.wait(b, b.N)
	b.StopTimer()
	lat := sb.latencies(sent)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkDingTalkStreamReconnect: b.N network drops of a connection
// that carried a ping; the time from the drop to the next accepted
// websocket (a new open request and ticket each time).
func BenchmarkDingTalkStreamReconnect(b *testing.B) {
	sb := newStreamBench(b)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		// The gateway pings a live connection; then the network drops.
		sb.gw.Ping("keepalive")
		sb.gw.WaitAcks(i + 1)
		start := time.Now()
		sb.gw.Drop()
		sb.gw.WaitConnected(i + 2)
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	if n := len(sb.gw.Opens()); n != b.N+1 {
		b.Errorf("%d open requests for %d connections", n, b.N+1)
	}
	slices.Sort(took)
	b.ReportMetric(pct(took, 0.5), "p50-ms")
	b.ReportMetric(pct(took, 0.99), "p99-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}
