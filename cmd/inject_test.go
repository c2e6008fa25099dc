package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// hostileAgents are user agents that would be workflow commands, formulas
// or terminal controls if they reached a CI log, a spreadsheet or a
// terminal as they are.
var hostileAgents = []string{
	"::error::pwned", "::add-mask::secret", "::stop-commands::abc", "x ##[error]legacy", "##[group]g",
	"=1+2", "\u202eevil\u2066", "c1\u0085\u009b", "raw\x9b31m", "esc\x1b[2J", "normal",
}

// hostileDir is a folder whose file name and lines carry workflow
// commands, and one line that is rejected with its content quoted.
func hostileDir(t *testing.T) string {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 110 {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:%02d:%02d +0000] \"GET /::error::p?##[x] HTTP/1.1\" 200 3 \"-\" \"%s\" pid=<%d> 412\n",
			29+i/60, i%60, hostileAgents[i%len(hostileAgents)], 100+i%7)
	}
	b.WriteString("::error::rejected line ##[warning]w \x1b[31m\n")
	if err := os.WriteFile(filepath.Join(dir, "::error::file ##[x].log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestNoWorkflowCommandsFromLogs is the property: whatever the logs hold,
// in every command and output format, no line of output starts with "::"
// (after leading whitespace) or holds "##[" except skewer's own
// annotations, and no control or bidi character is written; in a GitHub
// Actions job the log content is inside a stop-commands fence and the
// annotations outside it.
func TestNoWorkflowCommandsFromLogs(t *testing.T) {
	dir := hostileDir(t)
	type run struct {
		name string
		args []string
	}
	var runs []run
	for _, by := range []string{"a", "p"} {
		for _, o := range []string{"table", "json", "csv", "markdown"} {
			runs = append(runs, run{"report " + o + " by " + by, []string{"report", "--by", by, "-o", o, dir}})
			runs = append(runs, run{"timeline " + o + " by " + by, []string{"timeline", "--by", by, "--window", "10s", "-o", o, dir}})
		}
		for _, o := range []string{"text", "json"} {
			runs = append(runs, run{"check " + o + " by " + by, []string{"check", "--by", by, "-o", o, "-t", "requests<1", "-t", "gini>0.9", dir}})
			runs = append(runs, run{"check windows " + o + " by " + by, []string{"check", "--by", by, "-o", o, "--each-window", "10s", "-t", "top1_share<0.01", dir}})
		}
		runs = append(runs, run{"strict by " + by, []string{"report", "--by", by, "--strict", dir}})
	}
	for _, r := range runs {
		for _, actions := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s actions=%v", r.name, actions), func(t *testing.T) {
				var out, errOut bytes.Buffer
				s := cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, GitHubActions: actions}
				code := cmd.Run(context.Background(), r.args, s)
				if code != cmd.ExitOK && code != cmd.ExitCheckFailed && !strings.Contains(r.name, "strict") {
					t.Fatalf("exit %d: %s", code, errOut.String())
				}
				checkStream(t, "stdout", out.String(), actions, !strings.Contains(r.name, "json") && !strings.Contains(r.name, "csv"))
				checkStream(t, "stderr", errOut.String(), actions, true)
			})
		}
	}
}

// checkStream checks one output stream; fenced says whether its log
// content must be fenced in a GitHub Actions job.
func checkStream(t *testing.T, name, s string, actions, fenced bool) {
	t.Helper()
	if s == "" {
		return
	}
	inside, token := false, ""
	for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		for _, r := range line {
			if r < 0x20 && r != '\t' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == utf8.RuneError {
				t.Errorf("%s line %d: control or bidi character %U in %q", name, i+1, r, line)
			}
		}
		if actions {
			if tok, ok := strings.CutPrefix(line, "::stop-commands::"); ok && !inside {
				inside, token = true, tok
				continue
			}
			if inside && line == "::"+token+"::" {
				inside = false
				continue
			}
		}
		own := strings.HasPrefix(line, "::error title=skewer check") || strings.HasPrefix(line, "::warning title=skewer check")
		if own && inside {
			t.Errorf("%s line %d: skewer's annotation %q inside the stop-commands fence", name, i+1, line)
		}
		if own && !actions && name == "stdout" {
			t.Errorf("%s line %d: annotation %q outside GitHub Actions", name, i+1, line)
		}
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "::") && !own {
			t.Errorf("%s line %d: workflow command %q", name, i+1, line)
		}
		if strings.Contains(line, "##[") {
			t.Errorf("%s line %d: legacy workflow command in %q", name, i+1, line)
		}
		if actions && fenced && !own && !inside {
			t.Errorf("%s line %d: log content %q outside the stop-commands fence", name, i+1, line)
		}
	}
	if actions {
		if _, err := testutil.Unfence(s); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
