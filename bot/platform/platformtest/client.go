package platformtest

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// Push is what an adapter's client tests build their client with: a clock
// at a fixed time, a log, fresh counters, the options that use them, and a
// directory where leader-1 has a mobile, nobody has no userid, the group
// 全体班主任 has the robot office and always mentions leader-1, and the
// group ghost names a robot that is not configured.
type Push struct {
	Clock *Clock
	Log   *bytes.Buffer
	M     *platform.Metrics
	Dir   Dir
	Opts  []platform.Option // these, then the test's own
}

// NewPush prepares channel's client test at now; opts come after its own.
func NewPush(t testing.TB, channel string, now time.Time, opts ...platform.Option) Push {
	p := Push{Clock: NewClock(now), Log: new(bytes.Buffer), M: Metrics(t, channel), Dir: Dir{
		Mobiles: map[string]string{"leader-1": "13800000001"},
		Groups:  map[string][]string{"全体班主任": {"office", "leader-1"}, "ghost": {"no-such-robot"}},
		NoUser:  map[string]bool{"nobody": true},
	}}
	p.Opts = append([]platform.Option{platform.WithClock(p.Clock.Now), platform.WithLogger(slog.New(slog.NewTextHandler(p.Log, nil))),
		platform.WithMetrics(p.M)}, opts...)
	return p
}

// Logged fails t unless the log names want ("": anything goes).
func (p Push) Logged(t testing.TB, want string) {
	t.Helper()
	if want != "" && !strings.Contains(p.Log.String(), want) {
		t.Errorf("log %q does not name %q", p.Log, want)
	}
}

// Classified fails t unless err is an error, permanent as wanted and
// deferred by retry (0: not a bot.RetryAfter).
func Classified(t testing.TB, err error, permanent bool, retry time.Duration) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if bot.IsPermanent(err) != permanent {
		t.Errorf("permanent = %v, want %v (%v)", bot.IsPermanent(err), permanent, err)
	}
	if d, ok := bot.RetryDelay(err); ok != (retry != 0) || d != retry {
		t.Errorf("retry delay = %v %v, want %v", d, ok, retry)
	}
}
