package dingtalk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
	"github.com/go-resty/resty/v2"
)

// API paths under Config.APIBase.
const (
	pathToken      = "/gettoken"
	pathWorkNotice = "/topapi/message/corpconversation/asyncsend_v2"
	pathRobot      = "/robot/send"
	pathSession    = "sessionWebhook" // a label: the session URL is a secret
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

// robotThrottle is how long 130101 throttles a robot.
const robotThrottle = 10 * time.Minute

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

// codeError turns a non-zero errcode into an error classified for the
// outbox, logging the fix for configuration errors.
func codeError(log *slog.Logger, path string, res apiResult) error {
	if res.ErrCode == 0 {
		return nil
	}
	err := &platform.APIError{Channel: bot.DingTalk, Path: path, Code: res.ErrCode, Msg: res.ErrMsg}
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
	call := platform.Call{Channel: bot.DingTalk, Method: method, Path: path}
	req := rc.R().SetContext(ctx)
	if body != nil {
		req.SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body)
	}
	resp, err := req.Execute(method, rawURL)
	if err != nil {
		return call.Failed(err)
	}
	if err := call.Status(resp.StatusCode()); err != nil {
		return err
	}
	return call.Decode(resp.Body(), res)
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

// robotMessage is the body of a custom robot or a sessionWebhook post,
// and the msg of a work notification.
type robotMessage struct {
	MsgType    string       `json:"msgtype"`
	Text       *textContent `json:"text,omitempty"`
	Markdown   *markdown    `json:"markdown,omitempty"`
	ActionCard *actionCard  `json:"action_card,omitempty"` // work notifications: msgtype action_card
	At         *robotAt     `json:"at,omitempty"`
}

// actionCard is a work notification's card with independent buttons
// (btn_orientation "1": side by side).
type actionCard struct {
	Title          string       `json:"title"`
	Markdown       string       `json:"markdown"`
	BtnOrientation string       `json:"btn_orientation"`
	Buttons        []cardButton `json:"btn_json_list"`
}

type cardButton struct {
	Title     string `json:"title"`
	ActionURL string `json:"action_url"`
}
