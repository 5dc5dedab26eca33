package bot

import (
	"context"
	"fmt"
)

// Multi routes each push to the Notifier of the recipient's channel.
type Multi struct {
	// Channel names the channel of a recipient ("" when unknown).
	Channel func(Recipient) string
	// By holds a Notifier per channel.
	By map[string]Notifier
}

// Notify delivers through the recipient's channel; an unknown recipient or
// channel is a permanent failure.
func (m Multi) Notify(ctx context.Context, n Notification) error {
	ch := m.Channel(n.To)
	nt, ok := m.By[ch]
	if !ok {
		return Permanent(fmt.Errorf("bot: no channel %q for %s", ch, n.To))
	}
	return nt.Notify(ctx, n)
}

// Batcher sends one text to many members in as few platform calls as the
// platform's limits allow; errs[i] is the result for members[i].
type Batcher interface {
	NotifyMany(ctx context.Context, n Notification, members []string) []error
}

// NotifyMany sends to members who all use one channel, in batches when that
// channel's notifier is a Batcher, else one by one.
func (m Multi) NotifyMany(ctx context.Context, n Notification, members []string) []error {
	errs := make([]error, len(members))
	if len(members) == 0 {
		return errs
	}
	ch := m.Channel(Recipient{Member: members[0]})
	nt, ok := m.By[ch]
	if b, batches := nt.(Batcher); ok && batches {
		return b.NotifyMany(ctx, n, members)
	}
	for i, member := range members {
		one := n
		one.To = Recipient{Member: member}
		if !ok {
			errs[i] = Permanent(fmt.Errorf("bot: no channel %q for %s", ch, member))
			continue
		}
		errs[i] = nt.Notify(ctx, one)
	}
	return errs
}
