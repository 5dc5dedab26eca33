// Package aibottest is a fake WeCom 智能机器人 long-connection server for
// tests, speaking the frames of docs/protocols.md §3.5 (as the reference
// SDK @wecom/aibot-node-sdk 1.0.7 sends and reads them): it checks the
// subscription, answers pings and pushes, sends messages and events, and
// records what the client wrote.
package aibottest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

// Credentials the server accepts.
const (
	BotID  = "aibot-test"
	Secret = "aibot-secret"
)

// Frame is a frame as the server reads or writes it.
type Frame struct {
	Cmd     string         `json:"cmd,omitempty"`
	Headers map[string]any `json:"headers"`
	Body    map[string]any `json:"body,omitempty"`
	ErrCode *int           `json:"errcode,omitempty"`
	ErrMsg  string         `json:"errmsg,omitempty"`
}

// ReqID is the frame's req_id.
func (f Frame) ReqID() string { s, _ := f.Headers["req_id"].(string); return s }

// Server is the fake. Create it with New.
type Server struct {
	t  testing.TB
	ws *platformtest.WS

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every recorded change
	conn     *websocket.Conn
	conns    int
	subs     []time.Time // subscription attempts, refused ones too
	refuse   bool
	silent   bool // pings go unanswered
	frames   []Frame
	onReply  func(Frame)
	sendCode int
	next     int
}

// New starts the server; it closes with the test.
func New(t testing.TB) *Server {
	s := &Server{t: t, changed: make(chan struct{})}
	s.ws = platformtest.NewWS(t, http.HandlerFunc(s.accept))
	return s
}

// URL is the ws:// address for [wecom_bot] ws_url.
func (s *Server) URL() string { return s.ws.URL("") }

// Refuse makes subscriptions fail (errcode 40001) or succeed again.
func (s *Server) Refuse(r bool) { s.mu.Lock(); s.refuse = r; s.mu.Unlock() }

// Silent stops answering pings (a connection dead without a close).
func (s *Server) Silent(q bool) { s.mu.Lock(); s.silent = q; s.mu.Unlock() }

// SendErrCode is the errcode pushes (aibot_send_msg) get from now on.
func (s *Server) SendErrCode(code int) { s.mu.Lock(); s.sendCode = code; s.mu.Unlock() }

// OnReply calls f with every aibot_respond_msg / aibot_respond_update_msg
// as it is read, before it is recorded.
func (s *Server) OnReply(f func(Frame)) { s.mu.Lock(); s.onReply = f; s.mu.Unlock() }

func (s *Server) notify() { close(s.changed); s.changed = make(chan struct{}) }

func (s *Server) accept(w http.ResponseWriter, r *http.Request) {
	conn, err := s.ws.Accept(w, r)
	if err != nil {
		return
	}
	ctx := context.Background()
	_, b, err := conn.Read(ctx)
	if err != nil {
		_ = conn.CloseNow()
		return
	}
	var sub Frame
	_ = json.Unmarshal(b, &sub)
	s.mu.Lock()
	s.subs = append(s.subs, time.Now())
	ok := !s.refuse && sub.Cmd == "aibot_subscribe" && sub.Body["bot_id"] == BotID && sub.Body["secret"] == Secret
	s.notify()
	s.mu.Unlock()
	if !ok {
		_ = s.write(conn, answer(sub.ReqID(), 40001, "invalid secret"))
		_ = conn.Close(websocket.StatusPolicyViolation, "auth")
		return
	}
	if s.write(conn, answer(sub.ReqID(), 0, "ok")) != nil {
		return
	}
	s.mu.Lock()
	if s.conn != nil {
		_ = s.conn.CloseNow()
	}
	s.conn = conn
	s.conns++
	s.notify()
	s.mu.Unlock()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var f Frame
		if json.Unmarshal(b, &f) != nil {
			s.t.Errorf("aibottest: unreadable frame %q", b)
			continue
		}
		s.mu.Lock()
		silent, code, hook := s.silent, s.sendCode, s.onReply
		s.mu.Unlock()
		reply := f.Cmd == "aibot_respond_msg" || f.Cmd == "aibot_respond_update_msg"
		if reply && hook != nil {
			hook(f)
		}
		s.mu.Lock() // recorded before it is answered: a client that saw the answer finds it here
		s.frames = append(s.frames, f)
		s.notify()
		s.mu.Unlock()
		switch {
		case f.Cmd == "ping" && !silent:
			_ = s.write(conn, answer(f.ReqID(), 0, "ok"))
		case f.Cmd == "aibot_send_msg":
			_ = s.write(conn, answer(f.ReqID(), code, "sent"))
		case reply:
			_ = s.write(conn, answer(f.ReqID(), 0, "ok"))
		}
	}
}

