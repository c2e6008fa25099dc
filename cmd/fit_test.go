package cmd

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestReportFitsTerminal: on a terminal of 60 columns skewer report leaves
// out the lowest-priority columns and wraps its lines to fit, and says so;
// --wide shows every column; piped output (not a terminal) is whole.
func TestReportFitsTerminal(t *testing.T) {
	t.Chdir(testutil.ModuleRoot(t)) // a short path: a word longer than the width cannot wrap
	log := filepath.Join("testdata", "logs", "demo", "gunicorn-sync-17", "access.log")
	run := func(terminal bool, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		s := IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, OutTerminal: terminal, NoColor: true}
		if terminal {
			s.Width = 60
		}
		if code := Run(context.Background(), append([]string{"report"}, append(args, log)...), s); code != ExitOK {
			t.Fatalf("%v: exit code %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	widest := func(s string) int {
		w := 0
		for _, l := range strings.Split(s, "\n") {
			w = max(w, len([]rune(l)))
		}
		return w
	}
	fit := run(true)
	if w := widest(fit); w > 60 {
		t.Errorf("terminal of 60 columns: got a line of %d columns:\n%s", w, fit)
	}
	if words := strings.Join(strings.Fields(fit), " "); !strings.Contains(words, "(first seen, last seen") ||
		!strings.Contains(words, "left out to fit 60 columns; --wide shows every column)") {
		t.Errorf("terminal of 60 columns: no footer naming the columns left out:\n%s", fit)
	}
	if regexp.MustCompile(`(?m)^ +worker .*first seen`).MatchString(fit) {
		t.Errorf("terminal of 60 columns: first seen is shown, but it is the first to go:\n%s", fit)
	}
	for name, out := range map[string]string{"--wide": run(true, "--wide"), "piped": run(false)} {
		if !strings.Contains(out, "first seen  last seen") || strings.Contains(out, "left out to fit") {
			t.Errorf("%s: want every column and no footer:\n%s", name, out)
		}
		if w := widest(out); w <= 60 {
			t.Errorf("%s: widest line %d columns, want the whole metric lines (over 100)", name, w)
		}
	}
}
