package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

// Login and session lifetimes (SPEC §15).
const (
	LinkTTL    = 10 * time.Minute
	SessionTTL = 8 * time.Hour
	// CookieName is the session cookie.
	CookieName = "baosong_session"
)

// Tokens keeps the login links and sessions where every node serving the
// console sees them (the store): a key holds a member id until it expires.
// Every node answers the same for a link or a cookie, a restart keeps the
// sessions, and a logout ends the session on all of them.
type Tokens interface {
	// Bind gives key the value until the instant unless key is bound already
	// (then it reports whether to the same value).
	Bind(key string, value []byte, until time.Time) (bool, error)
	// Lookup is key's value while it has not expired.
	Lookup(key string) ([]byte, bool, error)
	// Take is key's value while it has not expired, and deletes the key.
	Take(key string) ([]byte, bool, error)
	// Drop deletes key.
	Drop(key string) error
}

// auth issues the login links and the sessions: each a 128-bit random
// token, kept in Tokens by its SHA-256 only, so the database or a dump of
// it never yields a usable link or cookie.
type auth struct {
	now    func() time.Time
	tokens Tokens
}

var errLink = errors.New("console: login link unknown, used or expired")

// The keys of links and sessions in Tokens.
const (
	linkKey    = "console|link|"
	sessionKey = "console|session|"
)

// tokenKey is where a token is kept: the kind and the token's hash.
func tokenKey(kind string, raw []byte) string {
	h := sha256.Sum256(raw)
	return kind + hex.EncodeToString(h[:])
}

// grant draws a token and binds its key to the member until ttl from now.
func (a *auth) grant(kind, member string, ttl time.Duration) (string, time.Time, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("console: token: %w", err)
	}
	exp := a.now().Add(ttl)
	ok, err := a.tokens.Bind(tokenKey(kind, raw), []byte(member), exp)
	if err == nil && !ok { // 128 random bits met a live token: never in practice
		err = errors.New("console: token drawn twice")
	}
	if err != nil {
		return "", time.Time{}, err
	}
	return base64.RawURLEncoding.EncodeToString(raw), exp, nil
}

// keyOf is tokenKey of a token as the browser sent it; false when it cannot
// be a token.
func keyOf(kind, token string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 16 {
		return "", false
	}
	return tokenKey(kind, raw), true
}

// issue draws a login link's token for the member.
func (a *auth) issue(member string) (string, time.Time, error) {
	return a.grant(linkKey, member, LinkTTL)
}

// redeem spends a token: the member it was issued to, once, before it
// expires, whichever node issued it.
func (a *auth) redeem(token string) (string, error) {
	key, ok := keyOf(linkKey, token)
	if !ok {
		return "", errLink
	}
	member, ok, err := a.tokens.Take(key)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errLink
	}
	return string(member), nil
}

// session starts a session of the member: the cookie's value.
func (a *auth) session(member string) (string, time.Time, error) {
	return a.grant(sessionKey, member, SessionTTL)
}

// member is the member of a live session cookie; "" when there is none.
func (a *auth) member(cookie string) (string, error) {
	key, ok := keyOf(sessionKey, cookie)
	if !ok {
		return "", nil
	}
	member, _, err := a.tokens.Lookup(key)
	return string(member), err
}

// end ends the session of a cookie, on every node.
func (a *auth) end(cookie string) error {
	key, ok := keyOf(sessionKey, cookie)
	if !ok {
		return nil
	}
	return a.tokens.Drop(key)
}

// csrf is the logout form's token: derived from the session cookie, which
// another site cannot read, so a page of another site cannot forge the
// POST; any node derives the same.
func (a *auth) csrf(cookie string) string {
	h := sha256.Sum256([]byte("logout\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// viewer is the logged-in member of a request, with their cookie.
type viewer struct {
	*org.Member
	cookie string
}

// viewer is the member whose session cookie r carries; nil when none is
// live (no cookie, unknown, expired or ended, or a member no longer in the
// directory); an error when the store cannot say.
func (c *Console) viewer(r *http.Request) (*viewer, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return nil, nil
	}
	id, err := c.auth.member(ck.Value)
	if err != nil || id == "" {
		return nil, err
	}
	m, ok := c.Dir.Member(id) // a member removed from the directory is out at once
	if !ok {
		return nil, nil
	}
	return &viewer{Member: m, cookie: ck.Value}, nil
}

// signedIn is the viewer of r; without one it answers r itself (401 asking
// to log in; 500 when the store failed) and returns nil.
func (c *Console) signedIn(w http.ResponseWriter, r *http.Request) *viewer {
	v, err := c.viewer(r)
	switch {
	case err != nil:
		c.fail(w, err)
	case v == nil:
		c.refuse(w, http.StatusUnauthorized, msgLoginFirst)
	}
	return v
}

// setCookie sets the session cookie for SessionTTL. Max-Age, not Expires:
// the browser's clock is not the server's (demos run on -now).
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/",
		MaxAge: int(SessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || strings.HasPrefix(c.PublicURL, "https://")})
}

// login spends the link's token and starts the session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	id, err := c.auth.redeem(r.URL.Query().Get("t"))
	if err == nil {
		if _, ok := c.Dir.Member(id); !ok {
			err = errLink
		}
	}
	if errors.Is(err, errLink) {
		c.refuse(w, http.StatusForbidden, msgLinkRefused)
		return
	}
	if err != nil {
		c.fail(w, err)
		return
	}
	v, _, err := c.auth.session(id)
	if err != nil {
		c.fail(w, err)
		return
	}
	c.setCookie(w, r, v)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session, on every node: a POST carrying the token of the
// session's form.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	v, err := c.viewer(r)
	if err != nil {
		c.fail(w, err)
		return
	}
	if v == nil || !hmac.Equal([]byte(r.PostFormValue("token")), []byte(c.auth.csrf(v.cookie))) {
		c.refuse(w, http.StatusForbidden, msgLogoutRefused)
		return
	}
	if err := c.auth.end(v.cookie); err != nil {
		c.fail(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	c.refuse(w, http.StatusOK, msgLoggedOut)
}
