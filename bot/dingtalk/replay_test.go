package dingtalk

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

// memSigns is Signs in memory, for the callback's tests (baosong keeps them
// in the store: store.DB.Bind, tested there on both engines).
type memSigns struct {
	mu    sync.Mutex
	bound map[string][]byte
	until map[string]time.Time
	fail  bool
}

func (s *memSigns) Bind(key string, value []byte, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return false, errors.New("store down")
	}
	if s.bound == nil {
		s.bound, s.until = map[string][]byte{}, map[string]time.Time{}
	}
	if v, ok := s.bound[key]; ok {
		return bytes.Equal(v, value), nil
	}
	s.bound[key], s.until[key] = value, until
	return true, nil
}

// The first message under a signed timestamp binds it until the timestamp
// leaves the hour's window; another message under it is a replay (401,
// counted, not handled) and the identical request again passes to Dedupe.
func TestCallbackBindsTheSignForItsHour(t *testing.T) {
	rec := &platformtest.Recorder{}
	e := newCallbackEnv(t, rec)
	first := e.body(nil)
	if w := e.serve(e.signed(first)); w.Code != http.StatusOK {
		t.Fatalf("first: %d", w.Code)
	}
	key := signKey(testNow.UnixMilli())
	if until := e.signs.until[key]; !until.Equal(time.UnixMilli(testNow.UnixMilli()).Add(time.Hour)) {
		t.Errorf("%s bound until %v, want the end of its hour", key, until)
	}
	if w := e.serve(e.signed(e.body(map[string]any{"senderStaffId": "staff-other"}))); w.Code != http.StatusUnauthorized {
		t.Errorf("another sender under the sign: %d", w.Code)
	}
	if w := e.serve(e.signed(first)); w.Code != http.StatusOK {
		t.Errorf("the identical request again: %d", w.Code)
	}
	if n := len(rec.Messages()); n != 2 {
		t.Errorf("handled %d messages, want the first and its redelivery", n)
	}
	if got := platformtest.Value(t, e.m.Rejected.WithLabelValues("replay")); got != 1 {
		t.Errorf("replay counter %v", got)
	}
}

// When the signs used cannot be read, nobody can tell a replay: the
// callback answers 503 (DingTalk delivers again) and handles nothing.
func TestCallbackSignsUnreadable(t *testing.T) {
	rec := &platformtest.Recorder{}
	e := newCallbackEnv(t, rec)
	e.signs.fail = true
	if w := e.serve(e.signed(e.body(nil))); w.Code != http.StatusServiceUnavailable {
		t.Errorf("signs unreadable: %d", w.Code)
	}
	if n := len(rec.Messages()); n != 0 {
		t.Errorf("handled %d messages", n)
	}
}
