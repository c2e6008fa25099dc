package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestREADMEExamples runs the `skewer report`, `timeline` and `check`
// commands of the code blocks of README.md and docs/*.md whose inputs are
// the demo logs under testdata/, and wants exit 0, so that the manual cannot
// drift from the tool. Commands that read standard input, redirect, expand
// variables or name paths outside testdata/ are illustrative: they are not
// run, but their flags must still parse. ```console blocks, whose output is
// written out, are TestManualOutputs'.
func TestREADMEExamples(t *testing.T) {
	root := testutil.ModuleRoot(t)
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root) // the examples name paths from the module root
	ran, found := 0, 0
	for _, page := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(root, page)
		examples := readmeCommands(string(text))
		found += len(examples)
		for _, ex := range examples {
			t.Run(fmt.Sprintf("%s:%d", name, ex.line), func(t *testing.T) {
				t.Logf("%s", ex.text)
				args, skip, err := runnableArgs(ex.text)
				if err != nil {
					t.Fatalf("%s:%d: %v", name, ex.line, err)
				}
				if skip != "" {
					t.Skipf("illustrative, not run: %s", skip)
				}
				ran++
				var out, errOut bytes.Buffer
				code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
				if code != ExitOK {
					t.Fatalf("%s:%d: exit code %d, want %d; stderr:\n%s", name, ex.line, code, ExitOK, errOut.String())
				}
				if out.Len() == 0 {
					t.Errorf("%s:%d: no output", name, ex.line)
				}
			})
		}
	}
	if ran == 0 {
		t.Errorf("ran no manual example (found %d skewer command lines): the examples on testdata/logs/demo/ are missing", found)
	}
}

// readmeExample is a `skewer report` command from a README code block.
type readmeExample struct {
	line int    // line number in README.md, from 1
	text string // the command, without a "$ " prompt; continuation lines joined
}

// readmeCommandNames are the commands whose README examples run as tests.
var readmeCommandNames = []string{"report", "timeline", "check"}

func isReadmeCommand(s string) bool {
	for _, c := range readmeCommandNames {
		if s == "skewer "+c || strings.HasPrefix(s, "skewer "+c+" ") {
			return true
		}
	}
	return false
}

// readmeCommands returns the lines of fenced code blocks, other than
// ```console ones, that start with `skewer report`, `skewer timeline` or
// `skewer check` (or `$ skewer ...`).
func readmeCommands(readme string) []readmeExample {
	var out []readmeExample
	lines := strings.Split(readme, "\n")
	inBlock, console := false, false
	for i := 0; i < len(lines); i++ {
		s := strings.TrimSpace(lines[i])
		if strings.HasPrefix(s, "```") || strings.HasPrefix(s, "~~~") {
			inBlock = !inBlock
			console = inBlock && s == "```console"
			continue
		}
		if !inBlock || console {
			continue
		}
		s = strings.TrimPrefix(s, "$ ")
		if !isReadmeCommand(s) {
			continue
		}
		ex := readmeExample{line: i + 1, text: s}
		for strings.HasSuffix(ex.text, `\`) && i+1 < len(lines) {
			i++
			ex.text = strings.TrimSuffix(ex.text, `\`) + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, ex)
	}
	return out
}

// runnableArgs splits a README command and returns the arguments after
// "skewer" when the command reads only files under testdata/, or the reason
// it is not run. An unknown command or flag is an error either way.
func runnableArgs(command string) (args []string, skip string, err error) {
	words, stop, err := splitShell(command)
	if err != nil {
		return nil, "", err
	}
	var expanded []string
	for _, w := range words {
		if !w.glob {
			expanded = append(expanded, w.text)
			continue
		}
		m, err := filepath.Glob(w.text)
		if err != nil || len(m) == 0 {
			expanded = append(expanded, w.text) // as a shell leaves an unmatched pattern
			continue
		}
		expanded = append(expanded, m...)
	}
	args = expanded[1:] // expanded[0] is "skewer"
	root := newRootCmd(IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	sub, rest, err := root.Find(args)
	if err != nil {
		return nil, "", fmt.Errorf("%q: %w", command, err)
	}
	if err := sub.ParseFlags(rest); err != nil {
		return nil, "", fmt.Errorf("%q: %w", command, err)
	}
	if stop != "" {
		return nil, stop, nil
	}
	paths := sub.Flags().Args()
	if len(paths) == 0 || slices.Contains(paths, "-") {
		return nil, "reads standard input", nil
	}
	for _, p := range paths {
		c := filepath.Clean(p)
		if filepath.IsAbs(c) || c != "testdata" && !strings.HasPrefix(c, "testdata"+string(filepath.Separator)) {
			return nil, fmt.Sprintf("%s is outside testdata/", p), nil
		}
	}
	return args, "", nil
}

// shellWord is a word of a command line; glob reports an unquoted *, ? or [.
type shellWord struct {
	text string
	glob bool
}

// splitShell splits a command line into words as a POSIX shell does, for
// the subset that README examples use: blanks, 'single' and "double" quotes,
// backslash escapes and # comments. It stops at the first unquoted |, &, ;,
// < or >, or at a $ expansion, and says why in stop.
func splitShell(line string) (words []shellWord, stop string, err error) {
	var cur strings.Builder
	inWord, glob := false, false
	flush := func() {
		if inWord {
			words = append(words, shellWord{cur.String(), glob})
		}
		cur.Reset()
		inWord, glob = false, false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == '#' && !inWord:
			flush()
			return words, "", nil
		case strings.IndexByte("|&;<>", c) >= 0:
			flush()
			return words, fmt.Sprintf("shell operator %q", c), nil
		case c == '$':
			flush()
			return words, "shell expansion", nil
		case c == '\\':
			if i+1 == len(line) {
				return nil, "", fmt.Errorf("%q: trailing backslash", line)
			}
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, "", fmt.Errorf("%q: unclosed single quote", line)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += 1 + end
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				switch {
				case line[i] == '$' || line[i] == '`':
					flush()
					return words, "shell expansion", nil
				case line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0:
					i++
				}
				cur.WriteByte(line[i])
			}
			if i == len(line) {
				return nil, "", fmt.Errorf("%q: unclosed double quote", line)
			}
			inWord = true
		default:
			if strings.IndexByte("*?[", c) >= 0 {
				glob = true
			}
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, "", nil
}

