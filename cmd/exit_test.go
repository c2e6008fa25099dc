package cmd_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/skewer-dev/skewer/cmd"
)

// Lines copied byte for byte from the corpus.
const (
	// corpus/gunicorn-sync-17/access.log lines 1-4: 16483 twice, 16480 and
	// 16467 once.
	gunicornLines = `127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "python-requests/2.28.1" pid=<16480> 632
127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16483> 766
127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "http://127.0.0.1/fast?q=home" "python-requests/2.28.1" pid=<16467> 651
127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "http://127.0.0.1/fast?q=home" "python-requests/2.28.1" pid=<16483> 653
`
	// corpus/nginx-proxy/access-pid.log lines 1-3.
	nginxLines = `127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "http://127.0.0.1/" "curl/7.88.1" pid=21643 rt=0.002 urt=0.001 uaddr=127.0.0.1:18100 msec=1795629056.866
127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "-" "kube-probe/1.28" pid=21643 rt=0.001 urt=0.001 uaddr=127.0.0.1:18100 msec=1795629056.889
127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" 200 16 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0" pid=21643 rt=0.023 urt=0.022 uaddr=127.0.0.1:18100 msec=1795629056.928
`
	// corpus/nginx-proxy/access-combined.log lines 1-3: no worker field.
	combinedLines = `127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "http://127.0.0.1/" "curl/7.88.1"
127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "-" "kube-probe/1.28"
127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" 200 16 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"
`
)