func answer(id string, code int, msg string) Frame {
	return Frame{Headers: map[string]any{"req_id": id}, ErrCode: &code, ErrMsg: msg}
}

func (s *Server) write(conn *websocket.Conn, f Frame) error {
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, b)
}

// Send writes cmd with body on the current connection under a fresh req_id
// and returns it.
func (s *Server) Send(cmd string, body map[string]any) string {
	s.mu.Lock()
	s.next++
	id := fmt.Sprintf("%s_%d", cmd, s.next)
	conn := s.conn
	s.mu.Unlock()
	if conn == nil {
		s.t.Fatalf("aibottest: no connection to send %s on", cmd)
	}
	if err := s.write(conn, Frame{Cmd: cmd, Headers: map[string]any{"req_id": id}, Body: body}); err != nil {
		s.t.Fatalf("aibottest: send %s: %v", cmd, err)
	}
	return id
}

// Message sends a single-chat text message from user with msgid and
// returns its req_id.
func (s *Server) Message(msgID, user, text string) string {
	return s.Send("aibot_msg_callback", map[string]any{"msgid": msgID, "aibotid": BotID, "chattype": "single",
		"from": map[string]any{"userid": user}, "msgtype": "text", "text": map[string]any{"content": text}})
}

// Click sends a template_card_event: user clicked the button key of card taskID.
func (s *Server) Click(msgID, user, key, taskID string) string {
	return s.Send("aibot_event_callback", map[string]any{"msgid": msgID, "aibotid": BotID, "chattype": "single",
		"from": map[string]any{"userid": user}, "msgtype": "event",
		"event": map[string]any{"eventtype": "template_card_event", "event_key": key, "task_id": taskID}})
}

// Takeover tells the connection another one took over, then closes it, as
// WeCom does when a second process subscribes with the same bot.
func (s *Server) Takeover() {
	s.Send("aibot_event_callback", map[string]any{"msgid": "takeover", "aibotid": BotID, "msgtype": "event",
		"event": map[string]any{"eventtype": "disconnected_event"}})
	s.Drop()
}

// Drop cuts the current connection without a close frame.
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		_ = s.conn.CloseNow()
		s.conn = nil
	}
}

// Subscriptions is the times of subscription attempts, refused ones too.
func (s *Server) Subscriptions() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.subs...)
}

// Connections is how many subscriptions succeeded.
func (s *Server) Connections() int { s.mu.Lock(); defer s.mu.Unlock(); return s.conns }

// Frames returns the frames of command cmd the client wrote ("" for all).
func (s *Server) Frames(cmd string) []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Frame
	for _, f := range s.frames {
		if cmd == "" || f.Cmd == cmd {
			out = append(out, f)
		}
	}
	return out
}

// Wait waits up to 60 s for cond, checked after every change; it fails the
// test with what on timeout.
func (s *Server) Wait(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("aibottest: timed out waiting for %s", what)
		}
	}
}

// WaitConnected waits for the n-th successful subscription.
func (s *Server) WaitConnected(n int) {
	s.t.Helper()
	s.Wait(fmt.Sprintf("connection %d", n), func() bool { return s.Connections() >= n })
}

// WaitFrames waits until the client wrote n frames of cmd and returns them.
func (s *Server) WaitFrames(cmd string, n int) []Frame {
	s.t.Helper()
	s.Wait(fmt.Sprintf("%d %s frames", n, cmd), func() bool { return len(s.Frames(cmd)) >= n })
	return s.Frames(cmd)
}

// Reply is the text of the client's aibot_respond_msg to req_id ("" if none yet).
func (s *Server) Reply(reqID string) string {
	for _, f := range s.Frames("aibot_respond_msg") {
		if f.ReqID() == reqID {
			st, _ := f.Body["stream"].(map[string]any)
			c, _ := st["content"].(string)
			return c
		}
	}
	return ""
}

// WaitReply waits for the reply to req_id and returns its text.
func (s *Server) WaitReply(reqID string) string {
	s.t.Helper()
	s.Wait("reply to "+reqID, func() bool { return s.Reply(reqID) != "" })
	return s.Reply(reqID)
}
