package wecom

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// API paths under Config.APIBase.
const (
	pathToken   = "/cgi-bin/gettoken"
	pathSend    = "/cgi-bin/message/send"
	pathWebhook = "/cgi-bin/webhook/send"
	pathCard    = "/cgi-bin/message/update_template_card"
)

// Platform limits (docs/protocols.md §2).
const (
	maxUsersPerCall    = 1000 // touser of one app message
	textLimit          = 2048 // bytes: app text and markdown, robot text
	robotMarkdownLimit = 4096 // bytes: robot markdown
	memberPerMinute    = 30   // app messages to one member (excess is silently dropped)
	robotPerMinute     = 20   // messages per group robot (excess: 45009)
	cardTitleLimit     = 128  // characters
	cardDescLimit      = 512  // characters
	buttonLabelLimit   = 20   // characters of a clicked button's new label
)

// WeCom errcodes handled by name.
const (
	codeInvalidSecret  = 40001
	codeInvalidChars   = 40033
	codeInvalidSecret2 = 40091
	codeMissingToken   = 41001
	codeTooLong        = 45002
	codeRateLimited    = 45009
	codeIPNotTrusted   = 60020
	codeNoRecipient    = 81013
	codeRobotInvalid   = 93000
)

// fixSecret is the fix for a secret WeCom refuses.
const fixSecret = "secret 不正确：请核对 [wecom] corp_id 与 secret（应用管理 → 本应用 → Secret）"

// codes classify WeCom's errcodes for the outbox: 45009 waits out the
// minute after which WeCom lifts its limits; configuration errors and
// requests WeCom never takes are permanent.
var codes = platform.Codes{
	codeRateLimited:    {Retry: time.Minute},
	codeIPNotTrusted:   {Permanent: true, Fix: "60020 本服务器出口IP不在企业可信IP中：请在企业微信管理后台「应用管理 → 本应用 → 企业可信IP」加入本机出口IP（约1分钟后生效）"},
	codeInvalidSecret:  {Permanent: true, Fix: fixSecret},
	codeInvalidSecret2: {Permanent: true, Fix: fixSecret},
	codeRobotInvalid:   {Permanent: true, Fix: "群机器人 webhook 无效或机器人已被移出群聊：请核对 [wecom.robots]"},
	codeInvalidChars:   {Permanent: true},
	codeMissingToken:   {Permanent: true},
	codeTooLong:        {Permanent: true},
	codeNoRecipient:    {Permanent: true},
}

// Directory resolves baosong ids to WeCom userids, mobiles (robot texts
// @mention by mobile) and group robots.
type Directory = platform.Directory

// Client pushes to WeCom: app messages to members, robot messages to
// groups. It implements bot.Notifier and is safe for concurrent use.
//
// Failures are classified for the outbox: bot.Permanent for bad
// configuration (40001/40091 secret, 60020 IP not in 企业可信IP, unknown
// group or robot, a member without a userid, 81013, 93000) and
// bot.RetryAfter for rate limits (45009, local pacing); other errors
// (5xx, timeouts, -1) are plain and retryable. Access tokens are cached,
// dropped and re-fetched once on 40014/42001, and never appear in errors
// or logs.
type Client struct {
	cfg     Config
	p       *platform.Pusher
	members *platform.Limiter // by userid
}

// NewClient builds a client. The app fields of cfg are needed only for
// member pushes, the robots only for group pushes. Options used:
// platform.WithHTTPClient, WithClock, WithLogger, WithMetrics.
func NewClient(cfg Config, dir Directory, opts ...platform.Option) (*Client, error) {
	p, err := platform.NewPusher(platform.Platform{
		Channel: bot.WeCom, Name: "WeCom", AppFields: "corp_id, agent_id, secret", Codes: codes,
		APIBase: cfg.apiBase(), TokenPath: pathToken, TokenQuery: url.Values{"corpid": {cfg.CorpID}, "corpsecret": {cfg.Secret}},
		RobotPath:      pathWebhook,
		RobotURL:       func(robot string, _ time.Time) (string, bool) { return cfg.robotURL(robot) },
		RobotPerMinute: robotPerMinute,
	}, dir, opts)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, p: p, members: platform.NewLimiter(memberPerMinute, time.Minute)}, nil
}

