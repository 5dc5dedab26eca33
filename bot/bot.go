// Package bot is the platform-neutral vocabulary of baosong: the message a
// person sends, the reply the bot gives, the push it queues, and the small
// interfaces (Handler, Notifier) every channel and intent plugs into.
package bot

import (
	"context"
	"errors"
	"time"
)

// Channels a member can be reached on.
const (
	Local    = "local"
	WeCom    = "wecom"
	DingTalk = "dingtalk"
)

// Message is one chat message as received from any channel.
type Message struct {
	Channel string    // Local, WeCom or DingTalk
	ID      string    // platform message id; "" when the platform gave none
	User    string    // sender's user id on the platform
	Member  string    // sender's member id, set by the Lookup middleware
	Text    string    // the text as typed
	At      time.Time // message time (platform time; "at" on the local hook)

	// Set by the Router.
	Intent string // canonical intent name, e.g. "attendance"
	Body   string // the text after the intent keyword, trimmed
	// Suggest is set on a message that matches no keyword but starts
	// with a near miss of one (考情 全勤, 急保 …): the message as the sender
	// probably meant it (考勤 全勤). See Router.
	Suggest string
}

// Key identifies a message for deduplication: channel, sender and message
// id. The sender is part of it because ids need not be unique across senders
// (the local hook's are chosen by the client); the Lookup middleware sets
// Member before Dedupe reads the key. It is "" when the message has no id.
func (m *Message) Key() string {
	if m.ID == "" {
		return ""
	}
	return m.Channel + "|" + m.Member + "|" + m.ID
}

// Reply is what the bot answers to a message: one or more texts.
type Reply struct {
	Texts []string `json:"texts"`
	// Forget tells Dedupe not to remember the message: a resend is handled
	// afresh. For answers of the moment (flood control) and for refusals that
	// must leave no trace (a confidential marking).
	Forget bool `json:"-"`
}

// Text builds a reply of one or more texts.
func Text(texts ...string) *Reply { return &Reply{Texts: texts} }

// Recipient is whom a push goes to: a member, or a named group (robot webhook).
type Recipient struct {
	Member string `json:"member,omitempty"`
	Group  string `json:"group,omitempty"`
}

func (r Recipient) String() string {
	if r.Group != "" {
		return "group:" + r.Group
	}
	return r.Member
}

// Notification is one push. The outbox stores it, gives it an ID and hands
// it to a Notifier until delivered.
type Notification struct {
	ID       string    `json:"id,omitempty"`       // outbox id, set when queued
	Key      string    `json:"key,omitempty"`      // idempotency key: queued at most once per key
	To       Recipient `json:"to"`                 //
	Title    string    `json:"title,omitempty"`    // optional title (textcard/markdown heading)
	Text     string    `json:"text"`               //
	Markdown bool      `json:"markdown,omitempty"` // Text is markdown
	Mention  []string  `json:"mention,omitempty"`  // member ids to @mention in a group
	At       time.Time `json:"at"`                 // when it was queued
	// Priority orders the pushes waiting for one recipient: lower first,
	// then oldest first (PriorityAlert … PriorityReminder; 0 for answers,
	// notices and lists).
	Priority int `json:"priority,omitempty"`
	// Digest, when set, is the push's line in a digest: pushes to one
	// recipient that have one and go out together are sent as one message
	// (outbox.Loop.Digest), e.g. a round of repeats of unacknowledged
	// incidents.
	Digest string `json:"digest,omitempty"`
	// Actions are one-tap answers, shown as buttons where the platform has
	// them (SPEC §14); the text keeps saying what to type everywhere else.
	Actions []Action `json:"actions,omitempty"`
}

// Action is a button on a push: tapping it sends Command as the member
// who tapped, handled exactly as if typed (same checks, same refusals).
type Action struct {
	Title   string `json:"title"`   // the button's label, e.g. 收到
	Command string `json:"command"` // what it sends, e.g. 收到 E3
}

// Priorities of pushes (Notification.Priority): when a recipient's pushes
// queue up (a robot paced at 20 a minute, a platform that was down), first
// alerts go before escalations, escalations before everything else, repeats
// after that and reminders last.
const (
	PriorityAlert    = -2 // the first alert of an urgent incident
	PriorityEscalate = -1 // an incident's first push to a higher level
	PriorityRepeat   = 1  // an incident re-notified: still not acknowledged
	PriorityReminder = 2  // a scheduled reminder
)

// Handler answers a message.
type Handler interface {
	Handle(ctx context.Context, m *Message) (*Reply, error)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, m *Message) (*Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, m *Message) (*Reply, error) { return f(ctx, m) }

// Middleware wraps a Handler.
type Middleware func(Handler) Handler

// Chain applies middleware so that the first one listed is the outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Notifier delivers one push. Errors are retried by the outbox unless
// marked with Permanent.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying (bad credentials, unknown user).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e retryAfterError) Error() string { return e.err.Error() }
func (e retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as retryable no sooner than d from now (a platform
// rate limit such as WeCom 45009 or DingTalk 130101).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return retryAfterError{err, d}
}

// RetryDelay returns the delay requested with RetryAfter, if any.
func RetryDelay(err error) (time.Duration, bool) {
	var r retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
