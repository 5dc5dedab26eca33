// Package local is the local channel: POST /hook/local to talk to the bot as
// any member, GET /hook/local/inbox to read the pushes to a member, and the
// Notifier that fills those inboxes. The demo and the acceptance tests run
// on it; `baosong chat` and `baosong say` are its clients.
package local

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/bot"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Request is the body of POST /hook/local.
type Request struct {
	From string `json:"from"`
	Text string `json:"text"`
	ID   string `json:"id,omitempty"`
	At   string `json:"at,omitempty"` // RFC 3339 message time; default now
}

// ReplyText is one reply in a Response.
type ReplyText struct {
	Text string `json:"text"`
}

// Response is the answer of POST /hook/local.
type Response struct {
	Replies []ReplyText `json:"replies"`
	Error   string      `json:"error,omitempty"`
}

// InboxResponse is the answer of GET /hook/local/inbox.
type InboxResponse struct {
	Messages []Message `json:"messages"`
}

// Message is a push delivered to a local-channel inbox (the store keeps
// it as JSON).
type Message struct {
	Seq  uint64    `json:"seq"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Inbox reads local inboxes.
type Inbox interface {
	Inbox(inbox string, after uint64, limit int) ([]Message, error)
}

// Hook serves the local channel's HTTP endpoints. Whoever may post to the
// hook may speak as any member, so while no Token is set the endpoints
// answer loopback clients only (the demo, `baosong chat` and `baosong say`
// on the same machine); a server reachable from elsewhere needs the token.
type Hook struct {
	Handler bot.Handler
	Inbox   Inbox
	Token   string // bearer token; "" accepts loopback callers only
	Now     func() time.Time
	// Reject is told why a request was refused (for a counter).
	Reject func(reason string)
}

// Register adds the endpoints to mux.
func (h *Hook) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /hook/local", h.post)
	mux.HandleFunc("GET /hook/local/inbox", h.inbox)
}

func (h *Hook) reject(w http.ResponseWriter, status int, reason, text string) {
	if h.Reject != nil {
		h.Reject(reason)
	}
	writeJSON(w, status, Response{Replies: []ReplyText{}, Error: text})
}

// Loopback reports whether r comes straight from this machine: a loopback
// peer and none of the headers a reverse proxy adds (Forwarded,
// X-Forwarded-For, X-Real-IP). Behind a proxy on the same host every client
// has a loopback peer address; the headers tell them apart.
func Loopback(r *http.Request) bool {
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-IP"} {
		if len(r.Header.Values(h)) > 0 {
			return false
		}
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authorized lets a request through, or refuses it: 401 without the right
// bearer token, 403 from another host while no token is set.
func (h *Hook) authorized(w http.ResponseWriter, r *http.Request) bool {
	if h.Token == "" {
		if !Loopback(r) {
			h.reject(w, http.StatusForbidden, "not_loopback", "未设置 [server] local_token 时只接受本机请求（经反向代理转发的请求不算本机）")
			return false
		}
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) != 1 {
		h.reject(w, http.StatusUnauthorized, "bad_token", "需要正确的 Authorization: Bearer 令牌")
		return false
	}
	return true
}

func (h *Hook) post(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(w, r) {
		return
	}
	var req Request
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.reject(w, http.StatusRequestEntityTooLarge, "too_large", "请求体超过 64 KiB")
			return
		}
		h.reject(w, http.StatusBadRequest, "malformed", "请求体读取失败")
		return
	}
	if !utf8.Valid(body) {
		h.reject(w, http.StatusBadRequest, "malformed", "请求体不是有效的 UTF-8")
		return
	}
	if err := json.Unmarshal(body, &req); err != nil {
		h.reject(w, http.StatusBadRequest, "malformed", "请求不是有效的 JSON："+err.Error())
		return
	}
	if req.From == "" {
		h.reject(w, http.StatusBadRequest, "malformed", `需要 "from"（成员编号）和有效 UTF-8 的 "text"`)
		return
	}
	at := h.Now()
	if req.At != "" {
		t, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			h.reject(w, http.StatusBadRequest, "malformed", `"at" 应为 RFC 3339 时间，如 2026-11-26T16:02:00+08:00`)
			return
		}
		// A message time is bounded like a date written in the text: not
		// after the server's clock (a minute of skew allowed). Earlier times
		// stay allowed: a platform may deliver late, and tests and the load
		// generator date messages in the past.
		if t.After(at.Add(maxSkew)) {
			h.reject(w, http.StatusBadRequest, "future_at", `"at" 晚于服务器当前时间（`+at.Format(time.RFC3339)+`），未处理`)
			return
		}
		at = t
	}
	m := &bot.Message{Channel: bot.Local, ID: req.ID, User: req.From, Text: req.Text, At: at}
	reply, err := h.Handler.Handle(r.Context(), m)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, Response{
			Replies: []ReplyText{{Text: TextNotSaved}}, Error: "not saved"})
		return
	}
	resp := Response{Replies: []ReplyText{}}
	if reply != nil {
		for _, t := range reply.Texts {
			resp.Replies = append(resp.Replies, ReplyText{Text: t})
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// maxSkew is how far a message time may lie after the server's clock.
const maxSkew = time.Minute

// TextNotSaved answers a message that could not be stored.
const TextNotSaved = "抱歉，系统暂时无法保存，本条消息未被记录，请稍后重新发送。"

func (h *Hook) inbox(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(w, r) {
		return
	}
	member := r.URL.Query().Get("member")
	after, err := strconv.ParseUint(defaultString(r.URL.Query().Get("after"), "0"), 10, 64)
	if member == "" || err != nil {
		h.reject(w, http.StatusBadRequest, "malformed", "需要 member 参数，after 为非负整数")
		return
	}
	msgs, err := h.Inbox.Inbox(member, after, 500)
	if err != nil {
		http.Error(w, "store error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, InboxResponse{Messages: msgs})
}

func defaultString(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Deliverer stores a local push in its inbox (store.DB.DeliverLocal).
type Deliverer interface {
	DeliverLocal(inbox string, seq uint64, text string, at time.Time) error
}

// Notifier delivers pushes to local inboxes: a member's inbox is its id, a
// group's is "group:<name>".
type Notifier struct {
	Store Deliverer
	Now   func() time.Time
}

// Notify puts the push in the inbox, exactly once per outbox item.
func (n Notifier) Notify(_ context.Context, p bot.Notification) error {
	seq, err := strconv.ParseUint(p.ID, 10, 64)
	if err != nil {
		return bot.Permanent(errors.New("local: push without outbox id"))
	}
	text := p.Text
	if p.Title != "" {
		text = p.Title + "\n" + text
	}
	return n.Store.DeliverLocal(p.To.String(), seq, text, n.Now())
}
