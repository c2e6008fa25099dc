package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apacheCombinedPID is Debian's combined format with the child PID and the
// request time in µs, as a user adds them:
//
//	LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %P %D" combined_pid
const apacheCombinedPID = `%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %P %D`

// readFixture returns a file of testdata (apache/..., phpfpm/..., uwsgi/...).
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPercent(t testing.TB, spec, syntax string) *Format {
	t.Helper()
	f, err := CompileLogFormatAs(spec, syntax)
	if err != nil {
		t.Fatalf("CompileLogFormatAs(%q, %q): got error %v, want nil", spec, syntax, err)
	}
	return f
}

// worker is a parsed line that gives a worker and nothing else.
func worker(w string) got { return got{Worker: w, Duration: -1} }

// TestApacheDirectives reads a line of a small format around each Apache
// directive and modifier.
func TestApacheDirectives(t *testing.T) {
	tests := []struct {
		name, spec, line string
		want             got
	}{
		{"h remote host", `%h %P`, `192.0.2.1 77`, worker("77")},
		{"a client ip", `%a %P`, `192.0.2.1 77`, worker("77")},
		{"{c}a peer ip", `%{c}a %P`, `192.0.2.1 77`, worker("77")},
		{"A local ip", `%A %P`, `192.0.2.2 77`, worker("77")},
		{"l logname", `%l %P`, `- 77`, worker("77")},
		{"u user", `%u %P`, `alice 77`, worker("77")},
		{"v server name", `%v %P`, `www.example.com 77`, worker("77")},
		{"V server name", `%V %P`, `example.com 77`, worker("77")},
		{"p port", `%p %P`, `443 77`, worker("77")},
		{"{remote}p port", `%{remote}p %P`, `51234 77`, worker("77")},
		{"H protocol", `%H %P`, `HTTP/1.1 77`, worker("77")},
		{"m method", `%m %P`, `GET 77`, worker("77")},
		{"X connection status", `%X %P`, `+ 77`, worker("77")},
		{"L log id", `%L %P`, `-- 77`, worker("77")},
		{"k keepalives", `%k %P`, `3 77`, worker("77")},
		{"R handler", `%R %P`, `php-fpm 77`, worker("77")},
		{"b size", `%b %P`, `- 77`, worker("77")},
		{"B size", `%B %P`, `0 77`, worker("77")},
		{"O bytes sent", `%O %P`, `247 77`, worker("77")},
		{"I bytes received", `%I %P`, `412 77`, worker("77")},
		{"S bytes transferred", `%S %P`, `659 77`, worker("77")},
		{"f file name with a space", `"%f" %P`, `"/var/www/my file.html" 77`, worker("77")},
		{"i header", `"%{Referer}i" %P`, `"http://localhost/a b" 77`, worker("77")},
		{"o header", `"%{Content-Type}o" %P`, `"text/html; charset=UTF-8" 77`, worker("77")},
		{"e variable", `%{HOME}e %P`, `/root 77`, worker("77")},
		{"n note", `%{mod_note}n %P`, `- 77`, worker("77")},
		{"C cookie", `%{sid}C %P`, `abc 77`, worker("77")},
		{"^ti trailer", `%{x}^ti %P`, `- 77`, worker("77")},
		{"^to trailer", `%{y}^to %P`, `- 77`, worker("77")},
		{"P child pid", `%P`, `4242`, worker("4242")},
		{"{pid}P", `%{pid}P`, `4242`, worker("4242")},
		{"{tid}P is not the worker", `%{tid}P %P`, `140245367383616 4242`, worker("4242")},
		{"{hextid}P is not the worker", `%{hextid}P %P`, `7f8d2c3fe640 4242`, worker("4242")},
		{"P under a status condition", `%200P`, `-`, got{Duration: -1}},
		{"D microseconds", `%P %D`, `77 532`, got{Worker: "77", Duration: 532}},
		{"T seconds", `%P %T`, `77 2`, got{Worker: "77", Duration: 2e6}},
		{"{s}T seconds", `%P %{s}T`, `77 2`, got{Worker: "77", Duration: 2e6}},
		{"{ms}T milliseconds", `%P %{ms}T`, `77 15`, got{Worker: "77", Duration: 15000}},
		{"{MS}T ignores case", `%P %{MS}T`, `77 15`, got{Worker: "77", Duration: 15000}},
		{"{us}T microseconds", `%P %{us}T`, `77 15`, got{Worker: "77", Duration: 15}},
		{"s status", `%P %s`, `77 404`, got{Worker: "77", Status: 404, Duration: -1}},
		{">s final status", `%P %>s`, `77 404`, got{Worker: "77", Status: 404, Duration: -1}},
		{"<s original status", `%P %<s`, `77 302`, got{Worker: "77", Status: 302, Duration: -1}},
		{"r request", `%P "%r"`, `77 "GET /a?b=1 HTTP/1.1"`, got{Worker: "77", Duration: -1, Path: "/a"}},
		{"U path", `%P %U`, `77 /a/b`, got{Worker: "77", Duration: -1, Path: "/a/b"}},
		{"U then q", `%P %U%q %H`, `77 /a?b=1 HTTP/1.1`, got{Worker: "77", Duration: -1, Path: "/a"}},
		{"U then an empty q", `%P %U%q %H`, `77 /a HTTP/1.1`, got{Worker: "77", Duration: -1, Path: "/a"}},
		{"q alone", `%P %q %U`, `77 ?x=1 /a`, got{Worker: "77", Duration: -1, Path: "/a"}},
		{"negated status condition", `%P %!200,304U`, `77 -`, worker("77")},
		{"status condition met", `%P %!200,304U`, `77 /a`, got{Worker: "77", Duration: -1, Path: "/a"}},
		{"status list before braces", `%P "%400,501{User-agent}i"`, `77 "-"`, worker("77")},
		{"literal percent", `%P 100%%`, `77 100%`, worker("77")},
		{"tab escape", `%P\t%D`, "77\t532", got{Worker: "77", Duration: 532}},
		{"X-Worker-PID header without P", `%h "%{X-Worker-PID}o" %D`, `192.0.2.1 "5150" 99`, got{Worker: "5150", Duration: 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustPercent(t, tt.spec, "apache")
			if f.Name != "apache" || f.Family != "apache" || f.Spec != tt.spec {
				t.Fatalf("Name, Family, Spec: got %q, %q, %q, want apache, apache, %q", f.Name, f.Family, f.Spec, tt.spec)
			}
			if g := scanOne(t, f, tt.line); g != tt.want {
				t.Errorf("line %q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

// TestApacheTimes checks every form of %t: the start of the request plus
// its duration is the end, an end: time is the end as it is.
func TestApacheTimes(t *testing.T) {
	plus2h := time.FixedZone("+02", 2*3600)
	tests := []struct {
		name, spec, line string
		loc              *time.Location
		want             got
	}{
		{"t is the start", `%t %P %D`, `[25/Nov/2026:17:14:54 +0100] 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 16, 14, 54, 1500), "")},
		{"t without a duration", `%t %P`, `[25/Nov/2026:17:14:54 +0000] 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 25, 17, 14, 54, 0), HasTime: true}},
		{"t with seconds", `%t %P %T`, `[25/Nov/2026:17:14:54 +0000] 77 3`, nil,
			ok("77", 0, 3e6, at(2026, 11, 25, 17, 14, 57, 0), "")},
		{"begin", `%{begin}t %P %D`, `[25/Nov/2026:17:14:54 +0000] 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 1500), "")},
		{"end", `%{end}t %P %D`, `[25/Nov/2026:17:14:54 +0000] 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 0), "")},
		{"sec", `%{sec}t %P %D`, `1795626894 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 1500), "")},
		{"msec", `%{msec}t %P %D`, `1795626894123 77 1500`, nil,
			got{Worker: "77", Duration: 1500, Time: at(2026, 11, 25, 17, 14, 54, 124500), HasTime: true, SubSecond: true}},
		{"usec", `%{usec}t %P %D`, `1795626894123456 77 1500`, nil,
			got{Worker: "77", Duration: 1500, Time: at(2026, 11, 25, 17, 14, 54, 124956), HasTime: true, SubSecond: true}},
		{"end:usec", `%{end:usec}t %P %D`, `1795626894123456 77 1500`, nil,
			got{Worker: "77", Duration: 1500, Time: at(2026, 11, 25, 17, 14, 54, 123456), HasTime: true, SubSecond: true}},
		{"strftime without a zone is UTC", `%{%Y-%m-%d %H:%M:%S}t %P %D`, `2026-11-25 17:14:54 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 1500), "")},
		{"strftime without a zone in a zone", `%{%Y-%m-%d %H:%M:%S}t %P %D`, `2026-11-25 17:14:54 77 1500`, plus2h,
			ok("77", 0, 1500, at(2026, 11, 25, 15, 14, 54, 1500), "")},
		{"strftime with a zone", `%{%Y-%m-%dT%H:%M:%S%z}t %P %D`, `2026-11-25T12:14:54-0500 77 1500`, plus2h,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 1500), "")},
		{"strftime that prints CLF", `%{%d/%b/%Y:%H:%M:%S %z}t %P %D`, `25/Nov/2026:17:14:54 +0000 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 54, 1500), "")},
		{"strftime %s", `%{%s}t %P`, `1795626894 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 25, 17, 14, 54, 0), HasTime: true}},
		{"strftime %c, day padded", `%{%c}t %P`, `Thu Nov  5 17:14:54 2026 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 5, 17, 14, 54, 0), HasTime: true}},
		{"strftime %D %r", `%{%D %r}t %P`, `11/25/26 05:14:54 PM 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 25, 17, 14, 54, 0), HasTime: true}},
		{"strftime 12 AM", `%{%F %I:%M:%S %p}t %P`, `2026-11-25 12:14:54 AM 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 25, 0, 14, 54, 0), HasTime: true}},
		{"pieces with msec_frac join", `[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %P %D`, `[25/Nov/2026 17:14:54.123 +0100] 77 1500`, nil,
			got{Worker: "77", Duration: 1500, Time: at(2026, 11, 25, 16, 14, 54, 124500), HasTime: true, SubSecond: true}},
		{"pieces with usec_frac join", `%{%FT%T}t.%{usec_frac}t%{%z}t %P`, `2026-11-25T17:14:54.123456+0000 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2026, 11, 25, 17, 14, 54, 123456), HasTime: true, SubSecond: true}},
		{"end pieces join", `%{end:%F %T}t.%{end:msec_frac}t %P %D`, `2026-11-25 17:14:54.123 77 1500`, nil,
			got{Worker: "77", Duration: 1500, Time: at(2026, 11, 25, 17, 14, 54, 123000), HasTime: true, SubSecond: true}},
		{"begin and end: the end is read", `%t %{end}t %P %D`, `[25/Nov/2026:17:14:54 +0000] [25/Nov/2026:17:14:56 +0000] 77 1500`, nil,
			ok("77", 0, 1500, at(2026, 11, 25, 17, 14, 56, 0), "")},
		{"a fraction alone is skipped", `%{usec_frac}t %P`, `123456 77`, nil, worker("77")},
		{"a zone alone is skipped", `%{%z}t %P`, `+0100 77`, nil, worker("77")},
		{"leap second", `%{%F %T}t %P`, `2016-12-31 23:59:60 77`, nil,
			got{Worker: "77", Duration: -1, Time: at(2017, 1, 1, 0, 0, 0, 0), HasTime: true}},
		{"bad date", `%{%F %T}t %P`, `2026-02-31 17:14:54 77`, nil, rejected(ReasonBadTime)},
		{"bad month", `%t %P`, `[25/Nox/2026:17:14:54 +0000] 77`, nil, rejected(ReasonBadTime)},
		{"bad 12-hour clock", `%{%F %I:%M:%S %p}t %P`, `2026-11-25 13:14:54 PM 77`, nil, rejected(ReasonBadTime)},
		{"epoch too long", `%{sec}t %P`, `179562689400 77`, nil, rejected(ReasonBadTime)},
		{"end past the year 9999", `%{%F %T}t %P %T`, `9999-12-31 23:59:59 77 1000`, nil, rejected(ReasonBadDur)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustPercent(t, tt.spec, "apache")
			if tt.loc != nil {
				f = f.In(tt.loc)
			}
			if g := scanOne(t, f, tt.line); g != tt.want {
				t.Errorf("line %q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

func TestApacheFlags(t *testing.T) {
	tests := []struct {
		name, spec                                            string
		worker, duration, hasTime, subSecond, start, zoneless bool
	}{
		{"combined", ApacheCombined, false, false, true, false, true, false},
		{"combined with P and D", apacheCombinedPID, true, true, true, false, true, false},
		{"end time", `%{end}t %P %D`, true, true, true, false, false, false},
		{"msec", `%{msec}t %P`, true, false, true, true, true, false},
		{"layout without a zone", `%{%F %T}t %P`, true, false, true, false, true, true},
		{"layout with a zone", `%{%F %T %z}t %P`, true, false, true, false, true, false},
		{"layout with a fraction", `%{%F %T}t.%{usec_frac}t %P`, true, false, true, true, true, true},
		{"no time", `%P %D`, true, true, false, false, false, false},
		{"thread id only", `%{tid}P %D`, false, true, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustPercent(t, tt.spec, "apache")
			got := []bool{f.HasWorker(), f.HasDuration(), f.HasTime(), f.SubSecond(), f.startStamp, f.Zoneless()}
			want := []bool{tt.worker, tt.duration, tt.hasTime, tt.subSecond, tt.start, tt.zoneless}
			for i, name := range []string{"HasWorker", "HasDuration", "HasTime", "SubSecond", "startStamp", "Zoneless"} {
				if got[i] != want[i] {
					t.Errorf("%s: got %v, want %v", name, got[i], want[i])
				}
			}
		})
	}
}

func TestApacheCompileErrors(t *testing.T) {
	const known = "(known: a A b B C D e f h H i I k l L m n o O p P q r R s S t T u U v V X ^ti ^to)"
	tests := []struct {
		name, spec, want string
	}{
		{"unknown directive", `%h %Z`, `apache format "%h %Z": unknown directive %Z at offset 3 ` + known},
		{"unclosed brace", `%{Referer i`, `apache format "%{Referer i": unclosed %{ at offset 0`},
		{"percent at the end", `%h %`, `apache format "%h %": % at offset 3 is not followed by a directive letter`},
		{"unit of T", `%{xs}T`, `apache format "%{xs}T": %{xs}T: the unit of %T is s, ms or us`},
		{"format of P", `%{foo}P`, `apache format "%{foo}P": %{foo}P: the format of %P is pid, tid or hextid`},
		{"strftime of no fixed width", `%{%B %d}t`, `apache format "%{%B %d}t": %{%B %d}t: strftime %B is not supported: skewer reads times of a fixed width (` + layoutKnown + `, and Apache's msec_frac and usec_frac)`},
		{"strftime %s with more", `%{%s.%d}t`, `apache format "%{%s.%d}t": %{%s.%d}t: strftime %s is read only alone, as in %{%s}t`},
		{"strftime ends with %", `%{%F %}t`, `apache format "%{%F %}t": %{%F %}t: strftime layout "%F %" ends with %`},
		{"newline", `%h\n%P`, `apache format "%h\\n%P": \n at offset 2 ends the line: skewer reads one line per request`},
		{"unread time that cannot be skipped", `%{%F %T}t %{end}t %P`, `apache format "%{%F %T}t %{end}t %P": %{%F %T}t is not read (skewer reads one time per line) and its end cannot be found: its value may hold the ' ' that follows it`},
		{"run of fields", `%h%l`, `format "%h%l": h is directly followed by l with nothing between them, so their values cannot be told apart`},
		{"request then query", `"%r%q"`, `format "\"%r%q\"": r is directly followed by q with nothing between them, so their values cannot be told apart`},
		{"no fields", `just text`, `format "just text" has no fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileLogFormatAs(tt.spec, "apache")
			if err == nil {
				t.Fatalf("got a format with fields %v, want error %q", f.FieldNames(), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("\ngot  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestCompilePercentSyntax tells Apache from php-fpm syntax, and refuses a
// string valid in both whose directives mean different things there.
func TestCompilePercentSyntax(t *testing.T) {
	const both = "is valid in apache and phpfpm syntax, where "
	const pass = ": name the syntax, apache or phpfpm"
	tests := []struct {
		name, spec, syntax, family, err string
	}{
		{"apache only", apacheCombinedPID, "", "apache", ""},
		{"the issue's example", `%h %l %u %t "%r" %>s %b %P %D`, "", "apache", ""},
		{"php-fpm www.conf example", PHPFPMExample, "", "phpfpm", ""},
		{"php-fpm with the child pid and duration", `%R - %u %t "%m %r" %s %p %d`, "", "phpfpm", ""},
		{"php-fpm default", PHPFPMDefault, "", "",
			`format "%R - %u %t \"%m %r\" %s" ` + both + `%t (apache: request start time in [brackets], phpfpm: request start time without brackets) and %r (apache: request line, phpfpm: request URI) differ` + pass},
		{"php-fpm default with p", PHPFPMDefault + ` %p`, "", "",
			`format "%R - %u %t \"%m %r\" %s %p" ` + both + `%t (apache: request start time in [brackets], phpfpm: request start time without brackets), %r (apache: request line, phpfpm: request URI) and %p (apache: server port, phpfpm: child PID) differ` + pass},
		{"P alone", `%P`, "", "", `format "%P" ` + both + `%P (apache: child PID, phpfpm: parent PID) differs` + pass},
		{"T", `%m %T %P`, "", "", `format "%m %T %P" ` + both + `%T (apache: request time in whole seconds, phpfpm: request end time without brackets) and %P (apache: child PID, phpfpm: parent PID) differ` + pass},
		{"sec is strftime text in php-fpm", `%{sec}t %s`, "", "", `format "%{sec}t %s" ` + both + `%{sec}t (apache: request start time in epoch seconds, phpfpm: request start time as strftime) differs` + pass},
		{"read the same in both", `%m %s %{HOME}e`, "", "apache", ""},
		{"php-fpm default as apache", PHPFPMDefault, "apache", "apache", ""},
		{"php-fpm default as php-fpm", PHPFPMDefault, "phpfpm", "phpfpm", ""},
		{"php-fpm example as apache", PHPFPMExample, "apache", "",
			`apache format "%R - %u %t \"%m %r%Q%q\" %s %f %{mili}d %{kilo}M %C%%": unknown directive %Q at offset 17 (known: a A b B C D e f h H i I k l L m n o O p P q r R s S t T u U v V X ^ti ^to)`},
		{"apache as php-fpm", apacheCombinedPID, "phpfpm", "",
			`phpfpm format "%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %P %D": unknown directive %h at offset 0 (known: C d e f l m M n o p P q Q r R s t T u)`},
		{"neither", `%h %d`, "", "",
			`cannot tell the syntax of "%h %d": expected gunicorn atoms like %(p)s or nginx variables like $pid, or Apache or php-fpm directives like %P (as apache: unknown directive %d at offset 3 (known: a A b B C D e f h H i I k l L m n o O p P q r R s S t T u U v V X ^ti ^to); as phpfpm: unknown directive %h at offset 0 (known: C d e f l m M n o p P q Q r R s t T u))`},
		{"neither, without a percent", `pid rt`, "", "", `cannot tell the syntax of "pid rt": expected gunicorn atoms like %(p)s or nginx variables like $pid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileLogFormatAs(tt.spec, tt.syntax)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error\n%v\nwant\n%s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if string(f.Family) != tt.family || f.Name != tt.family || f.Spec != tt.spec {
				t.Errorf("Name, Family, Spec: got %q, %q, %q, want %q, %q, %q", f.Name, f.Family, f.Spec, tt.family, tt.family, tt.spec)
			}
		})
	}
}

// TestPHPFPMDefaultBothWays reads php-fpm's default format in each syntax:
// each reads its own server's line and refuses the other's.
func TestPHPFPMDefaultBothWays(t *testing.T) {
	apacheLine := `192.0.2.1 - - [25/Nov/2026:17:14:54 +0000] "GET GET /x.php?a=1 HTTP/1.1" 200`
	fpmLine := `127.0.0.1 -  25/Nov/2026:17:14:54 +0000 "GET /x.php" 200`
	want := got{Status: 200, Duration: -1, Time: at(2026, 11, 25, 17, 14, 54, 0), HasTime: true, Path: "/x.php"}
	tests := []struct {
		syntax, line string
		want         got
	}{
		{"apache", apacheLine, want},
		{"apache", fpmLine, rejected(ReasonNoMatch)},
		{"phpfpm", fpmLine, want},
		{"phpfpm", apacheLine, rejected(ReasonBadTime)},
	}
	for _, tt := range tests {
		f := mustPercent(t, PHPFPMDefault, tt.syntax)
		if got := strings.Join(f.FieldNames(), " "); got != "R u t m r s" {
			t.Errorf("%s: FieldNames: got %q, want %q", tt.syntax, got, "R u t m r s")
		}
		if g := scanOne(t, f, tt.line); g != tt.want {
			t.Errorf("%s, line %q:\ngot  %+v\nwant %+v", tt.syntax, tt.line, g, tt.want)
		}
	}
}

// TestApacheFixture reads Debian's combined format with %P %D; the ends
// are the logged starts plus the logged request times, added by hand.
func TestApacheFixture(t *testing.T) {
	f := mustPercent(t, apacheCombinedPID, "")
	got := scanAll(t, f, string(readFixture(t, "apache/combined-pid.log")))
	want := []lineResult{
		{1, ok("4242", 200, 532, at(2026, 11, 25, 17, 14, 54, 532), "/")},
		{2, ok("4243", 200, 1210, at(2026, 11, 25, 17, 14, 54, 1210), "/icons/ubuntu-logo.png")},
		{3, ok("4244", 200, 20311, at(2026, 11, 25, 17, 14, 55, 20311), "/search")},
		{4, ok("4242", 302, 1999999, at(2026, 11, 25, 17, 14, 57, 999999), "/login")},
		{5, ok("4245", 408, 20000561, at(2026, 11, 25, 17, 15, 19, 561), "")},
		{6, ok("4243", 404, 401, at(2026, 11, 25, 17, 15, 0, 401), "/favicon.ico")},
		{7, ok("4244", 304, 298, at(2026, 11, 25, 17, 15, 0, 298), "/")},
	}
	compareLines(t, got, want)
}

func compareLines(t *testing.T, got, want []lineResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("lines: got %d, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\ngot  %+v\nwant %+v", want[i].Line, got[i], want[i])
		}
	}
}

