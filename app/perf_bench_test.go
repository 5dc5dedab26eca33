package app_test

// Benchmarks and a test behind docs/PERFORMANCE.md (SPEC §12) that the other
// files do not cover: attendance forms spread over a school year as a real
// school sends them, the WeCom encrypted callback through the whole app, and
// a reminder fan-out counted at a fake WeCom API.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/baosong/baosong/app"
	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/loadgen"
)

// BenchmarkAttendanceFormSpread sends full attendance forms from the 60
// cadres of the big school, each message dated before a different due time
// of the school year 2026/27, so that a class form holds a few entries as in
// a real school (BenchmarkAttendanceForm piles every message into the
// current form of its class, and a new entry reads its form). 64 parallel
// clients, durable writes, outbox delivering (SPEC §12: ≥ 2,000 messages/s).
func BenchmarkAttendanceFormSpread(b *testing.B) {
	cfg, cadres, names := attBigSchool(b)
	loc := cfg.Location()
	end := time.Date(2027, 7, 20, 12, 0, 0, 0, loc)
	a, err := app.New(app.Options{Config: cfg, Data: b.TempDir(), Now: func() time.Time { return end },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	a.Start()
	defer a.Close()
	att := attendance.New(cfg.Attendance, cfg.Outing, a.Dir, a.Store, func() time.Time { return end })
	dues := att.Schedule.Between(time.Date(2026, 9, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 10, 0, 0, 0, 0, loc))
	body := func(i int64) string {
		c, n := i%int64(len(cadres)), int(i/int64(len(cadres)))
		at := dues[n%len(dues)].Add(-2 * time.Hour).Format(time.RFC3339)
		text := fmt.Sprintf("考勤 旷课：%s2节，%s一节；晚归：%s；夜不归宿：无", names[n%50], names[(n+17)%50], names[(n+31)%50])
		return fmt.Sprintf(`{"from":%q,"text":%q,"id":"spread-%d","at":%q}`, cadres[c], text, i, at)
	}
	var seq atomic.Int64
	b.SetParallelism(64 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := attPost(a, body(seq.Add(1)-1)); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	b.ReportMetric(float64(b.N)/float64(len(cadres)*len(dues)), "entries/form")
}

// wecomSchool is the load generator's school (60 classes, 3,000 students,
// 200 staff, everyone on WeCom) against a fake WeCom API.
func wecomSchool(tb testing.TB, sc loadgen.Scale) (*config.Config, *loadgen.FakeWeCom) {
	tb.Helper()
	fake := &loadgen.FakeWeCom{}
	api := httptest.NewServer(fake)
	tb.Cleanup(api.Close)
	var buf bytes.Buffer
	if err := loadgen.WriteConfig(&buf, sc, api.URL); err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Parse(buf.Bytes(), ".")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg, fake
}

// BenchmarkWeComAttendanceForm sends attendance forms as WeCom callbacks
// through the whole app: msg_signature checked, AES decrypted, the form
// parsed and stored durably, the passive reply encrypted and signed; the
// teachers' notices go to the fake WeCom API through the outbox. The
// callbacks are encrypted before the timer starts (the platform does that
// work); 64 parallel clients (SPEC §12: ≥ 1,500 messages/s).
func BenchmarkWeComAttendanceForm(b *testing.B) {
	cfg, _ := wecomSchool(b, loadgen.DefaultScale)
	a, err := app.New(app.Options{Config: cfg, Data: b.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	a.Start()
	defer a.Close()
	classes := a.Dir.Classes()
	type callback struct{ target, body string }
	calls := make([]callback, b.N)
	for i := range calls {
		// The same forms as BenchmarkAttendanceForm: the class's students in turn.
		u, n := classes[i%len(classes)], i/len(classes)
		roster := a.Dir.Roster(u.ID)
		name := func(k int) string { return roster[k%len(roster)].Name }
		text := fmt.Sprintf("考勤 旷课：%s2节，%s一节；晚归：%s；夜不归宿：无", name(n), name(n+17), name(n+31))
		q, body, err := loadgen.WeComCallback(cfg.WeCom, "cadre-"+u.ID, text, uint64(7_000_000+i), time.Now(), time.Now())
		if err != nil {
			b.Fatal(err)
		}
		calls[i] = callback{"/hook/wecom?" + q.Encode(), body}
	}
	var seq atomic.Int64
	var last atomic.Value
	b.SetParallelism(64 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := calls[seq.Add(1)-1]
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, c.target, strings.NewReader(c.body)))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<Encrypt>") {
				b.Errorf("HTTP %d: %s", rec.Code, rec.Body)
				continue
			}
			last.Store(rec.Body.String())
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	b.StopTimer()
	if reply := decryptReply(b, cfg.WeCom, last.Load().(string)); !strings.Contains(reply, "已收到 A") {
		b.Fatalf("passive reply %q", reply)
	}
}

// decryptReply opens an encrypted passive reply as WeCom would.
func decryptReply(tb testing.TB, w config.WeCom, raw string) string {
	tb.Helper()
	var env struct{ Encrypt string }
	if err := xml.Unmarshal([]byte(raw), &env); err != nil {
		tb.Fatal(err)
	}
	_, plain, err := util.DecryptMsg(w.CorpID, env.Encrypt, w.EncodingAESKey)
	if err != nil {
		tb.Fatal(err)
	}
	var msg struct{ Content string }
	if err := xml.Unmarshal(plain, &msg); err != nil {
		tb.Fatal(err)
	}
	return msg.Content
}

// A reminder of one text to 5,000 WeCom members goes out in five app-message
// calls of at most 1,000 users (the platform's limit), each member once
// (SPEC §12: no more API calls than the limits require).
func TestReminderFanOutIsBatched(t *testing.T) {
	cfg, fake := wecomSchool(t, loadgen.Scale{Classes: 60, Students: 1, Staff: 5000})
	a, err := app.New(app.Options{Config: cfg, Data: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	const text = "【提醒】请于 11月26日 17:00 前提交本周信息稿件。"
	var ns []bot.Notification
	for _, m := range a.Dir.Members() {
		ns = append(ns, bot.Notification{Key: "remind|2026-11-26|" + m.ID, To: bot.Recipient{Member: m.ID}, Text: text})
	}
	if len(ns) != 5000 {
		t.Fatalf("%d members, want 5,000", len(ns))
	}
	if _, err := a.Store.Enqueue(ns...); err != nil {
		t.Fatal(err)
	}
	a.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d, _ := a.Store.Depth(); d == 0 {
			break
		}
		if time.Now().After(deadline) {
			d, _ := a.Store.Depth()
			t.Fatalf("%d pushes still queued after 10 s", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	calls, _ := fake.Counts()
	got := map[string]int{}
	for k := range fake.ByText { // touser|content of each distinct call; the outbox is drained
		touser, ok := strings.CutSuffix(k, "|"+text)
		if !ok {
			t.Errorf("unexpected call %q", k)
		}
		users := strings.Split(touser, "|")
		if len(users) > 1000 {
			t.Errorf("one call to %d users (limit 1,000)", len(users))
		}
		for _, u := range users {
			got[u]++
		}
	}
	if calls != 5 || len(got) != 5000 {
		t.Errorf("%d app-message calls reached %d members; want 5 calls, 5,000 members", calls, len(got))
	}
	for u, n := range got {
		if n != 1 {
			t.Errorf("%s got the reminder %d times", u, n)
		}
	}
}
