package handlers

import (
	"context"
	"time"

	"github.com/baosong/baosong/bot"
)

// LoginLinks issues the web console's one-time login links (console.Console).
type LoginLinks interface {
	Link(member string) (url string, expires time.Time, err error)
}

// consoleIntents: 看板 (后台, 登录) answers with a private one-time link to
// the web console, or says the console is off.
func (h *Handlers) consoleIntents() []intent {
	return []intent{h.newIntent("console", nil, h.consoleLink, "获取网页看板的一次性登录链接（10 分钟内有效）", "看板",
		"看板", "后台", "登录")}
}

// consoleLink replies with the link. The reply is not remembered by the
// dedupe (Forget): the link must exist nowhere but in the chat and, hashed,
// in the console; a redelivered message gets a fresh link.
func (h *Handlers) consoleLink(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	if h.Console == nil {
		return bot.Text(msgConsoleOff), nil
	}
	url, exp, err := h.Console.Link(m.Member)
	if err != nil {
		return nil, err
	}
	r := bot.Text(sprintf(msgConsoleLink, url, exp.In(h.Dir.Calendar().Location()).Format("15:04")))
	r.Forget = true
	return r, nil
}
