package dingtalk

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/platform"
)

// Platform limits (docs/protocols.md §3).
const (
	maxUsersPerCall = 100  // userid_list of one work notification
	noticeLimit     = 2048 // bytes: a work notification's text
	robotLimit      = 4096 // bytes: robot and session texts (conservative)
	robotPerMinute  = 20   // messages per custom robot (excess: 130101, 10 minutes' throttle)
)

// china is the time zone of DingTalk's per-day duplicate rule and of the
// time stamped on work notifications.
var china = time.FixedZone("CST", 8*3600)

// Directory resolves baosong ids to DingTalk userids, mobiles (robot
// messages @mention by mobile) and group robots.
type Directory = platform.Directory

// Client pushes to DingTalk: work notifications (工作通知, asyncsend_v2)
// to members and signed custom-robot messages to groups. It implements
// bot.Notifier and is safe for concurrent use.
//
// Every work notification ends with the time it was queued
// ("（11月26日 16:02）", from Notification.At): DingTalk silently drops a
// text identical to one the user already got that day, so two different
// pushes never collide while a retry of an already delivered one does and
// is dropped. asyncsend_v2 is asynchronous: success means accepted.
//
// Failures are classified for the outbox: bot.Permanent for bad
// configuration (60020 IP not allowed, 40089 key/secret, 310000 robot
// security, unknown group or robot, a member without a userid),
// bot.RetryAfter for 130101 (10 minutes) and local pacing (≤ 20 a minute
// per robot); other errors are plain and retryable. The access token is
// cached, dropped and re-fetched once on 40014/42001, and never appears
// in errors or logs.
type Client struct {
	cfg Config
	p   *platform.Pusher
}

// NewClient builds a client. The app fields of cfg are needed only for
// member pushes, the robots only for group pushes. Options used:
// platform.WithHTTPClient, WithClock, WithLogger, WithMetrics.
func NewClient(cfg Config, dir Directory, opts ...platform.Option) (*Client, error) {
	p, err := platform.NewPusher(platform.Platform{
		Channel: bot.DingTalk, Name: "DingTalk", AppFields: "app_key, app_secret, agent_id", Codes: codes,
		APIBase: cfg.apiBase(), TokenPath: pathToken, TokenQuery: url.Values{"appkey": {cfg.AppKey}, "appsecret": {cfg.AppSecret}},
		RobotPath:      pathRobot,
		RobotURL:       func(robot string, now time.Time) (string, bool) { return cfg.robotURL(robot, now.UnixMilli()) },
		RobotPerMinute: robotPerMinute,
	}, dir, opts)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, p: p}, nil
}

// Notify delivers one push to a member (work notification) or a group
// (custom robot).
func (c *Client) Notify(ctx context.Context, n bot.Notification) error {
	return platform.Notify(ctx, n, c.p.O, platform.ToGroup(c.p, c.robotMessages), c.NotifyMany)
}

// NotifyMany sends n's text (n.To is ignored) to many members: one work
// notification per ≤ 100 users and per part of a long text. errs[i] is the
// result for members[i]. A chunk that fails after its first part was sent
// is retried whole (DingTalk drops the repeated part).
func (c *Client) NotifyMany(ctx context.Context, n bot.Notification, members []string) []error {
	msgs := c.notices(n)
	f, users := c.p.Fanout(members, c.cfg.appConfigured(), len(msgs))
	defer f.Count(c.p.O.Metrics)
	for chunk := range slices.Chunk(users, maxUsersPerCall) {
		f.Set(c.sendNotices(ctx, chunk, msgs), chunk...)
	}
	return f.Errs()
}

// workNotice is the body of asyncsend_v2.
type workNotice struct {
	AgentID    int64        `json:"agent_id"`
	UserIDList string       `json:"userid_list"`
	Msg        robotMessage `json:"msg"`
}

func (c *Client) sendNotices(ctx context.Context, users []string, msgs []robotMessage) error {
	for _, m := range msgs {
		body, err := platform.EncodeJSON(workNotice{AgentID: c.cfg.AgentID, UserIDList: strings.Join(users, ","), Msg: m})
		if err != nil {
			return bot.Permanent(fmt.Errorf("dingtalk: encode work notification: %w", err))
		}
		if _, err := platform.PostApp[apiResult](ctx, c.p, pathWorkNotice, body); err != nil {
			return err
		}
	}
	return nil
}

