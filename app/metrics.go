package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the Prometheus series of SPEC §10 /metrics.
type Metrics struct {
	Registry   *prometheus.Registry
	Messages   *prometheus.CounterVec   // channel, intent
	Rejections *prometheus.CounterVec   // reason
	Pushes     *prometheus.CounterVec   // channel, result
	Reminders  *prometheus.CounterVec   // job
	Latency    *prometheus.HistogramVec // intent
	// OutboxFaults counts deliveries that panicked and outbox passes that
	// could not use the queue (a damaged store).
	OutboxFaults prometheus.Counter
}

func newMetrics(depth func() float64) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_messages_total", Help: "Messages handled, by channel and intent."}, []string{"channel", "intent"}),
		Rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_rejections_total", Help: "Messages or requests refused, by reason."}, []string{"reason"}),
		Pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_pushes_total", Help: "Push delivery attempts, by channel and result."}, []string{"channel", "result"}),
		Reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baosong_reminders_total", Help: "Scheduled reminders queued, by job."}, []string{"job"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "baosong_handler_seconds", Help: "Time to handle a message, by intent.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"intent"}),
		OutboxFaults: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baosong_outbox_faults_total", Help: "Outbox deliveries that panicked and passes that could not use the queue."}),
	}
	r.MustRegister(m.Messages, m.Rejections, m.Pushes, m.Reminders, m.Latency, m.OutboxFaults,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "baosong_outbox_depth", Help: "Pushes queued and not yet delivered."}, depth),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observe(channel, intent string, took time.Duration) {
	m.Messages.WithLabelValues(channel, intent).Inc()
	m.Latency.WithLabelValues(intent).Observe(took.Seconds())
}