func TestSplitShell(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		words []string
		stop  string
		err   string
	}{
		{name: "plain", line: "skewer report  --top 5 a.log", words: []string{"skewer", "report", "--top", "5", "a.log"}},
		{name: "single quotes keep everything", line: `skewer report --log-format '%(h)s "%(r)s" $pid \x'`,
			words: []string{"skewer", "report", "--log-format", `%(h)s "%(r)s" $pid \x`}},
		{name: "double quotes", line: `a "b c" "d\"e" "f\g"`, words: []string{"a", "b c", `d"e`, `f\g`}},
		{name: "empty quotes are a word", line: `a '' ""`, words: []string{"a", "", ""}},
		{name: "quotes join a word", line: `--exclude-path='/static/*'x`, words: []string{"--exclude-path=/static/*x"}},
		{name: "backslash", line: `a\ b c`, words: []string{"a b", "c"}},
		{name: "comment", line: "skewer report a.log  # note", words: []string{"skewer", "report", "a.log"}},
		{name: "hash inside a word", line: "a#b", words: []string{"a#b"}},
		{name: "pipe", line: "skewer report a.log | head", words: []string{"skewer", "report", "a.log"}, stop: `shell operator '|'`},
		{name: "redirect", line: "skewer report -o json a.log > r.json", words: []string{"skewer", "report", "-o", "json", "a.log"}, stop: `shell operator '>'`},
		{name: "variable", line: "skewer report $LOG", words: []string{"skewer", "report"}, stop: "shell expansion"},
		{name: "variable in double quotes", line: `skewer report "$LOG"`, words: []string{"skewer", "report"}, stop: "shell expansion"},
		{name: "unclosed single", line: "a 'b", err: `"a 'b": unclosed single quote`},
		{name: "unclosed double", line: `a "b`, err: `"a \"b": unclosed double quote`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, stop, err := splitShell(tt.line)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range words {
				got = append(got, w.text)
			}
			if !slices.Equal(got, tt.words) {
				t.Errorf("got words %q, want %q", got, tt.words)
			}
			if stop != tt.stop {
				t.Errorf("got stop %q, want %q", stop, tt.stop)
			}
		})
	}
}

func TestReadmeCommands(t *testing.T) {
	readme := "text\nskewer report not-in-a-block\n```\n$ skewer report a.log\n  skewer report --top 3 \\\n    b.log\nskewer reporter x\ngo install x\n```\n```sh\nskewer report\n```\n"
	want := []readmeExample{
		{line: 4, text: "skewer report a.log"},
		{line: 5, text: "skewer report --top 3  b.log"},
		{line: 11, text: "skewer report"},
	}
	if got := readmeCommands(readme); !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
