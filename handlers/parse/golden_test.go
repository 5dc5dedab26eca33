package parse

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// namedCase is one record of a testdata .input file written as a line
// "### name" followed by the message (any number of lines).
type namedCase struct{ Name, Input string }

func readNamedCases(t testing.TB, file string) []namedCase {
	t.Helper()
	var cases []namedCase
	for _, line := range strings.SplitAfter(readTestdata(t, file), "\n") {
		if name, ok := strings.CutPrefix(line, "### "); ok {
			cases = append(cases, namedCase{Name: strings.TrimSpace(name)})
			continue
		}
		if len(cases) == 0 {
			t.Fatalf("%s must start with a ### line, got %q", file, line)
		}
		cases[len(cases)-1].Input += line
	}
	for i := range cases {
		cases[i].Input = strings.TrimSuffix(cases[i].Input, "\n")
	}
	return cases
}

// readSeparatedCases splits a testdata .input file on lines "---".
func readSeparatedCases(t testing.TB, file string) []string {
	t.Helper()
	var out []string
	for _, rec := range strings.Split(readTestdata(t, file), "\n---\n") {
		out = append(out, strings.TrimSuffix(rec, "\n"))
	}
	return out
}

func readTestdata(t testing.TB, file string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// checkGolden compares the results of a golden test, as indented JSON, with
// testdata/<file>; with -update it rewrites the file instead. A difference
// is reported case by case, each named by label.
func checkGolden[T any](t *testing.T, file string, got []T, label func(i int, c T) string) {
	t.Helper()
	raw, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, '\n')
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if bytes.Equal(raw, want) {
		return
	}
	var wantCases []T
	if err := json.Unmarshal(want, &wantCases); err != nil {
		t.Fatalf("golden file %s: %v", file, err)
	}
	for i := range got {
		g, _ := json.Marshal(got[i])
		var w []byte
		if i < len(wantCases) {
			w, _ = json.Marshal(wantCases[i])
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", label(i, got[i]), g, w)
		}
	}
	if len(wantCases) != len(got) {
		t.Errorf("golden file has %d cases, input %d", len(wantCases), len(got))
	}
	if !t.Failed() {
		t.Error("golden file differs in layout; run with -update and review the diff")
	}
}

func caseNumber[T any](i int, _ T) string { return fmt.Sprintf("case %d", i+1) }
