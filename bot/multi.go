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
