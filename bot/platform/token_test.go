package platform

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// tokenEnv counts fetches of tokens T1, T2 … that live life.
type tokenEnv struct {
	mu      sync.Mutex
	now     time.Time
	fetches int
	life    time.Duration
	err     error
	empty   bool
	tok     *Token
	o       Options
}

func newTokenEnv() *tokenEnv {
	e := &tokenEnv{now: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), life: 7200 * time.Second}
	e.o = Build("dingtalk", []Option{WithClock(func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.now
	})})
	e.tok = NewToken(e.o, func(context.Context) (string, time.Duration, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.err != nil {
			return "", 0, e.err
		}
		e.fetches++
		if e.empty {
			return "", e.life, nil
		}
		return fmt.Sprint("T", e.fetches), e.life, nil
	})
	return e
}

func (e *tokenEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func TestTokenCachesUntilMargin(t *testing.T) {
	e := newTokenEnv()
	ctx := context.Background()
	for range 3 {
		if tok, err := e.tok.Get(ctx); err != nil || tok != "T1" {
			t.Fatalf("Get = %q, %v", tok, err)
		}
	}
	e.advance(7200*time.Second - 5*time.Minute - time.Second)
	if tok, _ := e.tok.Get(ctx); tok != "T1" {
		t.Errorf("re-fetched before the margin: %s", tok)
	}
	e.advance(2 * time.Second)
	if tok, _ := e.tok.Get(ctx); tok != "T2" {
		t.Errorf("not re-fetched at the margin: %s", tok)
	}
	if got := value(t, e.o.Metrics.TokenRefreshes); got != 2 {
		t.Errorf("token refreshes = %v, want 2", got)
	}
	// A short-lived token is still kept a minute.
	e.life = time.Minute
	e.advance(2 * time.Hour)
	_, _ = e.tok.Get(ctx)
	e.advance(59 * time.Second)
	if tok, _ := e.tok.Get(ctx); tok != "T3" {
		t.Errorf("short-lived token dropped within a minute: %s", tok)
	}
}

func TestTokenErrors(t *testing.T) {
	e := newTokenEnv()
	e.err = errors.New("dingtalk: GET /gettoken: HTTP 502")
	if _, err := e.tok.Get(context.Background()); !errors.Is(err, e.err) {
		t.Errorf("fetch error: %v", err)
	}
	e.err, e.empty = nil, true
	if _, err := e.tok.Get(context.Background()); err == nil || err.Error() != "dingtalk: gettoken: answer has no access_token" {
		t.Errorf("empty token: %v", err)
	}
	if got := value(t, e.o.Metrics.TokenRefreshes); got != 0 {
		t.Errorf("failed fetches counted: %v", got)
	}
}

func TestTokenUseRefreshesOnce(t *testing.T) {
	e := newTokenEnv()
	ctx := context.Background()
	stale := errors.New("errcode 42001")
	var used []string
	err := e.tok.Use(ctx, func(tok string) (bool, error) {
		used = append(used, tok)
		if tok == "T1" {
			return true, stale
		}
		return false, nil
	})
	if err != nil || fmt.Sprint(used) != "[T1 T2]" {
		t.Errorf("one stale answer: err %v, tokens used %v", err, used)
	}
	used = nil
	err = e.tok.Use(ctx, func(tok string) (bool, error) {
		used = append(used, tok)
		return true, stale
	})
	if !errors.Is(err, stale) || fmt.Sprint(used) != "[T2 T3]" {
		t.Errorf("stale twice: err %v, tokens used %v; want the stale error after one refresh", err, used)
	}
	other := errors.New("errcode 60020")
	if err := e.tok.Use(ctx, func(string) (bool, error) { return false, other }); !errors.Is(err, other) {
		t.Errorf("Use = %v, want f's error", err)
	}
}

func TestTokenConcurrentGetFetchesOnce(t *testing.T) {
	e := newTokenEnv()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := e.tok.Get(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if e.fetches != 1 {
		t.Errorf("%d fetches for 20 concurrent Gets", e.fetches)
	}
}

// A token replaced meanwhile is not dropped by a caller that saw the old one.
func TestTokenDropKeepsNewer(t *testing.T) {
	e := newTokenEnv()
	ctx := context.Background()
	_, _ = e.tok.Get(ctx)
	e.tok.drop("T1")
	_, _ = e.tok.Get(ctx) // T2
	e.tok.drop("T1")
	if tok, _ := e.tok.Get(ctx); tok != "T2" {
		t.Errorf("Get = %s, want T2 kept", tok)
	}
}
