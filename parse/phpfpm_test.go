package parse

import (
	"testing"
	"time"
)

// fpmExamplePID is the www.conf example with the child PID added.
const fpmExamplePID = PHPFPMExample + ` %p`

// TestPHPFPMDirectives reads a line of a small format around each php-fpm
// directive and its {modifier}.
func TestPHPFPMDirectives(t *testing.T) {
	start := at(2026, 11, 25, 17, 14, 54, 0)
	tests := []struct {
		name, spec, line string
		want             got
	}{
		{"percent", `%p 100%%`, `3141 100%`, worker("3141")},
		{"C cpu", `%C%% %p`, `81.03% 3141`, worker("3141")},
		{"{user}C", `%{user}C %p`, `1.20 3141`, worker("3141")},
		{"{system}C", `%{SYSTEM}C %p`, `1.20 3141`, worker("3141")},
		{"{total}C", `%{total}C %p`, `1.20 3141`, worker("3141")},
		{"d seconds", `%p %d`, `3141 0.012`, got{Worker: "3141", Duration: 12000}},
		{"{seconds}d", `%p %{seconds}d`, `3141 1.500`, got{Worker: "3141", Duration: 1500000}},
		{"{mili}d", `%p %{mili}d`, `3141 12.345`, got{Worker: "3141", Duration: 12345}},
		{"{miliseconds}d", `%p %{miliseconds}d`, `3141 12.345`, got{Worker: "3141", Duration: 12345}},
		{"{milli}d", `%p %{milli}d`, `3141 0.081`, got{Worker: "3141", Duration: 81}},
		{"{milliseconds}d", `%p %{milliseconds}d`, `3141 2001.337`, got{Worker: "3141", Duration: 2001337}},
		{"{micro}d", `%p %{micro}d`, `3141 12345`, got{Worker: "3141", Duration: 12345}},
		{"{microseconds}d", `%p %{microseconds}d`, `3141 12345`, got{Worker: "3141", Duration: 12345}},
		{"e env", `"%{HTTP_USER_AGENT}e" %p`, `"Mozilla/5.0 (X11)" 3141`, worker("3141")},
		{"f script", `%f %p`, `/var/www/html/index.php 3141`, worker("3141")},
		{"l content length", `%l %p`, `0 3141`, worker("3141")},
		{"m method", `%m %p`, `POST 3141`, worker("3141")},
		{"M memory", `%M %p`, `2097152 3141`, worker("3141")},
		{"{kilo}M", `%{kilo}M %p`, `2048 3141`, worker("3141")},
		{"{mega}M", `%{mega}M %p`, `2 3141`, worker("3141")},
		{"n pool", `%n %p`, `www 3141`, worker("3141")},
		{"o header", `"%{Content-Type}o" %p`, `"text/html; charset=UTF-8" 3141`, worker("3141")},
		{"p child pid", `%p`, `3141`, worker("3141")},
		{"P parent pid is not the worker", `%P %p`, `3140 3141`, worker("3141")},
		{"P alone", `%P %d`, `3140 0.012`, got{Duration: 12000}},
		{"r uri", `%p %r`, `3141 /index.php`, got{Worker: "3141", Duration: -1, Path: "/index.php"}},
		{"r Q q", `%p "%m %r%Q%q"`, `3141 "GET /index.php?a=1&b=2"`, got{Worker: "3141", Duration: -1, Path: "/index.php"}},
		{"r Q q without a query", `%p "%m %r%Q%q"`, `3141 "GET /index.php"`, got{Worker: "3141", Duration: -1, Path: "/index.php"}},
		{"Q q alone", `%p %Q%q %r`, `3141 ?a=1 /index.php`, got{Worker: "3141", Duration: -1, Path: "/index.php"}},
		{"q alone", `%p %q %r`, `3141 a=1 /index.php`, got{Worker: "3141", Duration: -1, Path: "/index.php"}},
		{"R remote ip", `%R %p`, `192.0.2.1 3141`, worker("3141")},
		{"s status", `%p %s`, `3141 404`, got{Worker: "3141", Status: 404, Duration: -1}},
		{"u empty user", `%R - %u %p`, `127.0.0.1 -  3141`, worker("3141")},
		{"u user", `%R - %u %p`, `127.0.0.1 - alice 3141`, worker("3141")},
		{"t start without brackets", `%t %p %d`, `25/Nov/2026:17:14:54 +0000 3141 0.250`,
			ok("3141", 0, 250000, start+250000, "")},
		{"t in brackets of the format", `[%t] %p %d`, `[25/Nov/2026:17:14:54 +0000] 3141 0.250`,
			ok("3141", 0, 250000, start+250000, "")},
		{"{strftime}t ISO 8601", `%{%Y-%m-%dT%H:%M:%S%z}t %p %{mili}d`, `2026-11-25T18:14:54+0100 3141 250.000`,
			ok("3141", 0, 250000, start+250000, "")},
		{"T is the end", `%T %p %d`, `25/Nov/2026:17:14:54 +0000 3141 0.250`,
			ok("3141", 0, 250000, start, "")},
		{"{strftime}T is the end", `%{%F %T}T %p %d`, `2026-11-25 17:14:54 3141 0.250`,
			ok("3141", 0, 250000, start, "")},
		{"t and T: T is read", `%t %T %p %d`, `25/Nov/2026:17:14:53 +0000 25/Nov/2026:17:14:54 +0000 3141 0.250`,
			ok("3141", 0, 250000, start, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustPercent(t, tt.spec, "phpfpm")
			if f.Name != "phpfpm" || f.Family != "phpfpm" || f.Spec != tt.spec {
				t.Fatalf("Name, Family, Spec: got %q, %q, %q, want phpfpm, phpfpm, %q", f.Name, f.Family, f.Spec, tt.spec)
			}
			if g := scanOne(t, f, tt.line); g != tt.want {
				t.Errorf("line %q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

func TestPHPFPMCompileErrors(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"unit of d", `%{x}d`, `phpfpm format "%{x}d": %{x}d: the format of %d is seconds, milli, milliseconds, micro or microseconds`},
		{"unit of M", `%{giga}M`, `phpfpm format "%{giga}M": %{giga}M: the format of %M is bytes, kilo, kilobytes, mega or megabytes`},
		{"format of C", `%{idle}C`, `phpfpm format "%{idle}C": %{idle}C: the format of %C is total, user or system`},
		{"e needs a name", `%e`, `phpfpm format "%e": %e at offset 0 needs a name in braces, as in %{HTTP_HOST}e`},
		{"o needs a name", `%p %o`, `phpfpm format "%p %o": %o at offset 3 needs a name in braces, as in %{HTTP_HOST}o`},
		{"no braces on m", `%{x}m`, `phpfpm format "%{x}m": %{x}m: %m takes no braces`},
		{"unknown", `%h`, `phpfpm format "%h": unknown directive %h at offset 0 (known: C d e f l m M n o p P q Q r R s t T u)`},
		{"unclosed", `%{mili`, `phpfpm format "%{mili": unclosed %{ at offset 0`},
		{"braces at the end", `%p %{mili}`, `phpfpm format "%p %{mili}": % at offset 3 is not followed by a directive letter`},
		{"bad strftime", `%{%A}t %p`, `phpfpm format "%{%A}t %p": %{%A}t: strftime %A is not supported: skewer reads times of a fixed width (` + layoutKnown + `, and Apache's msec_frac and usec_frac)`},
		{"q without Q after r", `%r%q`, `format "%r%q": r is directly followed by q with nothing between them, so their values cannot be told apart`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileLogFormatAs(tt.spec, "phpfpm")
			if err == nil {
				t.Fatalf("got a format with fields %v, want error %q", f.FieldNames(), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("\ngot  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestPHPFPMFixture reads the www.conf example format with %p; the ends are
// the logged starts plus the logged milliseconds, added by hand.
func TestPHPFPMFixture(t *testing.T) {
	f := mustPercent(t, fpmExamplePID, "")
	if f.Family != "phpfpm" || !f.HasWorker() || !f.HasDuration() || !f.HasTime() || !f.startStamp {
		t.Fatalf("Family %q, HasWorker %v, HasDuration %v, HasTime %v, startStamp %v: want phpfpm and all true",
			f.Family, f.HasWorker(), f.HasDuration(), f.HasTime(), f.startStamp)
	}
	got := scanAll(t, f, string(readFixture(t, "phpfpm/www-example-pid.log")))
	want := []lineResult{
		{1, ok("3141", 200, 12345, at(2026, 11, 25, 17, 14, 54, 12345), "/index.php")},
		{2, ok("3142", 200, 7201, at(2026, 11, 25, 17, 14, 54, 7201), "/index.php")},
		{3, ok("3141", 302, 1503882, at(2026, 11, 25, 17, 14, 56, 503882), "/login.php")},
		{4, ok("3143", 404, 412, at(2026, 11, 25, 17, 14, 56, 412), "/missing.php")},
		{5, ok("3142", 200, 2001337, at(2026, 11, 25, 17, 15, 1, 1337), "/slow.php")},
	}
	compareLines(t, got, want)
}

func FuzzPHPFPMLine(f *testing.F) {
	addFixtureLines(f, "phpfpm/www-example-pid.log")
	for _, s := range []string{
		`127.0.0.1 -  25/Nov/2026:17:14:54 +0000 "GET /a"b?c" 200 - 99999999999999.9 1 0.00% 3141`,
		`2026-11-25T18:14:54+0100 3141 250.000 /index.php?a`,
		"25/Nov/2026:17:14:54 +0000 25/Nov/2026:17:14:54 +0000 3141 0.250\r\n",
	} {
		f.Add([]byte(s))
	}
	formats := []*Format{
		mustPercent(f, fpmExamplePID, "phpfpm"),
		mustPercent(f, `%{%Y-%m-%dT%H:%M:%S%z}t %p %{mili}d %r%Q%q`, "phpfpm"),
		mustPercent(f, `%t %T %p %d`, "phpfpm"),
		mustPercent(f, `%{%d/%b/%Y %H:%M:%S}t "%{HTTP_USER_AGENT}e" %p %{micro}d`, "phpfpm").In(time.FixedZone("-12", -12*3600)),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
	})
}
