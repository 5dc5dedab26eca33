// Package wecombot is the WeCom 智能机器人 long connection
// (docs/protocols.md §3.5, SPEC §14): baosong opens a websocket to WeCom
// itself, so a school without a public address still hears its members.
// It subscribes with the bot's id and secret, hands each message to the
// bot's Handler and answers it on the same connection (aibot_respond_msg
// with the message's req_id) only after the Handler returned, so the
// message's records are committed before WeCom hears anything. It pings
// every 30 s, reconnects with backoff after a drop, and stops for good on
// disconnected_event (another connection for the same bot took over: WeCom
// keeps one live connection per bot, and fighting it would make both
// flap). Pushes go out as aibot_send_msg to the member's userid, or to the
// chat id of a group the bot is in; a push with actions becomes a
// button_interaction template card whose click arrives as
// template_card_event and is handled as the button's command typed by the
// member who clicked.
//
// The frames follow the reference SDK, npm @wecom/aibot-node-sdk 1.0.7;
// no Go library for it is served here, so this is a small client on
// github.com/coder/websocket, like bot/dingstream.
package wecombot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// DefaultURL is WeCom's long-connection endpoint.
const DefaultURL = "wss://openws.work.weixin.qq.com"

// Channel names the connection in metrics and /healthz, and the pushes
// that can only go through it (to a group known by its chat id).
const Channel = "wecom_bot"

// Commands of the frames (the SDK's WsCmd).
const (
	CmdSubscribe = "aibot_subscribe"
	CmdPing      = "ping"
	CmdRespond   = "aibot_respond_msg"
	CmdUpdate    = "aibot_respond_update_msg"
	CmdSend      = "aibot_send_msg"
	CmdMessage   = "aibot_msg_callback"
	CmdEvent     = "aibot_event_callback"

	EventTakeover = "disconnected_event"
	EventCard     = "template_card_event"
)

// Timing of a connection.
const (
	PingEvery    = 30 * time.Second
	missedPongs  = 2 // pings unanswered in a row before the connection counts as dead
	writeTimeout = 10 * time.Second
	authTimeout  = 10 * time.Second
	sendTimeout  = 10 * time.Second // how long a push waits for WeCom's answer
	drainTimeout = 5 * time.Second  // on shutdown, how long the replies of messages in hand may take
	maxInFlight  = 64
	maxFrame     = 1 << 20
	seenIDs      = 10000
	cardText     = 500 // runes of a reply shown on an updated card
)

// TextSentPrivate is the answer in a group chat: the reply went to the
// member privately.
const TextSentPrivate = "已私信回复您，请查看企业微信消息。"

// ErrTakenOver is why Run stopped: WeCom reported that another connection
// for the same bot took over.
var ErrTakenOver = errors.New("wecom_bot: 另一个连接使用同一个智能机器人接管了长连接（disconnected_event），本进程不再重连；" +
	"请检查是否有两处同时运行了 baosong 或其他程序")

// Config is where and as whom the connection is opened.
type Config struct {
	URL    string // default DefaultURL; tests point it at a fake server
	BotID  string
	Secret string
}

// Directory gives a member's WeCom userid and a group's chat id ("" if none).
type Directory interface {
	UserID(member string) string
	ChatID(group string) string
}

// Client holds the connection. Run it once; Notify may be called any time.
type Client struct {
	cfg     Config
	h       bot.Handler
	o       platform.Options
	dir     Directory
	link    *platform.Link
	backoff platform.Backoff
	seen    *platform.Seen
	chats   *platform.Seen // group chats already logged with their chatid
	ping    time.Duration

	mu      sync.Mutex
	conn    *websocket.Conn                 // the live, subscribed connection; nil while down
	pending map[string]chan json.RawMessage // req_id of frames we sent → their answer
	work    sync.WaitGroup                  // messages in hand, across connections
}

// Option configures a Client beyond platform.Options.
type Option func(*Client)

// WithBackoff sets the waits between failed attempts (default platform.DefaultBackoff).
func WithBackoff(b platform.Backoff) Option { return func(c *Client) { c.backoff = b } }

// WithPing sets the heartbeat interval (default PingEvery).
func WithPing(d time.Duration) Option { return func(c *Client) { c.ping = d } }

