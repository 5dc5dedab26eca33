package dingtalk

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/baosong/baosong/bot"
)

// An incident alert to a leader on DingTalk is an ActionCard whose
// buttons make the leader's client send 收到 E3 / 续报 E3; the report's
// text stays inert markdown with its lines kept.
func TestWorkNoticeWithActionsIsAnActionCard(t *testing.T) {
	e := newClientEnv(t)
	n := toMember("leader-1", "【急报 E3｜重大】\n初一(1)班 王老师 10:05报告：\n食堂**中毒** [详情](http://x)\n请回复“收到 E3”确认。")
	n.Title = "急报 E3"
	n.Actions = []bot.Action{{Title: "收到", Command: "收到 E3"}, {Title: "续报", Command: "续报 E3"}}
	if err := e.c.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	s := e.f.notices()[0]
	var body struct {
		Msg struct {
			MsgType    string `json:"msgtype"`
			ActionCard struct {
				Title          string `json:"title"`
				Markdown       string `json:"markdown"`
				BtnOrientation string `json:"btn_orientation"`
				Buttons        []struct {
					Title     string `json:"title"`
					ActionURL string `json:"action_url"`
				} `json:"btn_json_list"`
			} `json:"action_card"`
		} `json:"msg"`
	}
	if err := json.Unmarshal([]byte(s.Raw), &body); err != nil {
		t.Fatal(err)
	}
	card := body.Msg.ActionCard
	if body.Msg.MsgType != "action_card" || card.Title != "急报 E3" || len(card.Buttons) != 2 {
		t.Fatalf("msg = %s", s.Raw)
	}
	for i, want := range []string{"收到 E3", "续报 E3"} {
		u, err := url.Parse(card.Buttons[i].ActionURL)
		if err != nil || u.Scheme != "dtmd" || u.Host != "dingtalkclient" || u.Path != "/sendMessage" ||
			u.Query().Get("content") != want || strings.Contains(card.Buttons[i].ActionURL, "+") {
			t.Errorf("button %d %q → %q", i, card.Buttons[i].Title, card.Buttons[i].ActionURL)
		}
	}
	md := card.Markdown
	if strings.Contains(md, "**") || strings.Contains(md, "](") || !strings.Contains(md, "  \n初一（1）班") {
		t.Errorf("markdown not inert or lines lost: %q", md)
	}
	if !strings.HasSuffix(md, "（11月26日 16:02）") {
		t.Errorf("markdown without the unique stamp: %q", md)
	}
}

// A group robot cannot be reached by a button (a command in a group needs
// an @), so a group push with actions stays text with its @mentions.
func TestGroupPushWithActionsStaysText(t *testing.T) {
	e := newClientEnv(t)
	n := bot.Notification{To: bot.Recipient{Group: "全体班主任"}, Text: "【急报 E3】请回复“收到 E3”确认。", At: testNow,
		Actions: []bot.Action{{Title: "收到", Command: "收到 E3"}}}
	if err := e.c.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	r := e.f.robots()[0]
	if field(r.Body, "msgtype") != "text" || !strings.Contains(field(r.Body, "text", "content"), "@13800000001") {
		t.Errorf("group push = %s", r.Raw)
	}
}
