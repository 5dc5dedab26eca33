package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/go-resty/resty/v2"
)

// API paths under Config.APIBase.
const (
	pathToken      = "/gettoken"
	pathWorkNotice = "/topapi/message/corpconversation/asyncsend_v2"
	pathRobot      = "/robot/send"
	pathSession    = "sessionWebhook" // a label: the session URL is a secret
	maxAnswer      = 1 << 20
)

// DingTalk errcodes handled by name. 40014/42001 and 40089 are widely
// reported but not confirmed (docs/protocols.md §5).
const (
	codeInvalidToken  = 40014
	codeTokenExpired  = 42001
	codeInvalidSecret = 40089
	codeIPNotAllowed  = 60020
	codeWrapped       = 88 // carries the real code in sub_code
	codeRobotTooFast  = 130101
	codeRobotSecurity = 310000
)

// Back-offs: 130101 throttles the robot for 10 minutes; HTTP 429 for one.
const (
	robotThrottle = 10 * time.Minute
	httpBackoff   = time.Minute
)

// apiResult is the union of the answers used here.
type apiResult struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	SubCode     string `json:"sub_code"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// tokenInvalid reports an access token DingTalk no longer accepts.
func (r apiResult) tokenInvalid() bool {
	switch r.ErrCode {
	case codeInvalidToken, codeTokenExpired:
		return true
	case codeWrapped:
		return r.SubCode == fmt.Sprint(codeInvalidToken) || r.SubCode == fmt.Sprint(codeTokenExpired)
	}
	return false
}

type apiError struct {
	path string
	code int
	msg  string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("dingtalk: %s: errcode %d: %s", e.path, e.code, e.msg)
}

// codeError turns a non-zero errcode into an error classified for the
// outbox, logging the fix for configuration errors.
func codeError(log *slog.Logger, path string, res apiResult) error {
	if res.ErrCode == 0 {
		return nil
	}
	err := &apiError{path: path, code: res.ErrCode, msg: res.ErrMsg}
	switch res.ErrCode {
	case codeRobotTooFast:
		return bot.RetryAfter(err, robotThrottle)
	case codeIPNotAllowed:
		log.Error("dingtalk: 60020 本服务器出口IP不在白名单中：请在钉钉开发者后台「应用 → 开发管理 → 服务器出口IP」加入本机出口IP", "path", path)
		return bot.Permanent(err)
	case codeInvalidSecret:
		log.Error("dingtalk: app_key 或 app_secret 不正确：请核对 [dingtalk] app_key 与 app_secret", "errcode", res.ErrCode)
		return bot.Permanent(err)
	case codeRobotSecurity:
		log.Error("dingtalk: 自定义机器人安全设置校验失败：请核对 [dingtalk.robots] 的加签 secret、关键词或 IP 设置", "path", path)
		return bot.Permanent(err)
	}
	return err
}

// do sends one request through rc and decodes the JSON answer into res.
// Errors name the path only: queries and session URLs carry tokens,
// secrets and signatures.
func do(ctx context.Context, rc *resty.Client, method, rawURL, path string, body []byte, res *apiResult) error {
	req := rc.R().SetContext(ctx)
	if body != nil {
		req.SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body)
	}
	resp, err := req.Execute(method, rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("dingtalk: %s %s: %w", method, path, err)
	}
	if resp.StatusCode() != http.StatusOK {
		err := fmt.Errorf("dingtalk: %s %s: HTTP %d", method, path, resp.StatusCode())
		if resp.StatusCode() == http.StatusTooManyRequests {
			return bot.RetryAfter(err, httpBackoff)
		}
		return err
	}
	if err := json.Unmarshal(resp.Body(), res); err != nil {
		return fmt.Errorf("dingtalk: %s %s: answer is not JSON: %w", method, path, err)
	}
	return nil
}

// encodeJSON marshals v without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type textContent struct {
	Content string `json:"content"`
}

type markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type robotAt struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	AtUserIDs []string `json:"atUserIds,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

// robotMessage is the body of a custom robot or a sessionWebhook post.
type robotMessage struct {
	MsgType  string       `json:"msgtype"`
	Text     *textContent `json:"text,omitempty"`
	Markdown *markdown    `json:"markdown,omitempty"`
	At       *robotAt     `json:"at,omitempty"`
}