// Notify delivers one push to a member (app message) or a group (robot).
func (c *Client) Notify(ctx context.Context, n bot.Notification) error {
	return platform.Notify(ctx, n, c.p.O, platform.ToGroup(c.p, c.robotMessages), c.NotifyMany)
}

// NotifyMany sends n's text (n.To is ignored) to many members with as few
// calls as the limits allow: ≤ 1000 users per app message, one call per
// part of a long text. errs[i] is the result for members[i]: nil,
// bot.Permanent (no userid, invaliduser, configuration), bot.RetryAfter
// (the member got 30 messages in the last minute, or 45009) or a plain error.
// A chunk that fails after its first part was sent is retried whole.
func (c *Client) NotifyMany(ctx context.Context, n bot.Notification, members []string) []error {
	msgs := c.appMessages(n)
	f, users := c.p.Fanout(members, c.cfg.appConfigured(), len(msgs))
	defer f.Count(c.p.O.Metrics)
	now := c.p.O.Now()
	var send []string
	for _, uid := range users {
		if err := c.members.Take(uid, len(msgs), now, "wecom: member "+f.Member(uid)); err != nil {
			f.Set(err, uid)
			continue
		}
		send = append(send, uid)
	}
	for chunk := range slices.Chunk(send, maxUsersPerCall) {
		invalid, err := c.sendChunk(ctx, chunk, msgs)
		f.Set(err, chunk...)
		for _, uid := range invalid { // none when err != nil
			f.Set(bot.Permanent(fmt.Errorf("wecom: userid %s is invalid or outside the app's visibility", uid)), uid)
		}
	}
	return f.Errs()
}

// sendChunk sends every part to the users of one chunk and returns the
// users WeCom reported invalid.
func (c *Client) sendChunk(ctx context.Context, users []string, msgs []appMessage) ([]string, error) {
	var invalid []string
	for _, m := range msgs {
		m.ToUser = strings.Join(users, "|")
		body, err := platform.EncodeJSON(m)
		if err != nil {
			return nil, bot.Permanent(fmt.Errorf("wecom: encode app message: %w", err))
		}
		res, err := platform.PostApp[apiResult](ctx, c.p, pathSend, body)
		if err != nil {
			return nil, err
		}
		if res.InvalidUser != "" {
			invalid = append(invalid, strings.Split(res.InvalidUser, "|")...)
		}
	}
	return invalid, nil
}

type content struct {
	Content string `json:"content"`
}

type textCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	BtnTxt      string `json:"btntxt"`
}

// appMessage is the body of /cgi-bin/message/send. agentid is an integer,
// as documented (the SDK sends a string).
type appMessage struct {
	ToUser   string    `json:"touser"`
	MsgType  string    `json:"msgtype"`
	AgentID  int       `json:"agentid"`
	Text     *content  `json:"text,omitempty"`
	Markdown *content  `json:"markdown,omitempty"`
	TextCard *textCard `json:"textcard,omitempty"`
	Card     any       `json:"template_card,omitempty"`
}

// appMessages renders n as one textcard, or as text or markdown parts of
// at most textLimit bytes each. WeCom renders <a href> in app texts and
// <div> in textcard descriptions, so their text goes through DefuseTags:
// a report or a name cannot plant a link.
func (c *Client) appMessages(n bot.Notification) []appMessage {
	if platform.Blank(n) {
		return nil
	}
	var msgs []appMessage
	switch {
	case n.Markdown:
		for _, p := range platform.Split(platform.MarkdownTitled(n), textLimit) {
			msgs = append(msgs, appMessage{MsgType: "markdown", AgentID: c.cfg.AgentID, Markdown: &content{p}})
		}
	case len(n.Actions) > 0 && utf8.RuneCountInString(n.Title) <= cardTitleLimit && utf8.RuneCountInString(n.Text) <= cardDescLimit:
		msgs = append(msgs, appMessage{MsgType: "template_card", AgentID: c.cfg.AgentID, Card: platform.ButtonCard(n)})
	case n.Title != "" && c.cfg.CardURL != "" && strings.TrimSpace(n.Text) != "" &&
		utf8.RuneCountInString(n.Title) <= cardTitleLimit && utf8.RuneCountInString(n.Text) <= cardDescLimit:
		msgs = append(msgs, appMessage{MsgType: "textcard", AgentID: c.cfg.AgentID, TextCard: &textCard{
			Title: n.Title, Description: platform.DefuseTags(n.Text), URL: c.cfg.CardURL, BtnTxt: "详情",
		}})
	default:
		for _, p := range platform.Split(platform.DefuseTags(platform.Titled(n)), textLimit) {
			msgs = append(msgs, appMessage{MsgType: "text", AgentID: c.cfg.AgentID, Text: &content{p}})
		}
	}
	return msgs
}

