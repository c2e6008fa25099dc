package cmd_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestLibraryErrorsNameNoFlag: the library packages return errors that
// name no flag; cmd words them with its own flag names. It scans the
// string literals of every fmt.Errorf and errors.New call, every Error
// method and every Msg field of the non-test Go files outside cmd/ and
// internal/inputflags (the command line of reading logs) for "--".
func TestLibraryErrorsNameNoFlag(t *testing.T) {
	root := testutil.ModuleRoot(t)
	fset := token.NewFileSet()
	var files int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// cmd and internal/inputflags are the command line: they name flags.
			if rel == "cmd" || rel == filepath.Join("internal", "inputflags") || rel == "testdata" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Dir(rel) == "." {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		check := func(n ast.Node, what string) {
			ast.Inspect(n, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(s, "--") {
						t.Errorf("%s: %s names a flag: %s", fset.Position(lit.Pos()), what, lit.Value)
					}
				}
				return true
			})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Recv != nil && n.Name.Name == "Error" && n.Body != nil {
					check(n.Body, "an Error method")
					return false
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "fmt" && sel.Sel.Name == "Errorf" || pkg.Name == "errors" && sel.Sel.Name == "New") {
						check(n, pkg.Name+"."+sel.Sel.Name)
						return false
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Msg" {
					check(n.Value, "an error's Msg")
					return false
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned %d files, want the library's (more than 50)", files)
	}
}
