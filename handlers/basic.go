package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/baosong/baosong/bot"
	"github.com/baosong/baosong/org"
)

func (h *Handlers) basicIntents() []intent {
	return []intent{
		{Route: bot.Route{Intent: "help", Keywords: []string{"帮助", "help", "?", "？", "菜单"}, Handler: bot.HandlerFunc(h.help)},
			Usage: "查看您可以使用的功能", Example: "帮助"},
		{Route: bot.Route{Intent: "mine", Keywords: []string{"我的", "记录"}, Handler: bot.HandlerFunc(h.mine)},
			Usage: "查看您最近的记录", Example: "我的"},
	}
}

// help lists only what the sender's roles may do, one example each.
func (h *Handlers) help(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := h.member(m)
	var b strings.Builder
	roles := make([]string, len(mem.Roles))
	for i, r := range mem.Roles {
		roles[i] = org.RoleNames[r]
	}
	fmt.Fprintf(&b, msgHelpHead, mem.Name, strings.Join(roles, "、"))
	n := 0
	for _, in := range h.intents {
		if ok, _ := h.allowed(mem, in.Roles...); !ok || in.Usage == "" {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n%d. %s：%s\n   例：%s", n, in.Keywords[0], in.Usage, in.Example)
	}
	b.WriteString(msgHelpTail)
	return bot.Text(b.String()), nil
}

// mine lists the sender's latest records of every kind.
func (h *Handlers) mine(_ context.Context, m *bot.Message) (*bot.Reply, error) {
	mem := h.member(m)
	var lines []string
	for _, src := range h.recent {
		l, err := src(mem, 5)
		if err != nil {
			return nil, err
		}
		lines = append(lines, l...)
	}
	if len(lines) == 0 {
		return bot.Text(msgNoRecords), nil
	}
	return bot.Text(msgMineHead + "\n" + strings.Join(lines, "\n")), nil
}

// fallback answers text that names no intent: a near miss of a keyword is
// asked back (您是不是想发：考勤 全勤？), a message an intent can read whole
// without its keyword goes to it, and anything else gets a hint.
func (h *Handlers) fallback(ctx context.Context, m *bot.Message) (*bot.Reply, error) {
	if m.Suggest != "" {
		m.Intent = "near_miss"
		return bot.Text(sprintf(msgNearMiss, m.Suggest)), nil
	}
	for _, fn := range h.unrouted {
		if reply, err := fn(ctx, m); reply != nil || err != nil {
			return reply, err
		}
	}
	return bot.Text(msgUnknown), nil
}
