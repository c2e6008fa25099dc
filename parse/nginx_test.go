package parse

import (
	"strings"
	"testing"
)

func TestCompileNginxErrors(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"unclosed brace", `$remote_addr ${pid`, `nginx format "$remote_addr ${pid": unclosed ${ at offset 13`},
		{"dollar at the end", `$remote_addr $`, `nginx format "$remote_addr $": $ without a variable name`},
		{"dollar before a space", `$remote_addr $ $pid`, `nginx format "$remote_addr $ $pid": $ without a variable name`},
		{"empty braces", `${} $pid`, `nginx format "${} $pid": $ without a variable name`},
		{"no variables", `no variables`, `format "no variables" has no fields`},
		{"run of free text", `$remote_addr$remote_user`, `format "$remote_addr$remote_user": remote_addr is directly followed by remote_user with nothing between them, so their values cannot be told apart`},
		{"run in braces", `${remote_addr}${pid}`, `format "${remote_addr}${pid}": remote_addr is directly followed by pid with nothing between them, so their values cannot be told apart`},
		{"run of pid and request time", `$pid$request_time`, `format "$pid$request_time": pid is directly followed by request_time with nothing between them, so their values cannot be told apart`},
		{"run of status and bytes", `$status$body_bytes_sent`, `format "$status$body_bytes_sent": status is directly followed by body_bytes_sent with nothing between them, so their values cannot be told apart`},
		{"run of msec and pid", `$msec$pid`, `format "$msec$pid": msec is directly followed by pid with nothing between them, so their values cannot be told apart`},
		{"run of request time and address", `$request_time$remote_addr`, `format "$request_time$remote_addr": request_time is directly followed by remote_addr with nothing between them, so their values cannot be told apart`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileNginx(tt.spec)
			if err == nil {
				t.Fatalf("CompileNginx(%q): got a format with %d fields, want error %q", tt.spec, len(f.fields), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("CompileNginx(%q):\ngot  %s\nwant %s", tt.spec, err, tt.want)
			}
		})
	}
}

func TestCompileLogFormat(t *testing.T) {
	tests := []struct {
		name, spec, family, err string
	}{
		{"gunicorn atoms", corpusGunicornSync, "gunicorn", ""},
		{"gunicorn with a dollar literal", `$ %(p)s`, "gunicorn", ""},
		{"nginx variables", corpusNginxPID, "nginx", ""},
		{"nginx braces", `${pid} ${request_time}`, "nginx", ""},
		{"neither", `pid rt`, "", `cannot tell the syntax of "pid rt": expected gunicorn atoms like %(p)s or nginx variables like $pid`},
		{"empty", ``, "", `cannot tell the syntax of "": expected gunicorn atoms like %(p)s or nginx variables like $pid`},
		{"gunicorn error passed through", `%(h)s %(zz)s`, "", `gunicorn format "%(h)s %(zz)s": unknown atom %(zz)s ` + knownAtoms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileLogFormat(tt.spec)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("CompileLogFormat(%q): got error %v, want %q", tt.spec, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CompileLogFormat(%q): got error %v, want nil", tt.spec, err)
			}
			if string(f.Family) != tt.family || f.Spec != tt.spec {
				t.Errorf("Family, Spec: got %q, %q, want %q, %q", f.Family, f.Spec, tt.family, tt.spec)
			}
		})
	}
}

