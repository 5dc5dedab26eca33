package platformtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Answer is one scripted answer of a fake API.
type Answer struct {
	Status int    // 0: 200
	Body   string // "": the route's usual answer
	Block  bool   // no answer until the client gives up
}

// Sent is one request a fake API recorded.
type Sent struct {
	Path  string
	Token string         // the access_token query parameter
	Body  map[string]any // the decoded JSON body
	Raw   string
}

// Route answers what the script did not settle: a is the next scripted
// answer for the request's path (scripted tells whether there was one),
// never a blocking or non-200 one.
type Route func(w http.ResponseWriter, r *http.Request, a Answer, scripted bool)

// API is the shared part of a fake platform API: an httptest server whose
// answers can be scripted per path, that records and checks JSON posts
// and issues access tokens. What each path means is its Route's business.
type API struct {
	Srv *httptest.Server

	t     testing.TB
	route Route
	done  chan struct{}

	mu     sync.Mutex
	script map[string][]Answer
	tokens []string
	sent   map[string][]Sent
}

// NewAPI starts a fake API that t closes.
func NewAPI(t testing.TB, route Route) *API {
	f := &API{t: t, route: route, done: make(chan struct{}), script: map[string][]Answer{}, sent: map[string][]Sent{}}
	f.Srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Srv.Close)
	t.Cleanup(func() { close(f.done) }) // runs first: releases blocked handlers
	return f
}

// Then scripts the next answers on path.
func (f *API) Then(path string, a ...Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], a...)
}

func (f *API) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	a, scripted := Answer{}, false
	if q := f.script[r.URL.Path]; len(q) > 0 {
		a, scripted, f.script[r.URL.Path] = q[0], true, q[1:]
	}
	f.mu.Unlock()
	if a.Block {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
		return
	}
	if a.Status != 0 {
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.Body)
		return
	}
	f.route(w, r, a, scripted)
}

// Record checks that r is a JSON POST without HTML escaping and records it
// under its path.
func (f *API) Record(r *http.Request) Sent {
	raw, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	if bytes.Contains(raw, []byte(`\u003c`)) || bytes.Contains(raw, []byte(`\u0026`)) {
		f.t.Errorf("HTML-escaped JSON: %s", raw)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("body is not JSON: %v", err)
	}
	s := Sent{Path: r.URL.Path, Token: r.URL.Query().Get("access_token"), Body: body, Raw: string(raw)}
	f.mu.Lock()
	f.sent[s.Path] = append(f.sent[s.Path], s)
	f.mu.Unlock()
	return s
}

// Sent returns the requests recorded on path.
func (f *API) Sent(path string) []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent[path]...)
}

// IssueToken answers a gettoken call with a new token, prefix and a
// sequence number (prefix1, prefix2 …), valid for 7,200 s.
func (f *API) IssueToken(w http.ResponseWriter, prefix string) {
	f.mu.Lock()
	tok := fmt.Sprint(prefix, len(f.tokens)+1)
	f.tokens = append(f.tokens, tok)
	f.mu.Unlock()
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":%q,"expires_in":7200}`, tok)
}

// Tokens is how many tokens were issued.
func (f *API) Tokens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokens)
}

// Current reports whether tok is the newest token issued.
func (f *API) Current(tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokens) > 0 && tok == f.tokens[len(f.tokens)-1]
}
