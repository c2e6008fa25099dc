package cmd

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// clfLine is line 2 of the corpus's gunicorn-sync-17/access.log with its
// time set to 2026-11-25T17:00:00Z plus sec seconds.
func clfLine(sec int) string {
	t := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	return `127.0.0.1 - - [` + t.Format("02/Jan/2006:15:04:05 -0700") + `] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16483> 766` + "\n"
}

// secondsLog is n lines one second apart from 17:00:00Z: the last at
// 17:00:00 + n−1 s.
func secondsLog(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(clfLine(i))
	}
	return b.String()
}

// runParsed runs skewer report -o json with args and returns lines.parsed,
// or the exit code and stderr when the run fails.
func runParsed(t *testing.T, stdin string, args ...string) (parsed int64, code int, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), append([]string{"report", "-o", "json"}, args...), IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	if code != ExitOK {
		return 0, code, errOut.String()
	}
	var doc struct {
		Lines struct {
			Parsed int64 `json:"parsed"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Lines.Parsed, code, errOut.String()
}

func TestRelativeBounds(t *testing.T) {
	dir := t.TempDir()
	// 300 lines from 17:00:00 to 17:04:59: more than the 200 lines a
	// detection sample holds, so the last line is not in the first sample.
	plain := filepath.Join(dir, "access.log")
	if err := os.WriteFile(plain, []byte(secondsLog(300)), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(secondsLog(300)))
	zw.Close()
	compressed := filepath.Join(dir, "access.log.gz")
	if err := os.WriteFile(compressed, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantParsed int64
		wantCode   int
		wantErr    string
	}{
		// last line 17:04:59; since 17:03:59: lines 239 to 299, 61 lines
		{name: "since -1m", args: []string{"--since", "-1m", plain}, wantParsed: 61},
		// until 17:03:59 (excluded): lines 0 to 238, 239 lines
		{name: "until -1m", args: []string{"--until", "-1m", plain}, wantParsed: 239},
		// since 17:02:59, until 17:03:59: lines 179 to 238, 60 lines
		{name: "since -2m until -1m", args: []string{"--since", "-2m", "--until", "-1m", plain}, wantParsed: 60},
		// absolute since 17:04:00 and relative until 17:04:49 (excluded):
		// lines 240 to 288, 49
		{name: "absolute since, relative until", args: []string{"--since", "2026-11-25T17:04:00Z", "--until", "-10s", plain}, wantParsed: 49},
		{
			name: "since not before until", args: []string{"--since", "-1m", "--until", "-2m", plain},
			wantCode: ExitError, wantErr: "skewer: --since is not before --until\n",
		},
		{
			name: "standard input", stdin: secondsLog(3), args: []string{"--since", "-1m"},
			wantCode: ExitError, wantErr: "skewer: a relative --since/--until needs files, not standard input: give an RFC 3339 time\n",
		},
		{
			name: "standard input as -", stdin: secondsLog(3), args: []string{"--until", "-1m", "-"},
			wantCode: ExitError, wantErr: "skewer: a relative --since/--until needs files, not standard input: give an RFC 3339 time\n",
		},
		{
			name: "gzip file", args: []string{"--since", "-1m", compressed},
			wantCode: ExitError, wantErr: "skewer: " + compressed + ": a relative --since/--until needs plain files, not compressed ones: give an RFC 3339 time\n",
		},
		// an absolute bound needs no last line: stdin is fine. 17:04:00
		// on: lines 240 to 299, 60
		{name: "absolute since on standard input", stdin: secondsLog(300), args: []string{"--since", "2026-11-25T17:04:00Z"}, wantParsed: 60},
		{name: "absolute since on a gzip file", args: []string{"--since", "2026-11-25T17:04:00Z", compressed}, wantParsed: 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parsed, code, stderr := runParsed(t, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if stderr != tt.wantErr {
				t.Errorf("stderr: got %q, want %q", stderr, tt.wantErr)
			}
			if parsed != tt.wantParsed {
				t.Errorf("lines.parsed: got %d, want %d", parsed, tt.wantParsed)
			}
		})
	}
}

func TestLastTime(t *testing.T) {
	f, err := parse.CompileGunicorn(`%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s %(D)s`)
	if err != nil {
		t.Fatal(err)
	}
	// 17:00:00Z + s seconds in unix µs
	want := func(s int) int64 { return time.Date(2026, 11, 25, 17, 0, s, 0, time.UTC).UnixMicro() }
	tests := []struct {
		name   string
		tail   string
		want   int64
		wantOK bool
	}{
		// the first line of a tail may be cut: its time is not read
		{name: "cut first line", tail: "00:00 +0000] junk\n" + clfLine(3) + clfLine(4), want: want(4), wantOK: true},
		{name: "no newline at the end", tail: "\n" + strings.TrimSuffix(clfLine(7), "\n"), want: want(7), wantOK: true},
		// 1000 lines: the latest is the last, far past a 200-line sample
		{name: "1000 lines", tail: "\n" + secondsLog(1000), want: want(999), wantOK: true},
		// out of order (several files, start stamps): the latest wins,
		// wherever it is
		{name: "latest in the middle", tail: "\n" + secondsLog(400) + clfLine(5000) + secondsLog(400), want: want(5000), wantOK: true},
		{name: "latest first", tail: "\n" + clfLine(5000) + secondsLog(400), want: want(5000), wantOK: true},
		{name: "blank lines", tail: "\n\n\n" + clfLine(2) + "\n\n" + clfLine(1) + "\n", want: want(2), wantOK: true},
		{name: "nothing timed", tail: "\nnot a log line\n", wantOK: false},
		{name: "only a cut line", tail: clfLine(3), wantOK: false},
		{name: "empty", tail: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := f.LastTime([]byte(tt.tail))
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("got %d %v, want %d %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestRelativeBoundsLargeFile checks a file larger than the 256 KiB tail
// that is read for its last line: 3000 lines of about 110 bytes.
func TestRelativeBoundsLargeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	log := secondsLog(3000)
	if len(log) <= 256<<10 {
		t.Fatalf("log of %d bytes: want more than 256 KiB", len(log))
	}
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	// last line at 17:00:00 + 2999 s; since −10 s: lines 2989 to 2999, 11
	parsed, code, stderr := runParsed(t, "", "--since", "-10s", path)
	if code != ExitOK {
		t.Fatalf("exit code: got %d, want 0 (stderr %q)", code, stderr)
	}
	if parsed != 11 {
		t.Errorf("lines.parsed: got %d, want 11", parsed)
	}
}
