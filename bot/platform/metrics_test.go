package platform

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
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
	m, err := NewMetrics(reg, "wecom")
	if err != nil {
		t.Fatal(err)
	}
	m.Rejected.WithLabelValues("signature").Inc()
	m.Pushes.WithLabelValues("ok").Inc()
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
	if _, err := NewMetrics(reg, "wecom"); err == nil || !strings.HasPrefix(err.Error(), "wecom: register metrics: ") {
		t.Errorf("registering twice: %v, want an error naming the channel", err)
	}
	if _, err := NewMetrics(reg, "dingtalk"); err != nil {
		t.Errorf("another channel beside it: %v", err)
	}
}

func TestCountPush(t *testing.T) {
	m := newMetrics("wecom")
	for _, err := range []error{
		nil, nil,
		bot.RetryAfter(errors.New("45009"), time.Minute),
		bot.Permanent(errors.New("60020")),
		errors.New("HTTP 502"),
	} {
		m.CountPush(err)
	}
	for result, want := range map[string]float64{"ok": 2, "rate_limited": 1, "permanent": 1, "error": 1} {
		if got := value(t, m.Pushes.WithLabelValues(result)); got != want {
			t.Errorf("pushes{result=%s} = %v, want %v", result, got, want)
		}
	}
}
