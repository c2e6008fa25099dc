package parse

import (
	"fmt"
	"reflect"
	"testing"
)

// TestReaderDurationCeiling checks that a request time over a day is a
// counted rejection with its own reason, in every unit, and that a day
// itself is read.
func TestReaderDurationCeiling(t *testing.T) {
	const line = `127.0.0.1 [25/Nov/2026:17:28:53 +0000] 200 3 pid=<16480> %s`
	t2853 := at(2026, 11, 25, 17, 28, 53, 0)
	const day = int64(86_400_000_000)
	tests := []struct {
		name, spec, dur string
		want            got
	}{
		{"a day in µs", "%(D)s", "86400000000", ok("16480", 200, day, t2853, "")},
		{"a day and 1 µs", "%(D)s", "86400000001", rejected(ReasonLongDur)},
		{"largest accepted µs before", "%(D)s", "999999999999999", rejected(ReasonLongDur)},
		{"a day in ms", "%(M)s", "86400000", ok("16480", 200, day, t2853, "")},
		{"15-digit ms", "%(M)s", "999999999999999", rejected(ReasonLongDur)},
		{"a day in s", "%(L)s", "86400.000000", ok("16480", 200, day, t2853, "")},
		{"a year in s", "%(T)s", "31536000", rejected(ReasonLongDur)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustGunicorn(t, `%(h)s %(t)s %(s)s %(b)s pid=%(p)s `+tt.spec)
			if g := scanOne(t, f, fmt.Sprintf(line, tt.dur)); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got  %+v\nwant %+v", g, tt.want)
			}
		})
	}
}

// TestReaderFarTime checks the one-line lookahead that rejects a stray
// clock: a line over a year from both the previous accepted line and the
// next is rejected; a lasting jump (the next line agrees) is read.
func TestReaderFarTime(t *testing.T) {
	f := mustNginx(t, `$time_iso8601 $pid $request_time`)
	l := func(year int) string { return fmt.Sprintf("%d-11-25T17:28:53+00:00 7 0.1\n", year) }
	good := func(n int64, year int) lineResult {
		return lineResult{Line: n, got: ok("7", 0, 100_000, at(year, 11, 25, 17, 28, 53, 0), "")}
	}
	bad := func(n int64, reason Reason) lineResult { return lineResult{Line: n, got: rejected(reason)} }
	tests := []struct {
		name  string
		input string
		want  []lineResult
	}{
		{"year 9999 in the middle", l(2026) + l(9999) + l(2026),
			[]lineResult{good(1, 2026), bad(2, ReasonFarTime), good(3, 2026)}},
		{"year 9999 first", l(9999) + l(2026) + l(2026),
			[]lineResult{bad(1, ReasonFarTime), good(2, 2026), good(3, 2026)}},
		{"year 9999 last", l(2026) + l(2026) + l(9999),
			[]lineResult{good(1, 2026), good(2, 2026), bad(3, ReasonFarTime)}},
		{"year 1900 in the middle", l(2026) + l(1900) + l(2026),
			[]lineResult{good(1, 2026), bad(2, ReasonFarTime), good(3, 2026)}},
		{"two stray lines", l(2026) + l(9999) + l(9000) + l(2026),
			[]lineResult{good(1, 2026), bad(2, ReasonFarTime), bad(3, ReasonFarTime), good(4, 2026)}},
		{"a lasting jump is read", l(2020) + l(2020) + l(2026) + l(2026),
			[]lineResult{good(1, 2020), good(2, 2020), good(3, 2026), good(4, 2026)}},
		{"the first line of a lasting jump is taken for a stray", l(2020) + l(2026) + l(2026),
			[]lineResult{bad(1, ReasonFarTime), good(2, 2026), good(3, 2026)}},
		{"two far lines alone are read", l(2026) + l(9999),
			[]lineResult{good(1, 2026), bad(2, ReasonFarTime)}},
		{"a lone line is read", l(9999), []lineResult{good(1, 9999)}},
		{"a rejected line between", l(2026) + l(9999) + "garbage\n" + l(2026),
			[]lineResult{good(1, 2026), bad(2, ReasonFarTime), bad(3, ReasonNoMatch), good(4, 2026)}},
		{"within a year", l(2025) + l(2026) + l(2025),
			[]lineResult{good(1, 2025), good(2, 2026), good(3, 2025)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanAll(t, f, tt.input); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestKeyByWholeValue checks that --by keeps the whole value of a field,
// and that only nginx's $upstream_* variables are read as retry lists, keyed
// by the upstream that answered.
func TestKeyByWholeValue(t *testing.T) {
	text := mustNginx(t, `$msec "$http_user_agent" $upstream_addr "$upstream_http_x_worker_pid" $request_time`)
	js, err := CompileJSON(map[string]string{"time": "msec", "duration": "request_time"})
	if err != nil {
		t.Fatal(err)
	}
	const ua1 = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0`
	const ua2 = `Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0`
	tests := []struct {
		name, by, ua, addr, wpid, want string
	}{
		{"user agent with a comma", "http_user_agent", ua1, "127.0.0.1:8000", "7", ua1},
		{"another user agent, same tail", "http_user_agent", ua2, "127.0.0.1:8000", "7", ua2},
		{"user agent with a colon list shape", "http_user_agent", "a : b", "127.0.0.1:8000", "7", "a : b"},
		{"upstream address", "upstream_addr", "x", "127.0.0.1:8000", "7", "127.0.0.1:8000"},
		{"upstream retries", "upstream_addr", "x", "127.0.0.1:8000, 127.0.0.1:8001", "7", "127.0.0.1:8001"},
		{"upstream retries across a redirect", "upstream_addr", "x", "127.0.0.1:8000, 127.0.0.1:8001 : unix:/run/b.sock", "7", "unix:/run/b.sock"},
		{"upstream header retries", "upstream_http_x_worker_pid", "x", "a", "12, 13", "13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := text.KeyBy(tt.by)
			if err != nil {
				t.Fatal(err)
			}
			line := fmt.Sprintf(`1795629297.001 "%s" %s "%s" 0.002`, tt.ua, tt.addr, tt.wpid)
			if g := scanOne(t, f, line); g.Reason != ReasonNone || g.Worker != tt.want {
				t.Errorf("text: got %q (%q), want %q", g.Worker, g.Reason, tt.want)
			}
			j, err := js.KeyBy(tt.by)
			if err != nil {
				t.Fatal(err)
			}
			line = fmt.Sprintf(`{"msec":"1795629297.001","%s":%q,"request_time":"0.002"}`, tt.by, map[string]string{
				"http_user_agent": tt.ua, "upstream_addr": tt.addr, "upstream_http_x_worker_pid": tt.wpid}[tt.by])
			if g := scanOne(t, j, line); g.Reason != ReasonNone || g.Worker != tt.want {
				t.Errorf("json: got %q (%q), want %q", g.Worker, g.Reason, tt.want)
			}
		})
	}
}
