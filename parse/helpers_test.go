package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// got is what a test compares of a parsed line: the record's public fields,
// copied so that they outlive the Reader.
type got struct {
	Reason    Reason
	Worker    string
	Status    int
	Duration  int64
	Time      int64
	HasTime   bool
	SubSecond bool
	Path      string
}

// view copies the fields of rec that tests compare.
func view(reason Reason, rec *Record) got {
	g := got{Reason: reason}
	if reason != ReasonNone {
		return g
	}
	g.Worker = string(rec.Worker)
	g.Status = rec.Status
	g.Duration = rec.Duration
	g.Time, g.HasTime, g.SubSecond = rec.Time, rec.HasTime, rec.SubSecond
	g.Path = string(rec.Path())
	return g
}

// scanOne reads line, which holds one line without its ending, through a
// Reader of format f.
func scanOne(t *testing.T, f *Format, line string) got {
	t.Helper()
	r := NewReader(strings.NewReader(line), f)
	if !r.Scan() {
		t.Fatalf("Scan of %q: got false, want a line (err %v)", line, r.Err())
	}
	g := view(r.Reason(), r.Record())
	if r.Scan() {
		t.Fatalf("Scan of %q: got a second line %q, want one line", line, r.Text())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err: got %v, want nil", err)
	}
	return g
}

// lineResult is one line of a scan: its number, its reason, and its record.
type lineResult struct {
	Line int64
	got
}

// scanAll reads input through a Reader of format f and returns every line.
func scanAll(t testing.TB, f *Format, input string) []lineResult {
	t.Helper()
	r := NewReader(strings.NewReader(input), f)
	var out []lineResult
	for r.Scan() {
		out = append(out, lineResult{Line: r.Line(), got: view(r.Reason(), r.Record())})
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err: got %v, want nil", err)
	}
	return out
}

// at returns the unix microseconds of a UTC civil time, computed with the
// standard library so that expected times do not come from the code under
// test.
func at(y int, mo time.Month, d, h, mi, s, us int) int64 {
	return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC).UnixMicro()
}

// ok is a successfully parsed line.
func ok(worker string, status int, dur int64, tm int64, path string) got {
	return got{Worker: worker, Status: status, Duration: dur, Time: tm, HasTime: tm != 0, Path: path}
}

// rejected is a line rejected for reason.
func rejected(reason Reason) got { return got{Reason: reason} }

func mustGunicorn(t testing.TB, spec string) *Format {
	t.Helper()
	f, err := CompileGunicorn(spec)
	if err != nil {
		t.Fatalf("CompileGunicorn(%q): got error %v, want nil", spec, err)
	}
	return f
}

func mustNginx(t testing.TB, spec string) *Format {
	t.Helper()
	f, err := CompileNginx(spec)
	if err != nil {
		t.Fatalf("CompileNginx(%q): got error %v, want nil", spec, err)
	}
	return f
}

// readLog returns a file of testdata/logs.
func readLog(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstLine returns the first line of a file of testdata/logs, without its
// newline.
func firstLine(t testing.TB, name string) string {
	t.Helper()
	s := string(readLog(t, name))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Format strings of the corpus, as the servers were configured (see
// ../shared/corpus/*/gunicorn-command.txt and nginx.conf).
const (
	corpusGunicornSync   = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s %(D)s`
	corpusGunicornGevent = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s rt=%(L)s`
	corpusNginxPID       = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" pid=$pid rt=$request_time urt=$upstream_response_time uaddr=$upstream_addr msec=$msec`
)
