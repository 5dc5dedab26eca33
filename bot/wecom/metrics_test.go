package wecom

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// value reads a counter.
func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestNewMetricsRegisters(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.rejected.WithLabelValues("signature").Inc()
	m.pushes.WithLabelValues("ok").Inc()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "channel" {
					names[f.GetName()] = l.GetValue()
				}
			}
		}
	}
	for _, want := range []string{"baosong_channel_received_total", "baosong_channel_rejected_total",
		"baosong_channel_pushes_total", "baosong_channel_token_refreshes_total"} {
		if names[want] != "wecom" {
			t.Errorf("%s{channel=wecom} not gathered (got %v)", want, names)
		}
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering twice succeeded")
	}
}
