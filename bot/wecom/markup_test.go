package wecom

import (
	"testing"

	"github.com/baosong/baosong/bot"
)

// A link or a tag typed in a report reaches WeCom as text in every message
// type that renders tags: app text and textcard descriptions (and passive
// replies, see TestCallbackPassiveReply). Markdown is the producer's (see
// platform.EscapeMarkdown).
func TestAppMessagesDefuseTags(t *testing.T) {
	c := &Client{cfg: Config{AgentID: 1000002, CardURL: "https://school.example/baosong"}}
	const evil = `学生说<a href="http://evil.example">点此查看</a>`
	const want = `学生说＜a href="http://evil.example">点此查看＜/a>`
	text := c.appMessages(bot.Notification{Text: evil})
	if len(text) != 1 || text[0].Text == nil || text[0].Text.Content != want {
		t.Errorf("text message = %+v", text)
	}
	card := c.appMessages(bot.Notification{Title: "急报 E1", Text: evil + `<div class="highlight">`})
	if len(card) != 1 || card[0].TextCard == nil || card[0].TextCard.Description != want+`＜div class="highlight">` {
		t.Errorf("textcard = %+v", card[0].TextCard)
	}
}
