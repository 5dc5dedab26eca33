package config

import (
	"encoding/base64"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/baosong/baosong/bot/platform"
)

// WeCom is the [wecom] section: a self-built app (自建应用) and group robots.
type WeCom struct {
	Enabled        bool              `toml:"enabled"`
	CorpID         string            `toml:"corp_id"`
	AgentID        int               `toml:"agent_id"`
	Secret         string            `toml:"secret"`
	SecretFile     string            `toml:"secret_file"`
	Token          string            `toml:"token"`
	EncodingAESKey string            `toml:"encoding_aes_key"`
	APIBase        string            `toml:"api_base"` // default https://qyapi.weixin.qq.com
	Robots         map[string]string `toml:"robots"`   // name → webhook key (or full webhook URL)
}

// DingTalk is the [dingtalk] section: an enterprise app robot and custom group robots.
type DingTalk struct {
	Enabled       bool   `toml:"enabled"`
	AppKey        string `toml:"app_key"`
	AppSecret     string `toml:"app_secret"`
	AppSecretFile string `toml:"app_secret_file"`
	AgentID       int64  `toml:"agent_id"`
	APIBase       string `toml:"api_base"` // default https://oapi.dingtalk.com
	// Mode is how messages arrive: "callback" (HTTP POST /hook/dingtalk,
	// needs a public HTTPS address) or "stream" (baosong opens a long
	// connection to StreamBase, SPEC §14). Default "callback".
	Mode       string                   `toml:"mode"`
	StreamBase string                   `toml:"stream_base"` // default https://api.dingtalk.com
	Robots     map[string]DingTalkRobot `toml:"robots"`
}

// WeComBot is the [wecom_bot] section: a WeCom 智能机器人 reached over the
// long connection baosong opens itself (SPEC §14), for schools without a
// public address. Its members are the [wecom] members (channel "wecom",
// wecom_user); it is their push channel when [wecom] is not enabled.
type WeComBot struct {
	Enabled bool   `toml:"enabled"`
	BotID   string `toml:"bot_id"`
	Secret  string `toml:"secret"`
	WSURL   string `toml:"ws_url"` // default wss://openws.work.weixin.qq.com
}

// DingTalk message modes.
const (
	ModeCallback = "callback"
	ModeStream   = "stream"
)

// DingTalkRobot is a custom group robot: its webhook URL and signing secret.
type DingTalkRobot struct {
	Webhook string `toml:"webhook"`
	Secret  string `toml:"secret"`
}

// WeComSecret returns the secret, read from secret_file when set.
func (c *Config) WeComSecret() string { return secret(c.Path(c.WeCom.SecretFile), c.WeCom.Secret) }

// DingTalkSecret returns the app secret, read from app_secret_file when set.
func (c *Config) DingTalkSecret() string {
	return secret(c.Path(c.DingTalk.AppSecretFile), c.DingTalk.AppSecret)
}

func secret(file, inline string) string {
	if file == "" {
		return inline
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (c *Config) validatePlatforms(add func(string, ...any)) {
	w := c.WeCom
	if w.Enabled {
		if w.CorpID == "" {
			add("[wecom] 已启用但缺少 corp_id")
		}
		if w.AgentID == 0 {
			add("[wecom] 已启用但缺少 agent_id")
		}
		if c.WeComSecret() == "" {
			add("[wecom] 已启用但缺少 secret（或 secret_file 不可读）")
		}
		if w.Token == "" {
			add("[wecom] 已启用但缺少 token（回调 Token）")
		}
		if len(w.EncodingAESKey) != 43 {
			add("[wecom] encoding_aes_key 应为 43 个字符（现为 %d 个）", len(w.EncodingAESKey))
		} else if _, err := base64.StdEncoding.DecodeString(w.EncodingAESKey + "="); err != nil {
			add("[wecom] encoding_aes_key 不是有效的 Base64")
		}
	}
	if b := c.WeComBot; b.Enabled {
		if b.BotID == "" {
			add("[wecom_bot] 已启用但缺少 bot_id（智能机器人的 BotID）")
		}
		if b.Secret == "" {
			add("[wecom_bot] 已启用但缺少 secret（智能机器人长连接的 Secret）")
		}
	}
	if u := c.WeComBot.WSURL; u != "" && !strings.HasPrefix(u, "wss://") && !strings.HasPrefix(u, "ws://") {
		add("[wecom_bot] ws_url 应为 wss:// 开头的完整地址")
	}
	d := c.DingTalk
	if d.Enabled {
		if d.AppKey == "" {
			add("[dingtalk] 已启用但缺少 app_key")
		}
		if c.DingTalkSecret() == "" {
			add("[dingtalk] 已启用但缺少 app_secret（或 app_secret_file 不可读）")
		}
		if d.AgentID == 0 {
			add("[dingtalk] 已启用但缺少 agent_id（工作通知需要）")
		}
	}
	if d.Mode != "" && d.Mode != ModeCallback && d.Mode != ModeStream {
		add("[dingtalk] mode 应为 \"callback\"（HTTP 回调）或 \"stream\"（Stream 长连接），现为 %q", d.Mode)
	}
	// The value is never printed: a URL may carry user:password.
	for _, p := range []struct{ section, key, base string }{{"wecom", "api_base", w.APIBase},
		{"dingtalk", "api_base", d.APIBase}, {"dingtalk", "stream_base", d.StreamBase}} {
		if p.base != "" && platform.CheckHTTPURL(p.base) != nil {
			add("[%s] %s 应为 http:// 或 https:// 开头的完整地址", p.section, p.key)
		}
	}
	// The one check of the group robots (the adapters take them as they
	// are): a webhook is its full URL, or the key (WeCom) or access_token
	// (DingTalk) alone; never printed, it is a secret.
	for _, name := range slices.Sorted(maps.Keys(w.Robots)) {
		if err := platform.CheckRobot(name, w.Robots[name], wecomRobot); err != nil {
			add("[wecom] %v", err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Robots)) {
		r := d.Robots[name]
		if err := platform.CheckRobot(name, r.Webhook, dingtalkRobot); err != nil {
			add("[dingtalk] %v", err)
		}
		if strings.TrimSpace(r.Secret) != r.Secret {
			add("[dingtalk] robots.%s: secret 前后有空格", name)
		}
	}
}

// How the problems of a group robot's webhook are worded.
var (
	wecomRobot = platform.RobotWords{
		Empty:    "webhook key 为空",
		BadURL:   "webhook 地址不是有效的 http(s) URL",
		BadToken: "webhook key 含有 key 不会有的字符（请填 key 本身或完整的 webhook URL）",
	}
	dingtalkRobot = platform.RobotWords{
		Empty:    "webhook 为空",
		BadURL:   "webhook 地址不是有效的 http(s) URL",
		BadToken: "webhook 既不是完整的 URL，也不是 access_token",
	}
)
