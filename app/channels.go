package app

import (
	"context"
	"maps"
	"net/http"
	"strings"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/dingstream"
	"github.com/baosong/baosong/bot/dingtalk"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/wecom"
	"github.com/baosong/baosong/bot/wecombot"
	"github.com/baosong/baosong/config"
)

// adapter is what one platform, in the mode it is configured for, adds to
// the app. platforms wires every adapter the same way, so a new mode is
// one more builder.
type adapter struct {
	notify map[string]bot.Notifier // by the channel it reaches (channelOf)
	hooks  map[string]http.Handler // its callbacks, by ServeMux pattern
	wait   func()                  // until callback work that outlived its HTTP answer is done; nil: none
	// A long connection (SPEC §14): its state, for /healthz?verbose=1, and
	// the connection, run from Start until Close. nil: none.
	link *platform.Link
	run  func(ctx context.Context)
	// one: the platform keeps one live connection per bot and a second
	// takes it over (the WeCom AI bot), so only the leader runs it: two
	// nodes would take it from each other (SPEC §16).
	one bool
}

// platforms wires the configured platforms, in this order: WeCom (the app
// on /hook/wecom, group robots), the WeCom AI bot's long connection, and
// DingTalk (the robot on /hook/dingtalk or the Stream connection, group
// robots). Their clients are the notifiers of their channels. Replies that
// miss a platform's answer window go out through the outbox (late), like
// every other push.
func (a *App) platforms(by map[string]bot.Notifier) error {
	for _, build := range []func() (adapter, error){a.wecom, a.wecomBot, a.dingtalk} {
		ad, err := build()
		if err != nil {
			return err
		}
		maps.Copy(by, ad.notify)
		for pattern, h := range ad.hooks {
			a.mux.Handle(pattern, h)
		}
		if ad.wait != nil {
			a.waiters = append(a.waiters, ad.wait)
		}
		if ad.run != nil {
			a.links = append(a.links, ad.link)
			if ad.one {
				a.leaderRuns = append(a.leaderRuns, ad.run)
			} else {
				a.runners = append(a.runners, ad.run)
			}
		}
	}
	return nil
}

// options are what every adapter of channel is built with: the app's
// logger, clock, late hook and platform HTTP client, and the channel's
// counters on the app's registry.
func (a *App) options(channel string) ([]platform.Option, error) {
	m, err := platform.NewMetrics(a.Metrics.Registry, channel)
	if err != nil {
		return nil, err
	}
	return []platform.Option{platform.WithLogger(a.log), platform.WithMetrics(m), platform.WithClock(a.now),
		platform.WithLate(a.late), platform.WithHTTPClient(a.httpc)}, nil
}

// appAdapter builds a platform configured with an app (enabled) or with
// group robots alone, from its configuration cfg: its client, the notifier
// of channel, and when the app is enabled its callback, which receive
// puts to work (its route, or the long connection it answers).
func appAdapter[Cfg any, C bot.Notifier, CB interface{ Wait() }](a *App, channel string, enabled, robots bool, cfg Cfg,
	newClient func(Cfg, platform.Directory, ...platform.Option) (C, error),
	newCallback func(Cfg, bot.Handler, ...platform.Option) (CB, error),
	receive func(ad *adapter, client C, cb CB) error) (adapter, error) {
	if !enabled && !robots {
		return adapter{}, nil
	}
	opts, err := a.options(channel)
	if err != nil {
		return adapter{}, err
	}
	client, err := newClient(cfg, platformDir{a, channel}, opts...)
	if err != nil {
		return adapter{}, err
	}
	ad := adapter{notify: map[string]bot.Notifier{channel: client}}
	if !enabled {
		return ad, nil
	}
	cb, err := newCallback(cfg, a.Bot, opts...)
	if err != nil {
		return adapter{}, err
	}
	ad.wait = cb.Wait
	err = receive(&ad, client, cb)
	return ad, err
}

// wecom is the WeCom app, its callback on /hook/wecom, and group robots.
func (a *App) wecom() (adapter, error) {
	w := a.Config.WeCom
	cfg := wecom.Config{CorpID: w.CorpID, AgentID: w.AgentID, Secret: a.Config.WeComSecret(), Token: w.Token,
		EncodingAESKey: w.EncodingAESKey, APIBase: w.APIBase, Robots: w.Robots}
	return appAdapter(a, bot.WeCom, w.Enabled, len(w.Robots) > 0, cfg, wecom.NewClient, wecom.NewCallback,
		func(ad *adapter, client *wecom.Client, cb *wecom.Callback) error {
			cb.UpdateCards(client.UpdateCard)
			ad.hooks = map[string]http.Handler{"/hook/wecom": cb}
			return nil
		})
}

