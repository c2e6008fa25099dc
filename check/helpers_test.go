package check

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/skewer-dev/skewer/aggregate"
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

// stamp reads an RFC 3339 time as a report's JSON holds it.
func stamp(text string) aggregate.Stamp {
	var s aggregate.Stamp
	if err := json.Unmarshal([]byte(`"`+text+`"`), &s); err != nil {
		panic(err)
	}
	return s
}
