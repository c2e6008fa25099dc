package parse

import (
	"fmt"
	"strings"
	"testing"
)

// detected is what a test compares of a Detection.
type detected struct {
	Kind                     Kind
	Name, Family, Spec, Note string
	Worker                   bool
	Suggest, Why             string
}

func describe(d Detection) detected {
	out := detected{Kind: d.Kind, Suggest: d.Suggest, Why: d.Why}
	if d.Format != nil {
		out.Name, out.Family, out.Spec, out.Note = d.Format.Name, string(d.Format.Family), d.Format.Spec, d.Format.Note
		out.Worker = d.Format.HasWorker()
	}
	return out
}

const (
	whyJSON       = "JSON lines (JSON access logs are not supported yet)"
	whyGunicorn   = "gunicorn error log"
	whyNginxError = "nginx error log (holds no worker lifecycles)"
	whySnapshots  = "process snapshots"
	whyConfig     = "configuration file"
	whyUnknown    = "no line looks like an access log"
	noteMicros    = "the bare integer after the PID is read as %(D)s microseconds"
	noteBarePID   = "the bare integer column is read as $pid"
	combinedHead  = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`
	gunicornHead  = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"`
)

// TestDetectCorpusFiles detects each kind of file of the corpus from a small
// copy of its first lines.
func TestDetectCorpusFiles(t *testing.T) {
	tests := []struct {
		file string
		want detected
	}{
		{"gunicorn-pid-us.log", detected{Kind: KindAccess, Name: "gunicorn", Family: "gunicorn", Spec: corpusGunicornSync, Note: noteMicros, Worker: true}},
		{"gunicorn-gevent-rt.log", detected{Kind: KindAccess, Name: "gunicorn", Family: "gunicorn", Spec: corpusGunicornGevent, Worker: true}},
		{"nginx-pid.log", detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: corpusNginxPID, Worker: true}},
		{"nginx-combined.log", detected{Kind: KindAccess, Name: "combined", Spec: NginxCombined}},
		// nginx escape=json: the keys are found by their common names.
		{"nginx-json.log", detected{Kind: KindAccess, Name: "json", Family: "nginx", Spec: `{"pid":$pid,"msec":$msec,"request_time":$request_time,"status":$status,"request":"$request"}`, Note: "JSON keys worker=pid time=msec duration=request_time status=status request=request", Worker: true}},
		{"gunicorn-error.log", detected{Kind: KindErrorLog, Why: whyGunicorn}},
		{"nginx-error.log", detected{Kind: KindErrorLog, Why: whyNginxError}},
		{"ps-aefF.log", detected{Kind: KindSnapshots, Why: whySnapshots}},
		{"ps-aefF-sort-rss.txt", detected{Kind: KindSnapshots, Why: whySnapshots}},
		{"ps-aux.txt", detected{Kind: KindSnapshots, Why: whySnapshots}},
		{"ps-eo.log", detected{Kind: KindSnapshots, Why: whySnapshots}},
		{"nginx.conf", detected{Kind: KindConfig, Why: whyConfig}},
		{"empty.log", detected{Kind: KindEmpty, Why: "empty file"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sample := readLog(t, tt.file)
			if got := describe(Detect(sample, true)); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			// A sample cut in the middle of a line reads the same.
			if len(sample) > 200 {
				if got := describe(Detect(sample[:len(sample)-7], false)); got != tt.want {
					t.Errorf("cut sample:\ngot  %+v\nwant %+v", got, tt.want)
				}
			}
		})
	}
}

// TestDetectedFormatReadsItsFile: the format detected from a file parses
// every line of it.
func TestDetectedFormatReadsItsFile(t *testing.T) {
	for _, file := range []string{"gunicorn-pid-us.log", "gunicorn-gevent-rt.log", "nginx-pid.log", "nginx-combined.log"} {
		t.Run(file, func(t *testing.T) {
			b := readLog(t, file)
			d := Detect(b, true)
			if d.Format == nil {
				t.Fatalf("Detect: got no format (%s)", d.Why)
			}
			for _, r := range scanAll(t, d.Format, string(b)) {
				if r.Reason != ReasonNone {
					t.Errorf("line %d: got reason %q, want none", r.Line, r.Reason)
				}
			}
		})
	}
}