// TestRunExitCodes runs cmd.Run as main does and checks the exit code, that
// failures write nothing to stdout, and the error text.
func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	access := write("access.log", gunicornLines)
	combined := write("combined.log", combinedLines)
	famGunicorn := write("web/gunicorn.log", gunicornLines)
	famNginx := write("web/nginx.log", nginxLines)
	webDir := filepath.Dir(famGunicorn)
	missing := filepath.Join(dir, "missing.log")
	truncated := write("access.log.gz", string(truncatedGzip(t, gunicornLines)))
	// A zstd frame whose header declares a 512 MiB window (log 29), with
	// the lines in one raw block.
	block := uint32(len(gunicornLines))<<3 | 1
	bomb := write("bomb.zst", string(append([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 19 << 3,
		byte(block), byte(block >> 8), byte(block >> 16)}, gunicornLines...)))

	cancelled := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}

	tests := []struct {
		name       string
		args       []string
		stdin      string
		inTerminal bool
		ctx        func() context.Context
		wantCode   int
		// wantStderr is the exact stderr; when empty, stderrHas lists what
		// it must contain instead (and with neither, stderr must be empty).
		wantStderr string
		stderrHas  []string
		wantStdout string // a substring of stdout, for successes
	}{
		{
			name:       "ok file",
			args:       []string{"report", access},
			wantCode:   cmd.ExitOK,
			wantStdout: "inputs: 4 access lines, 4 parsed, 0 rejected (gunicorn)",
		},
		{
			name:       "ok json",
			args:       []string{"report", "-o", "json", access},
			wantCode:   cmd.ExitOK,
			wantStdout: `"schema": "skewer.report/v1"`,
		},
		{
			name:       "ok stdin not a terminal",
			args:       []string{"report"},
			stdin:      gunicornLines,
			wantCode:   cmd.ExitOK,
			wantStdout: "inputs: 4 access lines, 4 parsed, 0 rejected (gunicorn)",
		},
		{
			name:       "missing file",
			args:       []string{"report", missing},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: " + missing + ": no such file or directory\n",
		},
		{
			name:       "no args with stdin a terminal",
			args:       []string{"report"},
			inTerminal: true,
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: no input: give access log files or directories, or pipe a log into skewer (see 'skewer report --help')\n",
		},
		{
			name:       "unknown flag",
			args:       []string{"report", "--bogus", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: unknown flag: --bogus (see 'skewer report --help')\n",
		},
		{
			name:       "invalid output",
			args:       []string{"report", "-o", "xml", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --output \"xml\": want one of table, json, csv, markdown, html (see 'skewer report --help')\n",
		},
		{
			name:       "explain ok",
			args:       []string{"explain", access},
			wantCode:   cmd.ExitOK,
			wantStdout: "gunicorn (",
		},
		{
			name:       "explain missing file",
			args:       []string{"explain", missing},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: " + missing + ": no such file or directory\n",
		},
		{
			name:       "explain invalid output",
			args:       []string{"explain", "-o", "csv", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --output \"csv\": want one of table, json, markdown, html (see 'skewer explain --help')\n",
		},
		{
			name:      "explain cancelled",
			args:      []string{"explain", access},
			ctx:       cancelled,
			wantCode:  cmd.ExitInterrupted,
			stderrHas: []string{"interrupted"},
		},
		{
			name:       "invalid top",
			args:       []string{"report", "--top", "-1", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --top -1: must be 0 or more (see 'skewer report --help')\n",
		},
		{
			name:       "max reject ratio above 1",
			args:       []string{"report", "--max-reject-ratio", "2", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --max-reject-ratio 2: want a ratio from 0 to 1 (see 'skewer report --help')\n",
		},
		{
			name:     "family conflict",
			args:     []string{"report", webDir},
			wantCode: cmd.ExitError,
			wantStderr: "skewer: the inputs hold logs of 2 server families: gunicorn (" + famGunicorn + ") and nginx (" + famNginx +
				"); a run accounts one: pass --family gunicorn or --family nginx, or fewer files\n",
		},
		{
			name:       "family picked",
			args:       []string{"report", "--family", "nginx", webDir},
			wantCode:   cmd.ExitOK,
			wantStdout: "inputs: 3 access lines, 3 parsed, 0 rejected (nginx)",
		},
		{
			name:      "no worker field",
			args:      []string{"report", combined},
			wantCode:  cmd.ExitError,
			stderrHas: []string{"skewer: " + combined + ": access log without a worker field: ", "%(p)s", "$pid", "$upstream_http_x_worker_pid"},
		},
		{
			name:      "empty stdin",
			args:      []string{"report"},
			wantCode:  cmd.ExitError,
			stderrHas: []string{"skewer: no input on standard input"},
		},
		{
			// Its complete lines are read and the damage is one rejected
			// line: --strict makes it an error.
			name:     "truncated gzip, --strict",
			args:     []string{"report", "--strict", truncated},
			wantCode: cmd.ExitError,
			wantStderr: "skewer: " + truncated + ":4: compressed stream truncated (gzip stream is truncated: unexpected EOF)\n" +
				"skewer: 1 of 4 lines rejected (--strict); the first are listed above\n",
		},
		{
			name:       "zstd window over 128 MiB",
			args:       []string{"report", bomb},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: " + bomb + ": its zstd frame needs a 512 MiB window, more than the 128 MiB skewer decodes: decompress it first with zstd -d --long=31\n",
		},
		{
			name:       "baseline from a device",
			args:       []string{"check", "-t", "gini<1", "--baseline", "/dev/zero", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --baseline: /dev/zero: a character device, not a regular file (see 'skewer check --help')\n",
		},
		{
			name:       "thresholds from a device",
			args:       []string{"check", "--thresholds", "/dev/zero", access},
			wantCode:   cmd.ExitError,
			wantStderr: "skewer: --thresholds: /dev/zero: a character device, not a regular file (see 'skewer check --help')\n",
		},
		{
			name:       "cancelled before run",
			args:       []string{"report", access},
			ctx:        cancelled,
			wantCode:   cmd.ExitInterrupted,
			wantStderr: "skewer: interrupted\n",
		},
		{
			name:       "cancelled before run, json",
			args:       []string{"report", "-o", "json", access},
			ctx:        cancelled,
			wantCode:   cmd.ExitInterrupted,
			wantStderr: "skewer: interrupted\n",
		},
		{
			name:       "cancelled before run, stdin",
			args:       []string{"report"},
			stdin:      gunicornLines,
			ctx:        cancelled,
			wantCode:   cmd.ExitInterrupted,
			wantStderr: "skewer: interrupted\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			var stdout, stderr bytes.Buffer
			code := cmd.Run(ctx, tt.args, cmd.IO{
				In:         strings.NewReader(tt.stdin),
				Out:        &stdout,
				ErrOut:     &stderr,
				InTerminal: tt.inTerminal,
			})
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if tt.wantCode != cmd.ExitOK && stdout.Len() > 0 {
				t.Errorf("stdout: got %q, want nothing on failure", stdout.String())
			}
			if tt.wantStdout != "" && !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout: got %q, want it to contain %q", stdout.String(), tt.wantStdout)
			}
			switch {
			case tt.wantStderr != "":
				if got := stderr.String(); got != tt.wantStderr {
					t.Errorf("stderr: got %q, want %q", got, tt.wantStderr)
				}
			case len(tt.stderrHas) > 0:
				got := stderr.String()
				if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
					t.Errorf("stderr: got %q, want one line", got)
				}
				for _, s := range tt.stderrHas {
					if !strings.Contains(got, s) {
						t.Errorf("stderr: got %q, want it to contain %q", got, s)
					}
				}
			default:
				if stderr.Len() > 0 {
					t.Errorf("stderr: got %q, want nothing", stderr.String())
				}
			}
		})
	}
}

// truncatedGzip returns s gzipped, without the last 12 bytes (part of the
// compressed data and the whole trailer).
func truncatedGzip(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	return b[:len(b)-12]
}
