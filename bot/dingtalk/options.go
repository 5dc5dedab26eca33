package dingtalk

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/go-resty/resty/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultBudget is how long the callback waits for the handler before it
// acknowledges DingTalk; the reply is posted when ready either way.
const DefaultBudget = 4 * time.Second

// workTimeout bounds the handler and the reply delivery once the HTTP
// answer has gone.
const workTimeout = time.Minute

// Option configures a Callback or a Client. Options that do not apply to
// the value being built are ignored, so one list can be passed to both.
type Option func(*options)

type options struct {
	logger  *slog.Logger
	metrics *Metrics
	now     func() time.Time
	budget  time.Duration
	late    func(context.Context, *bot.Message, *bot.Reply)
	http    *resty.Client
}

func buildOptions(opts []Option) options {
	o := options{
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		now:    time.Now,
		budget: DefaultBudget,
		http:   sharedClient,
	}
	for _, f := range opts {
		f(&o)
	}
	if o.metrics == nil {
		o.metrics = newMetrics()
	}
	return o
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithMetrics counts into m (default: unregistered counters).
func WithMetrics(m *Metrics) Option { return func(o *options) { o.metrics = m } }

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithBudget sets how long the callback waits for the handler before it
// acknowledges (Callback only; default DefaultBudget).
func WithBudget(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.budget = d
		}
	}
}

// WithLate sets the hook that delivers a reply the sessionWebhook cannot
// carry (expired, failed, or a group message answered privately; Callback
// only). The lead wires it to the outbox. Without it such replies are
// logged and dropped.
func WithLate(f func(ctx context.Context, m *bot.Message, r *bot.Reply)) Option {
	return func(o *options) { o.late = f }
}

// WithHTTPClient sends through c instead of the package's shared client
// (Callback replies and Client pushes).
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) {
		if c != nil {
			o.http = newResty(c)
		}
	}
}

// sharedClient is the package's one resty client: keep-alive, bounded idle
// connections, a timeout on every call.
var sharedClient = func() *resty.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 10 * time.Second
	return newResty(&http.Client{Transport: t, Timeout: 15 * time.Second})
}()

func newResty(c *http.Client) *resty.Client {
	return resty.NewWithClient(c).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(maxAnswer)
}

// quietLogger silences resty, whose messages may carry URLs with tokens.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// Metrics are the channel's Prometheus counters. Names are shared with the
// wecom package and told apart by the constant label channel="dingtalk",
// so both register on one registry.
type Metrics struct {
	received       prometheus.Counter
	rejected       *prometheus.CounterVec // reason
	pushes         *prometheus.CounterVec // result
	tokenRefreshes prometheus.Counter
}

// NewMetrics creates the counters and registers them on reg:
//
//	baosong_channel_received_total{channel}           authenticated callbacks
//	baosong_channel_rejected_total{channel,reason}    reason: too_large, malformed, signature, stale, method
//	baosong_channel_pushes_total{channel,result}      per member or group push: ok, rate_limited, permanent, error
//	baosong_channel_token_refreshes_total{channel}    access tokens fetched
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := newMetrics()
	for _, c := range []prometheus.Collector{m.received, m.rejected, m.pushes, m.tokenRefreshes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("dingtalk: register metrics: %w", err)
		}
	}
	return m, nil
}

func newMetrics() *Metrics {
	labels := prometheus.Labels{"channel": bot.DingTalk}
	return &Metrics{
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baosong_channel_received_total", ConstLabels: labels,
			Help: "Authenticated callbacks received from a chat platform.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_channel_rejected_total", ConstLabels: labels,
			Help: "Callbacks rejected by a chat channel, by reason.",
		}, []string{"reason"}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_channel_pushes_total", ConstLabels: labels,
			Help: "Pushes to a chat platform by result (one per member or group).",
		}, []string{"result"}),
		tokenRefreshes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baosong_channel_token_refreshes_total", ConstLabels: labels,
			Help: "Access tokens fetched from a chat platform.",
		}),
	}
}
