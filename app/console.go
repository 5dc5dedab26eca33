package app

import (
	"io"
	"time"

	"github.com/baosong/baosong/console"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/handlers"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/scheduler"
)

// newConsole builds the web console (SPEC §15) over the domain services,
// or nil when [console] is off.
func (a *App) newConsole() (*console.Console, error) {
	if !a.Config.Console.Enabled {
		return nil, nil
	}
	att, desk := a.att, a.desk
	src := *a.exportSource()
	return console.New(console.Deps{Dir: a.Dir, Schedule: att.Schedule, Forms: att, Incidents: a.incidents,
		Desk: desk, Policy: desk.Policy, Plan: plan{a}, Tokens: a.Store, Now: a.now, PublicURL: a.Config.PublicURL(), Log: a.log,
		History: func(id string) ([]console.Change, error) {
			hs, err := a.Store.HistoryOf(id)
			out := make([]console.Change, len(hs))
			for i, h := range hs {
				out[i] = console.Change{At: h.At, By: h.By, Channel: h.Channel, Action: h.Action, Detail: h.Detail}
			}
			return out, err
		},
		Export: func(w io.Writer, what, period string, classes []*org.Unit) error {
			s := src
			s.Classes = classes
			return export.Write(&s, what, period, export.XLSX, w)
		}})
}

// plan reads the scheduler's plan; the engine is built after the console.
type plan struct{ a *App }

func (p plan) Plan(from time.Time, n int) []scheduler.Firing { return p.a.Scheduler.Plan(from, n) }

// loginLinks is the console as the handlers see it: nil (an interface holding
// no value) when it is off, so 看板 says so.
func (a *App) loginLinks() handlers.LoginLinks {
	if a.Console == nil {
		return nil
	}
	return a.Console
}
