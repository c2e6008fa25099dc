package parse

import (
	"strings"
	"testing"
)

const knownAtoms = "(known: h l u t r m U q H s B b f a T D L M p {header}i {header}o {var}e)"

func TestCompileGunicornErrors(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"unknown atom", `%(h)s %(x)s`, `gunicorn format "%(h)s %(x)s": unknown atom %(x)s ` + knownAtoms},
		{"empty header name", `%(h)s %({}i)s`, `gunicorn format "%(h)s %({}i)s": unknown atom %({}i)s ` + knownAtoms},
		{"header with unknown suffix", `%({x-worker-pid}z)s`, `gunicorn format "%({x-worker-pid}z)s": unknown atom %({x-worker-pid}z)s ` + knownAtoms},
		{"percent at the end", `%(h)s %`, `gunicorn format "%(h)s %": % at offset 6 is not followed by (name)s`},
		{"printf verb", `%(h)s %d`, `gunicorn format "%(h)s %d": % at offset 6 is not followed by (name)s`},
		{"unclosed atom", `%(h)s %(p`, `gunicorn format "%(h)s %(p": unclosed %( at offset 6`},
		{"no conversion letter", `%(h)s %(p)`, `gunicorn format "%(h)s %(p)": %(p) has no conversion letter such as s`},
		{"bad conversion letter", `%(h)s %(p)x`, `gunicorn format "%(h)s %(p)x": %(p) has no conversion letter such as s`},
		{"no atoms", `no atoms here`, `format "no atoms here" has no fields`},
		{"escaped percent only", `%%(p)s`, `format "%%(p)s" has no fields`},
		{"empty", ``, `format "" has no fields`},
		{"run of free text", `%(h)s%(l)s`, `format "%(h)s%(l)s": h is directly followed by l with nothing between them, so their values cannot be told apart`},
		{"run of two numbers", `%(s)s%(b)s`, `format "%(s)s%(b)s": s is directly followed by b with nothing between them, so their values cannot be told apart`},
		{"run of duration and pid", `%(D)s%(p)s`, `format "%(D)s%(p)s": D is directly followed by p with nothing between them, so their values cannot be told apart`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileGunicorn(tt.spec)
			if err == nil {
				t.Fatalf("CompileGunicorn(%q): got a format with %d fields, want error %q", tt.spec, len(f.fields), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("CompileGunicorn(%q):\ngot  %s\nwant %s", tt.spec, err, tt.want)
			}
		})
	}
}

func TestCompileGunicornFlags(t *testing.T) {
	tests := []struct {
		name, spec                           string
		worker, duration, hasTime, subSecond bool
	}{
		{"default format", GunicornDefault, false, false, true, false},
		{"corpus sync", corpusGunicornSync, true, true, true, false},
		{"corpus gevent", corpusGunicornGevent, true, true, true, false},
		{"pid only", `%(p)s`, true, false, false, false},
		{"milliseconds", `%(p)s %(M)s`, true, true, false, false},
		{"whole seconds", `%(p)s %(T)s`, true, true, false, false},
		{"width and d conversion", `%(p)10s %(D)d`, true, true, false, false},
		{"escaped percent", `100%% %(p)s`, true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustGunicorn(t, tt.spec)
			if f.Name != "gunicorn" || f.Family != "gunicorn" || f.Spec != tt.spec {
				t.Errorf("Name, Family, Spec: got %q, %q, %q, want gunicorn, gunicorn, %q", f.Name, f.Family, f.Spec, tt.spec)
			}
			if got := f.HasWorker(); got != tt.worker {
				t.Errorf("HasWorker: got %v, want %v", got, tt.worker)
			}
			if got := f.HasDuration(); got != tt.duration {
				t.Errorf("HasDuration: got %v, want %v", got, tt.duration)
			}
			if got := f.HasTime(); got != tt.hasTime {
				t.Errorf("HasTime: got %v, want %v", got, tt.hasTime)
			}
			if got := f.SubSecond(); got != tt.subSecond {
				t.Errorf("SubSecond: got %v, want %v", got, tt.subSecond)
			}
		})
	}
}

