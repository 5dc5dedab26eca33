package dingtalk

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/go-resty/resty/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultBudget is how long the callback waits for the handler before it
// acknowledges DingTalk; the reply is posted when ready either way.
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
// acknowledges (Callback only; default DefaultBudget).
func WithBudget(d time.Duration) Option { return platform.WithBudget(d) }

// WithLate sets the hook that delivers a reply the sessionWebhook cannot
// carry (expired, failed, or a group message answered privately; Callback
// only). The lead wires it to the outbox. Without it such replies are
// logged and dropped.
func WithLate(f func(ctx context.Context, m *bot.Message, r *bot.Reply)) Option {
	return platform.WithLate(f)
}

// WithHTTPClient sends through c instead of the package's shared client
// (Callback replies and Client pushes).
func WithHTTPClient(c *http.Client) Option { return platform.WithHTTPClient(c) }

// options are the shared options and the resty client they choose.
type options struct {
	platform.Options
	rest *resty.Client
}

func buildOptions(opts []Option) options {
	o := options{Options: platform.Build(bot.DingTalk, opts), rest: sharedClient}
	if o.HTTP != nil {
		o.rest = newResty(o.HTTP)
	}
	return o
}

// sharedClient is the package's one resty client.
var sharedClient = newResty(platform.NewHTTPClient())

func newResty(c *http.Client) *resty.Client {
	return resty.NewWithClient(c).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(platform.MaxAnswer)
}

// quietLogger silences resty, whose messages may carry URLs with tokens.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// Metrics are the channel's Prometheus counters. Names are shared with the
// wecom package and told apart by the constant label channel="dingtalk",
// so both register on one registry.
type Metrics = platform.Metrics

// NewMetrics creates the counters and registers them on reg (see
// platform.NewMetrics). Rejection reasons: too_large, malformed,
// signature, stale, method.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	return platform.NewMetrics(reg, bot.DingTalk)
}
