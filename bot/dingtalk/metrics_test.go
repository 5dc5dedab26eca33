package dingtalk

import (
	"testing"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/prometheus/client_golang/prometheus"
)

// Both channels register the same metric names on one registry, told
// apart by their channel label.
func TestMetricsShareARegistryWithWeCom(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := platform.NewMetrics(reg, bot.WeCom); err != nil {
		t.Fatal(err)
	}
	m, err := platform.NewMetrics(reg, bot.DingTalk)
	if err != nil {
		t.Fatalf("dingtalk metrics beside wecom's: %v", err)
	}
	m.Rejected.WithLabelValues("stale").Inc()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	channels := map[string]map[string]bool{}
	for _, f := range families {
		channels[f.GetName()] = map[string]bool{}
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "channel" {
					channels[f.GetName()][l.GetValue()] = true
				}
			}
		}
	}
	for _, name := range []string{"baosong_channel_received_total", "baosong_channel_token_refreshes_total"} {
		if !channels[name]["wecom"] || !channels[name]["dingtalk"] {
			t.Errorf("%s channels = %v, want wecom and dingtalk", name, channels[name])
		}
	}
	if !channels["baosong_channel_rejected_total"]["dingtalk"] {
		t.Error("rejected{channel=dingtalk} not gathered")
	}
	if _, err := platform.NewMetrics(reg, bot.DingTalk); err == nil {
		t.Error("registering twice succeeded")
	}
}
