package dingtalk

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// MaxBody is the largest callback body accepted; larger ones get 413.
const MaxBody = platform.MaxBody

// maxSkew is how far the timestamp header may be from our clock.
const maxSkew = time.Hour

// sessionMargin: a sessionWebhook this close to expiry is not used.
const sessionMargin = 10 * time.Second

// textSentPrivate tells a group that the answer went out privately.
const textSentPrivate = "已私信回复您，请查看工作通知。"

// Callback is the DingTalk enterprise robot HTTP callback (POST /hook/dingtalk).
//
// It checks the timestamp header (within an hour of our clock) and the
// sign header (base64 HmacSHA256 of timestamp+"\n"+AppSecret, compared in
// constant time), parses the JSON, calls the handler and acknowledges with
// an empty 200 once the handler finished or the budget ran out. The reply
// is then posted to the message's sessionWebhook while it is valid
// (errcode checked); if it expired or failed, the reply goes to the Late
// hook. A message in a group conversation from a known member is answered
// privately through the Late hook (replies may name students, SPEC §11) and
// the group gets a short @-notice; unknown senders are answered in place.
// sessionWebhooks are used only on the API host (Config.APIBase), since the
// sign does not cover the body.
//
// Status codes: 401 for a missing or bad sign, for a timestamp more than
// an hour off and for a signed timestamp reused for another message (see
// Signs; nothing processed), 400 for malformed JSON, 413 for bodies
// over MaxBody, 405 for other methods, 503 when the signs used cannot be
// read (the platform delivers the message again). Each rejection is counted
// by reason (baosong_channel_rejected_total: too_large, malformed,
// signature, stale, replay, method).
type Callback struct {
	secret string
	host   *url.URL // the API host: session replies go nowhere else
	h      bot.Handler
	o      platform.Options
	api    *platform.API
	work   platform.Work
	signs  Signs
}

// NewCallback builds the callback; signs remembers the signed timestamps
// used (see Signs). It fails without an AppSecret, a handler or signs.
// Options used: platform.WithBudget (default
// platform.DefaultBudget, after which the callback acknowledges; the reply
// is posted when ready either way), WithLate (how a reply the
// sessionWebhook cannot carry goes out: expired, failed, or a group
// message answered privately; without it such replies are logged and
// dropped), WithClock, WithLogger, WithMetrics, WithHTTPClient (session
// replies).
func NewCallback(cfg Config, h bot.Handler, signs Signs, opts ...platform.Option) (*Callback, error) {
	if cfg.AppSecret == "" {
		return nil, errors.New("dingtalk: callback needs app_secret")
	}
	if h == nil {
		return nil, errors.New("dingtalk: callback needs a handler")
	}
	if signs == nil {
		return nil, errors.New("dingtalk: callback needs a memory of the signs used")
	}
	host, err := url.Parse(cfg.apiBase())
	if err != nil {
		return nil, fmt.Errorf("dingtalk: api_base: %w", err)
	}
	o := platform.Build(bot.DingTalk, opts)
	return &Callback{secret: cfg.AppSecret, host: host, h: h, o: o, api: o.API(), signs: signs}, nil
}

// Wait blocks until work that outlived its HTTP answer (handlers, reply
// deliveries) has finished; for graceful shutdown and tests.
func (c *Callback) Wait() { c.work.Wait() }

// millis is a millisecond time that DingTalk sends as a number or a string.
type millis int64

func (m *millis) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" || s == "null" {
		*m = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("dingtalk: bad millisecond time %q", s)
	}
	*m = millis(v)
	return nil
}

// inbound is the callback body (the fields used).
type inbound struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	MsgID                     string `json:"msgId"`
	CreateAt                  millis `json:"createAt"`
	ConversationType          string `json:"conversationType"` // "1" single, "2" group
	SenderStaffID             string `json:"senderStaffId"`
	SessionWebhook            string `json:"sessionWebhook"`
	SessionWebhookExpiredTime millis `json:"sessionWebhookExpiredTime"`
}

// ServeHTTP implements http.Handler.
func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		c.o.Reject(w, http.StatusMethodNotAllowed, "method")
		return
	}
	ts, sig := r.Header.Get("timestamp"), r.Header.Get("sign")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" || !hmac.Equal([]byte(sig), []byte(signature(c.secret, ts))) {
		c.o.Reject(w, http.StatusUnauthorized, "signature")
		return
	}
	if skew := c.o.Now().Sub(time.UnixMilli(ms)); skew > maxSkew || skew < -maxSkew {
		c.o.Reject(w, http.StatusUnauthorized, "stale")
		return
	}
	body, ok := c.o.ReadBody(w, r)
	if !ok {
		return
	}
	var in inbound
	if json.Unmarshal(body, &in) != nil || in.MsgType == "" {
		c.o.Reject(w, http.StatusBadRequest, "malformed")
		return
	}
	first, err := c.use(ms, &in)
	if err != nil { // unknown whether it is a replay: the platform delivers it again
		c.o.Logger.Error("dingtalk: remember the sign", "err", err)
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	if !first {
		c.o.Reject(w, http.StatusUnauthorized, "replay")
		return
	}
	handle := c.receive(&in)
	c.work.Answer(r.Context(), c.o.Budget, handle.run, func(ctx context.Context, rep *bot.Reply, _ bool) {
		c.deliver(ctx, handle.m, &in, rep)
	})
	w.WriteHeader(http.StatusOK)
}

