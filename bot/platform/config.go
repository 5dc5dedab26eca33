package platform

import (
	"errors"
	"fmt"
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

// RobotWords are how the configuration check words the problems of a
// group robot's webhook: empty, a URL that is not http(s), or a bare token
// with characters no token has.
type RobotWords struct{ Empty, BadURL, BadToken string }

// CheckRobot reports what is wrong with the robot name whose webhook is
// configured as hook (its full URL, or the platform's token for it alone),
// or nil. Its errors never quote hook.
func CheckRobot(name, hook string, w RobotWords) error {
	hook = strings.TrimSpace(hook)
	problem := ""
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("robots: a robot has an empty name")
	case hook == "":
		problem = w.Empty
	case strings.Contains(hook, "://"):
		if CheckHTTPURL(hook) != nil {
			problem = w.BadURL
		}
	case strings.ContainsAny(hook, " \t?&/#"):
		problem = w.BadToken
	}
	if problem == "" {
		return nil
	}
	return fmt.Errorf("robots.%s: %s", name, problem)
}

// RobotURL is the URL to post to for the robot whose webhook is
// configured as hook: hook itself when it is a URL, else send with the
// token in the query parameter param. ok is false for an empty hook.
func RobotURL(hook, send, param string) (u string, ok bool) {
	hook = strings.TrimSpace(hook)
	switch {
	case hook == "":
		return "", false
	case strings.Contains(hook, "://"):
		return hook, true
	}
	return send + "?" + param + "=" + url.QueryEscape(hook), true
}
