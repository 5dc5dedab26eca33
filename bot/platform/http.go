package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

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
