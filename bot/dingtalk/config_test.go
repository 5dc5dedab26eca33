package dingtalk

import (
	"net/url"
	"testing"

	"github.com/baosong/baosong/bot/platform/platformtest"
)

// The DingTalk HMAC vector of docs/protocols.md §3.1, reproduced there with
// Node crypto and Python hmac.
const (
	vecSecret    = "this is secret"
	vecTimestamp = "1577262236757"
	vecSign      = "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="
	vecSignURL   = "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"
)

func TestSignatureVector(t *testing.T) {
	if got := signature(vecSecret, vecTimestamp); got != vecSign {
		t.Errorf("signature = %s, want %s", got, vecSign)
	}
	c := Config{Robots: map[string]Robot{"office": {Webhook: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: vecSecret}}}
	got, ok := c.robotURL("office", 1577262236757)
	want := "https://oapi.dingtalk.com/robot/send?access_token=abc&sign=" + vecSignURL + "&timestamp=" + vecTimestamp
	if !ok || got != want {
		t.Errorf("signed webhook = %s, want %s", got, want)
	}
}

func TestRobotURL(t *testing.T) {
	c := Config{APIBase: "http://fake:1", Robots: map[string]Robot{
		"bare":  {Webhook: "tok+en"},
		"plain": {Webhook: "https://x.test/robot/send?access_token=z"},
		"empty": {},
	}}
	if got, _ := c.robotURL("bare", 5); got != "http://fake:1/robot/send?access_token=tok%2Ben" {
		t.Errorf("bare token webhook = %s", got)
	}
	if got, _ := c.robotURL("plain", 5); got != "https://x.test/robot/send?access_token=z" {
		t.Errorf("unsigned webhook = %s", got)
	}
	for _, name := range []string{"empty", "nope"} {
		if _, ok := c.robotURL(name, 5); ok {
			t.Errorf("robot %s resolved", name)
		}
	}
	c.Robots["bare"] = Robot{Webhook: "tok", Secret: "SECabc"}
	got, _ := c.robotURL("bare", 1700000000000)
	u, err := url.Parse(got)
	if err != nil || u.Query().Get("sign") != signature("SECabc", "1700000000000") || u.Query().Get("access_token") != "tok" {
		t.Errorf("signed bare webhook = %s", got)
	}
}

func TestValidate(t *testing.T) {
	valid := func() Config {
		return Config{AppKey: "dingkey", AppSecret: "app-s3cret", AgentID: 2819000000,
			Robots: map[string]Robot{"office": {Webhook: "https://oapi.dingtalk.com/robot/send?access_token=x", Secret: "SECxyz"}}}
	}
	tests := []struct {
		name   string
		modify func(*Config)
		want   []string
	}{
		{"valid", func(*Config) {}, nil},
		{"robots only", func(c *Config) { *c = Config{Robots: map[string]Robot{"g": {Webhook: "tok"}}} }, nil},
		{"empty", func(c *Config) { *c = Config{} }, nil},
		{"partial app", func(c *Config) { *c = Config{AppKey: "k"} }, []string{"app_secret is empty", "agent_id"}},
		{"agent zero", func(c *Config) { c.AgentID = 0 }, []string{"agent_id must be a positive integer, got 0"}},
		{"api base", func(c *Config) { c.APIBase = "oapi.dingtalk.com" }, []string{"api_base"}},
		{"robot no webhook", func(c *Config) { c.Robots["b"] = Robot{Secret: "SEC1"} }, []string{"robots.b: webhook is empty"}},
		{"robot bad url", func(c *Config) { c.Robots["b"] = Robot{Webhook: "https://"} }, []string{"robots.b: webhook is not"}},
		{"robot junk", func(c *Config) { c.Robots["b"] = Robot{Webhook: "a b"} }, []string{"robots.b: webhook is neither"}},
		{"robot secret spaces", func(c *Config) { c.Robots["b"] = Robot{Webhook: "t", Secret: " SEC1"} }, []string{"surrounding spaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.modify(&c)
			platformtest.Problems(t, c.Validate(), tt.want, "s3cret", "SEC1")
		})
	}
}
