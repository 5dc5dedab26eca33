package config

import "strings"

// Console is the [console] section: the web console of SPEC §15.
type Console struct {
	// Enabled serves the console at / and answers 看板/后台/登录 with a
	// login link (default false; the demo file turns it on).
	Enabled bool `toml:"enabled"`
}

// PublicURL is where members' browsers reach the server, without a
// trailing slash: [server] public_url, or http://<listen> when empty.
func (c *Config) PublicURL() string {
	if u := strings.TrimRight(c.Server.PublicURL, "/"); u != "" {
		return u
	}
	return "http://" + c.Server.Listen
}

func (c *Config) validateConsole(add func(string, ...any)) {
	if u := c.Server.PublicURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		add("[server] public_url 应以 http:// 或 https:// 开头：%q", u)
	}
}
