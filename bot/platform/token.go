package platform

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// tokenMargin is how long before its expiry a token is no longer used.
const tokenMargin = 5 * time.Minute

// Token caches a platform access token. Fetches are serialized, so a burst
// of pushes makes one fetch; a token is used until tokenMargin before it
// expires, and for at least a minute. Tokens never appear in its errors.
type Token struct {
	o     Options
	fetch func(ctx context.Context) (token string, life time.Duration, err error)

	mu  sync.Mutex
	tok string
	exp time.Time
}

// NewToken caches the tokens that fetch gets (fetch reports the platform's
// expires_in as life). o gives the clock, the counter of fetches and the
// channel that prefixes errors.
func NewToken(o Options, fetch func(ctx context.Context) (token string, life time.Duration, err error)) *Token {
	return &Token{o: o, fetch: fetch}
}

// Get returns the cached token or fetches one.
func (t *Token) Get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.o.Now()
	if t.tok != "" && now.Before(t.exp) {
		return t.tok, nil
	}
	tok, life, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	if tok == "" {
		return "", fmt.Errorf("%s: gettoken: answer has no access_token", t.o.Channel)
	}
	t.o.Metrics.TokenRefreshes.Inc()
	t.tok, t.exp = tok, now.Add(max(life-tokenMargin, time.Minute))
	return t.tok, nil
}

// Use calls f with the token. When f reports the token stale (the platform
// rejected it), Use forgets it and calls f once more with a fresh one. It
// returns f's last error.
func (t *Token) Use(ctx context.Context, f func(token string) (stale bool, err error)) error {
	for attempt := 0; ; attempt++ {
		tok, err := t.Get(ctx)
		if err != nil {
			return err
		}
		stale, err := f(tok)
		if stale && attempt == 0 {
			t.drop(tok)
			continue
		}
		return err
	}
}

// drop forgets tok unless another caller already replaced it.
func (t *Token) drop(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok == tok {
		t.tok = ""
	}
}
