package dingtalk

import (
	"sync"
	"time"
)

// limiter is a sliding-window rate limit per key (a group robot's
// webhook): at most limit sends per window.
type limiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	hits    map[string][]time.Time // oldest first
	sweepAt time.Time
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, hits: make(map[string][]time.Time)}
}

// reserve records n sends for key at now if they fit in the window, and
// otherwise returns how long to wait until they would. n > limit never
// fits (ok false, wait 0).
func (l *limiter) reserve(key string, n int, now time.Time) (wait time.Duration, ok bool) {
	if n > l.limit {
		return 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	h := l.live(l.hits[key], now)
	if over := len(h) + n - l.limit; over > 0 {
		l.hits[key] = h
		return h[over-1].Add(l.window).Sub(now), false
	}
	for range n {
		h = append(h, now)
	}
	l.hits[key] = h
	return 0, true
}

// live drops the hits that left the window.
func (l *limiter) live(h []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(h) && !h[i].After(now.Add(-l.window)) {
		i++
	}
	return h[i:]
}

// sweep forgets idle keys once per window so the map stays small.
func (l *limiter) sweep(now time.Time) {
	if now.Before(l.sweepAt) {
		return
	}
	l.sweepAt = now.Add(l.window)
	for k, h := range l.hits {
		if len(l.live(h, now)) == 0 {
			delete(l.hits, k)
		}
	}
}
