// Package platform is what every chat-platform adapter (bot/wecom,
// bot/dingtalk) shares: functional options, the channel's Prometheus
// counters, the Directory a client resolves members with, routing and
// fanning out a push (Notify, Fanout), per-key pacing (Limiter), splitting
// a text at a byte limit on rune boundaries (Split), the callback's body
// limit, rejections and reply budget (ReadBody, Reject, Handle, Work), the
// access-token cache (Token), the JSON HTTP helpers that keep tokens out
// of errors (Call, APIError), and the long connections' state, reconnect
// loop, frame reader and frames in hand (Link, Backoff, Redial,
// ReadFrames, InFlight). Package platformtest holds the shared test
// doubles.
//
// What differs between platforms stays in the adapters: signatures and
// crypto, wire formats, errcodes and their fixes, and where a reply goes
// when the platform's answer window is missed.
package platform