// Receive handles one robot message that arrived by Stream mode (data is
// the same JSON as the callback's body; the connection, not a sign,
// authenticates it). It returns once the handler finished, so the
// message's records are committed when it returns, and gives the delivery
// of the reply to run after the frame is acknowledged. Malformed data is
// an error and nothing is handled.
func (c *Callback) Receive(ctx context.Context, data []byte) (deliver func(context.Context), err error) {
	var in inbound
	if json.Unmarshal(data, &in) != nil || in.MsgType == "" {
		c.o.Metrics.Rejected.WithLabelValues("malformed").Inc()
		return nil, errors.New("dingtalk: malformed robot message")
	}
	h := c.receive(&in)
	rep := h.run(ctx)
	return func(ctx context.Context) { c.deliver(ctx, h.m, &in, rep) }, nil
}

// handling is one accepted message and how to answer it.
type handling struct {
	m   *bot.Message
	run func(context.Context) *bot.Reply
}

// receive counts an accepted message and turns it into a bot.Message and
// its handler (the bot, or a fixed answer for non-text messages).
func (c *Callback) receive(in *inbound) handling {
	c.o.Metrics.Received.Inc()
	at := time.UnixMilli(int64(in.CreateAt))
	if in.CreateAt == 0 {
		at = c.o.Now()
	}
	m := &bot.Message{
		Channel: bot.DingTalk,
		ID:      in.MsgID,
		User:    in.SenderStaffID,
		Text:    strings.TrimSpace(in.Text.Content),
		At:      at,
	}
	if in.MsgType != "text" {
		return handling{m, func(context.Context) *bot.Reply { return bot.Text(platform.TextOnlyText) }}
	}
	return handling{m, func(ctx context.Context) *bot.Reply { return c.o.Handle(ctx, c.h, m) }}
}

// deliver posts the reply to the session, or hands it to the Late hook.
func (c *Callback) deliver(ctx context.Context, m *bot.Message, in *inbound, rep *bot.Reply) {
	text := platform.JoinReply(rep)
	if text == "" {
		return
	}
	if in.ConversationType == "2" && m.Member != "" && c.o.Late != nil {
		c.o.Late(ctx, m, rep)
		notice := robotMessage{MsgType: "text", Text: &textContent{textSentPrivate}}
		if m.User != "" {
			notice.Text.Content = "@" + m.User + " " + textSentPrivate
			notice.At = &robotAt{AtUserIDs: []string{m.User}}
		}
		if c.sessionUsable(in) {
			if err := c.postSession(ctx, in.SessionWebhook, notice); err != nil {
				c.o.Logger.Warn("dingtalk: group notice failed", "msg", m.Key(), "err", err)
			}
		}
		return
	}
	parts := platform.Split(text, robotLimit)
	sent := 0
	if c.sessionUsable(in) {
		for _, p := range parts {
			if err := c.postSession(ctx, in.SessionWebhook, robotMessage{MsgType: "text", Text: &textContent{p}}); err != nil {
				c.o.Logger.Warn("dingtalk: session reply failed", "msg", m.Key(), "err", err)
				break
			}
			sent++
		}
	}
	if sent == len(parts) {
		return
	}
	if c.o.Late == nil {
		c.o.Logger.Warn("dingtalk: reply dropped: session unusable and no late hook", "msg", m.Key())
		return
	}
	c.o.Late(ctx, m, bot.Text(strings.Join(parts[sent:], "")))
}

// sessionUsable reports whether the message's sessionWebhook is on the
// API host and not about to expire.
func (c *Callback) sessionUsable(in *inbound) bool {
	u, err := url.Parse(in.SessionWebhook)
	if err != nil || in.SessionWebhook == "" || u.Scheme != c.host.Scheme || u.Host != c.host.Host {
		return false
	}
	exp := time.UnixMilli(int64(in.SessionWebhookExpiredTime))
	return in.SessionWebhookExpiredTime == 0 || c.o.Now().Add(sessionMargin).Before(exp)
}

func (c *Callback) postSession(ctx context.Context, hook string, msg robotMessage) error {
	body, err := platform.EncodeJSON(msg)
	if err != nil {
		return fmt.Errorf("dingtalk: encode session reply: %w", err)
	}
	var res platform.Answer
	if err := c.api.Do(ctx, http.MethodPost, hook, pathSession, body, &res); err != nil {
		return err
	}
	return codes.Error(c.o, pathSession, res.ErrCode, res.ErrMsg)
}
