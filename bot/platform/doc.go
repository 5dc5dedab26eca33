// Package platform is what every chat-platform adapter (bot/wecom,
// bot/dingtalk) shares: functional options, the push client's core
// (Pusher: the API answer every call carries, the app call with its
// access token, the fan-out to members, the push to a group's robot),
// the channel's Prometheus counters, the Directory a client resolves members with, routing and
// fanning out a push (Notify, Fanout), per-key pacing (Limiter), splitting
// a text at a byte limit on rune boundaries (Split), the callback's body
// limit, rejections and reply budget (ReadBody, Reject, Handle, Work), the
// access-token cache (Token), every call to a platform's JSON API (API:
// one resty client per platform, timeouts, status and transport errors
// classified for the outbox, tokens kept out of errors), the errcodes an
// adapter handles by name and the fixes it logs (Codes), a group robot's
// webhook (CheckRobot, RobotURL), and the long connections' state, reconnect
// loop, frame reader and frames in hand (Link, Backoff, Redial,
// ReadFrames, InFlight). Package platformtest holds the shared test
// doubles.
//
// What differs between platforms stays in the adapters: signatures and
// crypto, wire formats, which errcodes mean what, and where a reply goes
// when the platform's answer window is missed.
package platform
