package dingstream_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/baosong/baosong/bot/dingstream"
	"github.com/baosong/baosong/bot/dingstream/streamtest"
	"github.com/baosong/baosong/bot/platform"
)

// recorder is a Receiver that "commits" each message's msgId and notes
// when its reply is delivered. hold, when set, blocks Receive until closed.
type recorder struct {
	mu        sync.Mutex
	committed map[string]int
	delivered []string
	hold      chan struct{}
	entered   chan string
	acks      func() uint64 // acks written so far, when set
	early     int           // replies delivered before any ack was written
}

func newRecorder() *recorder {
	return &recorder{committed: map[string]int{}, entered: make(chan string, 16)}
}

func (r *recorder) Receive(_ context.Context, data []byte) (func(context.Context), error) {
	var m struct {
		MsgID string `json:"msgId"`
	}
	if json.Unmarshal(data, &m) != nil || m.MsgID == "" {
		return nil, errors.New("not a robot message")
	}
	select {
	case r.entered <- m.MsgID:
	default:
	}
	if r.hold != nil {
		<-r.hold
	}
	r.mu.Lock()
	r.committed[m.MsgID]++
	r.mu.Unlock()
	return func(context.Context) {
		r.mu.Lock()
		if r.acks != nil && r.acks() == 0 {
			r.early++
		}
		r.delivered = append(r.delivered, m.MsgID)
		r.mu.Unlock()
	}, nil
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.committed[id]
}

type running struct {
	link *platform.Link
	stop func()
}

