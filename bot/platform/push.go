package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/baosong/baosong/bot"
)

// Errcodes both platforms answer when they refuse an access token.
const (
	CodeTokenInvalid = 40014
	CodeTokenExpired = 42001
)

// Answer is what every API answer carries. An adapter embeds it in the
// union of the answers it reads.
type Answer struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// Errcode is the answer's errcode and message.
func (a Answer) Errcode() (code int, msg string) { return a.ErrCode, a.ErrMsg }

// TokenRefused reports whether the answer refuses the access token.
func (a Answer) TokenRefused() bool {
	return a.ErrCode == CodeTokenInvalid || a.ErrCode == CodeTokenExpired
}

// Reply is an adapter's decoded answer: Answer and the platform's own
// fields (an adapter may refine TokenRefused).
type Reply interface {
	Errcode() (code int, msg string)
	TokenRefused() bool
}

// Platform is what a Pusher knows of the platform it pushes to.
type Platform struct {
	Channel   string // bot.WeCom, bot.DingTalk
	Name      string // how errors name it: "WeCom"
	AppFields string // the app's fields, named when none is set
	Codes     Codes  // the errcodes handled by name
	APIBase   string // the app API's base URL
	TokenPath string // gettoken, under APIBase
	// TokenQuery is gettoken's query: the app's credentials.
	TokenQuery url.Values
	RobotPath  string // the robots' send path, naming their posts in errors
	// RobotURL is the URL of one post at now to the named robot; ok is
	// false for a robot that is not configured.
	RobotURL       func(robot string, now time.Time) (u string, ok bool)
	RobotPerMinute int // messages a group robot takes in a minute
}

// Pusher is what an adapter's push client is built on: its options and
// directory, and behind them its API client, access token and errcodes
// classified for the outbox, a push's fan-out to members (Fanout, PostApp)
// and a push to a group through its robot (ToGroup). It is safe for
// concurrent use.
type Pusher struct {
	O   Options
	Dir Directory

	pf     Platform
	api    *API
	token  *Token
	robots *Limiter // by robot name
}

// NewPusher builds a pusher with opts (WithHTTPClient, WithClock,
// WithLogger, WithMetrics); a directory is required.
func NewPusher(pf Platform, dir Directory, opts []Option) (*Pusher, error) {
	if dir == nil {
		return nil, errors.New(pf.Channel + ": client needs a directory")
	}
	o := Build(pf.Channel, opts)
	p := &Pusher{O: o, Dir: dir, pf: pf, api: o.API(), robots: NewLimiter(pf.RobotPerMinute, time.Minute)}
	p.token = NewToken(o, p.fetchToken)
	return p, nil
}

// call sends one request (see API.Do), decodes the answer into res and
// classifies its errcode on path.
func (p *Pusher) call(ctx context.Context, method, rawURL, path string, body []byte, res Reply) error {
	if err := p.api.Do(ctx, method, rawURL, path, body, res); err != nil {
		return err
	}
	return p.check(path, res)
}

func (p *Pusher) check(path string, res Reply) error {
	code, msg := res.Errcode()
	return p.pf.Codes.Error(p.O, path, code, msg)
}

// fetchToken calls gettoken.
func (p *Pusher) fetchToken(ctx context.Context) (string, time.Duration, error) {
	var res Answer
	u := p.pf.APIBase + p.pf.TokenPath + "?" + p.pf.TokenQuery.Encode()
	if err := p.api.Do(ctx, http.MethodGet, u, p.pf.TokenPath, nil, &res); err != nil {
		return "", 0, err
	}
	return res.AccessToken, time.Duration(res.ExpiresIn) * time.Second, p.check(p.pf.TokenPath, res)
}

// PostApp posts body to the app API's path with the cached access token
// and returns the answer, fetching a new token once when the answer
// refuses it.
func PostApp[R any, P interface {
	*R
	Reply
}](ctx context.Context, p *Pusher, path string, body []byte) (R, error) {
	var res R
	err := p.token.Use(ctx, func(tok string) (bool, error) {
		res = *new(R)
		u := p.pf.APIBase + path + "?access_token=" + url.QueryEscape(tok)
		if err := p.api.Do(ctx, http.MethodPost, u, path, body, P(&res)); err != nil {
			return false, err
		}
		return P(&res).TokenRefused(), p.check(path, P(&res))
	})
	return res, err
}

// Fanout starts a push of parts messages to members through the app: the
// caller counts the results with f.Count once it is done. It returns the
// members' distinct userids to send to (a member without one is refused),
// or none, every member refused, when the app is not configured or there
// is nothing to send.
func (p *Pusher) Fanout(members []string, app bool, parts int) (f *Fanout, users []string) {
	f = NewFanout(members)
	switch {
	case !app:
		f.Fail(bot.Permanent(fmt.Errorf("%s: app not configured (%s)", p.O.Channel, p.pf.AppFields)))
		return f, nil
	case parts == 0:
		f.Fail(p.empty())
		return f, nil
	}
	return f, f.Resolve(p.Dir.UserID, func(m string) error {
		return bot.Permanent(fmt.Errorf("%s: member %s has no %s userid", p.O.Channel, m, p.pf.Name))
	})
}

func (p *Pusher) empty() error {
	return bot.Permanent(fmt.Errorf("%s: empty notification", p.O.Channel))
}

// ToGroup is an adapter client's push to a group (Notify's group): n goes
// through its group's robot. render turns n and the members to @mention
// (the group's, then n's) into the robot's messages, none for a blank n;
// they are paced per robot and posted one by one. An unknown group or
// robot is a permanent failure.
func ToGroup[M any](p *Pusher, render func(n bot.Notification, mention []string) []M) func(context.Context, bot.Notification) error {
	return func(ctx context.Context, n bot.Notification) error {
		robot, mention, ok := p.Dir.Group(n.To.Group)
		if !ok {
			return bot.Permanent(fmt.Errorf("%s: unknown group %q", p.O.Channel, n.To.Group))
		}
		if _, ok := p.pf.RobotURL(robot, p.O.Now()); !ok {
			return bot.Permanent(fmt.Errorf("%s: group %q: unknown robot %q", p.O.Channel, n.To.Group, robot))
		}
		msgs := render(n, slices.Concat(mention, n.Mention))
		if len(msgs) == 0 {
			return p.empty()
		}
		who := p.O.Channel + ": robot " + robot
		if err := p.robots.Take(robot, len(msgs), p.O.Now(), who); err != nil {
			return err
		}
		for _, m := range msgs {
			body, err := EncodeJSON(m)
			if err != nil {
				return bot.Permanent(fmt.Errorf("%s: encode robot message: %w", p.O.Channel, err))
			}
			hook, _ := p.pf.RobotURL(robot, p.O.Now()) // DingTalk signs each post
			if err := p.call(ctx, http.MethodPost, hook, p.pf.RobotPath, body, &Answer{}); err != nil {
				return fmt.Errorf("%s: %w", who, err)
			}
		}
		return nil
	}
}
