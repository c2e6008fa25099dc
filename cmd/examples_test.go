package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// exampleFixtures are the files the help examples name, copied from
// testdata/ into the folder each example runs in. The examples' absolute
// paths under /var/log/ and /run/ are read from that folder too.
var exampleFixtures = map[string]string{
	"access.log":                           "testdata/logs/demo/gunicorn-sync-17/access.log",
	"access.log.1":                         "testdata/logs/check/even.log",
	"new.log":                              "testdata/logs/check/even.log",
	"ps.log":                               "testdata/logs/sample/ps.log",
	"var/log/gunicorn/access.log":          "testdata/logs/sample/access.log",
	"var/log/gunicorn/error.log":           "testdata/logs/sample/error.log",
	"var/log/myapp/gunicorn-access.log.gz": "testdata/logs/demo/nginx-proxy/gunicorn-access.log.gz",
	"var/log/myapp/gunicorn-error.log":     "testdata/logs/demo/nginx-proxy/gunicorn-error.log",
}

// sampleRun is how long a `skewer sample` example runs before it is sent
// SIGTERM, its normal end.
const sampleRun = 1500 * time.Millisecond

// TestHelpExamples runs the examples of every command's help with sh, the
// skewer of this test binary on PATH (TestMain), and wants exit status 0:
// the help cannot show a command that does not work. Each example (a group
// of lines separated from the next by a blank line) runs in a fresh folder
// of exampleFixtures; /run/gunicorn.pid holds the PID of a process of the
// test.
func TestHelpExamples(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the examples with")
	}
	root := cmd.Root(cmd.IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
	for _, c := range append(root.Commands(), root) {
		if !c.IsAvailableCommand() && c != root || c.Name() == "help" {
			continue
		}
		groups := exampleGroups(c.Example)
		if n := len(groups); n < 2 || n > 4 {
			t.Errorf("%s: got %d examples, want 2 to 4", c.CommandPath(), n)
		}
		for i, lines := range groups {
			t.Run(fmt.Sprintf("%s/%d", c.Name(), i+1), func(t *testing.T) {
				if c.Name() == "sample" && runtime.GOOS != "linux" {
					t.Skip("skewer sample reads Linux /proc")
				}
				dir := exampleDir(t)
				for _, line := range lines {
					runExample(t, dir, line)
				}
			})
		}
	}
}

// exampleGroups splits a command's Example text into examples, each a list
// of command lines with continuation lines joined.
func exampleGroups(text string) [][]string {
	var groups [][]string
	var cur []string
	pending := ""
	for _, l := range strings.Split(text+"\n", "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if len(cur) > 0 {
				groups = append(groups, cur)
			}
			cur = nil
			continue
		}
		if s, ok := strings.CutSuffix(l, `\`); ok {
			pending += s
			continue
		}
		cur = append(cur, pending+l)
		pending = ""
	}
	return groups
}

func exampleDir(t *testing.T) string {
	t.Helper()
	mod := testutil.ModuleRoot(t)
	dir := t.TempDir()
	for name, src := range exampleFixtures {
		data, err := os.ReadFile(filepath.Join(mod, src))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	pid := []byte(strconv.Itoa(sleep.Process.Pid) + "\n")
	if err := os.WriteFile(filepath.Join(dir, "run", "gunicorn.pid"), pid, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runExample runs one command line of an example in dir and wants exit 0
// and, unless it redirects or writes --out, some output;
// skewer sample is stopped with SIGTERM after sampleRun.
func runExample(t *testing.T, dir, line string) {
	t.Helper()
	shell := strings.NewReplacer(" /var/log/", " var/log/", " /run/", " run/").Replace(line)
	sample := strings.HasPrefix(line, "skewer sample ")
	if sample {
		// sh hands over to skewer, so the signal reaches it, not sh.
		shell = "exec " + shell
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", shell)
	c.Dir = dir
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if sample {
		timer := time.AfterFunc(sampleRun, func() { c.Process.Signal(syscall.SIGTERM) })
		defer timer.Stop()
	}
	if err := c.Wait(); err != nil {
		t.Errorf("%s: %v\n%s", line, err, stderr.String())
	}
	if stdout.Len() == 0 && !strings.Contains(line, ">") && !strings.Contains(line, "--out ") {
		t.Errorf("%s: no output; stderr:\n%s", line, stderr.String())
	}
}

// TestHelpWidth: every command's help fits 80 columns.
func TestHelpWidth(t *testing.T) {
	root := cmd.Root(cmd.IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
	for _, c := range append(root.Commands(), root) {
		if !c.IsAvailableCommand() && c != root {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			var out bytes.Buffer
			args := []string{c.Name(), "--help"}
			if c == root {
				args = []string{"--help"}
			}
			if code := cmd.Run(context.Background(), args, cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard}); code != cmd.ExitOK {
				t.Fatalf("exit code %d", code)
			}
			for i, l := range strings.Split(out.String(), "\n") {
				if n := len([]rune(l)); n > 80 {
					t.Errorf("line %d: got %d columns, want at most 80: %s", i+1, n, l)
				}
			}
		})
	}
}
