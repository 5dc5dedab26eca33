// Package dingstream is DingTalk Stream mode (docs/protocols.md §3.4, SPEC
// §14): baosong opens the connection itself, so a school without a public
// address still hears its robot. It asks the gateway for an endpoint and a
// ticket, holds a websocket to it, hands each robot message to a Receiver
// and acknowledges the frame only after the Receiver returned (the
// message's records are committed by then: a crash before the ack means a
// redelivery, which the bot's dedupe answers without storing twice). It
// echoes pings, reconnects with a new ticket on `disconnect` or a dropped
// connection, and shows its state through a platform.Link.
//
// It is written on github.com/coder/websocket rather than the official
// dingtalk-stream-sdk-go v0.9.1, whose client writes acks from one
// goroutine per frame on a gorilla connection without a lock (gorilla
// allows one writer: a burst of messages races), reconnects forever every
// 3 s on context.Background with no way to stop it (no clean shutdown, no
// backoff) and offers no hook for the connection's state.
package dingstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/baosong/baosong/bot/platform"
)

// Wire constants (docs/protocols.md §3.4).
const (
	DefaultBase = "https://api.dingtalk.com"
	PathOpen    = "/v1.0/gateway/connections/open"
	TopicBot    = "/v1.0/im/bot/messages/get" // robot messages
	topicPing   = "ping"
	topicBye    = "disconnect"
	typeSystem  = "SYSTEM"
	typeCall    = "CALLBACK"
)

// Timing of a connection.
const (
	keepalive    = time.Minute      // a websocket ping this often finds a connection dead without a FIN
	pingTimeout  = 10 * time.Second // a ping unanswered this long drops the connection
	writeTimeout = 10 * time.Second
	drainTimeout = 5 * time.Second // on disconnect or shutdown, how long acks of frames in hand may take
	workTimeout  = platform.WorkTimeout
	maxInFlight  = 64      // frames handled at once; the reader waits beyond
	maxFrame     = 1 << 20 // bytes
	seenIDs      = 10000   // message ids remembered to count redeliveries
	// A connection that carried a frame or stayed up this long worked: the
	// next reconnect is immediate. One that the gateway dropped at once
	// counts as a failure, so a gateway that accepts and drops is not
	// hammered.
	stableAfter = 30 * time.Second
)

// Receiver handles the data of one robot-message frame. It returns when
// the message's records are committed, with the delivery of the reply to
// run after the ack; an error means the data was not a message (acked 400).
type Receiver interface {
	Receive(ctx context.Context, data []byte) (deliver func(context.Context), err error)
}

// Config is where and as whom the connection is opened.
type Config struct {
	Base         string // default DefaultBase; tests point it at a fake gateway
	ClientID     string // the app's AppKey
	ClientSecret string // its AppSecret
}

// Client holds the Stream connection. Run it once.
type Client struct {
	cfg     Config
	recv    Receiver
	link    *platform.Link
	log     *slog.Logger
	http    *http.Client
	backoff platform.Backoff
	seen    *platform.Seen
	now     func() time.Time
	work    sync.WaitGroup // frames in hand, across connections
}

// Option configures a Client.
type Option func(*Client)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithHTTPClient opens connections through h (default: a client with a 10 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithBackoff sets the waits between failed attempts (default platform.DefaultBackoff).
func WithBackoff(b platform.Backoff) Option { return func(c *Client) { c.backoff = b } }

// New builds a client reporting into link.
func New(cfg Config, recv Receiver, link *platform.Link, opts ...Option) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("dingstream: needs app_key and app_secret")
	}
	if recv == nil || link == nil {
		return nil, errors.New("dingstream: needs a receiver and a link")
	}
	if cfg.Base == "" {
		cfg.Base = DefaultBase
	}
	c := &Client{cfg: cfg, recv: recv, link: link, log: slog.New(slog.DiscardHandler),
		http: &http.Client{Timeout: 10 * time.Second}, backoff: platform.DefaultBackoff,
		seen: platform.NewSeen(seenIDs), now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Run connects and reconnects until ctx is done, then closes the
// connection once the frames in hand are acknowledged, and returns.
func (c *Client) Run(ctx context.Context) {
	defer c.work.Wait()
	r := platform.Redialer{Name: "dingtalk stream", Link: c.link, Backoff: c.backoff, Log: c.log, Now: c.now}
	_ = platform.Redial(ctx, r, c.connect, func(ctx context.Context, conn *websocket.Conn) (bool, error) {
		c.link.Up(c.now())
		c.log.Info("dingtalk stream: connected")
		opened := time.Now()
		healthy, err := c.serve(ctx, conn)
		return healthy || time.Since(opened) >= stableAfter, err
	})
}

// endpoint is the gateway's answer to an open request.
type endpoint struct {
	Endpoint string `json:"endpoint"`
	Ticket   string `json:"ticket"`
}

type subscription struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
}

