package platform

import (
	"net/http"
	"time"
)

// NewHTTPClient returns an adapter's one HTTP client: keep-alive, bounded
// idle connections, a timeout on every call.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = 10 * time.Second
	return &http.Client{Transport: t, Timeout: 15 * time.Second}
}
