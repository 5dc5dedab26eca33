package dingtalk

import (
	"crypto/sha256"
	"strconv"
	"time"
)

// Signs remembers which message each signed timestamp was used for, where
// every node receiving callbacks sees it (the store): one node's memory
// would let a replay through the other node, or through the same node
// after a restart.
//
// DingTalk's sign covers the timestamp only, not the body: a captured
// (timestamp, sign) pair would otherwise carry any body, from any sender,
// for the hour the timestamp stays valid. The first message seen with a
// timestamp owns it until the window has passed; the same message again (a
// redelivery of the identical request) passes, to be answered by Dedupe,
// and anything else under that timestamp is a replay. Two different
// messages that DingTalk signed in the same millisecond cannot be told from
// a replay: the second is refused too (rare at a school's message rate;
// the refusal is counted as "replay").
type Signs interface {
	// Bind gives key the value until the instant unless key is bound
	// already (then it reports whether to the same value).
	Bind(key string, value []byte, until time.Time) (bool, error)
}

// signKey is where the message a timestamp (ms) signed is kept.
func signKey(ms int64) string { return "dingtalk|sign|" + strconv.FormatInt(ms, 10) }

// use records that the timestamp ms signed the message, until the
// timestamp leaves the validity window; it reports false when the
// timestamp already signed another one.
func (c *Callback) use(ms int64, in *inbound) (bool, error) {
	h := sha256.New()
	for _, part := range []string{in.MsgID, in.SenderStaffID, in.Text.Content} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return c.signs.Bind(signKey(ms), h.Sum(nil)[:16], time.UnixMilli(ms).Add(maxSkew))
}