// TestGunicornAtoms checks each atom on its own, followed by %(p)s: the PID
// is only found when the atom's value ended where it should.
func TestGunicornAtoms(t *testing.T) {
	t1714 := at(2026, 11, 25, 17, 14, 54, 0)
	tests := []struct {
		name, atom, value string
		want              got
	}{
		{"h IPv4", `%(h)s`, `127.0.0.1`, ok("16480", 0, -1, 0, "")},
		{"h IPv6", `%(h)s`, `2001:db8::1`, ok("16480", 0, -1, 0, "")},
		{"l", `%(l)s`, `-`, ok("16480", 0, -1, 0, "")},
		{"u", `%(u)s`, `alice`, ok("16480", 0, -1, 0, "")},
		{"t", `%(t)s`, `[25/Nov/2026:17:14:54 +0000]`, ok("16480", 0, -1, t1714, "")},
		{"t east of UTC", `%(t)s`, `[25/Nov/2026:18:44:54 +0130]`, ok("16480", 0, -1, t1714, "")},
		{"t west of UTC", `%(t)s`, `[25/Nov/2026:12:14:54 -0500]`, ok("16480", 0, -1, t1714, "")},
		{"r", `"%(r)s"`, `"GET /fast?q=home HTTP/1.1"`, ok("16480", 0, -1, 0, "/fast")},
		{"r without protocol", `"%(r)s"`, `"GET /x"`, ok("16480", 0, -1, 0, "/x")},
		{"r garbage", `"%(r)s"`, `"\x16\x03\x01"`, ok("16480", 0, -1, 0, "")},
		{"m", `%(m)s`, `GET`, ok("16480", 0, -1, 0, "")},
		{"U", `%(U)s`, `/static/missing-15.png`, ok("16480", 0, -1, 0, "/static/missing-15.png")},
		{"q", `%(q)s`, `q=home`, ok("16480", 0, -1, 0, "")},
		{"H", `%(H)s`, `HTTP/1.1`, ok("16480", 0, -1, 0, "")},
		{"s", `%(s)s`, `404`, ok("16480", 404, -1, 0, "")},
		{"s as bytes", `%(s)s`, `b'200 OK'`, ok("16480", 200, -1, 0, "")},
		{"s as bytes, long reason", `%(s)s`, `b'500 INTERNAL SERVER ERROR'`, ok("16480", 500, -1, 0, "")},
		{"s as bytes, no reason", `%(s)s`, `b'204'`, ok("16480", 204, -1, 0, "")},
		{"s socket", `%(s)s`, `socket`, ok("16480", 0, -1, 0, "")},
		{"B", `%(B)s`, `1234`, ok("16480", 0, -1, 0, "")},
		{"B None", `%(B)s`, `None`, ok("16480", 0, -1, 0, "")},
		{"b", `%(b)s`, `0`, ok("16480", 0, -1, 0, "")},
		{"b unknown", `%(b)s`, `-`, ok("16480", 0, -1, 0, "")},
		{"f", `"%(f)s"`, `"http://127.0.0.1/fast?q=home"`, ok("16480", 0, -1, 0, "")},
		{"a", `"%(a)s"`, `"python-requests/2.28.1"`, ok("16480", 0, -1, 0, "")},
		{"a with quotes", `"%(a)s"`, `"Mozilla/5.0 "compatible" bot"`, ok("16480", 0, -1, 0, "")},
		{"T", `%(T)s`, `2`, ok("16480", 0, 2_000_000, 0, "")},
		{"T zero", `%(T)s`, `0`, ok("16480", 0, 0, 0, "")},
		{"D", `%(D)s`, `632`, ok("16480", 0, 632, 0, "")},
		{"L", `%(L)s`, `0.000613`, ok("16480", 0, 613, 0, "")},
		{"L more digits than microseconds", `%(L)s`, `1.0000019`, ok("16480", 0, 1_000_001, 0, "")},
		{"M", `%(M)s`, `12`, ok("16480", 0, 12_000, 0, "")},
		{"p on its own", `pid=%(p)s`, `pid=<17836>`, ok("17836", 0, -1, 0, "")},
		{"request header", `"%({x-forwarded-for}i)s"`, `"10.0.0.1, 10.0.0.2"`, ok("16480", 0, -1, 0, "")},
		{"response header", `%({x-worker-pid}o)s`, `21637`, ok("16480", 0, -1, 0, "")},
		{"response header absent", `%({x-worker-pid}o)s`, `-`, ok("16480", 0, -1, 0, "")},
		{"environ variable", `%({wsgi.url_scheme}e)s`, `http`, ok("16480", 0, -1, 0, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustGunicorn(t, tt.atom+` %(p)s`)
			line := tt.value + ` <16480>`
			if tt.name == "p on its own" {
				f, line = mustGunicorn(t, tt.atom), tt.value
			}
			if g := scanOne(t, f, line); g != tt.want {
				t.Errorf("%s on %q:\ngot  %+v\nwant %+v", f.Spec, line, g, tt.want)
			}
		})
	}
}

