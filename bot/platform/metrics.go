package platform

import (
	"fmt"

	"github.com/baosong/baosong/bot"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are an adapter's Prometheus counters. Every adapter uses the same
// names, told apart by the constant label channel, so all register on one
// registry.
type Metrics struct {
	Received       prometheus.Counter     // authenticated callbacks
	Rejected       *prometheus.CounterVec // refused callbacks, by reason
	Pushes         *prometheus.CounterVec // pushes, by result
	TokenRefreshes prometheus.Counter     // access tokens fetched
}

// NewMetrics creates channel's counters and registers them on reg:
//
//	baosong_channel_received_total{channel}           authenticated callbacks
//	baosong_channel_rejected_total{channel,reason}    refused callbacks (the reasons are the adapter's)
//	baosong_channel_pushes_total{channel,result}      per member or group push: ok, rate_limited, permanent, error
//	baosong_channel_token_refreshes_total{channel}    access tokens fetched
func NewMetrics(reg prometheus.Registerer, channel string) (*Metrics, error) {
	m := newMetrics(channel)
	for _, c := range []prometheus.Collector{m.Received, m.Rejected, m.Pushes, m.TokenRefreshes} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("%s: register metrics: %w", channel, err)
		}
	}
	return m, nil
}

func newMetrics(channel string) *Metrics {
	labels := prometheus.Labels{"channel": channel}
	return &Metrics{
		Received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baosong_channel_received_total", ConstLabels: labels,
			Help: "Authenticated callbacks received from a chat platform.",
		}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_channel_rejected_total", ConstLabels: labels,
			Help: "Callbacks rejected by a chat channel, by reason.",
		}, []string{"reason"}),
		Pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_channel_pushes_total", ConstLabels: labels,
			Help: "Pushes to a chat platform by result (one per member or group).",
		}, []string{"result"}),
		TokenRefreshes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baosong_channel_token_refreshes_total", ConstLabels: labels,
			Help: "Access tokens fetched from a chat platform.",
		}),
	}
}

// CountPush records a push's result: rate_limited (bot.RetryAfter),
// permanent (bot.Permanent), error, or ok.
func (m *Metrics) CountPush(err error) {
	result := "ok"
	if _, ok := bot.RetryDelay(err); ok {
		result = "rate_limited"
	} else if bot.IsPermanent(err) {
		result = "permanent"
	} else if err != nil {
		result = "error"
	}
	m.Pushes.WithLabelValues(result).Inc()
}
