package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// csvTable writes a CSV table that a spreadsheet opens safely: UTF-8 with a
// byte-order mark (so that Excel reads the Chinese), every cell through
// csvCell. Every CSV of this package is written through it.
type csvTable struct {
	w   *csv.Writer
	err error
}

func newCSV(w io.Writer) *csvTable {
	_, err := io.WriteString(w, "\ufeff")
	return &csvTable{w: csv.NewWriter(w), err: err}
}

// row writes one line.
func (c *csvTable) row(cells []string) {
	if c.err != nil {
		return
	}
	safe := make([]string, len(cells))
	for i, s := range cells {
		safe[i] = csvCell(s)
	}
	c.err = c.w.Write(safe)
}

// close flushes the table and reports the first error.
func (c *csvTable) close(what string) error {
	if c.err == nil {
		c.w.Flush()
		c.err = c.w.Error()
	}
	if c.err != nil {
		return fmt.Errorf("export: %s csv: %w", what, c.err)
	}
	return nil
}

// csvCell neutralises formula injection (CSV injection): Excel and WPS
// read a CSV cell that starts with = + - @, a tab or a carriage return as
// a formula, so a title like =HYPERLINK("http://…","点我") typed in a chat
// would run when the office opens the export. Such a cell is written with
// a leading single quote, which makes it text; plain numbers (-20, +3.5)
// are left as they are. XLSX cells need nothing: the workbooks store text
// as string cells, never as formulas.
func csvCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r\n", rune(s[0])) || plainNumber(s) {
		return s
	}
	return "'" + s
}

// plainNumber reports whether s is a signed decimal number: a sign, digits
// and at most one point, nothing else.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}
