package platformtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
)

// WS is the shared part of a fake long-connection server: an httptest
// server whose accepted websockets are counted and closed with the test.
type WS struct {
	Srv *httptest.Server

	mu    sync.Mutex
	conns []*websocket.Conn
}

// NewWS serves h until t ends; then every websocket Accept accepted is
// closed, and the server.
func NewWS(t testing.TB, h http.Handler) *WS {
	s := &WS{Srv: httptest.NewServer(h)}
	t.Cleanup(func() {
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.CloseNow()
		}
		s.mu.Unlock()
		s.Srv.Close()
	})
	return s
}

// URL is the ws:// address of path on the server.
func (s *WS) URL(path string) string { return "ws" + strings.TrimPrefix(s.Srv.URL, "http") + path }

// Accept upgrades the request to a websocket that closes with the test.
func (s *WS) Accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	return c, nil
}

// Accepted is how many websockets were accepted.
func (s *WS) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
