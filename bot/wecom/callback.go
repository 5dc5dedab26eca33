package wecom

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// MaxBody is the largest callback body accepted; larger ones get 413.
const MaxBody = platform.MaxBody

// passiveLimit is the most a passive text reply may carry; a longer reply
// goes out by app message, which splits it.
const passiveLimit = 2048

// maxAge is how old a callback's signed timestamp may be. WeCom sets no
// window (it retries within seconds); the message ids are remembered for
// store.DedupeRetention (7 days), so a captured callback replayed within
// that time stores nothing, and one older than maxAge is refused: a replay
// never outlives the dedupe. Timestamps ahead of our clock are accepted (a
// replay cannot be younger than its capture).
const maxAge = 24 * time.Hour

// Callback is the WeCom self-built app callback (GET and POST /hook/wecom).
//
// GET answers URL verification with the decrypted echostr. POST verifies
// msg_signature over the Encrypt element, decrypts with receiveid = CorpID,
// parses the message and calls the handler. If the handler answers within
// the budget the reply goes back as an encrypted passive reply; otherwise
// WeCom gets an empty 200 at the budget and the reply is handed to the Late
// hook when ready. A click on a template card button (template_card_event)
// is handled as the button's command sent by the member who clicked, and
// the card is then updated (UpdateCards); other events are acknowledged
// with an empty 200 and not handled; other message types get a fixed
// "text only" reply.
//
// Status codes: 401 for a bad msg_signature, a signed timestamp more than
// maxAge old, or a ciphertext addressed to another receiveid (nothing is
// processed), 400 for malformed queries, XML or ciphertext (bad base64,
// length or padding), 413 for bodies over MaxBody, 405 for other methods.
// Each rejection is counted by reason (baosong_channel_rejected_total:
// too_large, malformed, signature, stale, receiveid, ciphertext, method).
type Callback struct {
	crypt  *crypter
	corpID string
	h      bot.Handler
	o      platform.Options
	work   platform.Work
	cards  func(ctx context.Context, user, responseCode string, rep *bot.Reply) error
}

// UpdateCards makes the callback call update after a card click was
// handled (Client.UpdateCard), to show its outcome on the card.
func (c *Callback) UpdateCards(update func(ctx context.Context, user, responseCode string, rep *bot.Reply) error) {
	c.cards = update
}

// NewCallback builds the callback for cfg's app. It fails if the app's
// CorpID, Token or EncodingAESKey is missing or invalid. Options used:
// platform.WithBudget (default platform.DefaultBudget, after which the
// callback answers empty and the reply goes out later), WithLate (how a
// reply the handler finished after the budget, or one too long for a
// passive reply, goes out; without it such replies are logged and
// dropped), WithClock, WithLogger, WithMetrics.
func NewCallback(cfg Config, h bot.Handler, opts ...platform.Option) (*Callback, error) {
	c, err := newCrypter(cfg.Token, cfg.CorpID, cfg.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("wecom: callback needs a handler")
	}
	return &Callback{crypt: c, corpID: cfg.CorpID, h: h, o: platform.Build(bot.WeCom, opts)}, nil
}

// Wait blocks until work that outlived its HTTP answer (slow handlers,
// late deliveries) has finished; for graceful shutdown and tests.
func (c *Callback) Wait() { c.work.Wait() }

// ServeHTTP implements http.Handler.
func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.verifyURL(w, r)
	case http.MethodPost:
		c.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		c.o.Reject(w, http.StatusMethodNotAllowed, "method")
	}
}

// rejectDecrypt answers a failed decryption.
func (c *Callback) rejectDecrypt(w http.ResponseWriter, err error) {
	if errors.Is(err, errReceiveID) {
		c.o.Reject(w, http.StatusUnauthorized, "receiveid")
		return
	}
	c.o.Reject(w, http.StatusBadRequest, "ciphertext")
}

