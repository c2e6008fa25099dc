package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// manualPages are the pages whose ```console blocks run as tests: every
// example output a reader sees is what skewer prints.
var manualPages = []string{"README.md", "docs/*.md"}

// TestManualOutputs runs the commands of the ```console blocks of the
// README and docs/ and wants their output, stdout and stderr together, as
// written. A block is a "$ COMMAND" line (a trailing \ continues it), then
// the output up to the next "$ " line or the end of the block; an exit
// status other than 0 is written as a last line "[exit N]". Commands run
// with sh from the module root, with the skewer of this test binary on PATH
// (TestMain) and no colour. UPDATE_GOLDEN=1 rewrites the outputs in place:
// review the diff.
func TestManualOutputs(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the examples with")
	}
	root := testutil.ModuleRoot(t)
	var pages []string
	for _, pat := range manualPages {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, m...)
	}
	update := os.Getenv("UPDATE_GOLDEN") != ""
	ran := 0
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, page)
		blocks := consoleBlocks(string(data))
		for _, b := range blocks {
			t.Run(fmt.Sprintf("%s:%d", rel, b.line), func(t *testing.T) {
				got := runConsole(t, root, b.command)
				b.got = got
				if got != b.output && !update {
					t.Errorf("%s:%d: $ %s\ngot:\n%s\nwant:\n%s(UPDATE_GOLDEN=1 go test ./cmd -run TestManualOutputs rewrites it)", rel, b.line, b.command, got, b.output)
				}
			})
			ran++
		}
		if update {
			if err := os.WriteFile(page, []byte(rewriteConsole(string(data), blocks)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ran == 0 {
		t.Error("no ```console block in the README or docs/")
	}
}

// consoleCommand is one "$ " command of a console block and its output.
type consoleCommand struct {
	line    int    // of the "$ " line, from 1
	command string // with its continuation lines
	output  string // as written, each line ending in \n
	got     string // as run
	// first and end are the lines of the output in the page: [first, end).
	first, end int
}

func consoleBlocks(page string) []*consoleCommand {
	lines := strings.Split(page, "\n")
	var out []*consoleCommand
	var cur *consoleCommand
	in := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case !in && strings.TrimSpace(l) == "```console":
			in = true
		case in && strings.TrimSpace(l) == "```":
			if cur != nil {
				cur.end = i
			}
			in, cur = false, nil
		case in && strings.HasPrefix(l, "$ "):
			if cur != nil {
				cur.end = i
			}
			cur = &consoleCommand{line: i + 1, command: strings.TrimPrefix(l, "$ ")}
			for strings.HasSuffix(cur.command, `\`) && i+1 < len(lines) {
				i++
				cur.command += "\n" + lines[i] // sh reads \ and newline as a continuation
			}
			cur.first = i + 1
			out = append(out, cur)
		case in && cur != nil:
			cur.output += l + "\n"
		}
	}
	return out
}

// rewriteConsole puts each command's output as run into the page.
func rewriteConsole(page string, cmds []*consoleCommand) string {
	lines := strings.Split(page, "\n")
	var b strings.Builder
	next := 0
	for _, c := range cmds {
		for _, l := range lines[next:c.first] {
			b.WriteString(l + "\n")
		}
		b.WriteString(c.got)
		next = c.end
	}
	b.WriteString(strings.Join(lines[next:], "\n"))
	return b.String()
}

func runConsole(t *testing.T, dir, command string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", command)
	c.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") {
			env = append(env, kv)
		}
	}
	c.Env = append(env, "NO_COLOR=1", "TERM=dumb")
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Fprintf(&out, "[exit %d]\n", ee.ExitCode())
	} else if err != nil {
		t.Fatalf("$ %s: %v", command, err)
	}
	return out.String()
}
