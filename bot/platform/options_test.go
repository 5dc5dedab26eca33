package platform

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
)

func TestBuild(t *testing.T) {
	o := Build("dingtalk", nil)
	if o.Channel != "dingtalk" || o.Logger == nil || o.Now == nil || o.Budget != DefaultBudget || o.Metrics == nil ||
		o.Late != nil || o.HTTP != nil {
		t.Fatalf("defaults = %+v", o)
	}
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	log := slog.Default()
	m := newMetrics("dingtalk")
	c := &http.Client{}
	var late bool
	o = Build("dingtalk", []Option{
		WithLogger(log), WithMetrics(m), WithClock(func() time.Time { return at }), WithBudget(time.Second),
		WithLate(func(context.Context, *bot.Message, *bot.Reply) { late = true }), WithHTTPClient(c),
	})
	o.Late(context.Background(), nil, nil)
	if o.Logger != log || o.Metrics != m || !o.Now().Equal(at) || o.Budget != time.Second || !late || o.HTTP != c {
		t.Errorf("options not applied: %+v", o)
	}
	// Zero values keep the defaults.
	o = Build("wecom", []Option{WithLogger(nil), WithClock(nil), WithBudget(0), WithBudget(-time.Second), WithHTTPClient(nil)})
	if o.Logger == nil || o.Now == nil || o.Budget != DefaultBudget || o.HTTP != nil {
		t.Errorf("zero values replaced defaults: %+v", o)
	}
}