// TestGunicornLines reads whole lines in the corpus formats: real lines from
// testdata/logs, and real lines edited to show one quirk each.
func TestGunicornLines(t *testing.T) {
	sync := mustGunicorn(t, corpusGunicornSync)
	gevent := mustGunicorn(t, corpusGunicornGevent)
	withB := mustGunicorn(t, strings.Replace(corpusGunicornSync, "%(b)s", "%(B)s", 1))
	t2853 := at(2026, 11, 25, 17, 28, 53, 0)
	t5056 := at(2026, 11, 25, 17, 50, 56, 0)
	const syncLine = `127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "python-requests/2.28.1" pid=<16480> 632`
	tests := []struct {
		name string
		f    *Format
		line string
		want got
	}{
		{"sync, first corpus line", sync, firstLine(t, "gunicorn-pid-us.log"), ok("16480", 200, 632, t2853, "/")},
		{"sync, 404 with a query in the referer", sync,
			`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET /static/missing-15.png HTTP/1.1" 404 207 "http://127.0.0.1/fast?q=home" "curl/7.88.1" pid=<16471> 967`,
			ok("16471", 404, 967, t2853, "/static/missing-15.png")},
		{"sync, 500", sync,
			`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET /abort500 HTTP/1.1" 500 265 "http://127.0.0.1/" "python-requests/2.28.1" pid=<16485> 735`,
			ok("16485", 500, 735, t2853, "/abort500")},
		{"gevent, b'200 OK', first corpus line", gevent, firstLine(t, "gunicorn-gevent-rt.log"), ok("21637", 200, 613, t5056, "/")},
		{"gevent, b'404 NOT FOUND'", gevent,
			`127.0.0.1 - - [25/Nov/2026:17:50:57 +0000] "GET /static/missing-31.png HTTP/1.1" b'404 NOT FOUND' 331 "-" "Go-http-client/1.1" pid=<21637> rt=0.000672`,
			ok("21637", 404, 672, at(2026, 11, 25, 17, 50, 57, 0), "/static/missing-31.png")},
		{"gevent, client went away: socket", gevent,
			`127.0.0.1 - - [25/Nov/2026:17:57:32 +0000] "GET /sleep HTTP/1.1" socket 108 "-" "Go-http-client/1.1" pid=<21634> rt=0.021807`,
			ok("21634", 0, 21807, at(2026, 11, 25, 17, 57, 32, 0), "/sleep")},
		{"%(B)s prints None", withB,
			`127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 None "-" "python-requests/2.28.1" pid=<16480> 632`,
			ok("16480", 200, 632, t2853, "/")},
		{"IPv6 client", sync, strings.Replace(syncLine, "127.0.0.1", "2001:db8::7", 1), ok("16480", 200, 632, t2853, "/")},
		{"IPv6 loopback", sync, strings.Replace(syncLine, "127.0.0.1", "::1", 1), ok("16480", 200, 632, t2853, "/")},
		{"quote inside the user agent", sync,
			strings.Replace(syncLine, `"python-requests/2.28.1"`, `"Mozilla/5.0 (compatible; "Quoted" Bot/1.0)"`, 1),
			ok("16480", 200, 632, t2853, "/")},
		{"quote and space inside the user agent", sync,
			strings.Replace(syncLine, `"python-requests/2.28.1"`, `"a" "b" pid=<1> 2"`, 1),
			ok("16480", 200, 632, t2853, "/")},
		{"user agent ending in a quote", sync,
			strings.Replace(syncLine, `"python-requests/2.28.1"`, `"say "hi""`, 1),
			ok("16480", 200, 632, t2853, "/")},
		{"quote inside the referer", sync,
			strings.Replace(syncLine, `"-"`, `"http://x/?q=" "`, 1),
			ok("16480", 200, 632, t2853, "/")},
		{"quote inside the request", sync,
			strings.Replace(syncLine, `"GET / HTTP/1.1"`, `"GET /a"b HTTP/1.1"`, 1),
			ok("16480", 200, 632, t2853, `/a"b`)},
		{"query string cut from the path", sync,
			strings.Replace(syncLine, `GET / `, `GET /search?q=a%20b `, 1),
			ok("16480", 200, 632, t2853, "/search")},
		{"user in the ident fields", sync, strings.Replace(syncLine, "- - [", "- alice [", 1), ok("16480", 200, 632, t2853, "/")},
		{"time east of UTC", sync, strings.Replace(syncLine, "17:28:53 +0000", "18:58:53 +0130", 1), ok("16480", 200, 632, t2853, "/")},
		{"missing pid and duration", sync, strings.TrimSuffix(syncLine, " pid=<16480> 632"), rejected(ReasonNoMatch)},
		{"different layout", sync, `16480 200 GET /`, rejected(ReasonNoMatch)},
		{"nginx line in a gunicorn format: rt= where %(D)s is due", sync,
			`127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=21643 rt=0.002`,
			rejected(ReasonBadDur)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := scanOne(t, tt.f, tt.line); g != tt.want {
				t.Errorf("%q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

// TestGunicornReasons checks that a wrong value is rejected with the reason
// that names it, in a format with no free-text field before the value.
func TestGunicornReasons(t *testing.T) {
	f := mustGunicorn(t, `%(h)s %(t)s %(s)s %(b)s pid=%(p)s %(D)s`)
	const good = `127.0.0.1 [25/Nov/2026:17:28:53 +0000] 200 3 pid=<16480> 632`
	t2853 := at(2026, 11, 25, 17, 28, 53, 0)
	tests := []struct {
		name, old, new string
		want           got
	}{
		{"good", "", "", ok("16480", 200, 632, t2853, "")},
		{"pid without brackets", "<16480>", "16480", ok("16480", 200, 632, t2853, "")},
		{"pid with leading zeros", "<16480>", "<0016480>", ok("0016480", 200, 632, t2853, "")},
		{"pid of ten digits", "<16480>", "<4194304000>", ok("4194304000", 200, 632, t2853, "")},
		{"pid not a number", "<16480>", "<abc>", rejected(ReasonBadPID)},
		{"pid negative", "<16480>", "<-1>", rejected(ReasonBadPID)},
		{"pid of eleven digits", "<16480>", "<41943040000>", rejected(ReasonBadPID)},
		{"pid unclosed", "<16480>", "<16480", rejected(ReasonBadPID)},
		{"pid absent", "<16480>", "-", ok("", 200, 632, t2853, "")},
		{"status of four digits", " 200 ", " 2000 ", rejected(ReasonBadStatus)},
		{"status of two digits", " 200 ", " 20 ", rejected(ReasonBadStatus)},
		{"status word", " 200 ", " OK ", rejected(ReasonBadStatus)},
		{"status empty bytes", " 200 ", " b'' ", rejected(ReasonBadStatus)},
		{"status bytes of a word", " 200 ", " b'OK' ", rejected(ReasonBadStatus)},
		{"status absent", " 200 ", " - ", ok("16480", 0, 632, t2853, "")},
		{"month lowercase", "Nov", "nov", rejected(ReasonBadTime)},
		{"month unknown", "Nov", "Foo", rejected(ReasonBadTime)},
		{"day 31 of November", "25/Nov", "31/Nov", rejected(ReasonBadTime)},
		{"day 0", "25/Nov", "00/Nov", rejected(ReasonBadTime)},
		{"hour 24", "17:28:53", "24:28:53", rejected(ReasonBadTime)},
		{"minute 60", "17:28:53", "17:60:53", rejected(ReasonBadTime)},
		{"zone hour 24", "+0000", "+2400", rejected(ReasonBadTime)},
		{"zone without sign", "+0000", "00000", rejected(ReasonBadTime)},
		{"ISO time in brackets", "25/Nov/2026:17:28:53 +0000", "2026-11-25T17:28:53+00:00", rejected(ReasonBadTime)},
		{"time too short", "25/Nov/2026:17:28:53 +0000", "25/Nov/2026:17:28:53", rejected(ReasonBadTime)},
		{"duration not a number", " 632", " 6x2", rejected(ReasonBadDur)},
		{"duration negative", " 632", " -632", rejected(ReasonBadDur)},
		{"duration decimal where microseconds are due", " 632", " 0.632", rejected(ReasonBadDur)},
		{"duration of nineteen digits", " 632", " 1234567890123456789", rejected(ReasonBadDur)},
		{"duration absent", " 632", " -", ok("16480", 200, -1, t2853, "")},
		{"trailing text", " 632", " 632 extra", rejected(ReasonBadDur)},
		{"prefix missing", "pid=", "xid=", rejected(ReasonNoMatch)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Replace(good, tt.old, tt.new, 1)
			if g := scanOne(t, f, line); g != tt.want {
				t.Errorf("%q:\ngot  %+v\nwant %+v", line, g, tt.want)
			}
		})
	}
}

// TestGunicornReasonAfterFreeText is TestGunicornReasons in the corpus
// format, where the referer and user agent come before the PID: retrying the
// free-text fields must not turn the reason into "does not match".
func TestGunicornReasonAfterFreeText(t *testing.T) {
	f := mustGunicorn(t, corpusGunicornSync)
	const good = `127.0.0.1 - - [25/Nov/2026:17:28:53 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16483> 766`
	tests := []struct {
		name, old, new string
		want           Reason
	}{
		{"pid not a number", "<16483>", "<abc>", ReasonBadPID},
		{"status of four digits", " 200 ", " 2000 ", ReasonBadStatus},
		{"duration not a number", " 766", " 7x66", ReasonBadDur},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Replace(good, tt.old, tt.new, 1)
			if g := scanOne(t, f, line); g.Reason != tt.want {
				t.Errorf("%q: got reason %q, want %q", line, g.Reason, tt.want)
			}
		})
	}
}

func TestGunicornMillisecondsOverflow(t *testing.T) {
	f := mustGunicorn(t, `%(p)s %(M)s`)
	for _, v := range []string{"10000000000000000", "999999999999999999"} {
		line := "<16480> " + v
		if g := scanOne(t, f, line); g.Reason != ReasonBadDur {
			t.Errorf("%q: got %+v, want reason %q", line, g, ReasonBadDur)
		}
	}
}

// TestBacktrackingLeavesNoStaleValue: when a free-text field is retried, a
// value stored by the failed attempt must not survive into the record.
func TestBacktrackingLeavesNoStaleValue(t *testing.T) {
	f := mustGunicorn(t, `"%(a)s" %(D)s %(s)s`)
	line := `"x" 5 y" - 200`
	want := ok("", 200, -1, 0, "")
	if g := scanOne(t, f, line); g != want {
		t.Errorf("%q:\ngot  %+v\nwant %+v", line, g, want)
	}
}
