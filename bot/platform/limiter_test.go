package platform

import (
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	for i := range 3 {
		if _, ok := l.reserve("u", 1, t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("send %d refused", i)
		}
	}
	wait, ok := l.reserve("u", 1, t0.Add(10*time.Second))
	if ok || wait != 50*time.Second {
		t.Fatalf("4th send: ok=%v wait=%v, want refused for 50s", ok, wait)
	}
	if _, ok := l.reserve("v", 3, t0.Add(10*time.Second)); !ok {
		t.Error("another key is limited")
	}
	if wait, ok := l.reserve("u", 2, t0.Add(60500*time.Millisecond)); ok || wait != 500*time.Millisecond {
		t.Errorf("2 sends at 60.5s: ok=%v wait=%v, want refused for 0.5s", ok, wait)
	}
	if _, ok := l.reserve("u", 2, t0.Add(61*time.Second)); !ok {
		t.Error("2 sends at 61s refused")
	}
	if wait, ok := l.reserve("u", 4, t0); ok || wait != 0 {
		t.Errorf("more than the limit at once: ok=%v wait=%v, want never", ok, wait)
	}
	l.reserve("w", 1, t0.Add(5*time.Minute)) // sweeps idle keys
	if _, kept := l.hits["v"]; kept {
		t.Error("idle key not swept")
	}
}

func TestLimiterTake(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	l := NewLimiter(2, time.Minute)
	if err := l.Take("robot", 2, t0, "wecom: robot office"); err != nil {
		t.Fatalf("2 sends of 2: %v", err)
	}
	err := l.Take("robot", 1, t0.Add(15*time.Second), "wecom: robot office")
	if d, ok := bot.RetryDelay(err); !ok || d != 45*time.Second {
		t.Errorf("3rd send: %v (delay %v %v), want RetryAfter 45s", err, d, ok)
	}
	if err == nil || err.Error() != "wecom: robot office: rate limit reached, retry in 45s" {
		t.Errorf("error = %v", err)
	}
	err = l.Take("other", 3, t0, "dingtalk: robot x")
	if !bot.IsPermanent(err) {
		t.Errorf("3 sends at once with a limit of 2: %v, want permanent", err)
	}
	if _, ok := bot.RetryDelay(err); ok {
		t.Error("a message that never fits asks to be retried")
	}
	if err := l.Take("other", 2, t0, "dingtalk: robot x"); err != nil {
		t.Errorf("the refused sends were recorded: %v", err)
	}
}
