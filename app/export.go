package app

import (
	"log/slog"
	"time"

	"github.com/baosong/baosong/config"
	"github.com/baosong/baosong/export"
	"github.com/baosong/baosong/org"
	"github.com/baosong/baosong/store"
)

// exportSource is what the exports read: the app's services (never a
// second set) and its store for incidents and raw records.
func (a *App) exportSource() *export.Source {
	return &export.Source{Policies: a.Config.Policies, Dir: a.Dir, Attendance: a.att, Desk: a.desk, Store: a.Store, Now: a.now}
}

// ExportSource is the exports' source over a stopped server's store
// (`baosong export` without -server): the services built as New builds
// them, on the clock now, with nothing started.
func ExportSource(cfg *config.Config, db *store.DB, now func() time.Time) (*export.Source, error) {
	dir, err := org.New(cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Dir: dir, Store: db, now: now, log: slog.New(slog.DiscardHandler)}
	a.services()
	return a.exportSource(), nil
}
