package bot

import (
	"context"
	"errors"
)

// ErrDuplicate is returned by a store when a message that was already
// handled tries to write again (a platform retry racing the first try).
var ErrDuplicate = errors.New("bot: message already handled")

// Actor is who causes a change: a member on a channel, or the system.
type Actor struct {
	Member  string // member id, or "system"
	Channel string // channel the message came from; "" for the system
}

// Claim ties the writes of one handling of a message together: the first
// write that carries it records Key as handled, writes from another handling
// of the same Key fail with ErrDuplicate.
type Claim struct {
	Key   string // Message.Key()
	Nonce string // unique per handling
}

type actorKey struct{}
type claimKey struct{}

// WithActor returns a context that names who is acting.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting member, or the system.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Member: "system"}
}

// WithClaim returns a context whose writes claim the message.
func WithClaim(ctx context.Context, c Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// ClaimFrom returns the message claim, if any.
func ClaimFrom(ctx context.Context) (Claim, bool) {
	c, ok := ctx.Value(claimKey{}).(Claim)
	return c, ok && c.Key != ""
}
