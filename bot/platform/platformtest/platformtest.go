// Package platformtest helps test chat-platform adapters: a fake JSON API
// with answers scripted per path, a settable clock, a recording handler, a
// test Directory, and checks for counters, configuration problems and
// leaked secrets.
package platformtest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Metrics is a fresh set of channel's counters on a registry of its own.
func Metrics(t testing.TB, channel string) *platform.Metrics {
	t.Helper()
	m, err := platform.NewMetrics(prometheus.NewRegistry(), channel)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Value reads a counter.
func Value(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// Dir is a test platform.Directory: member m has userid "u-m" unless
// NoUser[m], and the mobile Mobiles[m]; Groups maps a group to its robot
// followed by the members it always mentions.
type Dir struct {
	Mobiles map[string]string
	Groups  map[string][]string
	NoUser  map[string]bool
}

// UserID is "u-" + member, or "" for the members in NoUser.
func (d Dir) UserID(member string) string {
	if d.NoUser[member] {
		return ""
	}
	return "u-" + member
}

// Mobile is the member's mobile from Mobiles.
func (d Dir) Mobile(member string) string { return d.Mobiles[member] }

// Group names the group's robot and mentions from Groups.
func (d Dir) Group(name string) (string, []string, bool) {
	g, ok := d.Groups[name]
	if !ok {
		return "", nil, false
	}
	return g[0], g[1:], true
}

// Recorder is a stub bot.Handler: it sets Member from Members (platform
// user → member) as the lookup middleware would, records the message and
// answers with Reply, by default "已收到：" and the text.
type Recorder struct {
	Members map[string]string
	Reply   func(*bot.Message) (*bot.Reply, error)

	mu   sync.Mutex
	msgs []bot.Message
}

// Handle records m and answers it.
func (r *Recorder) Handle(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	m.Member = r.Members[m.User]
	r.mu.Lock()
	r.msgs = append(r.msgs, *m)
	r.mu.Unlock()
	if r.Reply == nil {
		return bot.Text("已收到：" + m.Text), nil
	}
	return r.Reply(m)
}

// Messages returns the messages handled so far.
func (r *Recorder) Messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

// NoSecrets fails t when s contains any of secrets.
func NoSecrets(t testing.TB, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Errorf("%q leaks %q", s, secret)
		}
	}
}
