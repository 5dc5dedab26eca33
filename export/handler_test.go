package export_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baosong/baosong/export"
)

// The handler streams the file: errors found before its first byte are
// still answered with a status, and the body is what Write writes.
func TestHandlerStreams(t *testing.T) {
	src := deskFixture(t)
	h := export.Handler(src)
	for _, tc := range []struct {
		query string
		code  int
	}{
		{"what=submissions&period=2026-11", http.StatusOK},
		{"what=submissions&period=2026-11&format=csv", http.StatusOK},
		{"what=points&period=2026&format=xlsx", http.StatusOK},
		{"what=archive&period=2026&format=json", http.StatusOK},
		{"what=archive&period=2026&format=csv", http.StatusBadRequest}, // refused by the document itself
		{"what=nothing&period=2026-11", http.StatusBadRequest},
		{"what=submissions&period=2026-13", http.StatusBadRequest},
		{"what=submissions&period=2026-11&format=pdf", http.StatusBadRequest},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/export?"+tc.query, nil))
		if rec.Code != tc.code {
			t.Errorf("%s: HTTP %d, want %d: %s", tc.query, rec.Code, tc.code, rec.Body)
			continue
		}
		disposition := rec.Header().Get("Content-Disposition")
		if tc.code != http.StatusOK {
			if disposition != "" {
				t.Errorf("%s: an error answered as a file (%q)", tc.query, disposition)
			}
			continue
		}
		if disposition == "" || rec.Header().Get("Content-Type") == "" {
			t.Errorf("%s: headers %v", tc.query, rec.Header())
		}
	}
	// The handler's body is byte for byte what Write gives.
	for _, tc := range []struct{ what, period, format string }{
		{"submissions", "2026-11", export.JSON}, {"submissions", "2026-11", export.CSV}, {"archive", "2026", export.JSON},
	} {
		var want bytes.Buffer
		if err := export.Write(src, tc.what, tc.period, tc.format, &want); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/export?what="+tc.what+"&period="+tc.period+"&format="+tc.format, nil))
		if !bytes.Equal(rec.Body.Bytes(), want.Bytes()) {
			t.Errorf("%v: handler body differs from Write's", tc)
		}
	}
}
