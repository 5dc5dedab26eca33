package desk_test

import (
	"testing"
	"time"

	"github.com/baosong/baosong"
	"github.com/baosong/baosong/config"
)

// at reads "2026-11-26 16:02" or "2026-11-26" in Shanghai.
func at(s string) time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err == nil {
		var t time.Time
		if t, err = time.ParseInLocation("2006-01-02 15:04"[:len(s)], s, loc); err == nil {
			return t
		}
	}
	panic(err)
}

// demoConfig is the example configuration after opts.
func demoConfig(t testing.TB, opts ...func(*config.Config)) *config.Config {
	t.Helper()
	cfg, err := config.Parse(baosong.ExampleConfig, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(cfg)
	}
	if p := cfg.Validate(); len(p) > 0 {
		t.Fatal(p)
	}
	return cfg
}
