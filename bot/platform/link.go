package platform

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Link is the observable state of one long connection that baosong opens
// to a platform (DingTalk Stream, the WeCom AI bot; SPEC §14): whether it
// is up, since when, how often it was re-opened, the frames it carried and
// the acknowledgements it wrote. /healthz?verbose=1 shows State, /metrics
// the counters:
//
//	baosong_link_connected{channel}             1 while the connection is open
//	baosong_link_reconnects_total{channel}      connections opened after the first
//	baosong_link_frames_total{channel,type}     frames received, by type (message, ping, disconnect, other)
//	baosong_link_acks_total{channel}            frames acknowledged
//	baosong_link_redeliveries_total{channel}    frames received again with an id already seen
//
// It is safe for concurrent use.
type Link struct {
	mu     sync.Mutex
	state  LinkState
	opened int

	connected    prometheus.Gauge
	reconnects   prometheus.Counter
	frames       *prometheus.CounterVec
	acks         prometheus.Counter
	redeliveries prometheus.Counter
}

// LinkState is a Link's state as /healthz?verbose=1 shows it.
type LinkState struct {
	Channel      string            `json:"channel"`
	Connected    bool              `json:"connected"`
	Since        time.Time         `json:"since,omitzero"` // when it last connected or went down
	Reconnects   int               `json:"reconnects"`
	LastError    string            `json:"last_error,omitempty"`
	Frames       map[string]uint64 `json:"frames"`
	Acks         uint64            `json:"acks"`
	Redeliveries uint64            `json:"redeliveries"`
}

// NewLink creates the link of channel and registers its metrics on reg.
func NewLink(reg prometheus.Registerer, channel string) (*Link, error) {
	labels := prometheus.Labels{"channel": channel}
	l := &Link{
		state: LinkState{Channel: channel, Frames: map[string]uint64{}},
		connected: prometheus.NewGauge(prometheus.GaugeOpts{Name: "baosong_link_connected", ConstLabels: labels,
			Help: "1 while the long connection to the platform is open."}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{Name: "baosong_link_reconnects_total", ConstLabels: labels,
			Help: "Long connections opened after the first one."}),
		frames: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "baosong_link_frames_total", ConstLabels: labels,
			Help: "Frames received on the long connection, by type."}, []string{"type"}),
		acks: prometheus.NewCounter(prometheus.CounterOpts{Name: "baosong_link_acks_total", ConstLabels: labels,
			Help: "Frames acknowledged on the long connection."}),
		redeliveries: prometheus.NewCounter(prometheus.CounterOpts{Name: "baosong_link_redeliveries_total", ConstLabels: labels,
			Help: "Frames received again with a message id already seen."}),
	}
	if reg == nil {
		return l, nil
	}
	for _, c := range []prometheus.Collector{l.connected, l.reconnects, l.frames, l.acks, l.redeliveries} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("%s: register link metrics: %w", channel, err)
		}
	}
	return l, nil
}

// Up records an opened connection.
func (l *Link) Up(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.opened > 0 {
		l.state.Reconnects++
		l.reconnects.Inc()
	}
	l.opened++
	l.state.Connected, l.state.Since, l.state.LastError = true, now, ""
	l.connected.Set(1)
}

// Down records a closed connection or a failed attempt, with its cause.
func (l *Link) Down(now time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state.Connected {
		l.state.Since = now
	}
	l.state.Connected = false
	if err != nil {
		l.state.LastError = err.Error()
	}
	l.connected.Set(0)
}

// Frame counts a received frame of the given type.
func (l *Link) Frame(typ string) {
	l.mu.Lock()
	l.state.Frames[typ]++
	l.mu.Unlock()
	l.frames.WithLabelValues(typ).Inc()
}

// Ack counts a written acknowledgement.
func (l *Link) Ack() {
	l.mu.Lock()
	l.state.Acks++
	l.mu.Unlock()
	l.acks.Inc()
}

// Redelivered counts a frame received again.
func (l *Link) Redelivered() {
	l.mu.Lock()
	l.state.Redeliveries++
	l.mu.Unlock()
	l.redeliveries.Inc()
}

// State returns a copy of the current state.
func (l *Link) State() LinkState {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state
	s.Frames = make(map[string]uint64, len(l.state.Frames))
	for k, v := range l.state.Frames {
		s.Frames[k] = v
	}
	return s
}

// Backoff is the wait before reconnecting after failures: Min after the
// first failure, doubling to at most Max, each wait drawn from its upper
// half so that many schools cut off together do not come back in step.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff waits 1 s to 60 s (SPEC §14: ≤ 60 s).
var DefaultBackoff = Backoff{Min: time.Second, Max: time.Minute}

// Delay is the wait before the next attempt after failures consecutive
// failures (0: none, reconnect at once).
func (b Backoff) Delay(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	d := b.Max
	if failures < 32 && b.Min<<(failures-1) < b.Max {
		d = b.Min << (failures - 1)
	}
	return d/2 + rand.N(d/2+1)
}

// Seen remembers the last ids it was shown, to tell a redelivered frame.
// The zero value remembers nothing; NewSeen(n) the last n.
type Seen struct {
	mu   sync.Mutex
	set  map[string]bool
	ring []string
	next int
}

// NewSeen remembers the last n ids.
func NewSeen(n int) *Seen { return &Seen{set: make(map[string]bool, n), ring: make([]string, n)} }

// Add records id and reports whether it was already remembered.
func (s *Seen) Add(id string) bool {
	if id == "" || len(s.ring) == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set[id] {
		return true
	}
	delete(s.set, s.ring[s.next])
	s.ring[s.next] = id
	s.set[id] = true
	s.next = (s.next + 1) % len(s.ring)
	return false
}