// notices renders n as work-notification parts of at most noticeLimit
// bytes, each ending with the queue time.
func (c *Client) notices(n bot.Notification) []robotMessage {
	if platform.Blank(n) {
		return nil
	}
	at := n.At
	if at.IsZero() {
		at = c.p.O.Now()
	}
	stamp := at.In(china).Format("\n（1月2日 15:04）")
	var msgs []robotMessage
	if len(n.Actions) > 0 {
		return c.cards(n, stamp)
	}
	if n.Markdown {
		for _, p := range platform.Split(platform.MarkdownTitled(n), noticeLimit-len(stamp)) {
			msgs = append(msgs, robotMessage{MsgType: "markdown", Markdown: &markdown{Title: mdTitle(n), Text: p + stamp}})
		}
		return msgs
	}
	for _, p := range platform.Split(platform.Titled(n), noticeLimit-len(stamp)) {
		msgs = append(msgs, robotMessage{MsgType: "text", Text: &textContent{p + stamp}})
	}
	return msgs
}

// cards renders a push with actions as an ActionCard (a long text's
// earlier parts as markdown) whose buttons make the member's DingTalk client send the
// action's command (docs/protocols.md §3.6), so a tap is handled as the
// typed command. A plain text is made inert markdown with its line breaks
// kept. Group robot pushes stay text: a command sent into a group reaches
// the robot only with an @, which a button cannot add.
func (c *Client) cards(n bot.Notification, stamp string) []robotMessage {
	text := platform.MarkdownTitled(n)
	if !n.Markdown {
		text = strings.ReplaceAll(platform.EscapeMarkdown(platform.Titled(n)), "\n", "  \n")
		stamp = strings.ReplaceAll(stamp, "\n", "  \n")
	}
	parts := platform.Split(text, noticeLimit-len(stamp)-256*len(n.Actions))
	msgs := make([]robotMessage, len(parts))
	for i, p := range parts[:len(parts)-1] {
		msgs[i] = robotMessage{MsgType: "markdown", Markdown: &markdown{Title: mdTitle(n), Text: p + stamp}}
	}
	card := &actionCard{Title: mdTitle(n), Markdown: parts[len(parts)-1] + stamp, BtnOrientation: "1"}
	for _, a := range n.Actions {
		card.Buttons = append(card.Buttons, cardButton{Title: a.Title, ActionURL: SendMessageURL(a.Command)})
	}
	msgs[len(msgs)-1] = robotMessage{MsgType: "action_card", ActionCard: card}
	return msgs
}

// SendMessageURL is the action URL that makes the DingTalk client send
// text into the conversation as the user who tapped it. Spaces are %20:
// the client does not read + as a space.
func SendMessageURL(text string) string {
	return "dtmd://dingtalkclient/sendMessage?content=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
}

// mdTitle is the title DingTalk shows in the conversation list for a
// markdown message: the notification's title or the start of its text.
func mdTitle(n bot.Notification) string {
	if n.Title != "" {
		return n.Title
	}
	line, _, _ := strings.Cut(strings.TrimLeft(n.Text, "# \n"), "\n")
	if r := []rune(line); len(r) > 20 {
		return string(r[:20])
	}
	return line
}

// robotMessages renders a group push. Mentions go on the first part, by
// mobile when known, else by userid, and are written into the text too
// ("@138…"), which DingTalk needs to render them.
func (c *Client) robotMessages(n bot.Notification, mention []string) []robotMessage {
	if platform.Blank(n) {
		return nil
	}
	var at robotAt
	var tags []string
	seen := make(map[string]bool)
	for _, m := range mention {
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		if mobile := c.p.Dir.Mobile(m); mobile != "" {
			at.AtMobiles = append(at.AtMobiles, mobile)
			tags = append(tags, "@"+mobile)
		} else if uid := c.p.Dir.UserID(m); uid != "" {
			at.AtUserIDs = append(at.AtUserIDs, uid)
			tags = append(tags, "@"+uid)
		}
	}
	text := platform.Titled(n)
	if n.Markdown {
		text = platform.MarkdownTitled(n)
	}
	parts := platform.Split(text, robotLimit-len(strings.Join(tags, " "))-2)
	var msgs []robotMessage
	for i, p := range parts {
		m := robotMessage{MsgType: "text"}
		if i == 0 && len(tags) > 0 {
			p += "\n" + strings.Join(tags, " ")
			m.At = &at
		}
		if n.Markdown {
			m.MsgType, m.Markdown = "markdown", &markdown{Title: mdTitle(n), Text: p}
		} else {
			m.Text = &textContent{p}
		}
		msgs = append(msgs, m)
	}
	return msgs
}
