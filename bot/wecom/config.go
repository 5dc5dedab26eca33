// Package wecom is baosong's WeCom (企业微信) channel: the self-built app
// callback (URL verification, msg_signature, AES decryption, passive
// replies) and a Client that pushes app messages to members and group robot
// messages to groups, within the platform's limits.
//
// Only github.com/silenceper/wechat/v2/util is used from the SDK (signature
// and AES); the root package rewires the global logger and its app-message
// structs send agentid as a string, so requests are our own structs.
package wecom

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/baosong/baosong/bot/platform"
)

// DefaultAPIBase is the official WeCom API host.
const DefaultAPIBase = "https://qyapi.weixin.qq.com"

// Config is the [wecom] section. The app fields (CorpID, AgentID, Secret,
// Token, EncodingAESKey) are all-or-nothing: a deployment may use group
// robots alone.
//
// The file is checked where it is read (package config, also by
// baosong check-config); the adapter takes the values as they are.
type Config struct {
	CorpID         string // 企业ID; also the receiveid inside every ciphertext
	AgentID        int    // the self-built app's AgentId
	Secret         string // the app's Secret (gettoken)
	Token          string // callback Token (msg_signature)
	EncodingAESKey string // callback EncodingAESKey: 43 characters of base64
	APIBase        string // default DefaultAPIBase; tests point it at a fake server
	// CardURL, when set, turns a titled plain-text notification that fits a
	// card (description ≤ 512 characters) into a textcard linking there.
	CardURL string
	// Robots maps a robot name to its webhook key, or to its full webhook URL.
	Robots map[string]string
}

// appConfigured reports whether any app field is set.
func (c Config) appConfigured() bool {
	return c.CorpID != "" || c.AgentID != 0 || c.Secret != "" || c.Token != "" || c.EncodingAESKey != ""
}

// decodeAESKey checks and decodes an EncodingAESKey: 43 characters of
// base64 that decode (with one "=" appended) to a 32-byte AES key.
func decodeAESKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, fmt.Errorf("wecom: encoding_aes_key must be 43 characters, got %d", len(s))
	}
	key, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wecom: encoding_aes_key is not valid base64 for a 32-byte key")
	}
	return key, nil
}

func (c Config) apiBase() string { return platform.BaseURL(c.APIBase, DefaultAPIBase) }

// robotURL returns the webhook URL of the named robot.
func (c Config) robotURL(name string) (string, bool) {
	return platform.RobotURL(c.Robots[name], c.apiBase()+pathWebhook, "key")
}