// New builds a client answering messages with h and reporting into link;
// o carries the logger, clock and metrics (platform.Build(bot.WeCom, …)).
func New(cfg Config, h bot.Handler, dir Directory, link *platform.Link, o platform.Options, opts ...Option) (*Client, error) {
	if cfg.BotID == "" || cfg.Secret == "" {
		return nil, errors.New("wecom_bot: needs bot_id and secret")
	}
	if h == nil || dir == nil || link == nil {
		return nil, errors.New("wecom_bot: needs a handler, a directory and a link")
	}
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	c := &Client{cfg: cfg, h: h, o: o, dir: dir, link: link, backoff: platform.DefaultBackoff,
		seen: platform.NewSeen(seenIDs), chats: platform.NewSeen(100), ping: PingEvery, pending: map[string]chan json.RawMessage{}}
	for _, f := range opts {
		f(c)
	}
	return c, nil
}

// Frame is one websocket frame in either direction (docs/protocols.md §3.5).
type Frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers Headers         `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	ErrCode *int            `json:"errcode,omitempty"` // on WeCom's answers to our frames
	ErrMsg  string          `json:"errmsg,omitempty"`
}

// Headers carry the req_id that pairs a frame with its answer.
type Headers struct {
	ReqID string `json:"req_id"`
}

// Callback is the body of aibot_msg_callback and aibot_event_callback.
type Callback struct {
	MsgID    string `json:"msgid"`
	ChatID   string `json:"chatid,omitempty"`
	ChatType string `json:"chattype"`
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	CreateTime int64  `json:"create_time,omitempty"`
	MsgType    string `json:"msgtype"`
	Text       struct {
		Content string `json:"content"`
	} `json:"text"`
	Event struct {
		EventType string `json:"eventtype"`
		EventKey  string `json:"event_key,omitempty"`
		TaskID    string `json:"task_id,omitempty"`
	} `json:"event"`
}

// reqID is a fresh req_id starting with the command, as the SDK makes them
// (WeCom's answers are told apart by that prefix).
func reqID(cmd string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return cmd + "_" + hex.EncodeToString(b)
}

// Run connects and reconnects until ctx is done or another connection
// takes over, then waits for the messages in hand and returns why it
// stopped (nil when ctx ended).
func (c *Client) Run(ctx context.Context) error {
	defer c.work.Wait()
	r := platform.Redialer{Name: "wecom_bot", Link: c.link, Backoff: c.backoff, Log: c.o.Logger, Now: c.o.Now, Stop: ErrTakenOver}
	return platform.Redial(ctx, r, c.connect, c.serve)
}

// connect dials and subscribes; an errcode in the answer is an
// authentication failure.
func (c *Client) connect(ctx context.Context) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	var hc *http.Client
	if c.o.HTTP != nil {
		hc = c.o.HTTP
	}
	conn, _, err := websocket.Dial(dctx, c.cfg.URL, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(maxFrame)
	id := reqID(CmdSubscribe)
	body, _ := json.Marshal(map[string]string{"bot_id": c.cfg.BotID, "secret": c.cfg.Secret})
	if err := write(dctx, conn, Frame{Cmd: CmdSubscribe, Headers: Headers{id}, Body: body}); err != nil {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	for {
		_, b, err := conn.Read(dctx)
		if err != nil {
			_ = conn.CloseNow()
			return nil, fmt.Errorf("subscribe: no answer: %w", err)
		}
		var f Frame
		if json.Unmarshal(b, &f) != nil || f.Headers.ReqID != id {
			continue // not the answer yet
		}
		if f.ErrCode == nil || *f.ErrCode != 0 {
			_ = conn.Close(websocket.StatusNormalClosure, "")
			code := -1
			if f.ErrCode != nil {
				code = *f.ErrCode
			}
			return nil, fmt.Errorf("subscribe refused: errcode %d %s: 企业微信拒绝了 bot_id/secret，请核对 [wecom_bot] bot_id 与 secret，"+
				"并在智能机器人的 API 模式中选择「使用长连接」", code, f.ErrMsg)
		}
		return conn, nil
	}
}

// write sends one frame.
func write(ctx context.Context, conn *websocket.Conn, f Frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, b)
}

// serve reads frames until the connection ends, another connection takes
// over, or ctx is done. healthy reports whether it carried a frame (a
// pong counts: the failure count starts over and the next attempt is
// immediate; a connection that dies before its first heartbeat answer
// backs off, so a server that accepts and drops is not hammered).
func (c *Client) serve(ctx context.Context, conn *websocket.Conn) (healthy bool, err error) {
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	c.link.Up(c.o.Now())
	c.o.Logger.Info("wecom_bot: connected")
	inHand := platform.NewInFlight(maxInFlight, &c.work) // messages in hand on this connection
	defer func() {
		c.mu.Lock()
		c.conn = nil
		c.mu.Unlock()
		if err == nil { // shutting down: let the messages in hand answer first
			inHand.Drain(drainTimeout)
		}
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}()

	frames, lost, stop := platform.ReadFrames(conn)
	defer stop()
	ping := time.NewTicker(c.ping)
	defer ping.Stop()
	unanswered := 0
	for {
		select {
		case <-ctx.Done():
			return healthy, nil
		case err := <-lost:
			return healthy, err
		case <-ping.C:
			if unanswered >= missedPongs {
				return healthy, fmt.Errorf("%d pings unanswered", unanswered)
			}
			unanswered++
			if err := write(ctx, conn, Frame{Cmd: CmdPing, Headers: Headers{reqID(CmdPing)}}); err != nil {
				return healthy, fmt.Errorf("ping: %w", err)
			}
		case b := <-frames:
			healthy = true
			var f Frame
			if json.Unmarshal(b, &f) != nil {
				c.link.Frame("other")
				c.o.Logger.Warn("wecom_bot: unreadable frame", "bytes", len(b))
				continue
			}
			switch f.Cmd {
			case "": // an answer to a frame of ours
				if strings.HasPrefix(f.Headers.ReqID, CmdPing) {
					c.link.Frame("pong")
					unanswered = 0
					continue
				}
				c.answered(f.Headers.ReqID, b)
			case CmdMessage, CmdEvent:
				var cb Callback
				if json.Unmarshal(f.Body, &cb) != nil {
					c.link.Frame("other")
					continue
				}
				if cb.Event.EventType == EventTakeover {
					c.link.Frame("disconnect")
					return healthy, ErrTakenOver
				}
				typ := "message"
				if f.Cmd == CmdEvent {
					typ = "event"
				}
				c.link.Frame(typ)
				if c.seen.Add(cb.MsgID) {
					c.link.Redelivered()
				}
				inHand.Go(func() { c.handle(ctx, conn, f.Headers.ReqID, &cb) })
			default:
				c.link.Frame("other")
			}
		}
	}
}

// answered hands WeCom's answer to the push waiting for it.
func (c *Client) answered(id string, b []byte) {
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch != nil {
		ch <- b
	}
}

// handle runs one message or card click through the handler and answers
// it on conn once the handler returned (its records are committed).
// Shutting down does not cut the handling short (bounded by WorkTimeout).
func (c *Client) handle(ctx context.Context, conn *websocket.Conn, id string, cb *Callback) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), platform.WorkTimeout)
	defer cancel()
	at := c.o.Now()
	if cb.CreateTime > 0 {
		at = time.Unix(cb.CreateTime, 0)
	}
	c.o.Metrics.Received.Inc()
	if cb.ChatType == "group" && !c.chats.Add(cb.ChatID) {
		// The admin console does not show a group's chat id: the log does,
		// once per group, so pushes to the group can be configured.
		c.o.Logger.Info("wecom_bot: 群聊消息；要让智能机器人向此群推送，在 [[group]] 中填写 chatid", "chatid", cb.ChatID)
	}
	m := &bot.Message{Channel: bot.WeCom, ID: cb.MsgID, User: cb.From.UserID, At: at}
	var rep *bot.Reply
	switch {
	case cb.Event.EventType == EventCard && cb.Event.EventKey != "":
		m.Text = strings.TrimSpace(cb.Event.EventKey) // the button's command, as if typed
		rep = c.o.Handle(wctx, c.h, m)
	case cb.Event.EventType != "":
		return // enter_chat, feedback: nothing to say
	case cb.MsgType == "text":
		m.Text = strings.TrimSpace(cb.Text.Content)
		rep = c.o.Handle(wctx, c.h, m)
	default:
		rep = bot.Text(platform.TextOnlyText)
	}
	text := platform.JoinReply(rep)
	if text == "" {
		return
	}
	if cb.ChatType == "group" && m.Member != "" && c.o.Late != nil {
		// Answers name students and records: in a group chat they go to
		// the member privately (the outbox), the group hears only that.
		c.o.Late(wctx, m, rep)
		text = TextSentPrivate
	}
	var f Frame
	if cb.Event.EventType == EventCard {
		// The card the member clicked now shows what came of it: who
		// acknowledged, or why not (it was sent to that member alone).
		body, _ := json.Marshal(map[string]any{"response_type": "update_template_card",
			"template_card": noticeCard(cb.Event.TaskID, "已处理", text)})
		f = Frame{Cmd: CmdUpdate, Headers: Headers{id}, Body: body}
	} else {
		body, _ := json.Marshal(map[string]any{"msgtype": "stream",
			"stream": map[string]any{"id": cb.MsgID, "finish": true, "content": text}})
		f = Frame{Cmd: CmdRespond, Headers: Headers{id}, Body: body}
	}
	if err := write(context.Background(), conn, f); err != nil {
		c.o.Logger.Warn("wecom_bot: reply not written", "msg", m.Key(), "err", err)
		if c.o.Late != nil {
			c.o.Late(wctx, m, rep)
		}
		return
	}
	c.link.Ack()
}

// noticeCard is a text_notice template card replacing card taskID.
func noticeCard(taskID, title, text string) map[string]any {
	if utf8.RuneCountInString(text) > cardText {
		text = string([]rune(text)[:cardText]) + "…"
	}
	return map[string]any{"card_type": "text_notice", "task_id": taskID,
		"main_title": map[string]string{"title": title}, "sub_title_text": text}
}

// Notify pushes n by aibot_send_msg to its member's userid, or to its
// group's chat id (a group the AI bot is in): markdown, or a
// button_interaction card when n has actions. A group without a chat id is
// a permanent failure (configure its chatid or a [wecom.robots] robot).
func (c *Client) Notify(ctx context.Context, n bot.Notification) error {
	var chat string
	var err error
	if n.To.Member == "" {
		if chat = c.dir.ChatID(n.To.Group); chat == "" {
			err = bot.Permanent(fmt.Errorf("wecom_bot: 群 %q 没有配置 chatid（智能机器人所在群的 chatid），智能机器人无法推送；"+
				"请在 [[group]] 中填写 chatid，或配置 [wecom.robots] 群机器人", n.To.Group))
		}
	} else if chat = c.dir.UserID(n.To.Member); chat == "" {
		err = bot.Permanent(fmt.Errorf("wecom_bot: member %s has no wecom_user", n.To.Member))
	}
	if err == nil {
		err = c.send(ctx, chat, n)
	}
	c.o.Metrics.CountPush(err)
	return err
}

// send pushes n to chat: a member's userid or a group's chat id.
func (c *Client) send(ctx context.Context, chat string, n bot.Notification) error {
	body := map[string]any{"chatid": chat}
	if len(n.Actions) > 0 {
		body["msgtype"] = "template_card"
		body["template_card"] = platform.ButtonCard(n)
	} else {
		body["msgtype"] = "markdown"
		body["markdown"] = map[string]string{"content": platform.MarkdownTitled(n)}
	}
	raw, _ := json.Marshal(body)
	id := reqID(CmdSend)
	answer := make(chan json.RawMessage, 1)
	c.mu.Lock()
	conn := c.conn
	if conn != nil {
		c.pending[id] = answer
	}
	c.mu.Unlock()
	if conn == nil {
		return errors.New("wecom_bot: not connected")
	}
	forget := func() { c.mu.Lock(); delete(c.pending, id); c.mu.Unlock() }
	if err := write(ctx, conn, Frame{Cmd: CmdSend, Headers: Headers{id}, Body: raw}); err != nil {
		forget()
		return fmt.Errorf("wecom_bot: send: %w", err)
	}
	t := time.NewTimer(sendTimeout)
	defer t.Stop()
	select {
	case b := <-answer:
		var f Frame
		if json.Unmarshal(b, &f) != nil || f.ErrCode == nil {
			return fmt.Errorf("wecom_bot: unreadable answer to a push")
		}
		if *f.ErrCode != 0 {
			return fmt.Errorf("wecom_bot: push refused: errcode %d %s", *f.ErrCode, f.ErrMsg)
		}
		return nil
	case <-t.C:
		forget()
		return errors.New("wecom_bot: no answer to a push")
	case <-ctx.Done():
		forget()
		return ctx.Err()
	}
}
