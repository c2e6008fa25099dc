package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/skewer-dev/skewer/internal/inputflags"
)

// progressLog is n nginx lines with the worker PID and request time.
func progressLog(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "10.0.0.%d - - [25/Nov/2026:17:%02d:%02d +0000] \"GET /item/%d HTTP/1.1\" 200 512 \"-\" \"curl/7.88.1\" pid=%d rt=0.0%02d\n",
			i%200, 10+i/3600%40, i/60%60, i, 3100+i%5, i%90)
	}
	return b.String()
}

// slowly writes data to w in pieces over about d, then closes w.
func slowly(w *io.PipeWriter, data string, d time.Duration) {
	const pieces = 20
	step := len(data)/pieces + 1
	for i := 0; i < len(data); i += step {
		if _, err := io.WriteString(w, data[i:min(i+step, len(data))]); err != nil {
			return
		}
		time.Sleep(d / pieces)
	}
	w.Close()
}

// screen is what a terminal shows after text: carriage returns move to the
// start of the line, CSI K and 2K erase it, other characters overwrite.
func screen(text string) string {
	lines := [][]rune{nil}
	col := 0
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		cur := &lines[len(lines)-1]
		switch r := rs[i]; {
		case r == '\r':
			col = 0
		case r == '\n':
			lines, col = append(lines, nil), 0
		case r == 0x1b && i+1 < len(rs) && rs[i+1] == '[':
			j := i + 2
			for j < len(rs) && (rs[j] < 0x40 || rs[j] > 0x7e) {
				j++
			}
			if j < len(rs) && rs[j] == 'K' {
				switch string(rs[i+2 : j]) {
				case "2":
					*cur = nil
				case "", "0":
					*cur = (*cur)[:min(col, len(*cur))]
				}
			}
			i = j
		default:
			for len(*cur) <= col {
				*cur = append(*cur, ' ')
			}
			(*cur)[col] = r
			col++
		}
	}
	var out []string
	for _, l := range lines {
		if s := strings.TrimRight(string(l), " "); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

// lowerProgressTimes makes progress show after 50 ms, drawn every tick.
func lowerProgressTimes(t *testing.T, tick time.Duration) {
	t.Cleanup(inputflags.ProgressTimes(50*time.Millisecond, tick))
}

// TestProgressOnTerminal: on a pseudo-terminal, a run that reads for longer
// than the delay shows a progress line on stderr (bytes and rate for a
// pipe; with the share and the time left for a file) and erases it at the
// end; stdout holds the report only.
func TestProgressOnTerminal(t *testing.T) {
	lowerProgressTimes(t, 2*time.Millisecond) // a file is read in a few tens of ms
	log := progressLog(100_000)
	file := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(file, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin bool
		want  []string // in the progress line
		not   []string
	}{
		{name: "pipe", args: []string{"report", "-o", "json"}, stdin: true, want: []string{"reading", "B/s"}, not: []string{"%"}},
		{name: "file", args: []string{"report", "-o", "json", "--progress=always", file}, want: []string{"reading", "%", "MB", "B/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pseudo-terminal: %v", err)
			}
			defer ptmx.Close()
			got := make(chan string)
			go func() {
				var b bytes.Buffer
				_, err := io.Copy(&b, ptmx)
				if err != nil && !errors.Is(err, os.ErrClosed) && !strings.Contains(err.Error(), "input/output error") {
					t.Errorf("reading the terminal: %v", err)
				}
				got <- b.String()
			}()
			var stdout bytes.Buffer
			s := IO{In: strings.NewReader(""), Out: &stdout, ErrOut: tty, ErrTerminal: true}
			if tt.stdin {
				pr, pw := io.Pipe()
				go slowly(pw, log, 400*time.Millisecond)
				s.In = pr
			}
			code := Run(context.Background(), tt.args, s)
			tty.Close()
			text := <-got
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the terminal got %q, want %q in it", text, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(text, w) {
					t.Errorf("the terminal got %q, want no %q in it", text, w)
				}
			}
			if left := screen(text); left != "" {
				t.Errorf("the terminal shows %q at the end, want nothing", left)
			}
			var doc map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Errorf("stdout is not the JSON report alone: %v", err)
			}
		})
	}
}

// TestProgressNotOnTerminal: stderr that is not a terminal, or
// --progress=never, gets no progress however long reading takes.
func TestProgressNotOnTerminal(t *testing.T) {
	lowerProgressTimes(t, 20*time.Millisecond)
	log := progressLog(10_000)
	tests := []struct {
		name     string
		args     []string
		terminal bool
	}{
		{name: "not a terminal", args: []string{"report", "-o", "json"}},
		{name: "never", args: []string{"report", "-o", "json", "--progress=never"}, terminal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			go slowly(pw, log, 300*time.Millisecond)
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), tt.args, IO{In: pr, Out: &stdout, ErrOut: &stderr, ErrTerminal: tt.terminal})
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr got %q, want nothing", stderr.String())
			}
		})
	}
}
