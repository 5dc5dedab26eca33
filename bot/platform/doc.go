// Package platform is what every chat-platform adapter (bot/wecom,
// bot/dingtalk) shares: functional options, the channel's Prometheus
// counters, per-key pacing, splitting a text at a byte limit on rune
// boundaries, the callback's body limit, rejections and reply budget, the
// access-token cache, and the JSON HTTP helpers that keep tokens out of
// errors.
//
// What differs between platforms stays in the adapters: signatures and
// crypto, wire formats, errcodes and their fixes, and where a reply goes
// when the platform's answer window is missed.
package platform
