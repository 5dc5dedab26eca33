package baosong_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/baosong/baosong"

// Who may import what (ARCHITECTURE.md): the store is opened by the wiring
// (app, cmd/baosong) and the load generator only; everyone else reaches it
// through the services' own Store interfaces. The configuration file is
// read by the wiring and the load generator only: it decodes into org's
// model and policies, and app hands each service the policy it needs.
// internal/testorg is tests' own: the demo organisation and a real store.
var (
	storeImporters  = []string{"app", "cmd/baosong", "loadgen", "internal/testorg"}
	configImporters = []string{"app", "cmd/baosong", "loadgen", "internal/testorg"}
)

// TestImports keeps those rules over every package of the module (tests
// aside: they may open a real store).
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{} // package → the module's packages it imports, relative to the module
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		for i, p := range f {
			f[i] = relative(p)
		}
		imports[f[0]] = f[1:]
	}
	if len(imports["app"]) == 0 {
		t.Fatalf("go list named no imports of app:\n%s", out)
	}
	for pkg, deps := range imports {
		if slices.Contains(deps, "store") && !slices.Contains(storeImporters, pkg) {
			t.Errorf("%s imports store; only %v may (declare a small Store interface and let app hand in the store)", pkg, storeImporters)
		}
		if slices.Contains(deps, "config") && !slices.Contains(configImporters, pkg) {
			t.Errorf("%s imports config; only %v may (take the model from org, built once in app)", pkg, configImporters)
		}
	}
}

// relative names a package of the module by its path inside it ("." for
// the root); other packages keep their import path.
func relative(p string) string {
	if p == module {
		return "."
	}
	if rest, ok := strings.CutPrefix(p, module+"/"); ok {
		return rest
	}
	return p
}
