package wecom

import "testing"

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