// nginxLines makes n combined lines followed by tail(i).
func nginxLines(n int, tail func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `127.0.0.1 - - [25/Nov/2026:17:50:%02d +0000] "GET /sleep HTTP/1.1" 200 16 "-" "curl/7.88.1"`, i%60)
		if s := tail(i); s != "" {
			b.WriteString(" " + s)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDetectSynthetic(t *testing.T) {
	gunicornErrors := string(readLog(t, "gunicorn-error.log"))
	traceback := gunicornErrors[strings.Index(gunicornErrors, "[2026-11-25 17:28:54,100]"):]
	tests := []struct {
		name, sample string
		want         detected
	}{
		{"bare integer pid column", nginxLines(12, func(i int) string { return fmt.Sprintf("%d 0.0%02d", 21643+i%3, i) }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` $pid $request_time`, Note: noteBarePID, Worker: true}},
		{"two bare integer columns", nginxLines(12, func(i int) string { return fmt.Sprintf("%d %d", 21643+i%3, 100+i) }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` $pid $request_length`,
				Suggest: combinedHead + ` $pid $request_length`}},
		{"one bare integer column of many values", nginxLines(12, func(i int) string { return fmt.Sprintf("%d", 1000+i) }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` $pid`, Suggest: combinedHead + ` $pid`}},
		{"bare integer column of ones", nginxLines(12, func(i int) string { return "1" }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` $pid`, Suggest: combinedHead + ` $pid`}},
		{"too few lines to tell a pid column", nginxLines(3, func(i int) string { return "21643" }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` $pid`, Suggest: combinedHead + ` $pid`}},
		{"gunicorn status without a pid", strings.ReplaceAll(nginxLines(6, func(i int) string { return fmt.Sprintf("%d %d", 21637, 600+i) }), " 200 ", " b'200 OK' "),
			detected{Kind: KindAccess, Name: "gunicorn", Family: "gunicorn", Spec: gunicornHead + ` %(p)s %(D)s`, Note: noteMicros,
				Suggest: gunicornHead + ` %(p)s %(D)s`}},
		{"keyed worker", nginxLines(4, func(i int) string { return fmt.Sprintf("worker=%d rt=0.1", 21643+i) }),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: combinedHead + ` worker=$pid rt=$request_time`, Worker: true}},
		{"gunicorn pid in brackets, bare", strings.ReplaceAll(nginxLines(4, func(i int) string { return "<16480> 0.5" }), " 200 ", " 200 "),
			detected{Kind: KindAccess, Name: "gunicorn", Family: "gunicorn", Spec: gunicornHead + ` %(p)s %(L)s`, Worker: true}},
		{"common layout", "::1 - - [25/Nov/2026:17:50:56 +0000] \"GET / HTTP/1.1\" 200 3\n2001:db8::1 - bob [25/Nov/2026:17:50:57 +0000] \"GET /x HTTP/1.1\" 404 0\n",
			detected{Kind: KindAccess, Name: "common", Spec: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`}},
		{"CRLF", strings.ReplaceAll(string(readLog(t, "nginx-pid.log")), "\n", "\r\n"),
			detected{Kind: KindAccess, Name: "nginx", Family: "nginx", Spec: corpusNginxPID, Worker: true}},
		{"access lines among other lines", "starting\n" + string(readLog(t, "gunicorn-pid-us.log")) + "stopping\nbye\n",
			detected{Kind: KindAccess, Name: "gunicorn", Family: "gunicorn", Spec: corpusGunicornSync, Note: noteMicros, Worker: true}},
		{"Flask tracebacks after one gunicorn line", "[2026-11-25 17:28:39 +0000] [16464] [INFO] Starting gunicorn 20.1.0\n" + traceback,
			detected{Kind: KindErrorLog, Why: whyGunicorn}},
		{"Flask tracebacks only", traceback, detected{Kind: KindErrorLog, Why: "application error log (tracebacks)"}},
		{"gunicorn error log west of UTC", "[2026-11-25 12:28:39 -0500] [16464] [INFO] Starting gunicorn 20.1.0\n",
			detected{Kind: KindErrorLog, Why: whyGunicorn}},
		{"gunicorn error log cut short", "[2026-11-25 12:28:39 -05", detected{Kind: KindUnknown, Why: whyUnknown}},
		{"blank lines only", "\n \r\n\t\n", detected{Kind: KindEmpty, Why: "empty file"}},
		{"prose", "hello\nworld\n", detected{Kind: KindUnknown, Why: whyUnknown}},
		{"skewer sample", "# skewer-sample v1\n1 2 3\n", detected{Kind: KindSnapshots, Why: whySnapshots}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect([]byte(tt.sample), true)
			if got := describe(d); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if d.Suggest != "" {
				f, err := CompileLogFormat(d.Suggest)
				if err != nil || !f.HasWorker() {
					t.Errorf("Suggest %q: got error %v, worker %v; want a format with a worker", d.Suggest, err, err == nil && f.HasWorker())
				}
			}
		})
	}
}

// TestDetectBareIntegerPIDReads: the format detected from a bare PID column
// reads the PIDs and request times of the lines.
func TestDetectBareIntegerPIDReads(t *testing.T) {
	sample := nginxLines(12, func(i int) string { return fmt.Sprintf("%d 0.0%02d", 21643+i%3, i) })
	d := Detect([]byte(sample), true)
	if d.Format == nil {
		t.Fatalf("Detect: got no format (%s)", d.Why)
	}
	for i, r := range scanAll(t, d.Format, sample) {
		want := ok(fmt.Sprint(21643+i%3), 200, int64(i)*1000, at(2026, 11, 25, 17, 50, i%60, 0), "/sleep")
		if r.got != want {
			t.Errorf("line %d:\ngot  %+v\nwant %+v", r.Line, r.got, want)
		}
	}
}

func TestIsGunicornErrorLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"[2026-11-25 17:28:39 +0000] [16464] [INFO] Starting gunicorn 20.1.0", true},
		{"[2026-11-25 12:28:39 -0500] [16464] [INFO] Starting gunicorn 20.1.0", true},
		{"[2026-11-25 17:28:39 +0000] [16464]", true},
		{"[2026-11-25 17:28:54,100] ERROR in app: Exception on /error [GET]", false},
		{"[2026-11-25 17:28:39 +0000]", false},
		{"[2026-11-25 17:28:39 +0", false},
		{"[2026-11-25 17:28:39 +0000 [16464] [INFO] x", false},
		{"[2026-13-25 17:28:39 +0000] [16464] [INFO] x", false},
		{"2026/11/25 17:50:43 [notice] 21641#21641: nginx/1.22.1", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			// A slice without spare capacity: reading past the line panics.
			l := []byte(tt.line)
			if got := isGunicornErrorLine(l[:len(l):len(l)]); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDetectStatusBytesAnyLine: gevent_pywsgi under gunicorn 20.1 logs
// b'200 OK', and `socket` for a client that went away. A sample that
// starts with a `socket` line still says the statuses are bytes. The lines
// are real (corpus nginx-proxy/gunicorn-access.log lines 6722 and 1-3).
func TestDetectStatusBytesAnyLine(t *testing.T) {
	lines := []string{
		`127.0.0.1 - - [25/Nov/2026:17:54:57 +0000] "GET /sleep HTTP/1.1" socket 108 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36" pid=<21637> rt=0.041444`,
		`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" b'200 OK' 118 "http://127.0.0.1/" "curl/7.88.1" pid=<21637> rt=0.000613`,
		`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" b'200 OK' 118 "-" "kube-probe/1.28" pid=<21637> rt=0.000461`,
		`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" b'200 OK' 124 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0" pid=<21637> rt=0.022072`,
	}
	for _, first := range []int{0, 1} {
		order := append([]string{lines[first]}, append(append([]string{}, lines[:first]...), lines[first+1:]...)...)
		d := Detect([]byte(strings.Join(order, "\n")+"\n"), true)
		if d.Format == nil {
			t.Fatalf("first line %d: got no format (%s)", first, d.Why)
		}
		if !d.StatusBytes {
			t.Errorf("first line %d: StatusBytes: got false, want true", first)
		}
	}
}