// verifyURL answers GET ?msg_signature&timestamp&nonce&echostr with the
// plaintext echostr only.
func (c *Callback) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	echo := q.Get("echostr")
	if echo == "" || q.Get("timestamp") == "" || q.Get("nonce") == "" {
		c.o.Reject(w, http.StatusBadRequest, "malformed")
		return
	}
	if !c.crypt.verify(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), echo) {
		c.o.Reject(w, http.StatusUnauthorized, "signature")
		return
	}
	plain, err := c.crypt.decrypt(echo)
	if err != nil {
		c.rejectDecrypt(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(plain)
}

// envelope is the POST body: <xml><ToUserName/><AgentID/><Encrypt/></xml>.
type envelope struct {
	Encrypt string `xml:"Encrypt"`
}

// inbound is a decrypted app message or event.
type inbound struct {
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        string `xml:"MsgId"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`     // template_card_event: the clicked button's key
	TaskID       string `xml:"TaskId"`       // … the card
	ResponseCode string `xml:"ResponseCode"` // … the click, to update the card with
}

// eventCard is a click on a template card button.
const eventCard = "template_card_event"

func (c *Callback) receive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	body, ok := c.o.ReadBody(w, r)
	if !ok {
		return
	}
	var env envelope
	if xml.Unmarshal(body, &env) != nil || env.Encrypt == "" || ts == "" || nonce == "" {
		c.o.Reject(w, http.StatusBadRequest, "malformed")
		return
	}
	if !c.crypt.verify(q.Get("msg_signature"), ts, nonce, env.Encrypt) {
		c.o.Reject(w, http.StatusUnauthorized, "signature")
		return
	}
	if sec, err := strconv.ParseInt(ts, 10, 64); err != nil || c.o.Now().Sub(time.Unix(sec, 0)) > maxAge {
		c.o.Reject(w, http.StatusUnauthorized, "stale")
		return
	}
	plain, err := c.crypt.decrypt(env.Encrypt)
	if err != nil {
		c.rejectDecrypt(w, err)
		return
	}
	var in inbound
	if xml.Unmarshal(plain, &in) != nil || in.FromUserName == "" || in.MsgType == "" {
		c.o.Reject(w, http.StatusBadRequest, "malformed")
		return
	}
	c.o.Metrics.Received.Inc()

	switch in.MsgType {
	case "event":
		if in.Event != eventCard || strings.TrimSpace(in.EventKey) == "" {
			w.WriteHeader(http.StatusOK) // acknowledged, nothing to do
			return
		}
		// A button click is its command typed by the member who clicked:
		// the same checks, refusals, dedupe (WeCom retries a click with
		// the same ResponseCode) and reply.
		in.Content, in.MsgID = strings.TrimSpace(in.EventKey), "card-"+in.ResponseCode
		if in.ResponseCode == "" {
			in.MsgID = ""
		}
	case "text":
	default:
		c.writePassive(w, in.FromUserName, platform.TextOnlyText)
		return
	}
	at := time.Unix(in.CreateTime, 0)
	if in.CreateTime == 0 {
		at = c.o.Now()
	}
	m := &bot.Message{
		Channel: bot.WeCom,
		ID:      strings.TrimSpace(in.MsgID),
		User:    in.FromUserName,
		Text:    in.Content,
		At:      at,
	}
	handle := func(ctx context.Context) *bot.Reply { return c.o.Handle(ctx, c.h, m) }
	if in.MsgType == "event" && in.ResponseCode != "" && c.cards != nil {
		handle = func(ctx context.Context) *bot.Reply {
			rep := c.o.Handle(ctx, c.h, m)
			c.work.Go(ctx, func(ctx context.Context) {
				if err := c.cards(ctx, m.User, in.ResponseCode, rep); err != nil {
					c.o.Logger.Warn("wecom: card not updated", "msg", m.Key(), "err", err)
				}
			})
			return rep
		}
	}
	c.answer(w, r.Context(), m, handle)
}

// answer runs handle under a context that survives the HTTP answer and
// replies passively if it finishes within the budget.
func (c *Callback) answer(w http.ResponseWriter, reqCtx context.Context, m *bot.Message, handle func(context.Context) *bot.Reply) {
	rep, inTime := c.work.Answer(reqCtx, c.o.Budget, handle,
		func(ctx context.Context, rep *bot.Reply, answered bool) {
			if !answered {
				c.deliverLate(ctx, m, rep)
			}
		})
	text := platform.JoinReply(rep)
	switch {
	case !inTime || text == "":
		w.WriteHeader(http.StatusOK)
	case len(text) <= passiveLimit:
		c.writePassive(w, m.User, text)
	default:
		w.WriteHeader(http.StatusOK)
		c.work.Go(reqCtx, func(ctx context.Context) { c.deliverLate(ctx, m, rep) })
	}
}

func (c *Callback) deliverLate(ctx context.Context, m *bot.Message, rep *bot.Reply) {
	if platform.JoinReply(rep) == "" {
		return
	}
	if c.o.Late == nil {
		c.o.Logger.Warn("wecom: late reply dropped: no late hook", "msg", m.Key())
		return
	}
	c.o.Late(ctx, m, rep)
}

type cdata struct {
	Text string `xml:",cdata"`
}

// passiveText is the plaintext of a passive text reply.
type passiveText struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// passiveEnvelope is the encrypted passive reply WeCom receives.
type passiveEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    int64    `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

// writePassive answers with an encrypted passive text reply to user.
func (c *Callback) writePassive(w http.ResponseWriter, user, text string) {
	now := c.o.Now().Unix()
	plain, err := xml.Marshal(passiveText{
		ToUserName:   cdata{user},
		FromUserName: cdata{c.corpID},
		CreateTime:   now,
		MsgType:      cdata{"text"},
		Content:      cdata{platform.DefuseTags(text)}, // WeCom renders <a href> in texts
	})
	if err != nil { // strings and ints only: cannot happen
		c.o.Logger.Error("wecom: marshal passive reply", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	enc := c.crypt.encrypt(plain)
	ts := strconv.FormatInt(now, 10)
	nonce := strconv.FormatUint(rand.Uint64()%1e10, 10)
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).Encode(passiveEnvelope{
		Encrypt:      cdata{enc},
		MsgSignature: cdata{c.crypt.sign(ts, nonce, enc)},
		TimeStamp:    now,
		Nonce:        cdata{nonce},
	}); err != nil {
		c.o.Logger.Error("wecom: marshal passive envelope", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}