type robotText struct {
	Content             string   `json:"content"`
	MentionedList       []string `json:"mentioned_list,omitempty"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

// robotMessage is the body of /cgi-bin/webhook/send.
type robotMessage struct {
	MsgType  string     `json:"msgtype"`
	Text     *robotText `json:"text,omitempty"`
	Markdown *content   `json:"markdown,omitempty"`
}

// robotMessages renders a group push. Texts @mention by mobile when known,
// else by userid, on the first part; markdown ignores mention lists, so
// members with a userid are mentioned as <@userid> at the end.
func (c *Client) robotMessages(n bot.Notification, mention []string) []robotMessage {
	if platform.Blank(n) {
		return nil
	}
	var mobiles, userIDs []string
	seen := make(map[string]bool)
	for _, m := range mention {
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		mobile, uid := c.p.Dir.Mobile(m), c.p.Dir.UserID(m)
		switch {
		case n.Markdown && uid != "":
			userIDs = append(userIDs, uid)
		case !n.Markdown && mobile != "":
			mobiles = append(mobiles, mobile)
		case !n.Markdown && uid != "":
			userIDs = append(userIDs, uid)
		}
	}
	var msgs []robotMessage
	if n.Markdown {
		text := platform.MarkdownTitled(n)
		if len(userIDs) > 0 {
			text += "\n" + "<@" + strings.Join(userIDs, "> <@") + ">"
		}
		for _, p := range platform.Split(text, robotMarkdownLimit) {
			msgs = append(msgs, robotMessage{MsgType: "markdown", Markdown: &content{p}})
		}
		return msgs
	}
	for i, p := range platform.Split(platform.Titled(n), textLimit) {
		t := &robotText{Content: p}
		if i == 0 {
			t.MentionedMobileList, t.MentionedList = mobiles, userIDs
		}
		msgs = append(msgs, robotMessage{MsgType: "text", Text: t})
	}
	return msgs
}

// apiResult is the union of the answers used here.
type apiResult struct {
	platform.Answer
	InvalidUser string `json:"invaliduser"`
}

// UpdateCard marks the button user clicked on a template card (the click's
// ResponseCode) as done, labelled with the first clause of the answer to
// the click (已确认急报 E3; 急报 E3 已由王副校长于 10:02 确认; or the start of
// a refusal): the member sees on the card itself what came of the click.
// Only that member's card changes, so a refusal is not shown to the others
// the card went to.
func (c *Client) UpdateCard(ctx context.Context, user, responseCode string, rep *bot.Reply) error {
	label := platform.JoinReply(rep)
	if i := strings.IndexAny(label, "\n（(，。"); i >= 0 {
		label = label[:i]
	}
	if label = strings.TrimSpace(label); label == "" {
		label = "已处理"
	}
	if r := []rune(label); len(r) > buttonLabelLimit {
		label = string(r[:buttonLabelLimit-1]) + "…"
	}
	body, err := platform.EncodeJSON(map[string]any{"userids": []string{user}, "agentid": c.cfg.AgentID,
		"response_code": responseCode, "button": map[string]string{"replace_name": label}})
	if err != nil {
		return err
	}
	_, err = platform.PostApp[apiResult](ctx, c.p, pathCard, body)
	return err
}
