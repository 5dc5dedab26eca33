package app

import (
	"context"
	"strings"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/bot/dingstream"
	"github.com/baosong/baosong/bot/dingtalk"
	"github.com/baosong/baosong/bot/platform"
	"github.com/baosong/baosong/bot/wecom"
	"github.com/baosong/baosong/bot/wecombot"
	"github.com/baosong/baosong/config"
)

// platforms wires WeCom and DingTalk when configured: their callbacks on
// /hook/wecom and /hook/dingtalk (or DingTalk's Stream connection), their
// clients as the notifiers of their channel. Replies that miss a platform's answer window go out through the
// outbox (late), like every other push.
func (a *App) platforms(by map[string]bot.Notifier) error {
	cfg := a.Config
	dirFor := func(channel string) platformDir { return platformDir{a: a, channel: channel} }
	if cfg.WeCom.Enabled || len(cfg.WeCom.Robots) > 0 {
		wc := wecom.Config{CorpID: cfg.WeCom.CorpID, AgentID: cfg.WeCom.AgentID, Secret: cfg.WeComSecret(),
			Token: cfg.WeCom.Token, EncodingAESKey: cfg.WeCom.EncodingAESKey, APIBase: cfg.WeCom.APIBase,
			Robots: cfg.WeCom.Robots}
		m, err := wecom.NewMetrics(a.Metrics.Registry)
		if err != nil {
			return err
		}
		opts := []platform.Option{platform.WithLogger(a.log), platform.WithMetrics(m), platform.WithClock(a.now), platform.WithLate(a.late),
			platform.WithHTTPClient(a.httpc)}
		client, err := wecom.NewClient(wc, dirFor(bot.WeCom), opts...)
		if err != nil {
			return err
		}
		by[bot.WeCom] = client
		if cfg.WeCom.Enabled {
			cb, err := wecom.NewCallback(wc, a.Bot, opts...)
			if err != nil {
				return err
			}
			cb.UpdateCards(client.UpdateCard)
			a.mux.Handle("/hook/wecom", cb)
			a.waiters = append(a.waiters, cb.Wait)
		}
	}
	if cfg.WeComBot.Enabled {
		if err := a.wecomBot(by, dirFor(bot.WeCom)); err != nil {
			return err
		}
	}
	if cfg.DingTalk.Enabled || len(cfg.DingTalk.Robots) > 0 {
		robots := map[string]dingtalk.Robot{}
		for name, r := range cfg.DingTalk.Robots {
			robots[name] = dingtalk.Robot{Webhook: r.Webhook, Secret: r.Secret}
		}
		dc := dingtalk.Config{AppKey: cfg.DingTalk.AppKey, AppSecret: cfg.DingTalkSecret(), AgentID: cfg.DingTalk.AgentID,
			APIBase: cfg.DingTalk.APIBase, Robots: robots}
		m, err := dingtalk.NewMetrics(a.Metrics.Registry)
		if err != nil {
			return err
		}
		opts := []platform.Option{platform.WithLogger(a.log), platform.WithMetrics(m), platform.WithClock(a.now), platform.WithLate(a.late),
			platform.WithHTTPClient(a.httpc)}
		client, err := dingtalk.NewClient(dc, dirFor(bot.DingTalk), opts...)
		if err != nil {
			return err
		}
		by[bot.DingTalk] = client
		if cfg.DingTalk.Enabled {
			cb, err := dingtalk.NewCallback(dc, a.Bot, opts...)
			if err != nil {
				return err
			}
			if cfg.DingTalk.Mode == config.ModeStream {
				return a.dingtalkStream(cb)
			}
			a.mux.Handle("POST /hook/dingtalk", cb)
			a.waiters = append(a.waiters, cb.Wait)
		}
	}
	return nil
}

// dingtalkStream opens the DingTalk Stream connection (SPEC §14) instead
// of the HTTP callback: the same handling and replies (cb.Receive), no
// public address. It runs from Start until Close.
func (a *App) dingtalkStream(cb *dingtalk.Callback) error {
	link, err := platform.NewLink(a.Metrics.Registry, bot.DingTalk)
	if err != nil {
		return err
	}
	opts := []dingstream.Option{dingstream.WithLogger(a.log)}
	if a.httpc != nil {
		opts = append(opts, dingstream.WithHTTPClient(a.httpc))
	}
	c, err := dingstream.New(dingstream.Config{Base: a.Config.DingTalk.StreamBase, ClientID: a.Config.DingTalk.AppKey,
		ClientSecret: a.Config.DingTalkSecret()}, cb, link, opts...)
	if err != nil {
		return err
	}
	a.links = append(a.links, link)
	a.runners = append(a.runners, c.Run)
	return nil
}

// wecomBot opens the WeCom AI-bot long connection (SPEC §14): the members
// of channel wecom talk to the same bot, with the same dedupe and replies
// as through the app's callback. Pushes to them go through the AI bot only
// when [wecom] (the app) is not enabled: the app reaches every member, the
// AI bot only those who have opened a chat with it. Pushes to a group with
// a chatid and no robot always go through the AI bot.
func (a *App) wecomBot(by map[string]bot.Notifier, dir platformDir) error {
	const channel = wecombot.Channel
	link, err := platform.NewLink(a.Metrics.Registry, channel)
	if err != nil {
		return err
	}
	m, err := platform.NewMetrics(a.Metrics.Registry, channel)
	if err != nil {
		return err
	}
	o := platform.Build(channel, []platform.Option{platform.WithLogger(a.log), platform.WithMetrics(m),
		platform.WithClock(a.now), platform.WithLate(a.late), platform.WithHTTPClient(a.httpc)})
	b := a.Config.WeComBot
	c, err := wecombot.New(wecombot.Config{URL: b.WSURL, BotID: b.BotID, Secret: b.Secret}, a.Bot, dir, link, o)
	if err != nil {
		return err
	}
	if by[bot.WeCom] == nil {
		by[bot.WeCom] = c
	}
	by[channel] = c // groups known only by their chat id (channelOf)
	a.links = append(a.links, link)
	a.runners = append(a.runners, func(ctx context.Context) { _ = c.Run(ctx) })
	return nil
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
