package loadgen

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// FakeWeCom stands in for the WeCom API (which cannot be reached from a test
// machine): it issues a token, accepts app messages and robot posts in the
// documented wire format, and counts what it received.
type FakeWeCom struct {
	mu       sync.Mutex
	Messages int            // app messages accepted
	Robots   int            // robot webhook posts accepted
	Tokens   int            // tokens issued
	ByText   map[string]int // app message texts, to spot duplicates
}

// ServeHTTP answers the three endpoints baosong uses.
func (f *FakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ByText == nil {
		f.ByText = map[string]int{}
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		f.Tokens++
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"fake-token","expires_in":7200}`)
	case "/cgi-bin/message/send":
		var body struct {
			ToUser string `json:"touser"`
			Text   struct {
				Content string `json:"content"`
			} `json:"text"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if r.URL.Query().Get("access_token") == "" || json.NewDecoder(r.Body).Decode(&body) != nil {
			_, _ = io.WriteString(w, `{"errcode":40014,"errmsg":"invalid access_token"}`)
			return
		}
		f.Messages++
		f.ByText[body.ToUser+"|"+body.Text.Content+body.Markdown.Content]++
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"fake"}`)
	case "/cgi-bin/webhook/send":
		f.Robots++
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		http.NotFound(w, r)
	}
}

// Counts returns the number of app messages and robot posts received.
func (f *FakeWeCom) Counts() (messages, robots int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Messages, f.Robots
}

// Duplicates counts app messages received more than once with the same recipient and text.
func (f *FakeWeCom) Duplicates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.ByText {
		n += c - 1
	}
	return n
}
