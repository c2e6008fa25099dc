// Package testutil holds what several packages' tests share: the module
// root, the corpus and golden files (found from the module root, since go
// test runs in each package's folder), and the helpers of the real-server
// tests — starting a server in its own process group, reading its workers
// from /proc, and requesting the test apps, which name the worker that
// answered.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleRoot returns the folder that holds go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Corpus returns the path of the shared corpus (../shared/corpus beside the
// module root). The test is skipped when it is absent, unless
// SKEWER_REQUIRE_CORPUS=1, which makes it fail instead.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(ModuleRoot(t), "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("SKEWER_REQUIRE_CORPUS") == "1" {
			t.Fatalf("corpus not found at %s and SKEWER_REQUIRE_CORPUS=1", dir)
		}
		t.Skipf("corpus not found at %s (a clone has none; CI sets SKEWER_REQUIRE_CORPUS=1)", dir)
	}
	return dir
}

// Golden compares got with the golden file testdata/golden/name under the
// module root; UPDATE_GOLDEN=1 rewrites the file instead.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join(ModuleRoot(t), "testdata", "golden", name)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (UPDATE_GOLDEN=1 rewrites it; review the diff):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
