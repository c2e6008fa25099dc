package parse

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// uwsgiReq builds a default request line around the parts a test varies.
func uwsgiReq(prefix, date, request, dur, via, status string) string {
	return prefix + `[pid: 21650|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [` + date + `] ` + request +
		` => generated 13 bytes in ` + dur + via + `(HTTP/1.1 ` + status + `) 2 headers in 79 bytes (1 switches on core 0)`
}

// TestUWSGILines reads uWSGI's default request line and its variants; the
// date is the start, the end is the start plus the duration.
func TestUWSGILines(t *testing.T) {
	const date = "Wed Nov 25 17:40:05 2026"
	start := at(2026, 11, 25, 17, 40, 5, 0)
	tests := []struct {
		name, line string
		want       got
	}{
		{"default", `[pid: 12345|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET /path?x=1 => generated 13 bytes in 2 msecs (HTTP/1.1 200) 2 headers in 79 bytes (1 switches on core 0)`,
			ok("12345", 200, 2000, start+2000, "/path")},
		{"without a query", uwsgiReq("", date, "GET /path", "2 msecs", " ", "200"), ok("21650", 200, 2000, start+2000, "/path")},
		{"micros", uwsgiReq("", date, "GET /path", "2345 micros", " ", "200"), ok("21650", 200, 2345, start+2345, "/path")},
		{"zero msecs", uwsgiReq("", date, "GET /", "0 msecs", " ", "304"),
			got{Worker: "21650", Status: 304, Duration: 0, Time: start, HasTime: true, Path: "/"}},
		{"via sendfile", uwsgiReq("", date, "GET /static/app.js", "1 msecs", " via sendfile() ", "200"), ok("21650", 200, 1000, start+1000, "/static/app.js")},
		{"via route", uwsgiReq("", date, "GET /old", "0 msecs", " via route() ", "301"),
			got{Worker: "21650", Status: 301, Duration: 0, Time: start, HasTime: true, Path: "/old"}},
		{"via offload", uwsgiReq("", date, "GET /big", "12 msecs", " via offload() ", "200"), ok("21650", 200, 12000, start+12000, "/big")},
		{"day padded with a space", uwsgiReq("", "Thu Nov  5 17:40:05 2026", "GET /", "2 msecs", " ", "200"),
			ok("21650", 200, 2000, at(2026, 11, 5, 17, 40, 5, 2000), "/")},
		{"vhost prefix", uwsgiReq("example.com ", date, "GET /", "2 msecs", " ", "200"), ok("21650", 200, 2000, start+2000, "/")},
		{"memory report prefix", uwsgiReq("{address space usage: 150102016 bytes/143MB} {rss usage: 25030656 bytes/23MB} ", date, "GET /", "2 msecs", " ", "200"),
			ok("21650", 200, 2000, start+2000, "/")},
		{"uri with the arrow", uwsgiReq("", date, "GET /a => generated b", "2 msecs", " ", "200"), ok("21650", 200, 2000, start+2000, "/a => generated b")},
		{"minimal line of an oversized request", `[pid: 21650|app: 0|req: 1/2] 0.0.0.0 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] - - => generated 0 bytes in 2 msecs (- 200) 0 headers in 0 bytes (0 switches on core 0)`,
			ok("21650", 200, 2000, start+2000, "")},
		{"no app", `[pid: 21650|app: -1|req: -1/3] 127.0.0.1 (alice) {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET /nope => generated 9 bytes in 0 msecs (HTTP/1.1 500) 1 headers in 62 bytes (0 switches on core 0)`,
			got{Worker: "21650", Status: 500, Duration: 0, Time: start, HasTime: true, Path: "/nope"}},
		{"old async switches", `[pid: 21650|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET / => generated 13 bytes in 2 msecs (HTTP/1.0 200) 2 headers in 79 bytes (1 async switches on async core 0)`,
			ok("21650", 200, 2000, start+2000, "/")},
		{"banner", `*** Starting uWSGI 2.0.21-debian (64bit) on [Wed Nov 25 17:40:01 2026] ***`, rejected(ReasonNoMatch)},
		{"worker spawned", `spawned uWSGI worker 1 (pid: 21650, cores: 1)`, rejected(ReasonNoMatch)},
		{"app ready", `WSGI app 0 (mountpoint='') ready in 0 seconds on interpreter 0x7f3c5d9a1558 pid: 21648 (default app)`, rejected(ReasonNoMatch)},
		{"cut short", `[pid: 21650|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET / => generated 13 bytes in 2 msecs`, rejected(ReasonNoMatch)},
		{"pid not a number", strings.Replace(uwsgiReq("", date, "GET /", "2 msecs", " ", "200"), "21650", "x", 1), rejected(ReasonNoMatch)},
		{"pid too long", strings.Replace(uwsgiReq("", date, "GET /", "2 msecs", " ", "200"), "21650", "12345678901", 1), rejected(ReasonNoMatch)},
		{"unknown unit", uwsgiReq("", date, "GET /", "2 secs", " ", "200"), rejected(ReasonNoMatch)},
		{"status not a number", uwsgiReq("", date, "GET /", "2 msecs", " ", "OK"), rejected(ReasonNoMatch)},
		{"status too long", uwsgiReq("", date, "GET /", "2 msecs", " ", "2000"), rejected(ReasonNoMatch)},
		{"no method", uwsgiReq("", date, "GET", "2 msecs", " ", "200"), rejected(ReasonNoMatch)},
		{"date not a date", uwsgiReq("", "Wed Nov 31 17:40:05 2026", "GET /", "2 msecs", " ", "200"), rejected(ReasonBadTime)},
		{"weekday not a weekday", uwsgiReq("", "Wex Nov 25 17:40:05 2026", "GET /", "2 msecs", " ", "200"), rejected(ReasonBadTime)},
		{"date too short", uwsgiReq("", "Wed Nov 25 17:40:05 26", "GET /", "2 msecs", " ", "200"), rejected(ReasonNoMatch)},
		{"gunicorn line", firstLine(t, "gunicorn-pid-us.log"), rejected(ReasonNoMatch)},
	}
	f := UWSGI(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := scanOne(t, f, tt.line); g != tt.want {
				t.Errorf("line %q:\ngot  %+v\nwant %+v", tt.line, g, tt.want)
			}
		})
	}
}

