package config

import "strings"

// Server is the [server] section.
type Server struct {
	Listen        string `toml:"listen"`          // default 127.0.0.1:8080
	Data          string `toml:"data"`            // data directory, default ./data
	LocalToken    string `toml:"local_token"`     // bearer token for /hook/local; empty: loopback callers only
	AdminToken    string `toml:"admin_token"`     // bearer token for admin endpoints; empty: loopback only
	RatePerMinute int    `toml:"rate_per_minute"` // per-member flood limit; 0 disables
	PublicURL     string `toml:"public_url"`      // how browsers reach the server (console login links); default http://<listen>
}

func (c *Config) validateServer(add func(string, ...any)) {
	if c.Server.Listen == "" {
		add("[server] listen 不能为空")
	}
	if c.Server.Data == "" {
		add("[server] data 不能为空")
	}
	if c.Server.RatePerMinute < 0 {
		add("[server] rate_per_minute 不能为负数")
	}
}

// OpenToTheProxy is the warning for a server that platforms reach from
// outside (WeCom or DingTalk enabled, so usually behind a reverse proxy)
// while admin_token or local_token is empty: those endpoints then rely on
// the loopback check alone, which a misconfigured proxy that adds no
// forwarding header defeats. "" when there is nothing to warn about.
func (c *Config) OpenToTheProxy() string {
	if !c.WeCom.Enabled && !c.DingTalk.Enabled {
		return ""
	}
	var empty []string
	if c.Server.AdminToken == "" {
		empty = append(empty, "admin_token")
	}
	if c.Server.LocalToken == "" {
		empty = append(empty, "local_token")
	}
	if len(empty) == 0 {
		return ""
	}
	return "已启用企业微信/钉钉，但 [server] " + strings.Join(empty, "、") +
		" 为空：/api/export、/api/backup 和 /hook/local 只凭“本机请求”放行，经不加转发头的反向代理到达的任何人都能导出数据、冒充成员，请设置令牌"
}