// connect asks the gateway for an endpoint and a ticket and dials it.
func (c *Client) connect(ctx context.Context) (*websocket.Conn, error) {
	body, _ := json.Marshal(map[string]any{
		"clientId": c.cfg.ClientID, "clientSecret": c.cfg.ClientSecret, "ua": "baosong",
		"subscriptions": []subscription{{typeCall, TopicBot}, {typeSystem, topicPing}, {typeSystem, topicBye}},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.cfg.Base, "/")+PathOpen, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("open: HTTP %d %s: 钉钉拒绝了 app_key/app_secret，请核对 [dingtalk] app_key 与 app_secret，"+
			"并在开发者后台把机器人的消息接收模式设为 Stream 模式", resp.StatusCode, snippet(answer))
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("open: HTTP %d %s", resp.StatusCode, snippet(answer))
	}
	var ep endpoint
	if json.Unmarshal(answer, &ep) != nil || ep.Endpoint == "" || ep.Ticket == "" {
		return nil, fmt.Errorf("open: no endpoint and ticket in %s", snippet(answer))
	}
	u, err := url.Parse(ep.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("open: bad endpoint: %w", err)
	}
	q := u.Query()
	q.Set("ticket", ep.Ticket)
	u.RawQuery = q.Encode()
	conn, _, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPClient: c.http})
	if err != nil {
		return nil, fmt.Errorf("dial endpoint: %w", err)
	}
	conn.SetReadLimit(maxFrame)
	return conn, nil
}

// snippet shortens a gateway answer for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// frame is a gateway frame; ack the answer to one.
type frame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"`
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

type ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

// serve reads frames until the connection ends, the gateway says
// disconnect, or ctx is done; in the last two cases frames in hand are
// given drainTimeout to be acknowledged before the connection closes.
// healthy reports whether the connection carried a frame; err is why it
// ended (nil for disconnect and shutdown).
func (c *Client) serve(ctx context.Context, conn *websocket.Conn) (healthy bool, err error) {
	inHand := platform.NewInFlight(maxInFlight, &c.work) // frames in hand on this connection
	defer func() {
		if err != nil { // the connection is gone: nothing to drain
			_ = conn.CloseNow()
			return
		}
		inHand.Drain(drainTimeout)
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}()

	frames, lost, stop := platform.ReadFrames(conn)
	defer stop()
	ping := time.NewTicker(keepalive)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return healthy, nil
		case err := <-lost:
			return healthy, err
		case <-ping.C:
			go func() {
				pctx, cancel := context.WithTimeout(ctx, pingTimeout)
				defer cancel()
				if conn.Ping(pctx) != nil && ctx.Err() == nil {
					_ = conn.CloseNow() // the reader fails and the connection is replaced
				}
			}()
		case b := <-frames:
			healthy = true
			var f frame
			if json.Unmarshal(b, &f) != nil {
				c.link.Frame("other")
				c.log.Warn("dingtalk stream: unreadable frame", "bytes", len(b))
				continue
			}
			id, topic := f.Headers["messageId"], f.Headers["topic"]
			switch {
			case f.Type == typeSystem && topic == topicPing:
				c.link.Frame("ping")
				c.write(conn, ack{Code: 200, Headers: ackHeaders(id), Message: "ok", Data: f.Data})
			case f.Type == typeSystem && topic == topicBye:
				c.link.Frame("disconnect")
				c.log.Info("dingtalk stream: gateway asked to reconnect")
				c.write(conn, ack{Code: 200, Headers: ackHeaders(id)})
				return healthy, nil
			case f.Type == typeCall && topic == TopicBot:
				c.link.Frame("message")
				if c.seen.Add(id) {
					c.link.Redelivered()
				}
				inHand.Go(func() { c.message(ctx, conn, id, f.Data) })
			default:
				c.link.Frame("other")
				c.write(conn, ack{Code: 404, Headers: ackHeaders(id), Message: "no handler"})
			}
		}
	}
}

// message hands a robot message to the Receiver, acknowledges it once the
// Receiver returned, then delivers the reply. Shutting down does not cut
// the handling short (it is bounded by workTimeout).
func (c *Client) message(ctx context.Context, conn *websocket.Conn, id, data string) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	defer cancel()
	deliver, err := c.recv.Receive(wctx, []byte(data))
	if err != nil {
		c.log.Warn("dingtalk stream: bad robot message", "messageId", id, "err", err)
		c.write(conn, ack{Code: 400, Headers: ackHeaders(id), Message: "bad message"})
		return
	}
	c.write(conn, ack{Code: 200, Headers: ackHeaders(id)})
	deliver(wctx)
}

func ackHeaders(id string) map[string]string {
	return map[string]string{"messageId": id, "contentType": "application/json"}
}

// write sends an ack; a failure means the connection is gone and the
// gateway will redeliver.
func (c *Client) write(conn *websocket.Conn, a ack) {
	b, _ := json.Marshal(a)
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.log.Debug("dingtalk stream: ack not written", "messageId", a.Headers["messageId"], "err", err)
		return
	}
	c.link.Ack()
}
