package wecom

import (
	"strings"
	"testing"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

func validConfig() Config {
	return Config{
		CorpID: vecCorpID, AgentID: 1000002, Secret: "s3cret-value", Token: vecToken, EncodingAESKey: vecKey,
		Robots: map[string]string{"office": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   []string // substrings, one per expected error
	}{
		{"valid", func(*Config) {}, nil},
		{"robots only", func(c *Config) { *c = Config{Robots: map[string]string{"g": "key"}} }, nil},
		{"empty", func(c *Config) { *c = Config{} }, nil},
		{"partial app lists every missing field", func(c *Config) { *c = Config{CorpID: "ww1"} },
			[]string{"agent_id", "secret is empty", "token is empty", "encoding_aes_key must be 43"}},
		{"key 42 chars", func(c *Config) { c.EncodingAESKey = vecKey[:42] }, []string{"43 characters, got 42"}},
		{"key not base64", func(c *Config) { c.EncodingAESKey = strings.Repeat("!", 43) }, []string{"not valid base64"}},
		{"negative agent", func(c *Config) { c.AgentID = -1 }, []string{"agent_id"}},
		{"api base", func(c *Config) { c.APIBase = "qyapi.weixin.qq.com" }, []string{"api_base"}},
		{"card url", func(c *Config) { c.CardURL = "ftp://x" }, []string{"card_url"}},
		{"robot empty key", func(c *Config) { c.Robots["b"] = " " }, []string{"robots.b: webhook key is empty"}},
		{"robot bad url", func(c *Config) { c.Robots["b"] = "https://" }, []string{"robots.b: webhook URL"}},
		{"robot key with query", func(c *Config) { c.Robots["b"] = "abc&x=1" }, []string{"robots.b: webhook key has"}},
		{"robot full url", func(c *Config) {
			c.Robots["b"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.modify(&c)
			platformtest.Problems(t, c.Validate(), tt.want, "s3cret-value", vecKey[:20])
		})
	}
}

func TestRobotURL(t *testing.T) {
	c := Config{APIBase: "http://fake:1/", Robots: map[string]string{
		"k": "a+b", "u": "https://example.test/cgi-bin/webhook/send?key=zz",
	}}
	if got, _ := c.robotURL("k"); got != "http://fake:1/cgi-bin/webhook/send?key=a%2Bb" {
		t.Errorf("key robot URL = %s", got)
	}
	if got, _ := c.robotURL("u"); got != "https://example.test/cgi-bin/webhook/send?key=zz" {
		t.Errorf("full robot URL = %s", got)
	}
	if _, ok := c.robotURL("nope"); ok {
		t.Error("unknown robot resolved")
	}
}
