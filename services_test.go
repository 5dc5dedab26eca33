package baosong_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// constructors are the domain services' constructors (package → function).
var constructors = map[string]string{"attendance": "New", "desk": "New", "incident": "NewService"}

// serviceBuilders may call them: the wiring builds each service once and
// hands it to the handlers, the scheduler, the console and the exports
// (including `baosong export` on a stopped server, through
// app.ExportSource); the load generator fills a data directory without an
// app.
var serviceBuilders = []string{"app", "loadgen"}

// TestServicesBuiltOnce keeps every other package (tests aside) from
// building a second copy of a service with its own clock and policy.
func TestServicesBuiltOnce(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && constructors[x.Name] == sel.Sel.Name && !slices.Contains(serviceBuilders, pkg) {
				t.Errorf("%s: %s.%s: only %v build services; take the one app built", fset.Position(call.Pos()), x.Name, sel.Sel.Name, serviceBuilders)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
