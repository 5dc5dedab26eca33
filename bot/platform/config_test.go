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
