package config

// Store is the [store] section: which database holds the data.
type Store struct {
	Driver  string `toml:"driver"`   // "bbolt" (default: <data>/baosong.db) or "postgres"
	DSN     string `toml:"dsn"`      // PostgreSQL connection string, for driver "postgres"
	DSNFile string `toml:"dsn_file"` // a file holding the DSN instead (its password stays out of the config)
}

// Postgres reports whether the store is on PostgreSQL.
func (c *Config) Postgres() bool { return c.Store.Driver == "postgres" }

// StoreDSN returns the PostgreSQL DSN, read from dsn_file when set.
func (c *Config) StoreDSN() string { return secret(c.Path(c.Store.DSNFile), c.Store.DSN) }

func (c *Config) validateStore(add func(string, ...any)) {
	s := c.Store
	switch s.Driver {
	case "bbolt":
		if s.DSN != "" || s.DSNFile != "" {
			add(`[store] dsn/dsn_file 只用于 driver = "postgres"`)
		}
	case "postgres":
		switch {
		case s.DSN != "" && s.DSNFile != "":
			add("[store] dsn 与 dsn_file 只能设一个")
		case s.DSN == "" && s.DSNFile == "":
			add(`[store] driver = "postgres" 需要 dsn 或 dsn_file`)
		case c.StoreDSN() == "":
			add("[store] dsn_file %s 读不到或为空", s.DSNFile)
		}
	default:
		add(`[store] driver 只能是 "bbolt" 或 "postgres"，不是 %q`, s.Driver)
	}
}
