package platform

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/baosong/baosong/bot"
)

// DefaultBudget is how long a callback waits for the handler before it
// answers the platform (WeCom and DingTalk give up at about 5 s).
const DefaultBudget = 4 * time.Second

// WorkTimeout bounds the handler and the reply delivery once the HTTP
// answer has gone.
const WorkTimeout = time.Minute

// Option configures an adapter's Callback or Client. Options that do not
// apply to the value being built are ignored, so one list can be passed to
// both.
type Option func(*Options)

// Options are what an adapter's Callback and Client are built with.
type Options struct {
	Channel string // bot.WeCom, bot.DingTalk: the metrics label and the prefix of errors and logs
	Logger  *slog.Logger
	Metrics *Metrics
	Now     func() time.Time
	Budget  time.Duration
	Late    func(ctx context.Context, m *bot.Message, r *bot.Reply)
	HTTP    *http.Client // nil unless set: the adapter then uses its shared client
}

// Build applies opts over the defaults: a discarding logger, unregistered
// counters labelled channel, time.Now and DefaultBudget.
func Build(channel string, opts []Option) Options {
	o := Options{
		Channel: channel,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:     time.Now,
		Budget:  DefaultBudget,
	}
	for _, f := range opts {
		f(&o)
	}
	if o.Metrics == nil {
		o.Metrics = newMetrics(channel)
	}
	return o
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(o *Options) {
		if l != nil {
			o.Logger = l
		}
	}
}

// WithMetrics counts into m (default: unregistered counters).
func WithMetrics(m *Metrics) Option { return func(o *Options) { o.Metrics = m } }

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *Options) {
		if now != nil {
			o.Now = now
		}
	}
}

// WithBudget sets how long the callback waits for the handler before it
// answers the platform (default DefaultBudget; d ≤ 0 is ignored).
func WithBudget(d time.Duration) Option {
	return func(o *Options) {
		if d > 0 {
			o.Budget = d
		}
	}
}

// WithLate sets the hook that delivers a reply the platform's answer
// channel cannot carry.
func WithLate(f func(ctx context.Context, m *bot.Message, r *bot.Reply)) Option {
	return func(o *Options) { o.Late = f }
}

// WithHTTPClient sends through c instead of the adapter's shared client
// (nil is ignored).
func WithHTTPClient(c *http.Client) Option {
	return func(o *Options) {
		if c != nil {
			o.HTTP = c
		}
	}
}
