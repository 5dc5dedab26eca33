package platform

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/baosong/baosong/bot"
)

func TestNotifyRoutes(t *testing.T) {
	o := Build("wecom", nil)
	groupErr := bot.Permanent(errors.New("unknown robot"))
	var groups []string
	var many [][]string
	group := func(_ context.Context, n bot.Notification) error {
		groups = append(groups, n.To.Group)
		return groupErr
	}
	toMany := func(_ context.Context, _ bot.Notification, members []string) []error {
		many = append(many, members)
		return []error{nil}
	}
	ctx := context.Background()
	if err := Notify(ctx, bot.Notification{To: bot.Recipient{Group: "全体班主任"}}, o, group, toMany); err != groupErr {
		t.Errorf("group push: %v", err)
	}
	if err := Notify(ctx, bot.Notification{To: bot.Recipient{Member: "a"}}, o, group, toMany); err != nil {
		t.Errorf("member push: %v", err)
	}
	err := Notify(ctx, bot.Notification{Text: "x"}, o, group, toMany)
	if !bot.IsPermanent(err) || err.Error() != "wecom: notification has no recipient" {
		t.Errorf("no recipient: %v", err)
	}
	if fmt.Sprint(groups) != "[全体班主任]" || fmt.Sprint(many) != "[[a]]" {
		t.Errorf("groups %v, many %v", groups, many)
	}
	// The group push is counted here; many counts its own.
	if got := value(t, o.Metrics.Pushes.WithLabelValues("permanent")); got != 1 {
		t.Errorf("pushes{permanent} = %v, want 1", got)
	}
	if got := value(t, o.Metrics.Pushes.WithLabelValues("ok")); got != 0 {
		t.Errorf("pushes{ok} = %v, want 0", got)
	}
}

func TestFanout(t *testing.T) {
	userIDs := map[string]string{"a": "u1", "b": "u2", "a2": "u1", "c": "u3"}
	missing := errors.New("no userid")
	f := NewFanout([]string{"a", "b", "nobody", "a2", "c"})
	users := f.Resolve(func(m string) string { return userIDs[m] }, func(m string) error {
		return fmt.Errorf("%s: %w", m, missing)
	})
	if fmt.Sprint(users) != "[u1 u2 u3]" {
		t.Fatalf("users = %v, want each userid once in the members' order", users)
	}
	if f.Member("u1") != "a" || f.Member("u9") != "" {
		t.Errorf("Member(u1) = %q, Member(u9) = %q", f.Member("u1"), f.Member("u9"))
	}
	sent, paced := errors.New("HTTP 502"), errors.New("paced")
	f.Set(sent, "u1", "u2")
	f.Set(paced, "u3", "u9") // u9 is no member's: ignored
	errs := f.Errs()
	want := []error{sent, sent, missing, sent, paced}
	for i := range want {
		if !errors.Is(errs[i], want[i]) {
			t.Errorf("errs[%d] = %v, want %v", i, errs[i], want[i])
		}
	}
	o := Build("dingtalk", nil)
	f.Count(o.Metrics)
	if got := value(t, o.Metrics.Pushes.WithLabelValues("error")); got != 5 {
		t.Errorf("pushes{error} = %v, want 5", got)
	}
	all := errors.New("app not configured")
	for i, err := range NewFanout([]string{"a", "b"}).Fail(all) {
		if err != all {
			t.Errorf("Fail: errs[%d] = %v", i, err)
		}
	}
	if errs := NewFanout(nil).Errs(); len(errs) != 0 {
		t.Errorf("no members: %v", errs)
	}
}

func TestTitles(t *testing.T) {
	tests := []struct {
		n                bot.Notification
		blank            bool
		titled, markdown string
	}{
		{bot.Notification{Text: "请提交"}, false, "请提交", "请提交"},
		{bot.Notification{Title: "提醒", Text: "请提交"}, false, "【提醒】\n请提交", "### 提醒\n请提交"},
		{bot.Notification{Title: "提醒"}, false, "【提醒】\n", "### 提醒\n"},
		{bot.Notification{Title: " ", Text: "\n"}, true, "【 】\n\n", "###  \n\n"},
	}
	for _, tt := range tests {
		if got := Blank(tt.n); got != tt.blank {
			t.Errorf("Blank(%+v) = %v", tt.n, got)
		}
		if got := Titled(tt.n); got != tt.titled {
			t.Errorf("Titled(%+v) = %q, want %q", tt.n, got, tt.titled)
		}
		if got := MarkdownTitled(tt.n); got != tt.markdown {
			t.Errorf("MarkdownTitled(%+v) = %q, want %q", tt.n, got, tt.markdown)
		}
	}
}
