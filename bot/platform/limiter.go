package platform

import (
	"fmt"
	"sync"
	"time"

	"github.com/baosong/baosong/bot"
)

// Limiter is a sliding-window rate limit per key (a member's userid, a
// group robot): at most limit sends per window. It is safe for concurrent
// use.
type Limiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	hits    map[string][]time.Time // oldest first
	sweepAt time.Time
}

// NewLimiter allows limit sends per key in any window.
func NewLimiter(limit int, window time.Duration) *Limiter {
	return &Limiter{limit: limit, window: window, hits: make(map[string][]time.Time)}
}

// Take records n sends for key at now if they fit in the window. If they
// do not, it records nothing and returns bot.RetryAfter with the wait until
// they would, or bot.Permanent when n exceeds the limit and never fits.
// who names the key in the error ("wecom: member 张三").
func (l *Limiter) Take(key string, n int, now time.Time, who string) error {
	wait, ok := l.reserve(key, n, now)
	switch {
	case ok:
		return nil
	case wait == 0:
		return bot.Permanent(fmt.Errorf("%s: message too long to send within the platform rate limit", who))
	}
	return bot.RetryAfter(fmt.Errorf("%s: rate limit reached, retry in %s", who, wait.Round(time.Second)), wait)
}

// reserve records n sends for key at now if they fit in the window, and
// otherwise returns how long to wait until they would. n > limit never
// fits (ok false, wait 0).
func (l *Limiter) reserve(key string, n int, now time.Time) (wait time.Duration, ok bool) {
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
func (l *Limiter) live(h []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(h) && !h[i].After(now.Add(-l.window)) {
		i++
	}
	return h[i:]
}

// sweep forgets idle keys once per window so the map stays small.
func (l *Limiter) sweep(now time.Time) {
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
