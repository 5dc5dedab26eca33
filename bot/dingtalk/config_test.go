package dingtalk

import (
	"net/url"
	"testing"
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
