// Package export writes baosong's records as files for the office and the
// archive: JSON (the contract of SPEC §10.1), CSV and XLSX (excelize). Each
// record kind is a Builder registered in kinds by its -what name; the command
// line (`baosong export`) and the HTTP endpoint (GET /api/export) both go
// through Write.
package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/baosong/baosong/attendance"
	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

// Store is what the exports read straight from the store (store.DB): the
// incidents, and the raw records of every kind for the archive.
type Store interface {
	incidentSource
	Records(prefix string) ([]json.RawMessage, error)
}

// Source is where exports read from: the services of a running app, or of
// a stopped server's store opened read-only, built once by the wiring
// (app); an export never builds its own.
type Source struct {
	Policies   org.Policies // the rules the attendance export states beside its counts
	Dir        *org.Directory
	Attendance *attendance.Service
	Desk       *desk.Service
	Store      Store
	Now        func() time.Time // judges open/missing; time.Now when nil
	// Classes limits the attendance export to these classes (the web
	// console's viewer's scope); nil: every class.
	Classes []*org.Unit

	// desk reads the information desk's records for one export, once
	// however many of its documents use them (the archive: four); set by
	// build.
	desk func() (deskRecords, error)
}

func (s *Source) classes() []*org.Unit {
	if s.Classes != nil {
		return s.Classes
	}
	return s.Dir.Classes()
}

// loc is the organisation's time zone.
func (s *Source) loc() *time.Location { return s.Dir.Calendar().Location() }

func (s *Source) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Document is one kind's export for a period, ready to write in any format.
type Document interface {
	JSON(w io.Writer) error
	CSV(w io.Writer) error
	XLSX(w io.Writer) error
}

// Builder makes the document of a kind for a period.
type Builder func(src *Source, p org.Period) (Document, error)

// kinds maps the -what names to their builders: a new kind is one line.
var kinds = map[string]Builder{
	"attendance":  attendanceDocument,
	"submissions": submissionsDocument,
	"points":      pointsDocument,
	"weekly":      weeklyDocument,
	"archive":     archiveDocument,
	"incidents":   incidentsDocument,
}

// Kinds lists the -what names, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Formats.
const (
	JSON = "json"
	CSV  = "csv"
	XLSX = "xlsx"
)

// Errors of Write; the HTTP handler answers them with 400.
var (
	ErrKind   = errors.New("export: unknown kind")
	ErrFormat = errors.New("export: format must be json, csv or xlsx")
)

// FormatOf names the format of an output file by its extension.
func FormatOf(filename string) (string, error) {
	switch f := strings.ToLower(strings.TrimPrefix(filepath.Ext(filename), ".")); f {
	case JSON, CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("%w: %s", ErrFormat, filename)
}

// Write builds what for the period (2026-11, 2026Q4, 2026) and writes it in
// the format.
func Write(src *Source, what, period, format string, w io.Writer) error {
	doc, err := build(src, what, period)
	if err != nil {
		return err
	}
	return write(doc, format, w)
}

// build makes the document of a kind for a period.
func build(src *Source, what, period string) (Document, error) {
	b, ok := kinds[what]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrKind, what, strings.Join(Kinds(), ", "))
	}
	p, err := org.ParsePeriod(period, src.loc())
	if err != nil {
		return nil, err
	}
	x := *src // this export's own view of the source
	x.desk = sync.OnceValues(func() (r deskRecords, err error) {
		r.arts, r.weeks, r.deeds, err = src.Desk.Load()
		return r, err
	})
	doc, err := b(&x, p)
	if err != nil {
		return nil, fmt.Errorf("export: %s %s: %w", what, p.Name, err)
	}
	return doc, nil
}

func write(doc Document, format string, w io.Writer) error {
	switch format {
	case JSON:
		return doc.JSON(w)
	case CSV:
		return doc.CSV(w)
	case XLSX:
		return doc.XLSX(w)
	}
	return fmt.Errorf("%w: %q", ErrFormat, format)
}

var contentTypes = map[string]string{
	JSON: "application/json; charset=utf-8",
	CSV:  "text/csv; charset=utf-8",
	XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Handler serves GET /api/export?what=attendance&period=2026-11&format=json|csv|xlsx
// (format defaults to json). The caller guards it (admin). The file is
// written straight to the response: an error before its first byte is
// answered with 400 or 500, one after it aborts the response, so that a
// client never takes a cut file for a whole one.
func Handler(src *Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		what, period, format := q.Get("what"), q.Get("period"), q.Get("format")
		if format == "" {
			format = JSON
		}
		out := &response{w: w, header: func(h http.Header) {
			h.Set("Content-Type", contentTypes[format])
			h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, what, period, format))
		}}
		doc, err := build(src, what, period)
		if err == nil {
			err = write(doc, format, out)
		}
		switch {
		case err == nil:
		case out.started:
			panic(http.ErrAbortHandler) // net/http's way to cut the connection: no status can follow the body
		case errors.Is(err, ErrKind), errors.Is(err, ErrFormat), errors.Is(err, org.ErrPeriod):
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

// response sets the file's headers on its first byte.
type response struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (r *response) Write(p []byte) (int, error) {
	if !r.started {
		r.started = true
		r.header(r.w.Header())
	}
	return r.w.Write(p)
}
