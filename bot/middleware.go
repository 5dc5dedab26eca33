package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Recover turns a panic in a handler into a polite reply and a log line.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message) (r *Reply, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.Error("handler panic", "panic", fmt.Sprint(p), "intent", m.Intent, "stack", string(debug.Stack()))
					r, err = Text(TextInternalError), nil
				}
			}()
			return next.Handle(ctx, m)
		})
	}
}

// Lookup resolves the sender to a member. An unknown sender gets one
// refusal and nothing is stored; reject is told (for a counter).
func Lookup(find func(channel, user string) (member string, ok bool), reject func(reason string)) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message) (*Reply, error) {
			id, ok := find(m.Channel, m.User)
			if !ok {
				m.Intent = "unknown_member"
				reject(m.Intent)
				return Text(TextUnknownMember), nil
			}
			m.Member = id
			ctx = WithActor(ctx, Actor{Member: id, Channel: m.Channel})
			return next.Handle(ctx, m)
		})
	}
}

// Handled is what a store remembers of a handled message id: the replies
// given, and the records its handling stored (known even when the handling
// was cut short before its replies were remembered).
type Handled struct {
	Replies []string
	Records []string
}

// DedupeStore remembers what was answered to a message id.
type DedupeStore interface {
	Seen(ctx context.Context, key string) (h Handled, found bool, err error)
	Remember(ctx context.Context, key string, replies []string) error
}

// Dedupe answers a repeated message id with the replies it got the first
// time, and lets nothing be stored twice: the handling claims the id in the
// same transaction as the records it writes (see Claim).
func Dedupe(s DedupeStore) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message) (*Reply, error) {
			key := m.Key()
			if key == "" {
				return next.Handle(ctx, m)
			}
			if r, ok, err := seen(ctx, s, key); err != nil || ok {
				return r, err
			}
			ctx = WithClaim(ctx, Claim{Key: key, Nonce: nonce()})
			r, err := next.Handle(ctx, m)
			if errors.Is(err, ErrDuplicate) {
				if r, ok, err := seen(ctx, s, key); err != nil || ok {
					return r, err
				}
				return Text(TextDuplicate), nil
			}
			if err != nil {
				return nil, err
			}
			if r.Forget {
				return r, nil
			}
			if err := s.Remember(ctx, key, r.Texts); err != nil {
				// The records (if any) are committed with the claim: say so
				// rather than ask for a resend that would be refused.
				if _, stored, _ := s.Seen(ctx, key); stored {
					return r, nil
				}
				return nil, fmt.Errorf("bot: remember reply: %w", err)
			}
			return r, nil
		})
	}
}

func seen(ctx context.Context, s DedupeStore, key string) (*Reply, bool, error) {
	h, found, err := s.Seen(ctx, key)
	switch {
	case err != nil:
		return nil, false, fmt.Errorf("bot: dedupe: %w", err)
	case !found:
		return nil, false, nil
	case len(h.Replies) > 0:
		return &Reply{Texts: h.Replies}, true, nil
	case len(h.Records) > 0:
		return Text(fmt.Sprintf(TextDuplicateRecords, strings.Join(h.Records, "、"))), true, nil
	}
	return Text(TextDuplicate), true, nil
}

func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RateLimit allows each member perMinute messages in any sliding minute;
// more get a polite reply that Dedupe forgets (and reject is told). perMinute 0
// disables it. It belongs inside Dedupe: a platform's retry of a message
// already handled gets its stored reply and counts for nothing. The count
// is this process's: with several nodes a member may send perMinute through
// each (flood control, not accounting; README "Running more than one node").
func RateLimit(perMinute int, now func() time.Time, reject func(reason string)) Middleware {
	if perMinute <= 0 {
		return func(next Handler) Handler { return next }
	}
	var mu sync.Mutex
	seen := map[string][]time.Time{}
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message) (*Reply, error) {
			t := now()
			mu.Lock()
			recent := seen[m.Member]
			i := 0
			for i < len(recent) && t.Sub(recent[i]) >= time.Minute {
				i++
			}
			recent = recent[i:]
			allowed := len(recent) < perMinute
			if allowed {
				recent = append(recent, t)
			}
			if len(recent) == 0 {
				delete(seen, m.Member)
			} else {
				seen[m.Member] = recent
			}
			mu.Unlock()
			if !allowed {
				m.Intent = "rate_limited"
				reject(m.Intent)
				return &Reply{Texts: []string{fmt.Sprintf(TextRateLimited, perMinute)}, Forget: true}, nil
			}
			return next.Handle(ctx, m)
		})
	}
}

// Observe tells done about every handled message: its intent, how long it
// took and its error; it also logs it.
func Observe(log *slog.Logger, done func(m *Message, took time.Duration, err error)) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message) (*Reply, error) {
			start := time.Now()
			r, err := next.Handle(ctx, m)
			took := time.Since(start)
			if done != nil {
				done(m, took, err)
			}
			if err != nil {
				log.Error("message failed", "channel", m.Channel, "member", m.Member, "intent", m.Intent, "err", err)
			} else {
				log.Debug("message", "channel", m.Channel, "member", m.Member, "intent", m.Intent, "took", took)
			}
			return r, err
		})
	}
}

// Texts the middleware answers with.
const (
	TextUnknownMember = "您尚未登记，请联系管理员。"
	TextRateLimited   = "您发送得太快了，请稍候一分钟再试（每分钟最多 %d 条）。"
	TextDuplicate     = "这条消息已经处理过了，无需重复发送。"
	// TextDuplicateRecords answers a resend whose first handling stored
	// records but was cut short before its reply was remembered.
	TextDuplicateRecords = "这条消息已经收到并记录（%s），无需重复发送。发送“我的”可查看记录。"
	TextInternalError    = "抱歉，处理时出了点问题，已记录，请稍后再试。"
)
