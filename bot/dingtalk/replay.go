package dingtalk

import (
	"crypto/sha256"
	"sync"
	"time"
)

// signs remembers which message each signed timestamp was used for.
//
// DingTalk's sign covers the timestamp only, not the body: a captured
// (timestamp, sign) pair would otherwise carry any body, from any sender,
// for the hour the timestamp stays valid. The first message seen with a
// timestamp owns it until the window has passed; the same message again (a
// redelivery of the identical request) passes, to be answered by Dedupe,
// and anything else under that timestamp is a replay. Two different
// messages that DingTalk signed in the same millisecond cannot be told from
// a replay: the second is refused too (rare at a school's message rate;
// the refusal is counted as "replay"). The memory is per process.
type signs struct {
	mu    sync.Mutex
	owner map[int64][16]byte // timestamp (ms) → digest (SHA-256, first half) of msgId, sender, text
	swept time.Time
}

// use records that the timestamp ms signed the message; it reports false
// when the timestamp already signed another one.
func (s *signs) use(ms int64, msgID, sender, text string, now time.Time) bool {
	h := sha256.New()
	for _, part := range []string{msgID, sender, text} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	var digest [16]byte
	copy(digest[:], h.Sum(nil))

	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.swept) > time.Minute {
		s.sweep(now)
	}
	if s.owner == nil {
		s.owner = map[int64][16]byte{}
	}
	if prev, ok := s.owner[ms]; ok {
		return prev == digest
	}
	s.owner[ms] = digest
	return true
}

// sweep forgets timestamps no longer within the validity window.
func (s *signs) sweep(now time.Time) {
	for ms := range s.owner {
		if skew := now.Sub(time.UnixMilli(ms)); skew > maxSkew || skew < -maxSkew {
			delete(s.owner, ms)
		}
	}
	s.swept = now
}
