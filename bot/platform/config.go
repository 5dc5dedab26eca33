package platform

import (
	"errors"
	"net/url"
	"strings"
)

// CheckHTTPURL reports whether s is an absolute http(s) URL. Its errors
// never quote s, which may carry a robot key.
func CheckHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http(s) URL")
	}
	return nil
}

// BaseURL is base without trailing slashes, or def when base is empty.
func BaseURL(base, def string) string {
	if base == "" {
		return def
	}
	return strings.TrimRight(base, "/")
}
