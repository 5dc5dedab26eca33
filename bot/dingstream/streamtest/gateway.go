// Package streamtest is a fake DingTalk Stream gateway for tests: the
// open endpoint and the websocket, speaking the frames of
// docs/protocols.md §3.4. A frame it sends stays unacknowledged until the
// client answers with its messageId; Redeliver sends the unacknowledged
// ones again, as DingTalk does on a new connection.
package streamtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

// Credentials the gateway accepts.
const (
	ClientID     = "ding-stream-key"
	ClientSecret = "ding-stream-s3cret"
)

// Ack is an acknowledgement the gateway received.
type Ack struct {
	Code      int
	MessageID string
	Message   string
	Data      string
	At        time.Time
}

// Gateway is the fake. Its zero value is not usable; call New.
type Gateway struct {
	Srv *httptest.Server
	t   testing.TB
	ws  *platformtest.WS

	mu       sync.Mutex
	tickets  map[string]bool // issued, not yet used
	issued   int
	opens    []time.Time
	current  *websocket.Conn
	pending  map[string]string // messageId → frame, sent and not acked
	order    []string          // pending ids in sending order
	acks     []Ack
	refuse   bool // answer open requests with 401
	lose     bool // discard acks
	lost     int
	onAck    func(Ack)     // called for every ack, before it is recorded
	connedCh chan struct{} // signalled on every accepted websocket
	ackCh    chan struct{} // signalled on every ack
	seq      int
}

// New starts the gateway; it closes with the test.
func New(t testing.TB) *Gateway {
	g := &Gateway{t: t, tickets: map[string]bool{}, pending: map[string]string{},
		connedCh: make(chan struct{}, 1024), ackCh: make(chan struct{}, 1<<16)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1.0/gateway/connections/open", g.open)
	mux.HandleFunc("GET /connect", g.connect)
	g.ws = platformtest.NewWS(t, mux)
	g.Srv = g.ws.Srv
	return g
}

// OnAck calls f with every ack the gateway reads, before it is recorded.
func (g *Gateway) OnAck(f func(Ack)) {
	g.mu.Lock()
	g.onAck = f
	g.mu.Unlock()
}

// Refuse makes open requests fail with 401 (bad credentials) or succeed again.
func (g *Gateway) Refuse(refuse bool) {
	g.mu.Lock()
	g.refuse = refuse
	g.mu.Unlock()
}

func (g *Gateway) open(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ClientID      string `json:"clientId"`
		ClientSecret  string `json:"clientSecret"`
		Subscriptions []struct{ Type, Topic string }
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opens = append(g.opens, time.Now())
	if g.refuse || req.ClientID != ClientID || req.ClientSecret != ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":"InvalidAuthentication","message":"clientId or clientSecret invalid"}`))
		return
	}
	bot := false
	for _, s := range req.Subscriptions {
		bot = bot || s.Type == "CALLBACK" && s.Topic == "/v1.0/im/bot/messages/get"
	}
	if !bot {
		g.t.Errorf("open request without the bot-message subscription: %+v", req.Subscriptions)
	}
	g.issued++
	ticket := fmt.Sprintf("ticket-%d", g.issued)
	g.tickets[ticket] = true
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"endpoint": g.ws.URL("/connect"), "ticket": ticket})
}

func (g *Gateway) connect(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	g.mu.Lock()
	ok := g.tickets[ticket]
	delete(g.tickets, ticket) // a ticket opens one connection
	g.mu.Unlock()
	if !ok {
		http.Error(w, "bad ticket", http.StatusForbidden)
		return
	}
	c, err := g.ws.Accept(w, r)
	if err != nil {
		return
	}
	c.SetReadLimit(1 << 20)
	g.mu.Lock()
	g.current = c
	g.mu.Unlock()
	g.connedCh <- struct{}{}
	for {
		_, b, err := c.Read(context.Background())
		if err != nil {
			return
		}
		var a struct {
			Code    int               `json:"code"`
			Headers map[string]string `json:"headers"`
			Message string            `json:"message"`
			Data    string            `json:"data"`
		}
		if err := json.Unmarshal(b, &a); err != nil {
			g.t.Errorf("client sent a frame that is not JSON: %s", b)
			continue
		}
		got := Ack{Code: a.Code, MessageID: a.Headers["messageId"], Message: a.Message, Data: a.Data, At: time.Now()}
		if a.Headers["contentType"] != "application/json" {
			g.t.Errorf("ack %s without contentType application/json: %s", got.MessageID, b)
		}
		g.mu.Lock()
		f := g.onAck
		g.mu.Unlock()
		if f != nil {
			f(got)
		}
		g.mu.Lock()
		if g.lose {
			g.lost++
			g.mu.Unlock()
			g.ackCh <- struct{}{}
			continue
		}
		g.acks = append(g.acks, got)
		delete(g.pending, got.MessageID)
		g.mu.Unlock()
		g.ackCh <- struct{}{}
	}
}

// Opens is how many open requests the gateway answered (refused ones too), with their times.
func (g *Gateway) Opens() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Time(nil), g.opens...)
}

// Connections is how many websockets were accepted.
func (g *Gateway) Connections() int { return g.ws.Accepted() }

