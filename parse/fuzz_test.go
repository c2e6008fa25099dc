package parse

import (
	"bufio"
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

var knownReasons = map[Reason]bool{
	ReasonNone: true, ReasonBlank: true, ReasonTooLong: true, ReasonNoMatch: true,
	ReasonBadTime: true, ReasonBadStatus: true, ReasonBadPID: true, ReasonBadDur: true,
	ReasonLongDur: true, ReasonFarTime: true,
}

var scanBuffers = sync.Pool{New: func() any { return NewBufferedReader(nil) }}

var (
	minTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro() - 86400e6
	maxTime = int64(1e18) // $msec of up to 10^12 seconds
)

// checkScan reads data with f and checks what must hold of every line,
// whatever the bytes: the scan ends, every line is counted once with its
// number, and a parsed record holds only well-formed values.
func checkScan(t *testing.T, f *Format, data []byte) {
	t.Helper()
	// Reuse the Reader's 1 MiB buffer: allocating it on every call slows
	// the fuzzer down to a crawl.
	br := scanBuffers.Get().(*bufio.Reader)
	defer scanBuffers.Put(br)
	br.Reset(bytes.NewReader(data))
	r := NewReader(br, f)
	var n int64
	for r.Scan() {
		n++
		if r.Line() != n {
			t.Fatalf("%s: Line: got %d, want %d", f.Spec, r.Line(), n)
		}
		checkRecord(t, f, r.Text(), r.Reason(), r.Record())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: Err: got %v, want nil", f.Spec, err)
	}
	want := int64(bytes.Count(data, []byte("\n")))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		want++
	}
	if n != want {
		t.Fatalf("%s: lines: got %d, want %d", f.Spec, n, want)
	}
}

func checkRecord(t *testing.T, f *Format, text []byte, reason Reason, rec *Record) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\non %q: "+format, append([]any{f.Spec, text}, args...)...)
	}
	if !knownReasons[reason] {
		fail("unknown reason %q", reason)
	}
	// Only one "\r" is taken as part of the line ending: "x\r\r\n" is "x\r".
	if bytes.IndexByte(text, '\n') >= 0 {
		fail("Text holds a newline")
	}
	if reason != ReasonNone {
		return
	}
	if len(rec.Worker) > 10 {
		fail("Worker %q: longer than 10 digits", rec.Worker)
	}
	for _, c := range rec.Worker {
		if c < '0' || c > '9' {
			fail("Worker %q: not all digits", rec.Worker)
		}
	}
	if len(rec.Worker) > 0 && !f.HasWorker() {
		fail("Worker %q from a format without a worker", rec.Worker)
	}
	if rec.Duration < -1 {
		fail("Duration %d < -1", rec.Duration)
	}
	if rec.Duration != -1 && !f.HasDuration() {
		fail("Duration %d from a format without a duration", rec.Duration)
	}
	if rec.Status < 0 || rec.Status > 999 {
		fail("Status %d: not 0 to 999", rec.Status)
	}
	if rec.HasTime != f.HasTime() {
		fail("HasTime %v from a format with HasTime %v", rec.HasTime, f.HasTime())
	}
	if !rec.HasTime && rec.Time != 0 {
		fail("Time %d without HasTime", rec.Time)
	}
	if rec.HasTime && (rec.Time < minTime || rec.Time > maxTime) {
		fail("Time %d out of range", rec.Time)
	}
	if rec.SubSecond && !rec.HasTime || f.SubSecond() && !rec.SubSecond {
		fail("SubSecond %v, HasTime %v, format SubSecond %v", rec.SubSecond, rec.HasTime, f.SubSecond())
	}
	if p := rec.Path(); bytes.IndexByte(p, '?') >= 0 || !bytes.Contains(text, p) {
		fail("Path %q: has a query, or is not in the line", p)
	}
}

// addLines adds every line of the testdata/logs files as a seed.
func addLines(f *testing.F, files ...string) {
	for _, name := range files {
		for _, line := range strings.SplitAfter(string(readLog(f, name)), "\n") {
			if line != "" {
				f.Add([]byte(line))
			}
		}
	}
}

