package dingtalk

import (
	"fmt"
	"time"

	"github.com/baosong/baosong/bot/platform"
)

// API paths under Config.APIBase.
const (
	pathToken      = "/gettoken"
	pathWorkNotice = "/topapi/message/corpconversation/asyncsend_v2"
	pathRobot      = "/robot/send"
	pathSession    = "sessionWebhook" // a label: the session URL is a secret
)

// DingTalk errcodes handled by name. 40089 and the token's 40014/42001
// (platform.CodeTokenInvalid, CodeTokenExpired) are widely reported but
// not confirmed (docs/protocols.md §5).
const (
	codeInvalidSecret = 40089
	codeIPNotAllowed  = 60020
	codeWrapped       = 88 // carries the real code in sub_code
	codeRobotTooFast  = 130101
	codeRobotSecurity = 310000
)

// codes classify DingTalk's errcodes for the outbox: 130101 throttles a
// robot for ten minutes; configuration errors are permanent.
var codes = platform.Codes{
	codeRobotTooFast:  {Retry: 10 * time.Minute},
	codeIPNotAllowed:  {Permanent: true, Fix: "60020 本服务器出口IP不在白名单中：请在钉钉开发者后台「应用 → 开发管理 → 服务器出口IP」加入本机出口IP"},
	codeInvalidSecret: {Permanent: true, Fix: "app_key 或 app_secret 不正确：请核对 [dingtalk] app_key 与 app_secret"},
	codeRobotSecurity: {Permanent: true, Fix: "自定义机器人安全设置校验失败：请核对 [dingtalk.robots] 的加签 secret、关键词或 IP 设置"},
}

// apiResult is the union of the answers used here.
type apiResult struct {
	platform.Answer
	SubCode string `json:"sub_code"`
}

// TokenRefused reports an access token DingTalk no longer accepts, also
// when errcode 88 wraps the refusal.
func (r apiResult) TokenRefused() bool {
	if r.ErrCode == codeWrapped {
		return r.SubCode == fmt.Sprint(platform.CodeTokenInvalid) || r.SubCode == fmt.Sprint(platform.CodeTokenExpired)
	}
	return r.Answer.TokenRefused()
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
