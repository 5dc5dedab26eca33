package config

// Server is the [server] section.
type Server struct {
	Listen        string `toml:"listen"`          // default 127.0.0.1:8080
	Data          string `toml:"data"`            // data directory, default ./data
	LocalToken    string `toml:"local_token"`     // bearer token for /hook/local; empty: loopback callers only
	AdminToken    string `toml:"admin_token"`     // bearer token for admin endpoints; empty: loopback only
	RatePerMinute int    `toml:"rate_per_minute"` // per-member flood limit; 0 disables
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
