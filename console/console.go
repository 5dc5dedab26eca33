// Package console is the web console for leaders and the office (SPEC §15):
// server-rendered pages (html/template, phone first, Chinese) over the same
// services the chat handlers use, never the store. A member logs in with a
// one-time link sent in chat (看板); the session cookie names a session kept
// with the links in Tokens (the store, so every node knows it), and the
// member's role and scope decide every query, as in chat.
//
// The console reads; actions stay in chat.
package console

import (
	"context"
	"embed"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/incident"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/scheduler"
)

// Forms is what the console reads of the attendance service.
type Forms interface {
	FormsDue(classes []*org.Unit, due time.Time) ([]*attendance.Form, error)
	Summary(p org.Period, classes []*org.Unit, now time.Time) (*attendance.Summary, error)
	SeesLevels(m *org.Member) bool
	Entry(id string) (*attendance.Entry, error)
}

// Incidents is what the console reads of the incident service.
type Incidents interface {
	Open(limit int) ([]*incident.Incident, error)
	Between(from, to time.Time) ([]*incident.Incident, error)
	Get(id string) (*incident.Incident, error)
}

// Desk is what the console reads of the information desk.
type Desk interface {
	Articles() ([]*desk.Article, error)
	WeeksDue(from, to time.Time) []desk.WeekDue
	WeeklyMissing(ctx context.Context, monday time.Time) ([]string, error)
	BelowQuota(ctx context.Context, month time.Time) ([]desk.QuotaGap, error)
}

// Planner lists the scheduler's next firings (baosong schedule).
type Planner interface {
	Plan(from time.Time, n int) []scheduler.Firing
}

// Export writes the export of a kind for a period as xlsx, limited to the
// classes given for the attendance export (SPEC §10 exports).
type Export func(w io.Writer, what, period string, classes []*org.Unit) error

// Deps is what the console is built from; app builds each service once.
type Deps struct {
	Dir       *org.Directory
	Schedule  *attendance.Schedule // the attendance due times
	Forms     Forms
	Incidents Incidents
	Desk      Desk
	Policy    *desk.InfoPolicy // the points rules
	Plan      Planner
	Export    Export
	History   func(id string) ([]Change, error) // a record's history, oldest first
	Tokens    Tokens                            // the login links and sessions
	Now       func() time.Time
	// PublicURL is where members' browsers reach the server
	// ([server] public_url): the login link's host.
	PublicURL string
	Log       *slog.Logger
}

// Console serves the pages and issues login links.
type Console struct {
	Deps
	loc    *time.Location
	auth   *auth
	pages  *pages
	static http.Handler
}

//go:embed static
var staticFS embed.FS

// New builds the console.
func New(d Deps) (*Console, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Console{Deps: d, loc: d.Schedule.Location(), auth: &auth{now: d.Now, tokens: d.Tokens}, pages: p,
		static: http.FileServerFS(staticFS)}, nil
}

// Register mounts the console's routes.
func (c *Console) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", c.login)
	mux.HandleFunc("POST /logout", c.logout)
	mux.Handle("GET /static/", c.cached(c.static))
	mux.HandleFunc("GET /{$}", c.page(c.today))
	mux.HandleFunc("GET /attendance", c.page(c.attendance))
	mux.HandleFunc("GET /today/quota", c.page(c.quota))
	mux.HandleFunc("GET /entries/{id}", c.page(c.entry))
	mux.HandleFunc("GET /incidents", c.page(c.incidents))
	mux.HandleFunc("GET /incidents/{id}", c.page(c.incident))
	mux.HandleFunc("GET /desk", c.page(c.desk))
	mux.HandleFunc("GET /charts", c.page(c.charts))
	mux.HandleFunc("GET /schedule", c.page(c.schedule))
	mux.HandleFunc("GET /download", c.download)
}

// Link issues a one-time login link for the member, valid for LinkTTL.
func (c *Console) Link(member string) (string, time.Time, error) {
	t, exp, err := c.auth.issue(member)
	if err != nil {
		return "", time.Time{}, err
	}
	return c.PublicURL + "/login?t=" + t, exp, nil
}

func (c *Console) cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}
