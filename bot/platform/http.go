package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/baosong/baosong/bot"
)

// MaxAnswer is the most of an API answer that is read.
const MaxAnswer = 1 << 20

// HTTPBackoff is how long an HTTP 429 defers a push.
const HTTPBackoff = time.Minute

// NewHTTPClient returns an adapter's one HTTP client: keep-alive, bounded
// idle connections, a timeout on every call.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 10 * time.Second
	return &http.Client{Transport: t, Timeout: 15 * time.Second}
}

// API is how an adapter calls its platform's JSON API: one resty client
// (over the adapter's shared HTTP client, or the one WithHTTPClient gave),
// and one way to send, classify and decode every call. It is safe for
// concurrent use.
type API struct {
	channel string
	rest    *resty.Client
}

// NewAPI calls channel's API through a copy of hc (resty sets its redirect
// policy on the client it is given).
func NewAPI(channel string, hc *http.Client) *API {
	c := *hc
	return &API{channel: channel, rest: resty.NewWithClient(&c).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(MaxAnswer)}
}

// shared holds each channel's one API client over its own NewHTTPClient,
// made on first use.
var shared struct {
	sync.Mutex
	by map[string]*API
}

// API returns the client an adapter built with o calls its platform
// through: over the HTTP client WithHTTPClient gave, else the channel's
// shared one. An adapter calls it once, when it is built.
func (o Options) API() *API {
	if o.HTTP != nil {
		return NewAPI(o.Channel, o.HTTP)
	}
	return sharedAPI(o.Channel)
}

// sharedAPI is channel's one API client when no HTTP client was given.
func sharedAPI(channel string) *API {
	shared.Lock()
	defer shared.Unlock()
	if shared.by[channel] == nil {
		if shared.by == nil {
			shared.by = map[string]*API{}
		}
		shared.by[channel] = NewAPI(channel, NewHTTPClient())
	}
	return shared.by[channel]
}

// quietLogger silences resty, whose messages may carry URLs with tokens.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// Do sends one request (a JSON body when body is not nil) and decodes the
// JSON answer into res. Errors name the call by path, never by rawURL,
// which carries tokens, secrets, robot keys and signatures: an unusable
// URL is permanent, a transport failure, a non-200 status or an answer
// that is not JSON is retryable (HTTP 429 after HTTPBackoff).
func (a *API) Do(ctx context.Context, method, rawURL, path string, body []byte, res any) error {
	call := Call{Channel: a.channel, Method: method, Path: path}
	if _, err := url.Parse(rawURL); err != nil {
		return bot.Permanent(fmt.Errorf("%s: invalid URL", call))
	}
	req := a.rest.R().SetContext(ctx)
	if body != nil {
		req.SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body)
	}
	resp, err := req.Execute(method, rawURL)
	if err != nil {
		return call.Failed(err)
	}
	if err := call.Status(resp.StatusCode()); err != nil {
		return err
	}
	return call.Decode(resp.Body(), res)
}

// EncodeJSON marshals v without HTML escaping (WeCom rejects \u003c with
// 40033).
func EncodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Call names one API request in errors by its method and path, never by
// its URL: queries and session URLs carry tokens, secrets, robot keys and
// signatures.
type Call struct {
	Channel string // error prefix: "wecom"
	Method  string
	Path    string // the API path, or a label for a secret URL
}

// String is the call as errors name it: "wecom: POST /cgi-bin/message/send".
func (c Call) String() string { return c.Channel + ": " + c.Method + " " + c.Path }

// Failed wraps a transport error (refused, timed out), dropping the URL
// that a *url.Error carries. Such errors are retryable.
func (c Call) Failed(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s: %w", c, err)
}

// Status classifies an answer's HTTP status: nil for 200, bot.RetryAfter
// HTTPBackoff for 429, a plain (retryable) error otherwise.
func (c Call) Status(code int) error {
	if code == http.StatusOK {
		return nil
	}
	err := fmt.Errorf("%s: HTTP %d", c, code)
	if code == http.StatusTooManyRequests {
		return bot.RetryAfter(err, HTTPBackoff)
	}
	return err
}

// Decode parses a JSON answer into res.
func (c Call) Decode(data []byte, res any) error {
	if err := json.Unmarshal(data, res); err != nil {
		return fmt.Errorf("%s: answer is not JSON: %w", c, err)
	}
	return nil
}

// APIError is a non-zero errcode in a platform's answer.
type APIError struct {
	Channel string
	Path    string
	Code    int
	Msg     string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: errcode %d: %s", e.Channel, e.Path, e.Code, e.Msg)
}

// Code is how an adapter handles one of its platform's errcodes.
type Code struct {
	Permanent bool          // bad configuration or a message the platform never takes: not retried
	Retry     time.Duration // a rate limit: retried after this long
	Fix       string        // logged as an error: what the operator must change
}

// Codes are a platform's errcodes handled by name; any other non-zero
// errcode is a plain (retryable) error.
type Codes map[int]Code

// Error turns an answer's errcode on path into an error classified for
// the outbox (nil for 0), logging the fix for configuration errors.
func (cs Codes) Error(o Options, path string, code int, msg string) error {
	if code == 0 {
		return nil
	}
	var err error = &APIError{Channel: o.Channel, Path: path, Code: code, Msg: msg}
	c := cs[code]
	if c.Fix != "" {
		o.Logger.Error(o.Channel+": "+c.Fix, slog.String("path", path), slog.Int("errcode", code))
	}
	switch {
	case c.Retry > 0:
		err = bot.RetryAfter(err, c.Retry)
	case c.Permanent:
		err = bot.Permanent(err)
	}
	return err
}
