package platform

import "testing"

func TestCheckHTTPURL(t *testing.T) {
	for s, ok := range map[string]bool{
		"https://qyapi.weixin.qq.com":   true,
		"http://127.0.0.1:8080/x?key=k": true,
		"qyapi.weixin.qq.com":           false,
		"ftp://x":                       false,
		"https://":                      false,
		"http://%zz":                    false,
		"":                              false,
	} {
		if err := CheckHTTPURL(s); (err == nil) != ok {
			t.Errorf("CheckHTTPURL(%q) = %v", s, err)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tt := range []struct{ base, want string }{
		{"", "https://oapi.dingtalk.com"},
		{"http://fake:1/", "http://fake:1"},
		{"http://fake:1//", "http://fake:1"},
		{"http://fake:1", "http://fake:1"},
	} {
		if got := BaseURL(tt.base, "https://oapi.dingtalk.com"); got != tt.want {
			t.Errorf("BaseURL(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestCheckRobot(t *testing.T) {
	w := RobotWords{Empty: "empty", BadURL: "bad URL", BadToken: "bad token"}
	tests := []struct{ name, hook, want string }{
		{"office", "693a91f6-7xxx", ""},
		{"office", " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k ", ""},
		{" ", "k", "robots: a robot has an empty name"},
		{"office", " \t", "robots.office: empty"},
		{"office", "https://", "robots.office: bad URL"},
		{"office", "ftp://host/x", "robots.office: bad URL"},
		{"office", "abc&x=1", "robots.office: bad token"},
		{"office", "a b", "robots.office: bad token"},
	}
	for _, tt := range tests {
		err := CheckRobot(tt.name, tt.hook, w)
		if (err == nil) != (tt.want == "") || err != nil && err.Error() != tt.want {
			t.Errorf("CheckRobot(%q, %q) = %v, want %q", tt.name, tt.hook, err, tt.want)
		}
	}
}

func TestRobotURL(t *testing.T) {
	send := "https://oapi.dingtalk.com/robot/send"
	for hook, want := range map[string]string{
		"a+b/c":                     send + "?access_token=a%2Bb%2Fc",
		" https://x.test/send?k=1 ": "https://x.test/send?k=1",
		" ":                         "",
	} {
		got, ok := RobotURL(hook, send, "access_token")
		if got != want || ok != (want != "") {
			t.Errorf("RobotURL(%q) = %q %v, want %q", hook, got, ok, want)
		}
	}
}
