package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
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

// auth keeps the pending login links (their SHA-256 only, so a memory dump
// or a log line never yields a usable link) and signs session cookies with
// a key drawn at start. Both live in memory: a restart voids the links
// still pending and the sessions (members send 看板 again), which is what a
// ten-minute link and a read-only console can afford; nothing is written to
// the database.
type auth struct {
	now     func() time.Time
	key     []byte
	mu      sync.Mutex
	pending map[[32]byte]pendingLink
}

type pendingLink struct {
	member  string
	expires time.Time
}

var errLink = errors.New("console: login link unknown, used or expired")

func newAuth(now func() time.Time) (*auth, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("console: session key: %w", err)
	}
	return &auth{now: now, key: key, pending: map[[32]byte]pendingLink{}}, nil
}

// issue draws a 128-bit token for the member and keeps its hash.
func (a *auth) issue(member string) (string, time.Time, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("console: login token: %w", err)
	}
	now := a.now()
	exp := now.Add(LinkTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, p := range a.pending { // forget expired links as new ones come
		if !now.Before(p.expires) {
			delete(a.pending, h)
		}
	}
	a.pending[sha256.Sum256(raw)] = pendingLink{member: member, expires: exp}
	return base64.RawURLEncoding.EncodeToString(raw), exp, nil
}

// redeem spends a token: the member it was issued to, once, before it expires.
func (a *auth) redeem(token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 16 {
		return "", errLink
	}
	h := sha256.Sum256(raw)
	a.mu.Lock()
	p, ok := a.pending[h]
	delete(a.pending, h)
	a.mu.Unlock()
	if !ok || !a.now().Before(p.expires) {
		return "", errLink
	}
	return p.member, nil
}

// session is a signed cookie value: member, expiry (unix seconds) and a
// random nonce, then the HMAC-SHA256 of those under the key.
func (a *auth) session(member string) (string, time.Time, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return "", time.Time{}, fmt.Errorf("console: session nonce: %w", err)
	}
	exp := a.now().Add(SessionTTL)
	body := base64.RawURLEncoding.EncodeToString([]byte(member)) + "." + strconv.FormatInt(exp.Unix(), 10) +
		"." + base64.RawURLEncoding.EncodeToString(nonce)
	return body + "." + a.sign(body), exp, nil
}

func (a *auth) sign(s string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// member checks a cookie value and returns its member.
func (a *auth) member(v string) (string, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || !hmac.Equal([]byte(a.sign(v[:i])), []byte(v[i+1:])) {
		return "", false
	}
	parts := strings.Split(v[:i], ".")
	if len(parts) != 3 {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !a.now().Before(time.Unix(exp, 0)) {
		return "", false
	}
	id, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", false
	}
	return string(id), true
}

// csrf is the logout form's token: bound to the session cookie, so a page
// of another site cannot forge the POST.
func (a *auth) csrf(cookie string) string { return a.sign("logout|" + cookie) }

// viewer is the logged-in member of a request, with their cookie.
type viewer struct {
	*org.Member
	cookie string
}

func (c *Console) viewer(r *http.Request) (*viewer, bool) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return nil, false
	}
	id, ok := c.auth.member(ck.Value)
	if !ok {
		return nil, false
	}
	m, ok := c.Dir.Member(id) // a member removed from the directory is out at once
	if !ok {
		return nil, false
	}
	return &viewer{Member: m, cookie: ck.Value}, true
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
	if err != nil {
		c.refuse(w, http.StatusForbidden, msgLinkRefused)
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

// logout ends the session: a POST carrying the token of the session's form.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	v, ok := c.viewer(r)
	if !ok || !hmac.Equal([]byte(r.PostFormValue("token")), []byte(c.auth.csrf(v.cookie))) {
		c.refuse(w, http.StatusForbidden, msgLogoutRefused)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	c.refuse(w, http.StatusOK, msgLoggedOut)
}