func TestApacheKeyBy(t *testing.T) {
	f := mustPercent(t, `%h %t "%r" %>s "%{X-Backend}o" %P %D`, "apache")
	k, err := f.KeyBy("{X-Backend}o")
	if err != nil {
		t.Fatal(err)
	}
	g := scanOne(t, k, `192.0.2.1 [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 "10.0.0.5:8000" 4242 10`)
	want := ok("10.0.0.5:8000", 200, 10, at(2026, 11, 25, 17, 14, 54, 10), "/")
	if g != want {
		t.Errorf("got  %+v\nwant %+v", g, want)
	}
}

// TestPercentAllocs checks that reading a line allocates nothing, also in a
// zone other than UTC.
func TestPercentAllocs(t *testing.T) {
	zone := time.FixedZone("-05", -5*3600)
	tests := []struct {
		name string
		f    *Format
		line string
	}{
		{"apache combined", mustPercent(t, apacheCombinedPID, ""), firstFixtureLine(t, "apache/combined-pid.log")},
		{"apache layout in a zone", mustPercent(t, `[%{%d/%b/%Y %T}t.%{msec_frac}t] %P %D`, "apache").In(zone), `[25/Nov/2026 17:14:54.123] 77 1500`},
		{"php-fpm", mustPercent(t, PHPFPMExample+` %p`, ""), firstFixtureLine(t, "phpfpm/www-example-pid.log")},
		{"uwsgi", UWSGI(nil), firstFixtureLine(t, "uwsgi/default.log")},
		{"uwsgi in a zone", UWSGI(zone), firstFixtureLine(t, "uwsgi/default.log")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			st := matchState{rec: &rec}
			line := []byte(tt.line)
			allocs := testing.AllocsPerRun(100, func() {
				rec.reset(1)
				if r := tt.f.match(line, &st); r != ReasonNone {
					t.Fatalf("match: got %q, want a parsed line", r)
				}
			})
			if allocs != 0 {
				t.Errorf("allocations per line: got %v, want 0", allocs)
			}
		})
	}
}

