package dingtalk

import (
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/prometheus/client_golang/prometheus"
)

// NewMetrics creates the channel's counters (platform.Metrics, labelled
// channel="dingtalk") and registers them on reg. Rejection reasons:
// too_large, malformed, signature, stale, method.
func NewMetrics(reg prometheus.Registerer) (*platform.Metrics, error) {
	return platform.NewMetrics(reg, bot.DingTalk)
}