// WaitConnected waits for the n-th accepted websocket (1-based).
func (g *Gateway) WaitConnected(n int) {
	g.t.Helper()
	deadline := time.After(10 * time.Second)
	for g.Connections() < n {
		select {
		case <-g.connedCh:
		case <-deadline:
			g.t.Fatalf("%d connections, want %d", g.Connections(), n)
		}
	}
}

// Acks returns the acknowledgements received so far.
func (g *Gateway) Acks() []Ack {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Ack(nil), g.acks...)
}

// WaitAcks waits until n acknowledgements arrived.
func (g *Gateway) WaitAcks(n int) []Ack {
	g.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if a := g.Acks(); len(a) >= n {
			return a
		}
		select {
		case <-g.ackCh:
		case <-deadline:
			g.t.Fatalf("%d acks, want %d", len(g.Acks()), n)
		}
	}
}

// Pending lists the ids of frames sent and not acknowledged.
func (g *Gateway) Pending() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ids []string
	for _, id := range g.order {
		if _, ok := g.pending[id]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// Send writes a frame on the current connection and returns its messageId.
func (g *Gateway) Send(typ, topic, data string) string {
	g.mu.Lock()
	g.seq++
	id := fmt.Sprintf("frame-%d", g.seq)
	g.mu.Unlock()
	g.SendID(id, typ, topic, data)
	return id
}

// SendID writes a frame with the given messageId on the current connection.
func (g *Gateway) SendID(id, typ, topic, data string) {
	g.t.Helper()
	b, _ := json.Marshal(map[string]any{
		"specVersion": "1.0", "type": typ, "time": time.Now().UnixMilli(),
		"headers": map[string]string{"topic": topic, "messageId": id, "contentType": "application/json",
			"time": fmt.Sprint(time.Now().UnixMilli())},
		"data": data,
	})
	g.mu.Lock()
	c := g.current
	if typ == "CALLBACK" {
		if _, ok := g.pending[id]; !ok {
			g.order = append(g.order, id)
		}
		g.pending[id] = string(b)
	}
	g.mu.Unlock()
	if c == nil {
		g.t.Fatal("streamtest: no connection to send on")
	}
	if err := c.Write(context.Background(), websocket.MessageText, b); err != nil {
		g.t.Logf("streamtest: send %s: %v", id, err)
	}
}

// SendRaw writes bytes as one text frame on the current connection (a
// frame that need not be JSON).
func (g *Gateway) SendRaw(b []byte) {
	g.mu.Lock()
	c := g.current
	g.mu.Unlock()
	if c == nil {
		g.t.Fatal("streamtest: no connection to send on")
	}
	if err := c.Write(context.Background(), websocket.MessageText, b); err != nil {
		g.t.Logf("streamtest: send raw: %v", err)
	}
}

// Message sends a robot message (the JSON of the HTTP callback body, docs/protocols.md §3.1).
func (g *Gateway) Message(body string) string {
	return g.Send("CALLBACK", "/v1.0/im/bot/messages/get", body)
}

// Redeliver sends every unacknowledged robot message again, on the current connection.
func (g *Gateway) Redeliver() []string {
	g.mu.Lock()
	c := g.current
	var frames [][]byte
	var ids []string
	for _, id := range g.order {
		if f, ok := g.pending[id]; ok {
			frames, ids = append(frames, []byte(f)), append(ids, id)
		}
	}
	g.mu.Unlock()
	for _, f := range frames {
		if err := c.Write(context.Background(), websocket.MessageText, f); err != nil {
			g.t.Logf("streamtest: redeliver: %v", err)
		}
	}
	return ids
}

// LoseAcks makes the gateway discard the acks it reads from now on (as if
// the client died before writing them): the frames stay pending. Lost
// acks are counted by Lost.
func (g *Gateway) LoseAcks(lose bool) {
	g.mu.Lock()
	g.lose = lose
	g.mu.Unlock()
}

// Lost is how many acks were discarded.
func (g *Gateway) Lost() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lost
}

// Drop cuts the current connection without a close frame (a network drop).
func (g *Gateway) Drop() {
	g.mu.Lock()
	c := g.current
	g.current = nil
	g.mu.Unlock()
	if c != nil {
		_ = c.CloseNow()
	}
}

// Disconnect sends the SYSTEM disconnect frame on the current connection.
func (g *Gateway) Disconnect() string {
	return g.Send("SYSTEM", "disconnect", `{"reason":"gateway restart"}`)
}

// Ping sends a SYSTEM ping carrying data and returns its messageId.
func (g *Gateway) Ping(data string) string { return g.Send("SYSTEM", "ping", data) }

// BotMessage is the data of a one-to-one robot message from a DingTalk userid.
func BotMessage(msgID, staffID, text, sessionWebhook string, at time.Time) string {
	b, _ := json.Marshal(map[string]any{
		"msgtype": "text", "text": map[string]string{"content": " " + text}, "msgId": msgID,
		"createAt": at.UnixMilli(), "conversationType": "1", "conversationId": "cid-" + staffID,
		"senderId": "$:LWCP_v1:$" + staffID, "senderStaffId": staffID, "senderNick": staffID,
		"chatbotUserId": "$:LWCP_v1:$robot", "isInAtList": true,
		"sessionWebhook": sessionWebhook, "sessionWebhookExpiredTime": at.Add(90 * time.Minute).UnixMilli(),
	})
	return string(b)
}
