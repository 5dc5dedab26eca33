package platform

import (
	"context"
	"fmt"
	"strings"

	"github.com/baosong/baosong/bot"
)

// Directory resolves baosong ids to a platform's addresses; the lead
// implements it over the org directory and the [[group]] config.
type Directory interface {
	// UserID is the member's userid on the platform ("" if none: a
	// permanent failure).
	UserID(member string) string
	// Mobile is the member's mobile, used to @mention in robot messages
	// ("" if unknown).
	Mobile(member string) string
	// Group names the robot of a group and the members to @mention on every
	// push to it; ok is false for an unknown group.
	Group(name string) (robot string, mention []string, ok bool)
}

// Notify is an adapter client's Notify: a push to a group goes to group and
// its result is counted here; a push to a member goes to many with that
// member alone, which counts its own results.
func Notify(ctx context.Context, n bot.Notification, o Options,
	group func(context.Context, bot.Notification) error,
	many func(context.Context, bot.Notification, []string) []error) error {
	switch {
	case n.To.Group != "":
		err := group(ctx, n)
		o.Metrics.CountPush(err)
		return err
	case n.To.Member != "":
		return many(ctx, n, []string{n.To.Member})[0]
	}
	return bot.Permanent(fmt.Errorf("%s: notification has no recipient", o.Channel))
}

// Fanout is one push to many members: a result per member, set by the
// members' userids, so that a userid shared by several members is sent to
// once.
type Fanout struct {
	members []string
	errs    []error
	index   map[string][]int // userid → positions in members
}

// NewFanout starts a push to members; every result is nil until set.
func NewFanout(members []string) *Fanout {
	return &Fanout{members: members, errs: make([]error, len(members)), index: make(map[string][]int)}
}

// Resolve looks the members up with userID and returns their distinct
// userids in the members' order. A member without one gets missing(member)
// as its result.
func (f *Fanout) Resolve(userID func(member string) string, missing func(member string) error) []string {
	var users []string
	for i, m := range f.members {
		uid := userID(m)
		switch {
		case uid == "":
			f.errs[i] = missing(m)
		case f.index[uid] != nil:
			f.index[uid] = append(f.index[uid], i)
		default:
			f.index[uid] = []int{i}
			users = append(users, uid)
		}
	}
	return users
}

// Member is the first member whose userid is uid ("" for an unknown uid).
func (f *Fanout) Member(uid string) string {
	if is := f.index[uid]; len(is) > 0 {
		return f.members[is[0]]
	}
	return ""
}

// Set makes err the result of every member whose userid is one of users.
// Userids that Resolve did not return are ignored.
func (f *Fanout) Set(err error, users ...string) {
	for _, uid := range users {
		for _, i := range f.index[uid] {
			f.errs[i] = err
		}
	}
}

// Fail makes err the result of every member and returns the results.
func (f *Fanout) Fail(err error) []error {
	for i := range f.errs {
		f.errs[i] = err
	}
	return f.errs
}

// Errs returns the results, one per member.
func (f *Fanout) Errs() []error { return f.errs }

// Count records every member's result in m.
func (f *Fanout) Count(m *Metrics) {
	for _, err := range f.errs {
		m.CountPush(err)
	}
}

// Blank reports whether n has neither text nor title to send.
func Blank(n bot.Notification) bool {
	return strings.TrimSpace(n.Text) == "" && strings.TrimSpace(n.Title) == ""
}

// Titled puts a notification's title on a first line of its text.
func Titled(n bot.Notification) string {
	if n.Title == "" {
		return n.Text
	}
	return "【" + n.Title + "】\n" + n.Text
}

// MarkdownTitled is a markdown notification's text under its title as a
// heading.
func MarkdownTitled(n bot.Notification) string {
	if n.Title == "" {
		return n.Text
	}
	return "### " + n.Title + "\n" + n.Text
}
