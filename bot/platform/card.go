package platform

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/baosong/baosong/bot"
)

// ButtonCard is n as a WeCom button_interaction template card (SPEC §14),
// for the app's message/send and the AI bot's aibot_send_msg alike: a
// button per action whose key is the action's command, so that a click
// (template_card_event) is handled as that command typed by the member who
// clicked. Its text goes through DefuseTags.
func ButtonCard(n bot.Notification) map[string]any {
	title := n.Title
	if title == "" {
		title = "通知"
	}
	buttons := make([]map[string]any, len(n.Actions))
	for i, a := range n.Actions {
		buttons[i] = map[string]any{"text": a.Title, "style": i%2 + 1, "key": a.Command}
	}
	return map[string]any{"card_type": "button_interaction", "task_id": taskID(n),
		"main_title": map[string]string{"title": title}, "sub_title_text": DefuseTags(n.Text), "button_list": buttons}
}

// taskID names a card uniquely (WeCom: letters, digits, _-@, ≤ 128): bs,
// the push's outbox id, and a random part.
func taskID(n bot.Notification) string {
	var b strings.Builder
	b.WriteString("bs")
	for _, r := range n.ID {
		if b.Len() < 64 && (r == '_' || r == '-' || r == '@' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	random := make([]byte, 8)
	_, _ = rand.Read(random)
	return b.String() + "_" + hex.EncodeToString(random)
}
