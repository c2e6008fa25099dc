package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFactsMirrorDoc checks every fact of the table is a verified entry of
// docs/server-facts.md.
func TestFactsMirrorDoc(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "server-facts.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, f := range Facts {
		row := "| `" + f.ID + "` | verified"
		if !strings.Contains(doc, row) {
			t.Errorf("fact %s: got no verified row in server-facts.md", f.ID)
		}
	}
}