func TestCompileNginxFlags(t *testing.T) {
	tests := []struct {
		name, spec                           string
		worker, duration, hasTime, subSecond bool
	}{
		{"combined", NginxCombined, false, false, true, false},
		{"corpus with pid and msec", corpusNginxPID, true, true, true, true},
		{"iso time", `$time_iso8601 $pid`, true, false, true, false},
		{"upstream pid header without $pid", `$upstream_http_x_worker_pid $request_time`, true, true, false, false},
		{"other upstream header", `$upstream_http_x_backend $request_time`, false, true, false, false},
		{"upstream response time is not the request time", `$pid $upstream_response_time`, true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustNginx(t, tt.spec)
			if f.Name != "nginx" || f.Family != "nginx" {
				t.Errorf("Name, Family: got %q, %q, want nginx, nginx", f.Name, f.Family)
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

func TestNginxLines(t *testing.T) {
	withPID := mustNginx(t, corpusNginxPID)
	combined := mustNginx(t, NginxCombined)
	bare := mustNginx(t, NginxCombined+` $pid $request_time`)
	iso := mustNginx(t, `$remote_addr [$time_iso8601] "$request" $status $pid $request_time`)
	msecFirst := mustNginx(t, `$msec [$time_local] $pid`)
	braces := mustNginx(t, `${remote_addr} [${time_local}] "${request}" ${status} ${pid}:${request_time}s`)
	runs := mustNginx(t, `$time_local$pid $status$request_uri`)
	uri := mustNginx(t, `$remote_addr $uri $status $pid`)
	upstream := mustNginx(t, `$remote_addr $connection "$upstream_http_x_worker_pid" $request_time`)
	upstreamAndPID := mustNginx(t, `$remote_addr $pid "$upstream_http_x_worker_pid" $request_time`)

	t5056 := at(2026, 11, 25, 17, 50, 56, 0)
	msec := func(g got) got { g.SubSecond = true; return g }
	const pidLine = `127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET / HTTP/1.1" 200 3 "http://127.0.0.1/" "curl/7.88.1" pid=21643 rt=0.002 urt=0.001 uaddr=127.0.0.1:18100 msec=1795629056.866`
	const bareLine = `127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" 200 16 "-" "curl/7.88.1" 21643 0.023`
	tests := []struct {
		name string
		f    *Format
		line string
		want got
	}{
		{"corpus line, msec wins over time_local", withPID, firstLine(t, "nginx-pid.log"),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), "/"))},
		{"answered by nginx itself: urt=- uaddr=-", withPID,
			`127.0.0.1 - - [25/Nov/2026:17:50:57 +0000] "GET /healthz HTTP/1.1" 200 3 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36" pid=21643 rt=0.000 urt=- uaddr=- msec=1795629057.430`,
			msec(ok("21643", 200, 0, at(2026, 11, 25, 17, 50, 57, 430000), "/healthz"))},
		{"escaped quote inside the user agent", withPID,
			strings.Replace(pidLine, `"curl/7.88.1"`, `"Mozilla/5.0 \x22quoted\x22 (\x5Cx)"`, 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), "/"))},
		{"escaped bytes in the request", withPID,
			strings.Replace(pidLine, `"GET / HTTP/1.1"`, `"GET /caf\xC3\xA9?x=\x22 HTTP/1.1"`, 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), `/caf\xC3\xA9`))},
		{"binary request escaped", withPID,
			strings.Replace(pidLine, `"GET / HTTP/1.1"`, `"\x16\x03\x01\x00\xF4\x01\x00\x00"`, 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), ""))},
		{"IPv6 client", withPID, strings.Replace(pidLine, "127.0.0.1 -", "2001:db8:85a3::8a2e:370:7334 -", 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), "/"))},
		{"IPv6 upstream", withPID, strings.Replace(pidLine, "uaddr=127.0.0.1:18100", "uaddr=[::1]:18100", 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), "/"))},
		{"several upstreams tried", withPID, strings.Replace(pidLine, "urt=0.001 uaddr=127.0.0.1:18100", "urt=0.000, 0.001 uaddr=127.0.0.1:18100, 127.0.0.1:18101", 1),
			msec(ok("21643", 200, 2000, at(2026, 11, 25, 17, 50, 56, 866000), "/"))},
		{"combined", combined, firstLine(t, "nginx-combined.log"), ok("", 200, -1, t5056, "/")},
		{"bare pid and request time", bare, bareLine, ok("21643", 200, 23000, t5056, "/sleep")},
		{"pid absent", bare, strings.Replace(bareLine, " 21643 ", " - ", 1), ok("", 200, 23000, t5056, "/sleep")},
		{"status absent", bare, strings.Replace(bareLine, " 200 ", " - ", 1), ok("21643", 0, 23000, t5056, "/sleep")},
		{"request time absent", bare, strings.Replace(bareLine, " 0.023", " -", 1), ok("21643", 200, -1, t5056, "/sleep")},
		{"request time whole seconds", bare, strings.Replace(bareLine, " 0.023", " 12", 1), ok("21643", 200, 12_000_000, t5056, "/sleep")},
		{"request empty", bare, strings.Replace(bareLine, `"GET /sleep HTTP/1.1"`, `""`, 1), ok("21643", 200, 23000, t5056, "")},
		{"request a dash", bare, strings.Replace(bareLine, `"GET /sleep HTTP/1.1"`, `"-"`, 1), ok("21643", 200, 23000, t5056, "")},
		{"time_iso8601", iso, `10.0.0.1 [2026-11-25T17:50:56+00:00] "GET /a?b HTTP/1.1" 404 21643 0.5`, ok("21643", 404, 500000, t5056, "/a")},
		{"time_iso8601 west of UTC", iso, `10.0.0.1 [2026-11-25T12:50:56-05:00] "GET /a HTTP/1.1" 404 21643 0.5`, ok("21643", 404, 500000, t5056, "/a")},
		{"time_iso8601 with fraction", iso, `10.0.0.1 [2026-11-25T17:50:56.25+00:00] "GET /a HTTP/1.1" 404 21643 0.5`,
			msec(ok("21643", 404, 500000, at(2026, 11, 25, 17, 50, 56, 250000), "/a"))},
		{"msec before time_local", msecFirst, `1795629056.866 [25/Nov/2026:17:50:56 +0000] 21643`,
			msec(ok("21643", 0, -1, at(2026, 11, 25, 17, 50, 56, 866000), ""))},
		{"msec of whole seconds", msecFirst, `1795629056 [25/Nov/2026:17:50:56 +0000] 21643`, msec(ok("21643", 0, -1, t5056, ""))},
		{"braces", braces, `127.0.0.1 [25/Nov/2026:17:50:56 +0000] "GET /x HTTP/1.1" 200 21643:0.023s`, ok("21643", 200, 23000, t5056, "/x")},
		{"runs of variables", runs, `25/Nov/2026:17:50:56 +000021643 200/api/v1?x=1`, ok("21643", 200, -1, t5056, "/api/v1")},
		{"uri", uri, `::1 /a/b 200 21643`, ok("21643", 200, -1, 0, "/a/b")},
		{"upstream worker header", upstream, `127.0.0.1 21643 "21637" 0.002`, ok("21637", 0, 2000, 0, "")},
		{"upstream worker header, nginx tried two upstreams", upstream, `127.0.0.1 21643 "21637, 21638" 0.002`, ok("21638", 0, 2000, 0, "")},
		{"upstream worker header, two upstream groups", upstream, `127.0.0.1 21643 "21637 : 21639" 0.002`, ok("21639", 0, 2000, 0, "")},
		{"upstream worker header absent", upstream, `127.0.0.1 21643 "-" 0.002`, ok("", 0, 2000, 0, "")},
		{"upstream worker header not a number", upstream, `127.0.0.1 21643 "abc" 0.002`, rejected(ReasonBadPID)},
		{"upstream worker header beside $pid", upstreamAndPID, `127.0.0.1 21643 "21637" 0.002`, ok("21643", 0, 2000, 0, "")},
		{"combined line in the pid format", withPID, firstLine(t, "nginx-combined.log"), rejected(ReasonNoMatch)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := scanOne(t, tt.f, tt.line); g != tt.want {
				t.Errorf("%q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

func TestNginxReasons(t *testing.T) {
	f := mustNginx(t, `$remote_addr [$time_local] $status $pid $request_time $msec`)
	const good = `127.0.0.1 [25/Nov/2026:17:50:56 +0000] 200 21643 0.023 1795629056.866`
	tests := []struct {
		name, old, new string
		want           Reason
	}{
		{"good", "", "", ReasonNone},
		{"pid not a number", " 21643 ", " abc ", ReasonBadPID},
		{"pid in brackets of a word", " 21643 ", " <abc> ", ReasonBadPID},
		{"status not a number", " 200 ", " OK ", ReasonBadStatus},
		{"request time not a number", " 0.023 ", " 0.02x ", ReasonBadDur},
		{"request time with exponent", " 0.023 ", " 2e-3 ", ReasonBadDur},
		{"request time negative", " 0.023 ", " -0.023 ", ReasonBadDur},
		{"request time two dots", " 0.023 ", " 0.0.23 ", ReasonBadDur},
		{"request time a dot", " 0.023 ", " . ", ReasonBadDur},
		{"msec not a number", "1795629056.866", "soon", ReasonBadTime},
		{"msec absent", "1795629056.866", "-", ReasonBadTime},
		{"time_local of February 30", "25/Nov", "30/Feb", ReasonBadTime},
		{"time_local of February 29 in a common year", "25/Nov/2026", "29/Feb/2026", ReasonBadTime},
		{"time_local of February 29 in a leap year", "25/Nov/2026", "29/Feb/2028", ReasonNone},
		{"field missing", " 1795629056.866", "", ReasonNoMatch},
		{"space missing", "] 200", "]200", ReasonNoMatch},
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

func TestNginxReasonAfterFreeText(t *testing.T) {
	f := mustNginx(t, NginxCombined+` $pid $request_time`)
	const good = `127.0.0.1 - - [25/Nov/2026:17:50:56 +0000] "GET /sleep HTTP/1.1" 200 16 "-" "curl/7.88.1" 21643 0.023`
	tests := []struct {
		name, old, new string
		want           Reason
	}{
		{"pid not a number", " 21643 ", " abc ", ReasonBadPID},
		{"request time not a number", " 0.023", " 0.02x", ReasonBadDur},
		{"status not a number", " 200 ", " OK ", ReasonBadStatus},
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

func TestNginxFormatGivenAGunicornLine(t *testing.T) {
	f := mustNginx(t, corpusNginxPID)
	line := firstLine(t, "gunicorn-pid-us.log")
	if g := scanOne(t, f, line); g.Reason != ReasonNoMatch {
		t.Errorf("%q: got reason %q, want %q", line, g.Reason, ReasonNoMatch)
	}
}
