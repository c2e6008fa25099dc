package cmd_test

import (
	"path/filepath"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestExplainGolden renders the explanation of a hand-made gunicorn sync
// log in every output. By hand, in the one 10 s window: 201 served 20
// requests of 0.45 s = 9 s, 0.90 busy; 202 served 20 of 0.05 s = 1 s, 0.10
// busy (≤ 0.2, idle). 201 is saturated with more than one request while
// 202 sits idle: harmful. Requests are 20 and 20: gini 0, even.
func TestExplainGolden(t *testing.T) {
	dir := filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "explain", "harmful")
	t.Chdir(filepath.Dir(dir))
	for _, o := range []struct{ format, ext string }{{"table", "txt"}, {"markdown", "md"}, {"json", "json"}} {
		t.Run(o.format, func(t *testing.T) {
			code, out, errOut := runSkewer(t, "explain", "--window", "10s", "-o", o.format, "harmful")
			if code != cmd.ExitOK {
				t.Fatalf("exit %d, want 0: %s", code, errOut)
			}
			testutil.Golden(t, "explain_harmful."+o.ext, []byte(out))
		})
	}
}
