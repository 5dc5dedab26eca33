package wecom

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultBudget is how long the callback waits for the handler before it
// answers WeCom empty and delivers the reply later (WeCom gives up at 5 s).
const DefaultBudget = platform.DefaultBudget

// Option configures a Callback or a Client. Options that do not apply to
// the value being built are ignored, so one list can be passed to both.
type Option = platform.Option

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return platform.WithLogger(l) }

// WithMetrics counts into m (default: unregistered counters).
func WithMetrics(m *Metrics) Option { return platform.WithMetrics(m) }

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return platform.WithClock(now) }

// WithBudget sets how long the callback waits for the handler before it
// answers empty (Callback only; default DefaultBudget).
func WithBudget(d time.Duration) Option { return platform.WithBudget(d) }

// WithLate sets the hook that delivers a reply the handler finished after
// the budget, or one too long for a passive reply (Callback only). The lead
// wires it to the outbox. Without it such replies are logged and dropped.
func WithLate(f func(ctx context.Context, m *bot.Message, r *bot.Reply)) Option {
	return platform.WithLate(f)
}

// WithHTTPClient replaces the package's shared HTTP client (Client only).
func WithHTTPClient(c *http.Client) Option { return platform.WithHTTPClient(c) }

// sharedHTTPClient is the one HTTP client of the package.
var sharedHTTPClient = platform.NewHTTPClient()

func buildOptions(opts []Option) platform.Options {
	o := platform.Build(bot.WeCom, opts)
	if o.HTTP == nil {
		o.HTTP = sharedHTTPClient
	}
	return o
}

// Metrics are the channel's Prometheus counters. Names are shared with the
// dingtalk package and told apart by the constant label channel="wecom", so
// both register on one registry.
type Metrics = platform.Metrics

// NewMetrics creates the counters and registers them on reg (see
// platform.NewMetrics). Rejection reasons: too_large, malformed, signature,
// receiveid, ciphertext, method.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	return platform.NewMetrics(reg, bot.WeCom)
}