// dingtalk is the DingTalk robot app, its callback on /hook/dingtalk or
// the Stream connection (the same handling and replies, cb.Receive, and no
// public address), and custom group robots.
func (a *App) dingtalk() (adapter, error) {
	d := a.Config.DingTalk
	robots := map[string]dingtalk.Robot{}
	for name, r := range d.Robots {
		robots[name] = dingtalk.Robot{Webhook: r.Webhook, Secret: r.Secret}
	}
	cfg := dingtalk.Config{AppKey: d.AppKey, AppSecret: a.Config.DingTalkSecret(), AgentID: d.AgentID,
		APIBase: d.APIBase, Robots: robots}
	// The signs used are kept in the store: a replay to another node, or
	// after a restart, is refused too.
	newCallback := func(cfg dingtalk.Config, h bot.Handler, opts ...platform.Option) (*dingtalk.Callback, error) {
		return dingtalk.NewCallback(cfg, h, a.Store, opts...)
	}
	return appAdapter(a, bot.DingTalk, d.Enabled, len(d.Robots) > 0, cfg, dingtalk.NewClient, newCallback,
		func(ad *adapter, _ *dingtalk.Client, cb *dingtalk.Callback) (err error) {
			if d.Mode != config.ModeStream {
				ad.hooks = map[string]http.Handler{"POST /hook/dingtalk": cb}
				return nil
			}
			if ad.link, err = platform.NewLink(a.Metrics.Registry, bot.DingTalk); err != nil {
				return err
			}
			stream := []dingstream.Option{dingstream.WithLogger(a.log)}
			if a.httpc != nil {
				stream = append(stream, dingstream.WithHTTPClient(a.httpc))
			}
			s, err := dingstream.New(dingstream.Config{Base: d.StreamBase, ClientID: d.AppKey,
				ClientSecret: a.Config.DingTalkSecret()}, cb, ad.link, stream...)
			if err == nil {
				ad.run = s.Run
			}
			return err
		})
}

// wecomBot opens the WeCom AI-bot long connection (SPEC §14): the members
// of channel wecom talk to the same bot, with the same dedupe and replies
// as through the app's callback. Pushes to them go through the AI bot only
// when the [wecom] app is not enabled (channelOf): the app reaches every
// member, the AI bot only those who have opened a chat with it, group
// robots none. Pushes to a group with a chatid and no robot always go
// through the AI bot.
func (a *App) wecomBot() (adapter, error) {
	const channel = wecombot.Channel
	b := a.Config.WeComBot
	if !b.Enabled {
		return adapter{}, nil
	}
	link, err := platform.NewLink(a.Metrics.Registry, channel)
	if err != nil {
		return adapter{}, err
	}
	opts, err := a.options(channel)
	if err != nil {
		return adapter{}, err
	}
	c, err := wecombot.New(wecombot.Config{URL: b.WSURL, BotID: b.BotID, Secret: b.Secret}, a.Bot, platformDir{a, bot.WeCom},
		link, platform.Build(channel, opts))
	if err != nil {
		return adapter{}, err
	}
	return adapter{notify: map[string]bot.Notifier{channel: c}, link: link, run: func(ctx context.Context) { _ = c.Run(ctx) }, one: true}, nil
}

// late queues, through the outbox, a reply that was ready after the
// platform's answer window closed.
func (a *App) late(ctx context.Context, m *bot.Message, r *bot.Reply) {
	if m.Member == "" || r == nil || len(r.Texts) == 0 {
		return // unknown senders get nothing more; nothing to say
	}
	n := bot.Notification{Key: "reply|" + m.Key(), To: bot.Recipient{Member: m.Member}, Text: strings.Join(r.Texts, "\n\n")}
	if m.Key() == "" {
		n.Key = ""
	}
	if _, err := a.Store.Enqueue(n); err != nil {
		a.log.Error("queue late reply", "channel", m.Channel, "member", m.Member, "err", err)
	}
}

// platformDir resolves member and group addresses for one platform.
type platformDir struct {
	a       *App
	channel string
}

func (d platformDir) UserID(member string) string {
	m, ok := d.a.Dir.Member(member)
	if !ok {
		return ""
	}
	if d.channel == bot.DingTalk {
		return m.DingTalkUser
	}
	return m.WeComUser
}

func (d platformDir) Mobile(member string) string {
	if m, ok := d.a.Dir.Member(member); ok {
		return m.Mobile
	}
	return ""
}

func (d platformDir) ChatID(group string) string {
	if g, ok := d.a.Dir.Group(group); ok && g.Channel == d.channel {
		return g.ChatID
	}
	return ""
}

func (d platformDir) Group(name string) (robot string, mention []string, ok bool) {
	g, ok := d.a.Dir.Group(name)
	if !ok || g.Channel != d.channel {
		return "", nil, false
	}
	return g.Robot, g.Mention, true
}

// batchOf lets pushes of the same text to members of one platform go out in
// one platform call (≤ 1,000 WeCom users, ≤ 100 DingTalk users per call).
// Local pushes and pushes with @mentions go alone.
func (a *App) batchOf(n bot.Notification) string {
	ch := a.channelOf(n.To)
	if ch == bot.Local || ch == "" || len(n.Mention) > 0 {
		return ""
	}
	md := "t"
	if n.Markdown {
		md = "m"
	}
	return ch + "\x00" + md + "\x00" + n.Title + "\x00" + n.Text
}
