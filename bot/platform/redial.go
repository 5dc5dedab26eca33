package platform

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Redialer is how Redial keeps one long connection open and reports on it.
type Redialer struct {
	Name    string // the log lines' prefix ("dingtalk stream", "wecom_bot")
	Link    *Link
	Backoff Backoff
	Log     *slog.Logger
	Now     func() time.Time // the clock of the link's state
	Stop    error            // a serve error wrapping it ends Redial for good (nil: none does)
}

// Redial connects and serves the connection until ctx is done or serve
// returns an error wrapping r.Stop, and returns nil or that error. Before
// each attempt it waits r.Backoff.Delay(failures): a failed connect or a
// connection that serve reports not healthy is one more failure, a healthy
// one starts the count over (the next attempt is immediate). Every failed
// attempt and every end of a connection marks the link down with its
// cause; serve marks it up once the connection is ready for use.
func Redial[C any](ctx context.Context, r Redialer, connect func(context.Context) (C, error),
	serve func(context.Context, C) (healthy bool, err error)) error {
	failures := 0
	for {
		if d := r.Backoff.Delay(failures); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		conn, err := connect(ctx)
		if err != nil {
			failures++
			r.Link.Down(r.Now(), err)
			if ctx.Err() == nil {
				r.Log.Error(r.Name+": cannot connect", "err", err, "retry_in", r.Backoff.Delay(failures).Round(time.Second))
			}
			continue
		}
		healthy, err := serve(ctx, conn)
		r.Link.Down(r.Now(), err)
		if r.Stop != nil && errors.Is(err, r.Stop) {
			r.Log.Error(err.Error())
			return err
		}
		if healthy {
			failures = 0
		} else {
			failures++
		}
		if err != nil && ctx.Err() == nil {
			r.Log.Warn(r.Name+": connection lost, reconnecting", "err", err)
		}
	}
}

// ReadFrames reads conn's messages on a goroutine of its own, so that a
// serve loop can select on them: each message arrives on frames, the error
// that ended the reading on lost. Call stop once, when the loop is done:
// the goroutine then drops the frame it holds, or ends when the connection
// is closed.
func ReadFrames(conn *websocket.Conn) (frames <-chan []byte, lost <-chan error, stop func()) {
	out := make(chan []byte)
	failed := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				failed <- err
				return
			}
			select {
			case out <- b:
			case <-done:
				return
			}
		}
	}()
	return out, failed, func() { close(done) }
}

// InFlight runs the handling of one connection's frames, each on a
// goroutine of its own and at most as many at once as it has slots (Go
// waits for a free one, and so does the serve loop that calls it). Each
// handling is also counted in all, which a client waits for across
// connections before its Run returns.
type InFlight struct {
	slots chan struct{}
	mine  sync.WaitGroup
	all   *sync.WaitGroup
}

// NewInFlight runs at most n handlings at once, counting them in all too.
func NewInFlight(n int, all *sync.WaitGroup) *InFlight {
	return &InFlight{slots: make(chan struct{}, n), all: all}
}

// Go runs handle once a slot is free.
func (f *InFlight) Go(handle func()) {
	f.slots <- struct{}{}
	f.mine.Add(1)
	f.all.Add(1)
	go func() {
		defer func() { <-f.slots; f.mine.Done(); f.all.Done() }()
		handle()
	}()
}

// Drain waits at most d for the handlings under way to end.
func (f *InFlight) Drain(d time.Duration) {
	drained := make(chan struct{})
	go func() { f.mine.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(d):
	}
}
