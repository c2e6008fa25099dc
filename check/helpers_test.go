package check

import (
	"os"
	"path/filepath"
	"testing"
)

// openTestdata opens a file of testdata/, closed at the end of the test.
func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