func FuzzGunicornLine(f *testing.F) {
	addLines(f, "gunicorn-pid-us.log", "gunicorn-gevent-rt.log")
	for _, s := range []string{
		`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "Mozilla/5.0 "quoted" x" pid=<16480> 632`,
		`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "a" "b" pid=<1> 2" pid=<16480> 632`,
		`::1 - - [25/Nov/2026:17:28:53 +0000] "GET /a"b HTTP/1.1" b'500 INTERNAL SERVER ERROR' None "-" "-" pid=<16480> rt=0.1`,
		`127.0.0.1 - - [25/Nov/2026:17:57:32 +0000] "GET /sleep HTTP/1.1" socket 108 "-" "Go-http-client/1.1" pid=<21634> rt=0.021807`,
		"127.0.0.1 - - [31/Feb/2026:17:28:53 +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"-\" pid=<16480> 632\r\n\r\n",
		`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "-" pid=<16480> 999999999999999999`,
		`"x" 5 y" - 200`,
		`<16480> 10000000000000000`,
	} {
		f.Add([]byte(s))
	}
	formats := []*Format{
		mustGunicorn(f, corpusGunicornSync),
		mustGunicorn(f, corpusGunicornGevent),
		mustGunicorn(f, `%(h)s %(t)s "%(r)s" %(s)s %(B)s "%({x-worker-pid}o)s" %(p)s%(M)s %(T)s %(U)s`),
		mustGunicorn(f, `"%(a)s" %(D)s %(s)s`),
		mustGunicorn(f, `%(p)s %(M)s`),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
	})
}