func firstFixtureLine(t testing.TB, name string) string {
	s := string(readFixture(t, name))
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// addFixtureLines adds every line of testdata fixtures as fuzz seeds.
func addFixtureLines(f *testing.F, names ...string) {
	for _, name := range names {
		for _, line := range strings.SplitAfter(string(readFixture(f, name)), "\n") {
			if line != "" {
				f.Add([]byte(line))
			}
		}
	}
}

func FuzzApacheLine(f *testing.F) {
	addFixtureLines(f, "apache/combined-pid.log")
	for _, s := range []string{
		`[25/Nov/2026 17:14:54.123 +0100] 77 "GET /a HTTP/1.1" 1500 2026-11-25 17:14:54`,
		`1795626894123456 77 1500 /a?b=1 -`,
		`192.0.2.1 "5150" 99`,
		"[31/Feb/2026:17:14:54 +0000] 77 1\r\n",
		`9999-12-31 23:59:59 77 99999999999999 /x`,
		`Thu Nov  5 17:14:54 2026 77`,
	} {
		f.Add([]byte(s))
	}
	formats := []*Format{
		mustPercent(f, apacheCombinedPID, "apache"),
		mustPercent(f, `[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] %P "%r" %D %{%F %T}t`, "apache"),
		mustPercent(f, `%{usec}t %P %D %U%q %!200P`, "apache"),
		mustPercent(f, `%h "%{X-Worker-PID}o" %{ms}T`, "apache"),
		mustPercent(f, `%{end:%F %T}t %P %T %U`, "apache").In(time.FixedZone("+14", 14*3600)),
		mustPercent(f, `%{%c}t %P`, "apache"),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
	})
}

// BenchmarkReaderApache scans Debian's combined format with %P %D, and the
// www.conf php-fpm example with %p.
func BenchmarkReaderApache(b *testing.B) {
	b.Run("combined", func(b *testing.B) {
		benchReader(b, mustPercent(b, apacheCombinedPID, ""), benchFixture(b, "apache/combined-pid.log"))
	})
	b.Run("phpfpm", func(b *testing.B) {
		benchReader(b, mustPercent(b, fpmExamplePID, ""), benchFixture(b, "phpfpm/www-example-pid.log"))
	})
}