// TestUWSGIFixture reads a request log of a real-looking uWSGI with three
// workers; the ends are the logged starts plus the logged msecs.
func TestUWSGIFixture(t *testing.T) {
	f := UWSGI(nil)
	got := scanAll(t, f, string(readFixture(t, "uwsgi/default.log")))
	want := []lineResult{
		{1, ok("21650", 200, 2000, at(2026, 11, 25, 17, 40, 5, 2000), "/")},
		{2, ok("21651", 200, 21000, at(2026, 11, 25, 17, 40, 5, 21000), "/sleep")},
		{3, ok("21650", 200, 20000, at(2026, 11, 25, 17, 40, 6, 20000), "/sleep")},
		{4, ok("21652", 201, 143000, at(2026, 11, 25, 17, 40, 6, 143000), "/api/items")},
		{5, ok("21650", 404, 1000, at(2026, 11, 25, 17, 40, 7, 1000), "/missing")},
		{6, ok("21651", 200, 1502000, at(2026, 11, 25, 17, 41, 0, 502000), "/slow")},
	}
	compareLines(t, got, want)
}

// TestUWSGIZone reads the zoneless date in the zone given, UTC by default.
func TestUWSGIZone(t *testing.T) {
	line := firstFixtureLine(t, "uwsgi/default.log") // Wed Nov 25 17:40:05 2026, 2 msecs
	tests := []struct {
		name string
		f    *Format
		want int64
	}{
		{"nil is UTC", UWSGI(nil), at(2026, 11, 25, 17, 40, 5, 2000)},
		{"UTC", UWSGI(time.UTC), at(2026, 11, 25, 17, 40, 5, 2000)},
		{"east of UTC", UWSGI(time.FixedZone("+0530", 5*3600+1800)), at(2026, 11, 25, 12, 10, 5, 2000)},
		{"In west of UTC", UWSGI(nil).In(time.FixedZone("-05", -5*3600)), at(2026, 11, 25, 22, 40, 5, 2000)},
		{"In UTC again", UWSGI(time.FixedZone("-05", -5*3600)).In(time.UTC), at(2026, 11, 25, 17, 40, 5, 2000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.f.Zoneless() {
				t.Errorf("Zoneless: got false, want true")
			}
			if g := scanOne(t, tt.f, line); g.Time != tt.want {
				t.Errorf("Time: got %d, want %d", g.Time, tt.want)
			}
		})
	}
}

func TestUWSGIFormat(t *testing.T) {
	f := UWSGI(nil)
	if f.Name != "uwsgi" || f.Family != "uwsgi" || f.Spec != UWSGIDefault {
		t.Errorf("Name, Family, Spec: got %q, %q, %q", f.Name, f.Family, f.Spec)
	}
	got := []bool{f.HasWorker(), f.HasDuration(), f.HasTime(), f.SubSecond()}
	want := []bool{true, true, true, false}
	for i, name := range []string{"HasWorker", "HasDuration", "HasTime", "SubSecond"} {
		if got[i] != want[i] {
			t.Errorf("%s: got %v, want %v", name, got[i], want[i])
		}
	}
}

