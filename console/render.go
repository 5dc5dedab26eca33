package console

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/baosong/baosong/org"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page: the layout with that page's
// "content".
type pages struct {
	sets map[string]*template.Template
}

var funcs = template.FuncMap{
	"mod":  func(i, n int) int { return i % n },
	"xpos": func(i, n int) string { return fmt.Sprintf("%.0f", x(i, n)) },
	"join": func(s []string) string { return strings.Join(s, "、") },
	"pct": func(n, of int) string {
		if of == 0 {
			return "—"
		}
		return fmt.Sprintf("%d%%", n*100/of)
	},
}

func parsePages() (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, n := range names {
		if strings.HasSuffix(n, "/layout.html") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		p.sets[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return p, nil
}

// view is what the layout shows around a page.
type view struct {
	Title  string
	Nav    string // the active tab's path
	Viewer string // name and roles
	Token  string // the logout form's token; "" without a session
	Now    string
	Tabs   []tab
	Data   any
}

type tab struct{ Path, Label string }

var tabs = []tab{{"/", "今日"}, {"/attendance", "考勤"}, {"/incidents", "急报"}, {"/desk", "信息"},
	{"/charts", "图表"}, {"/schedule", "日程"}}

// errNotFound and errForbidden are answered with 404 and 403.
var (
	errNotFound  = errors.New("console: not found")
	errForbidden = errors.New("console: outside the viewer's scope")
)

// handler builds a page for the viewer: its template name, title and data.
type handler func(r *http.Request, v *viewer) (name, title string, data any, err error)

// page wraps a handler: the session first, then the page in the layout.
func (c *Console) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := c.signedIn(w, r)
		if v == nil {
			return
		}
		name, title, data, err := h(r, v)
		switch {
		case errors.Is(err, errNotFound):
			c.refuse(w, http.StatusNotFound, msgNotFound)
			return
		case errors.Is(err, errForbidden):
			c.refuse(w, http.StatusForbidden, msgForbidden)
			return
		case err != nil:
			c.fail(w, err)
			return
		}
		if set, part, ok := strings.Cut(name, "#"); ok { // an htmx fragment: the part alone
			c.renderPart(w, set, part, data)
			return
		}
		c.render(w, http.StatusOK, name, view{Title: title, Nav: "/" + strings.Split(r.URL.Path, "/")[1],
			Viewer: c.who(v), Token: c.auth.csrf(v.cookie), Now: c.Now().In(c.loc).Format("2006-01-02 15:04"),
			Tabs: tabs, Data: data})
	}
}

func (c *Console) who(v *viewer) string {
	roles := make([]string, len(v.Roles))
	for i, r := range v.Roles {
		roles[i] = roleName(r)
	}
	return v.Name + "（" + strings.Join(roles, "、") + "）"
}

// render writes a page whole or not at all: a template error is a 500,
// never half a page.
func (c *Console) render(w http.ResponseWriter, status int, name string, v view) {
	var b bytes.Buffer
	t, ok := c.pages.sets[name]
	if !ok {
		c.fail(w, fmt.Errorf("console: no template %q", name))
		return
	}
	if err := t.ExecuteTemplate(&b, "layout.html", v); err != nil {
		if name == "message" { // the page of last resort failed: plain text
			c.Log.Error("console: message page", "err", err)
			http.Error(w, msgFailed, http.StatusInternalServerError)
			return
		}
		c.fail(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (c *Console) renderPart(w http.ResponseWriter, set, part string, data any) {
	var b bytes.Buffer
	t, ok := c.pages.sets[set]
	if !ok {
		c.fail(w, fmt.Errorf("console: no template %q", set))
		return
	}
	if err := t.ExecuteTemplate(&b, part, data); err != nil {
		c.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// refuse answers with a short page that says why and what to do.
func (c *Console) refuse(w http.ResponseWriter, status int, msg string) {
	c.render(w, status, "message", view{Title: "报送看板", Data: msg})
}

func (c *Console) fail(w http.ResponseWriter, err error) {
	c.Log.Error("console", "err", err)
	c.render(w, http.StatusInternalServerError, "message", view{Title: "报送看板", Data: msgFailed})
}

// since writes how long ago t was (org.Span): 35 分钟前, 3 小时 5 分前.
func since(now, t time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	return org.Span(d) + "前"
}
