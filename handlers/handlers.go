// Package handlers turns chat messages into actions: one file per intent
// family, the Chinese texts in messages.go. Handlers are thin: they parse
// (handlers/parse), check the sender's role and scope (org), call a domain
// service, and phrase the reply.
package handlers

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/handlers/parse"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
)

// Deps is what the handlers need. The services are built once, by the
// wiring (app), on the one clock that Now also reads.
type Deps struct {
	Dir *org.Directory
	// Policies are the organisation's rules: the handlers read who may
	// report an incident and its extra keywords, and the day grade leads
	// confirm the monthly summary by.
	Policies   org.Policies
	Attendance *attendance.Service
	Desk       *desk.Service
	Incidents  *incident.Service
	Deliveries Deliveries
	Now        func() time.Time
	Log        *slog.Logger
	// Console issues the web console's login links; nil: [console] off.
	Console LoginLinks
	// Count records things that are refused and counted but not stored
	// ("confidential").
	Count func(name string)
}

// Deliveries says whether pushes got through (the first alerts of 急报).
type Deliveries interface {
	// AwaitDelivery waits, at most wait, until every push of keys is
	// delivered or has failed an attempt; it returns the keys still
	// waiting and those that failed for good.
	AwaitDelivery(ctx context.Context, wait time.Duration, keys ...string) (waiting, failed []string, err error)
}

// Handlers answers every intent.
type Handlers struct {
	Deps
	intents []intent
	// recent lists lines describing a member's latest records, one source per record kind.
	recent []func(m *org.Member, limit int) ([]string, error)
	// unrouted take a message that names no intent when they can read it
	// whole (今天全勤); nil reply: not theirs.
	unrouted []bot.HandlerFunc
}

// intent is a route with who may use it and how (for 帮助).
type intent struct {
	bot.Route
	Roles   []string // roles that may use it; empty: everyone
	Usage   string   // one line: what it does
	Example string   // one example message
}

// New builds the handlers.
func New(d Deps) *Handlers {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Count == nil {
		d.Count = func(string) {}
	}
	h := &Handlers{Deps: d}
	h.intents = append(h.intents, h.basicIntents()...)
	h.intents = append(h.intents, h.attendanceIntents()...)
	h.intents = append(h.intents, h.outingIntents()...)
	h.intents = append(h.intents, h.incidentIntents()...)
	h.intents = append(h.intents, h.submissionIntents()...)
	h.intents = append(h.intents, h.consoleIntents()...)
	return h
}

// Router returns the router over every intent, each behind the
// confidential guard; text that matches none gets a hint.
func (h *Handlers) Router() *bot.Router {
	routes := make([]bot.Route, len(h.intents))
	for i, in := range h.intents {
		routes[i] = in.Route
		routes[i].Handler = h.guardConfidential(in)
	}
	fallback := intent{Route: bot.Route{Intent: "unknown", Handler: bot.HandlerFunc(h.fallback)}}
	return bot.NewRouter(h.guardConfidential(fallback), routes...)
}

// Intents lists the intent names, for metrics.
func (h *Handlers) Intents() []string {
	out := make([]string, len(h.intents))
	for i, in := range h.intents {
		out[i] = in.Intent
	}
	return out
}

// msgTime is when a message was sent, in the organisation's zone (now
// when the channel gave no time).
func (h *Handlers) msgTime(m *bot.Message) time.Time {
	t := m.At
	if t.IsZero() {
		t = h.Now()
	}
	return t.In(h.Dir.Calendar().Location())
}

// member returns the sender (set by the Lookup middleware).
func (h *Handlers) member(m *bot.Message) *org.Member {
	mem, ok := h.Dir.Member(m.Member)
	if !ok {
		return &org.Member{ID: m.Member}
	}
	return mem
}

// memberNames lists the members' names (ids when unknown), joined by 、.
func (h *Handlers) memberNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = h.Dir.MemberName(id)
	}
	return strings.Join(out, "、")
}

// unitNames lists the units' names, joined by 、.
func (h *Handlers) unitNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = h.Dir.UnitName(id)
	}
	return strings.Join(out, "、")
}

// ownClasses lists the ids of the member's classes.
func (h *Handlers) ownClasses(mem *org.Member) []string {
	var out []string
	for _, u := range mem.Units {
		if unit, ok := h.Dir.Unit(u); ok && unit.Kind == org.Class {
			out = append(out, u)
		}
	}
	return out
}

// classIndex maps the parsed class names of the directory to unit ids.
func classIndex(dir *org.Directory) map[parse.ClassRef]string {
	out := map[parse.ClassRef]string{}
	for _, u := range dir.Classes() {
		if ref, ok := parse.ParseClass(u.Name); ok {
			out[ref] = u.ID
		}
	}
	return out
}

// allowed reports whether the member has one of the roles; refusal is the
// reply naming the roles needed.
func (h *Handlers) allowed(mem *org.Member, roles ...string) (ok bool, refusal *bot.Reply) {
	if len(roles) == 0 || mem.Has(roles...) {
		return true, nil
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = org.RoleNames[r]
	}
	return false, bot.Text(sprintf(msgNeedRole, strings.Join(names, "、")))
}

// newIntent builds an intent whose handler is guarded by the same roles
// that 帮助 lists it under.
func (h *Handlers) newIntent(name string, roles []string, fn bot.HandlerFunc, usage, example string, keywords ...string) intent {
	return intent{Route: bot.Route{Intent: name, Keywords: keywords, Handler: h.guarded(roles, fn)},
		Roles: roles, Usage: usage, Example: example}
}

// guarded wraps a handler with a role check.
func (h *Handlers) guarded(roles []string, next bot.HandlerFunc) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
		if ok, refusal := h.allowed(h.member(m), roles...); !ok {
			return refusal, nil
		}
		return next(ctx, m)
	})
}

// MaxRunes is the longest message the bot reads.
const MaxRunes = 4000

// TooLong refuses messages over MaxRunes characters without reading them.
func TooLong(count func()) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
			if utf8.RuneCountInString(m.Text) > MaxRunes {
				m.Intent = "too_long"
				count()
				return bot.Text(sprintf(msgTooLong, MaxRunes)), nil
			}
			return next.Handle(ctx, m)
		})
	}
}

// Usage is how 帮助 describes an intent.
type Usage struct {
	Intent, Usage, Example string
	Roles                  []string
}

// Usages lists every intent as 帮助 describes it.
func (h *Handlers) Usages() []Usage {
	out := make([]Usage, len(h.intents))
	for i, in := range h.intents {
		out[i] = Usage{Intent: in.Intent, Usage: in.Usage, Example: in.Example, Roles: in.Roles}
	}
	return out
}