func TestUWSGIKeyBy(t *testing.T) {
	line := uwsgiReq("example.com ", "Wed Nov 25 17:40:05 2026", "GET /", "2 msecs", " ", "200")
	byApp, err := UWSGI(nil).KeyBy("app")
	if err != nil {
		t.Fatal(err)
	}
	if g := scanOne(t, byApp, line); g.Worker != "0" {
		t.Errorf("--by app: Worker: got %q, want %q", g.Worker, "0")
	}
	byHost, err := byApp.HostBy("%(vhost)")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(strings.NewReader(line), byHost)
	if !r.Scan() || r.Reason() != ReasonNone {
		t.Fatalf("Scan: got reason %q, want a parsed line", r.Reason())
	}
	if rec := r.Record(); string(rec.Host) != "example.com" || string(rec.Worker) != "0" {
		t.Errorf("Host, Worker: got %q, %q, want %q, %q", rec.Host, rec.Worker, "example.com", "0")
	}
	if !byHost.HasWorker() || byHost.has(fPID) {
		t.Errorf("HasWorker, has(fPID): got %v, %v, want true, false", byHost.HasWorker(), byHost.has(fPID))
	}
	_, err = UWSGI(nil).KeyBy("worker")
	const want = `uwsgi format has no field "worker" (fields: vhost, pid, app, addr, user, method, uri, proto, status, core)`
	if err == nil || err.Error() != want {
		t.Errorf("KeyBy(worker): got error %v, want %q", err, want)
	}
}

// TestDetectUWSGI detects uWSGI request logs, also after the startup
// banner uWSGI writes to the same file, and nothing that merely holds a
// few request lines.
func TestDetectUWSGI(t *testing.T) {
	const noteBanner = "uWSGI's own messages in this log are counted as rejected lines (--req-logger writes requests to a log of their own)"
	withBanner := string(readFixture(t, "uwsgi/with-banner.log"))
	few := firstFixtureLine(t, "uwsgi/default.log") + "\nsome\nother\nlines\n"
	tests := []struct {
		name, sample string
		want         detected
	}{
		{"request log", string(readFixture(t, "uwsgi/default.log")),
			detected{Kind: KindAccess, Name: "uwsgi", Family: "uwsgi", Spec: UWSGIDefault, Worker: true}},
		{"after the banner", withBanner,
			detected{Kind: KindAccess, Name: "uwsgi", Family: "uwsgi", Spec: UWSGIDefault, Note: noteBanner, Worker: true}},
		{"a few lines among others", few, detected{Kind: KindUnknown, Why: whyUnknown}},
		{"banner only", withBanner[:strings.Index(withBanner, "[pid:")], detected{Kind: KindUnknown, Why: whyUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := describe(Detect([]byte(tt.sample), true)); g != tt.want {
				t.Errorf("\ngot  %+v\nwant %+v", g, tt.want)
			}
		})
	}
	// The banner lines are rejected, the request lines read.
	d := Detect([]byte(withBanner), true)
	var parsed, rejectedLines int
	for _, l := range scanAll(t, d.Format, withBanner) {
		if l.Reason == ReasonNone {
			parsed++
		} else {
			rejectedLines++
		}
	}
	if parsed != 3 || rejectedLines != 31 {
		t.Errorf("parsed, rejected: got %d, %d, want 3, 31", parsed, rejectedLines)
	}
}

func FuzzUWSGILine(f *testing.F) {
	addFixtureLines(f, "uwsgi/default.log", "uwsgi/with-banner.log")
	for _, s := range []string{
		uwsgiReq("example.com ", "Thu Nov  5 17:40:05 2026", "GET /a?b", "2345 micros", " via sendfile() ", "200"),
		uwsgiReq("", "Sat Dec 31 23:59:59 9999", "GET /", "999999999999999 msecs", " ", "200"),
		`[pid: 1|app: |req: ] x (y) {1 vars in 1 bytes} [Wed Nov 25 17:40:05 2026]  => generated 1 bytes in 1 msecs  via () (a b c 1) 1 headers in `,
		"[pid: 21650|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET / => generated 13 bytes in 2 msecs (HTTP/1.1 200) 2 headers in 79 bytes (1 switches on core 0)\r\n",
	} {
		f.Add([]byte(s))
	}
	formats := []*Format{UWSGI(nil), UWSGI(time.FixedZone("+14", 14*3600))}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
	})
}

// benchFixture repeats the lines of a testdata fixture to about benchSize
// bytes, once per process.
func benchFixture(b *testing.B, name string) *benchLog {
	key := "fixture:" + name
	if v, ok := benchLogs.Load(key); ok {
		return v.(*benchLog)
	}
	unit := readFixture(b, name)
	reps := benchSize / len(unit)
	l := &benchLog{data: bytes.Repeat(unit, reps), lines: int64(bytes.Count(unit, []byte("\n")) * reps)}
	benchLogs.Store(key, l)
	return l
}

// BenchmarkReaderUWSGI scans uWSGI's default request lines, in UTC and in
// a zone (whose dates go through time.Date).
func BenchmarkReaderUWSGI(b *testing.B) {
	b.Run("utc", func(b *testing.B) { benchReader(b, UWSGI(nil), benchFixture(b, "uwsgi/default.log")) })
	b.Run("zone", func(b *testing.B) {
		benchReader(b, UWSGI(time.FixedZone("-05", -5*3600)), benchFixture(b, "uwsgi/default.log"))
	})
}