// start runs a client against g until the test ends (or stop).
func start(t *testing.T, g *streamtest.Gateway, recv dingstream.Receiver, secret string) running {
	t.Helper()
	link, err := platform.NewLink(prometheus.NewRegistry(), "dingtalk")
	if err != nil {
		t.Fatal(err)
	}
	c, err := dingstream.New(dingstream.Config{Base: g.Srv.URL, ClientID: streamtest.ClientID, ClientSecret: secret},
		recv, link, dingstream.WithBackoff(platform.Backoff{Min: time.Millisecond, Max: 8 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return running{link, stop}
}

// holdOne runs a client whose Receiver blocks (rec.hold is left open),
// sends it the robot message msgID and returns once its handling has begun,
// with the frame's messageId.
func holdOne(t *testing.T, msgID string) (*streamtest.Gateway, *recorder, running, string) {
	t.Helper()
	g := streamtest.New(t)
	rec := newRecorder()
	rec.hold = make(chan struct{})
	r := start(t, g, rec, streamtest.ClientSecret)
	g.WaitConnected(1)
	id := g.Message(streamtest.BotMessage(msgID, "u1", "考勤 全勤", "", time.Now()))
	<-rec.entered
	return g, rec, r, id
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A wrong secret (or Stream mode not switched on in the console) is
// refused by the gateway: nothing connects, the state says why in words an
// admin can act on, and the client keeps trying with backoff, so fixing
// the console needs no restart.
func TestAuthFailureIsReportedAndRetried(t *testing.T) {
	g := streamtest.New(t)
	g.Refuse(true)
	r := start(t, g, newRecorder(), streamtest.ClientSecret)
	waitUntil(t, "four refused attempts", func() bool { return len(g.Opens()) >= 4 })
	s := r.link.State()
	if s.Connected || g.Connections() != 0 || !strings.Contains(s.LastError, "401") || !strings.Contains(s.LastError, "app_secret") {
		t.Fatalf("state after refusals: %+v, %d websockets", s, g.Connections())
	}
	g.Refuse(false)
	g.WaitConnected(1)
	waitUntil(t, "connected state", func() bool { return r.link.State().Connected })
	if s := r.link.State(); s.LastError != "" || s.Reconnects != 0 {
		t.Errorf("after the fix: %+v", s)
	}
}

func TestWrongSecretNeverConnects(t *testing.T) {
	g := streamtest.New(t)
	start(t, g, newRecorder(), "not-the-secret")
	waitUntil(t, "three attempts", func() bool { return len(g.Opens()) >= 3 })
	if g.Connections() != 0 {
		t.Errorf("%d websockets with a wrong secret", g.Connections())
	}
}

// The ack is written only after the Receiver returned (records committed),
// and the reply is delivered only after the ack.
func TestAckAfterCommitThenReply(t *testing.T) {
	g := streamtest.New(t)
	rec := newRecorder()
	var bad []string
	var mu sync.Mutex
	g.OnAck(func(a streamtest.Ack) {
		mu.Lock()
		defer mu.Unlock()
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if a.MessageID != "" && strings.HasPrefix(a.MessageID, "frame-") && len(rec.committed) == 0 {
			bad = append(bad, "ack before commit: "+a.MessageID)
		}
	})
	r := start(t, g, rec, streamtest.ClientSecret)
	rec.mu.Lock()
	rec.acks = func() uint64 { return r.link.State().Acks }
	rec.mu.Unlock()
	g.WaitConnected(1)
	id := g.Message(streamtest.BotMessage("msg-1", "u1", "考勤 全勤", "", time.Now()))
	acks := g.WaitAcks(1)
	if acks[0].MessageID != id || acks[0].Code != 200 {
		t.Fatalf("ack %+v, want 200 for %s", acks[0], id)
	}
	waitUntil(t, "delivery", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.delivered) == 1 })
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 || rec.early > 0 {
		t.Error(bad, rec.early, "replies before the ack")
	}
}

// A slow handling holds its ack back: while the Receiver has not
// returned, the gateway has no ack.
func TestNoAckWhileHandling(t *testing.T) {
	g, rec, _, _ := holdOne(t, "slow")
	pong := g.Ping("still there?") // the connection is served meanwhile
	acks := g.WaitAcks(1)
	if len(acks) != 1 || acks[0].MessageID != pong {
		t.Fatalf("acks while handling: %+v", acks)
	}
	close(rec.hold)
	acks = g.WaitAcks(2)
	if acks[1].Code != 200 || rec.count("slow") != 1 {
		t.Errorf("after handling: %+v, committed %d", acks, rec.count("slow"))
	}
}

func TestPingIsEchoed(t *testing.T) {
	g := streamtest.New(t)
	r := start(t, g, newRecorder(), streamtest.ClientSecret)
	g.WaitConnected(1)
	id := g.Ping(`{"opaque":"42"}`)
	a := g.WaitAcks(1)[0]
	if a.MessageID != id || a.Code != 200 || a.Message != "ok" || a.Data != `{"opaque":"42"}` {
		t.Errorf("pong %+v", a)
	}
	waitUntil(t, "the ack counted", func() bool { return r.link.State().Acks == 1 })
	if s := r.link.State(); s.Frames["ping"] != 1 {
		t.Errorf("state %+v", s)
	}
}

// Malformed robot data and unknown topics get error codes, a frame that is
// not JSON is skipped; none of them ends the connection.
func TestBadFramesAreAnswered(t *testing.T) {
	g := streamtest.New(t)
	r := start(t, g, newRecorder(), streamtest.ClientSecret)
	g.WaitConnected(1)
	g.SendRaw([]byte("\x00not json{{"))
	bad := g.Message(`{"msgtype":`)
	odd := g.Send("EVENT", "/v1.0/some/event", `{}`)
	nul := g.Send("CALLBACK", "/v1.0/im/bot/messages/get", `null`)
	pong := g.Ping("after the junk")
	acks := g.WaitAcks(4)
	codes := map[string]int{}
	for _, a := range acks {
		codes[a.MessageID] = a.Code
	}
	if codes[bad] != 400 || codes[odd] != 404 || codes[nul] != 400 || codes[pong] != 200 {
		t.Errorf("codes %v", codes)
	}
	if s := r.link.State(); s.Frames["other"] != 2 || s.Reconnects != 0 || g.Connections() != 1 {
		t.Errorf("state %+v, %d connections", s, g.Connections())
	}
}

// The gateway's disconnect: the client acks it, asks for a new ticket and
// connects again; messages flow on the new connection.
func TestDisconnectReconnectsWithANewTicket(t *testing.T) {
	g := streamtest.New(t)
	rec := newRecorder()
	r := start(t, g, rec, streamtest.ClientSecret)
	g.WaitConnected(1)
	g.Disconnect()
	g.WaitConnected(2)
	if n := len(g.Opens()); n != 2 {
		t.Errorf("%d open requests, want 2 (one new ticket)", n)
	}
	g.Message(streamtest.BotMessage("after", "u1", "帮助", "", time.Now()))
	g.WaitAcks(2)
	waitUntil(t, "commit", func() bool { return rec.count("after") == 1 })
	if s := r.link.State(); s.Reconnects != 1 || s.Frames["disconnect"] != 1 || !s.Connected {
		t.Errorf("state %+v", s)
	}
}

// A network drop (no close frame): the client reconnects; the frame that
// was never acknowledged comes again, is counted as a redelivery and is
// acknowledged then.
func TestNetworkDropReconnectsAndRedeliveryIsAcked(t *testing.T) {
	g, rec, r, id := holdOne(t, "m-drop")
	g.Drop()
	g.WaitConnected(2)
	close(rec.hold) // the first handling ends; its ack has no connection
	waitUntil(t, "first handling", func() bool { return rec.count("m-drop") == 1 })
	if ids := g.Redeliver(); len(ids) != 1 || ids[0] != id {
		t.Fatalf("pending after the drop: %v", ids)
	}
	acks := g.WaitAcks(1)
	if acks[0].MessageID != id || len(g.Pending()) != 0 {
		t.Errorf("acks %+v pending %v", acks, g.Pending())
	}
	if s := r.link.State(); s.Redeliveries != 1 || s.Reconnects != 1 {
		t.Errorf("state %+v", s)
	}
}

// Shutting down lets the frame in hand finish and acknowledges it before
// the connection closes.
func TestShutdownAcksTheFrameInHand(t *testing.T) {
	g, rec, r, id := holdOne(t, "m-last")
	stopped := make(chan struct{})
	go func() { r.stop(); close(stopped) }()
	close(rec.hold)
	<-stopped
	if acks := g.Acks(); len(acks) != 1 || acks[0].MessageID != id {
		t.Errorf("acks at shutdown: %+v", acks)
	}
	if r.link.State().Connected {
		t.Error("still connected after shutdown")
	}
}

func TestBackoffStaysWithinAMinute(t *testing.T) {
	b := platform.DefaultBackoff
	if b.Delay(0) != 0 {
		t.Error("first reconnect is not immediate")
	}
	prevMax := time.Duration(0)
	for n := 1; n <= 100; n++ {
		d := b.Delay(n)
		if d > time.Minute || d < 500*time.Millisecond {
			t.Fatalf("delay after %d failures: %v", n, d)
		}
		if n <= 6 && d < prevMax/2 {
			t.Errorf("delay after %d failures %v shrank below half of %v", n, d, prevMax)
		}
		prevMax = max(prevMax, d)
	}
	if b.Delay(30) < 30*time.Second {
		t.Errorf("after 30 failures the wait is %v, want the upper half of a minute", b.Delay(30))
	}
}