func FuzzNginxLine(f *testing.F) {
	addLines(f, "nginx-pid.log", "nginx-combined.log")
	for _, s := range []string{
		`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "-" "Mozilla/5.0 \x22quoted\x22" pid=21643 rt=0.002 urt=- uaddr=- msec=1795629056.866`,
		`2001:db8::1 - - [25/Nov/2026:17:50:56 +0000] "\x16\x03\x01" 400 0 "-" "-" pid=- rt=- urt=- uaddr=- msec=1795629056.866`,
		`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" 200 16 "-" "curl/7.88.1" 21643 0.023`,
		`10.0.0.1 [2026-11-25T12:50:56.25-05:00] "GET /a?b HTTP/1.1" 404 21643 0.5`,
		`1795629056.866 [25/Nov/2026:17:50:56 +0000] 21643`,
		"25/Nov/2026:17:50:56 +000021643 200/api/v1?x=1\r\n",
	} {
		f.Add([]byte(s))
	}
	formats := []*Format{
		mustNginx(f, corpusNginxPID),
		mustNginx(f, NginxCombined+` $pid $request_time`),
		mustNginx(f, `$remote_addr [$time_iso8601] "$request" $status $pid $request_time`),
		mustNginx(f, `$msec [$time_local] $pid`),
		mustNginx(f, `$time_local$pid $status$request_uri`),
		mustNginx(f, `${remote_addr} $uri ${status} ${pid}:${request_time}s "$upstream_http_x_worker_pid"`),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, name := range []string{"gunicorn-pid-us.log", "gunicorn-gevent-rt.log", "nginx-pid.log", "nginx-combined.log",
		"nginx-json.log", "gunicorn-error.log", "nginx-error.log", "ps-aefF.log", "ps-aux.txt", "ps-eo.log", "nginx.conf"} {
		b := readLog(f, name)
		f.Add(b, true)
		f.Add(b[:len(b)/2], false)
	}
	f.Add([]byte(nginxLines(12, func(i int) string { return "2164" + string(rune('3'+i%3)) + " 0.023" })), true)
	f.Add([]byte(nginxLines(6, func(i int) string { return "123 45" + string(rune('0'+i)) })), true)
	f.Add([]byte("[2026-11-25 12:28:39 -05"), true)
	f.Add([]byte("[2026-11-25 12:28:39 -0500] [16464] [INFO] Starting gunicorn 20.1.0\n"), true)
	f.Fuzz(func(t *testing.T, sample []byte, atEOF bool) {
		d := Detect(sample, atEOF)
		switch d.Kind {
		case KindAccess:
			if d.Format == nil {
				t.Fatalf("Kind %s without a Format", d.Kind)
			}
			if d.Format.custom != nil {
				// JSON and uWSGI formats are not format strings: their
				// Spec describes them.
				break
			}
			g, err := CompileLogFormat(d.Format.Spec)
			if err != nil {
				t.Fatalf("Spec %q does not compile: %v", d.Format.Spec, err)
			}
			if d.Suggest == "" && g.HasWorker() != d.Format.HasWorker() {
				t.Fatalf("Spec %q: HasWorker %v, recompiled %v", d.Format.Spec, d.Format.HasWorker(), g.HasWorker())
			}
			if d.Suggest != "" {
				s, err := CompileLogFormat(d.Suggest)
				if err != nil || !s.HasWorker() || d.Format.HasWorker() {
					t.Fatalf("Suggest %q: error %v; want a format with a worker, and a detected format without one", d.Suggest, err)
				}
			}
			checkScan(t, d.Format, sample)
		case KindErrorLog, KindSnapshots, KindConfig, KindJSON, KindEmpty, KindUnknown:
			if d.Format != nil || d.Why == "" || d.Suggest != "" {
				t.Fatalf("Kind %s: got Format %v, Why %q, Suggest %q; want no format, a why, no suggestion", d.Kind, d.Format != nil, d.Why, d.Suggest)
			}
		default:
			t.Fatalf("unknown Kind %q", d.Kind)
		}
	})
}

func FuzzCompileLogFormat(f *testing.F) {
	for _, s := range []struct{ spec, line string }{
		{corpusGunicornSync, firstLine(f, "gunicorn-pid-us.log")},
		{corpusGunicornGevent, firstLine(f, "gunicorn-gevent-rt.log")},
		{corpusNginxPID, firstLine(f, "nginx-pid.log")},
		{NginxCombined, firstLine(f, "nginx-combined.log")},
		{GunicornDefault, `127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1"`},
		{`%(p)s%(D)s`, `<16480>632`},
		{`$pid$request_time`, `211230.005`},
		{`${pid}${request_uri}`, `21643/a?b`},
		{`%({x-worker-pid}o)s %(p)10s %%`, `21637 <21637> %`},
		{`$time_local$status$request`, `25/Nov/2026:17:50:56 +0000200GET / HTTP/1.1`},
	} {
		f.Add(s.spec, []byte(s.line))
	}
	f.Fuzz(func(t *testing.T, spec string, line []byte) {
		fm, err := CompileLogFormat(spec)
		if err != nil {
			if msg := err.Error(); msg == "" || !strings.Contains(msg, `"`) {
				t.Fatalf("error %q does not quote the format", msg)
			}
			return
		}
		known := fm.Family == "gunicorn" || fm.Family == "nginx" || fm.Family == "apache" || fm.Family == "phpfpm"
		if fm.Spec != spec || string(fm.Family) != fm.Name || !known {
			t.Fatalf("Spec, Name, Family: got %q, %q, %q", fm.Spec, fm.Name, fm.Family)
		}
		checkScan(t, fm, line)
	})
}

// FuzzParseTime checks the hand-written time parsers against the standard
// library: whatever they accept, time.Parse reads as the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"25/Nov/2026:17:14:54 +0000", "29/Feb/2024:23:59:59 -0130", "31/Feb/2026:00:00:00 +0000",
		"2026-11-25T17:50:56+00:00", "2026-11-25 17:50:56.866Z", "2026-11-25T23:20:56,5+0530",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if us, ok := parseCLF([]byte(s)); ok && s[18:20] != "60" {
			tm, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
			if err != nil {
				t.Fatalf("parseCLF(%q) = %d, but time.Parse: %v", s, us, err)
			}
			if tm.UnixMicro() != us {
				t.Fatalf("parseCLF(%q): got %d, time.Parse %d", s, us, tm.UnixMicro())
			}
		}
		if us, _, ok := parseISO([]byte(s)); ok && s[17:19] != "60" {
			// time.Parse wants a T, and Z or a zone with a colon.
			norm := []byte(s)
			norm[10] = 'T'
			layout := "2006-01-02T15:04:05Z07:00"
			if z := norm[len(norm)-5:]; len(norm) >= 24 && (z[0] == '+' || z[0] == '-') {
				layout = "2006-01-02T15:04:05Z0700"
			}
			if norm[len(norm)-1] == 'z' {
				norm[len(norm)-1] = 'Z'
			}
			tm, err := time.Parse(layout, string(norm))
			if err != nil {
				t.Fatalf("parseISO(%q) = %d, but time.Parse(%q): %v", s, us, norm, err)
			}
			if tm.UnixMicro() != us {
				t.Fatalf("parseISO(%q): got %d, time.Parse %d", s, us, tm.UnixMicro())
			}
		}
	})
}
