package wecom

import (
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/prometheus/client_golang/prometheus"
)

// NewMetrics creates the channel's counters (platform.Metrics, labelled
// channel="wecom") and registers them on reg. Rejection reasons:
// too_large, malformed, signature, receiveid, ciphertext, method.
func NewMetrics(reg prometheus.Registerer) (*platform.Metrics, error) {
	return platform.NewMetrics(reg, bot.WeCom)
}
