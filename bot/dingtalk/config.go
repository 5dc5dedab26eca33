// Package dingtalk is baosong's DingTalk (钉钉) channel: the enterprise
// robot HTTP callback (timestamp + sign), replies through the message's
// sessionWebhook, and a Client that pushes work notifications (工作通知) to
// members and signed custom-robot messages to groups, within the
// platform's limits. HTTP goes through one shared resty client.
package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/baosong/baosong/bot/platform"
)

// DefaultAPIBase is the official DingTalk API host.
const DefaultAPIBase = "https://oapi.dingtalk.com"

// Robot is a custom group robot (自定义机器人).
type Robot struct {
	Webhook string // full webhook URL, or its access_token alone
	Secret  string // "SEC…" signing secret (加签); empty if the robot uses keywords or an IP list
}

// Config is the [dingtalk] section. The app fields (AppKey, AppSecret,
// AgentID) are all-or-nothing: a deployment may use group robots alone.
//
// The file is checked where it is read (package config, also by
// baosong check-config); the adapter takes the values as they are.
type Config struct {
	AppKey    string // the robot app's AppKey (gettoken)
	AppSecret string // its AppSecret: gettoken and the callback's sign
	AgentID   int64  // the app's AgentId (work notifications)
	APIBase   string // default DefaultAPIBase; tests point it at a fake server
	Robots    map[string]Robot
}

func (c Config) appConfigured() bool {
	return c.AppKey != "" || c.AppSecret != "" || c.AgentID != 0
}

func (c Config) apiBase() string { return platform.BaseURL(c.APIBase, DefaultAPIBase) }

// robotURL returns the webhook URL of the named robot, signed at ms when
// the robot has a secret.
func (c Config) robotURL(name string, ms int64) (string, bool) {
	r := c.Robots[name]
	hook, ok := platform.RobotURL(r.Webhook, c.apiBase()+pathRobot, "access_token")
	if !ok || r.Secret == "" {
		return hook, ok
	}
	ts := fmt.Sprint(ms)
	sep := "?"
	if strings.Contains(hook, "?") {
		sep = "&"
	}
	return hook + sep + url.Values{"timestamp": {ts}, "sign": {signature(r.Secret, ts)}}.Encode(), true
}

// signature is DingTalk's signature: base64(HmacSHA256(secret, timestamp+"\n"+secret)),
// used by custom robots (URL-encoded into the webhook) and by the robot
// callback (the sign header, compared as is).
func signature(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
