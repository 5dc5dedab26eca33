package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

func echo(intent string) bot.Handler {
	return bot.HandlerFunc(func(_ context.Context, m *bot.Message) (*bot.Reply, error) {
		return bot.Text(intent + ":" + m.Body), nil
	})
}

func TestRouterPicksLongestKeyword(t *testing.T) {
	r := bot.NewRouter(echo("unknown"),
		bot.Route{Intent: "ack", Keywords: []string{"确认", "收到"}, Handler: echo("ack")},
		bot.Route{Intent: "confirm", Keywords: []string{"确认汇总"}, Handler: echo("confirm")},
		bot.Route{Intent: "attendance", Keywords: []string{"考勤", "日报"}, Handler: echo("attendance")},
		bot.Route{Intent: "help", Keywords: []string{"help", "?"}, Handler: echo("help")},
	)
	cases := map[string]string{
		"确认 E3":            "ack:E3",
		"确认汇总 11月":         "confirm:11月",
		"考勤,旷课:张三2节":       "attendance:旷课:张三2节",
		"考勤无异常":            "attendance:无异常",
		"@报送助手 日报：全勤":      "attendance:全勤",
		"  HELP ":          "help:",
		"helpful advice":   "unknown:helpful advice",
		"?":                "help:",
		"你好":               "unknown:你好",
		"＠机器人\u2005收到 #E3": "ack:#E3",
	}
	for in, want := range cases {
		m := &bot.Message{Text: in}
		reply, err := r.Handle(context.Background(), m)
		if err != nil || reply.Texts[0] != want {
			t.Errorf("%q → %v %v, want %q", in, reply, err, want)
		}
	}
}

type memDedupe struct{ m map[string][]string }

func (d *memDedupe) Seen(_ context.Context, k string) (bot.Handled, bool, error) {
	r, ok := d.m[k]
	return bot.Handled{Replies: r}, ok, nil
}
func (d *memDedupe) Remember(_ context.Context, k string, r []string) error { d.m[k] = r; return nil }

func TestMiddleware(t *testing.T) {
	calls := 0
	var rejected []string
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	h := bot.Chain(bot.HandlerFunc(func(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
		calls++
		if m.Text == "panic" {
			panic("boom")
		}
		if a := bot.ActorFrom(ctx); a.Member != m.Member {
			t.Errorf("actor %v for %s", a, m.Member)
		}
		return bot.Text("reply " + m.Text), nil
	}),
		bot.Recover(slog.New(slog.NewTextHandler(io.Discard, nil))),
		bot.Lookup(func(ch, user string) (string, bool) { return "m-" + user, user != "stranger" },
			func(r string) { rejected = append(rejected, r) }),
		bot.Dedupe(&memDedupe{m: map[string][]string{}}),
		bot.RateLimit(2, func() time.Time { return now }, func(r string) { rejected = append(rejected, r) }),
	)
	say := func(user, id, text string) string {
		r, err := h.Handle(context.Background(), &bot.Message{Channel: "local", User: user, ID: id, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(r.Texts, "|")
	}
	if got := say("stranger", "1", "hi"); !strings.Contains(got, "尚未登记") || calls != 0 {
		t.Errorf("stranger: %q calls=%d", got, calls)
	}
	if got := say("a", "1", "hi"); got != "reply hi" {
		t.Errorf("first: %q", got)
	}
	if got := say("a", "1", "hi"); got != "reply hi" || calls != 1 {
		t.Errorf("duplicate: %q calls=%d", got, calls)
	}
	if got := say("b", "2", "panic"); !strings.Contains(got, "出了点问题") {
		t.Errorf("panic: %q", got)
	}
	if got := say("a", "3", "x"); got != "reply x" {
		t.Errorf("second new message: %q", got)
	}
	if got := say("a", "4", "y"); !strings.Contains(got, "太快") {
		t.Errorf("rate limit: %q", got)
	}
	// A retry of a handled message gets its reply; a limited one was not remembered.
	if got := say("a", "1", "hi"); got != "reply hi" {
		t.Errorf("retry while limited: %q", got)
	}
	if got := say("a", "4", "y"); !strings.Contains(got, "太快") || calls != 3 {
		t.Errorf("limited message resent: %q calls=%d", got, calls)
	}
	if strings.Join(rejected, ",") != "unknown_member,rate_limited,rate_limited" {
		t.Errorf("rejections %v", rejected)
	}
}

func TestErrorMarks(t *testing.T) {
	base := errors.New("x")
	if !bot.IsPermanent(bot.Permanent(base)) || bot.IsPermanent(base) || bot.Permanent(nil) != nil {
		t.Error("Permanent")
	}
	if d, ok := bot.RetryDelay(bot.RetryAfter(base, time.Minute)); !ok || d != time.Minute {
		t.Error("RetryAfter")
	}
	if !errors.Is(bot.RetryAfter(base, time.Second), base) {
		t.Error("RetryAfter unwraps")
	}
}

type cutShort struct{ memDedupe }

func (d *cutShort) Seen(_ context.Context, k string) (bot.Handled, bool, error) {
	return bot.Handled{Records: []string{"A12"}}, true, nil
}

func TestDedupeNamesRecordsOfACutShortHandling(t *testing.T) {
	h := bot.Dedupe(&cutShort{})(echo("never"))
	r, err := h.Handle(context.Background(), &bot.Message{Channel: "local", ID: "x", Text: "考勤"})
	if err != nil || !strings.Contains(r.Texts[0], "A12") || !strings.Contains(r.Texts[0], "已经收到") {
		t.Errorf("%v %v", r, err)
	}
}
