package parse

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

// UWSGIDefault is uWSGI's default request log line written in its own
// --logformat syntax, as its documentation gives it. skewer reads the
// default line with a hand-written matcher, not from this string.
const UWSGIDefault = `[pid: %(pid)|app: -|req: -/-] %(addr) (%(user)) {%(vars) vars in %(pktsize) bytes} [%(ctime)] %(method) %(uri) => generated %(rsize) bytes in %(msecs) msecs (%(proto) %(status)) %(headers) headers in %(hsize) bytes (%(switches) switches on core %(core))`

// UWSGI returns the format of uWSGI's default request log lines:
//
//	[pid: 12345|app: 0|req: 1/2] 127.0.0.1 () {34 vars in 412 bytes} [Wed Nov 25 17:40:05 2026] GET /path?x=1 => generated 13 bytes in 2 msecs (HTTP/1.1 200) 2 headers in 79 bytes (1 switches on core 0)
//
// The worker is the pid (app: is the application, not a worker), the
// duration whole milliseconds (microseconds with --log-micros), and the
// date is the request's start in the server's local time without a zone:
// it is read in loc, or UTC when loc is nil.
func UWSGI(loc *time.Location) *Format {
	return &Format{Name: "uwsgi", Family: "uwsgi", Spec: UWSGIDefault, custom: &uwsgiMatcher{loc: zoneOrNil(loc)}, startStamp: true}
}

// In returns a copy of the format that reads times printed without a zone
// (uWSGI's date, a strftime time without %z) in loc instead of UTC.
func (f *Format) In(loc *time.Location) *Format {
	g := *f
	if m, ok := f.custom.(*uwsgiMatcher); ok {
		c := *m
		c.loc = zoneOrNil(loc)
		g.custom = &c
	}
	if f.layout != nil && !f.layout.zone {
		l := *f.layout
		l.loc = zoneOrNil(loc)
		g.layout = &l
	}
	return &g
}

// Zoneless reports whether the format's times carry no zone, so that they
// are read in the zone given to In (UTC unless told).
func (f *Format) Zoneless() bool {
	if _, ok := f.custom.(*uwsgiMatcher); ok {
		return true
	}
	return f.layout != nil && !f.layout.zone && f.has(fTimeLayout)
}

func zoneOrNil(loc *time.Location) *time.Location {
	if loc == time.UTC {
		return nil
	}
	return loc
}

// uwsgiMatcher reads uWSGI's default request lines.
type uwsgiMatcher struct {
	loc  *time.Location // the zone of the date; nil is UTC
	key  string         // the --by field, "" for the pid
	host string         // the --host-field field, or ""
}

// uwsgiFields are the parts of a request line that can key workers or
// hosts, named as in uWSGI's --logformat (vhost is the host --vhost prints
// first).
var uwsgiFields = []string{"vhost", "pid", "app", "addr", "user", "method", "uri", "proto", "status", "core"}

// uwsgiLine is a request line cut into its parts, slices of the line.
type uwsgiLine struct {
	vhost, pid, app, addr, user, ctime, method, uri, proto, status, core, dur []byte
	// micros says the duration is in µs (--log-micros), not ms.
	micros bool
}

func (u *uwsgiLine) field(name string) []byte {
	switch name {
	case "vhost":
		return u.vhost
	case "pid":
		return u.pid
	case "app":
		return u.app
	case "addr":
		return u.addr
	case "user":
		return u.user
	case "method":
		return u.method
	case "uri":
		return u.uri
	case "proto":
		return u.proto
	case "status":
		return u.status
	case "core":
		return u.core
	}
	return nil
}

var (
	uwsgiPID       = []byte("[pid: ")
	uwsgiGenerated = []byte(" => generated ")
	uwsgiOnCore    = []byte(" on core ")
)

// afterPrefix returns s after prefix, and whether s starts with it.
func afterPrefix(s []byte, prefix string) ([]byte, bool) {
	if len(s) < len(prefix) || string(s[:len(prefix)]) != prefix {
		return s, false
	}
	return s[len(prefix):], true
}

// leadingDigits returns the leading digits of s (at most max) and the rest.
func leadingDigits(s []byte, max int) (n, rest []byte, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:], i > 0 && i <= max
}

// splitUWSGI cuts a request line into its parts. Text before [pid: is the
// host that --vhost prints, or uWSGI's memory report.
func splitUWSGI(line []byte, u *uwsgiLine) bool {
	i := bytes.Index(line, uwsgiPID)
	if i < 0 {
		return false
	}
	u.vhost = bytes.TrimSpace(line[:i])
	s := line[i+len(uwsgiPID):]
	var ok bool
	if u.pid, s, ok = leadingDigits(s, 10); !ok {
		return false
	}
	if s, ok = afterPrefix(s, "|app: "); !ok {
		return false
	}
	j := bytes.IndexByte(s, '|')
	if j < 0 {
		return false
	}
	u.app = s[:j]
	if s, ok = afterPrefix(s[j:], "|req: "); !ok {
		return false
	}
	if j = bytes.Index(s, []byte("] ")); j < 0 {
		return false
	}
	s = s[j+2:]
	if j = bytes.Index(s, []byte(" (")); j < 0 {
		return false
	}
	u.addr, s = s[:j], s[j+2:]
	if j = bytes.Index(s, []byte(") {")); j < 0 {
		return false
	}
	u.user, s = s[:j], s[j+3:]
	if _, s, ok = leadingDigits(s, 10); !ok {
		return false
	}
	if s, ok = afterPrefix(s, " vars in "); !ok {
		return false
	}
	if _, s, ok = leadingDigits(s, 20); !ok {
		return false
	}
	if s, ok = afterPrefix(s, " bytes} ["); !ok || len(s) < 26 || s[24] != ']' || s[25] != ' ' {
		return false
	}
	u.ctime, s = s[:24], s[26:]
	// The URI is as the client sent it: the line's fixed-shape tail
	// starts at the last " => generated ".
	if j = bytes.LastIndex(s, uwsgiGenerated); j < 0 {
		return false
	}
	req := s[:j]
	s = s[j+len(uwsgiGenerated):]
	sp := bytes.IndexByte(req, ' ')
	if sp < 0 {
		return false
	}
	u.method, u.uri = req[:sp], req[sp+1:]
	return splitUWSGITail(s, u)
}

// splitUWSGITail reads "13 bytes in 2 msecs (HTTP/1.1 200) 2 headers in 79
// bytes (1 switches on core 0)", with " via sendfile() " (or route(),
// offload()) in place of the space before the status.
func splitUWSGITail(s []byte, u *uwsgiLine) bool {
	var ok bool
	if _, s, ok = leadingDigits(s, 20); !ok {
		return false
	}
	if s, ok = afterPrefix(s, " bytes in "); !ok {
		return false
	}
	if u.dur, s, ok = leadingDigits(s, 15); !ok {
		return false
	}
	if s, ok = afterPrefix(s, " msecs"); !ok {
		if s, ok = afterPrefix(s, " micros"); !ok {
			return false
		}
		u.micros = true
	} else {
		u.micros = false
	}
	if via, ok := afterPrefix(s, " via "); ok {
		j := bytes.Index(via, []byte("() "))
		if j < 0 {
			return false
		}
		s = via[j+2:]
	}
	if s, ok = afterPrefix(s, " ("); !ok {
		return false
	}
	j := bytes.IndexByte(s, ')')
	if j < 0 {
		return false
	}
	inner := s[:j]
	s = s[j+1:]
	sp := bytes.LastIndexByte(inner, ' ')
	if sp < 0 {
		return false
	}
	u.proto, u.status = inner[:sp], inner[sp+1:]
	if _, _, ok = leadingDigits(u.status, 3); !ok || len(u.status) > 3 {
		return false
	}
	if s, ok = afterPrefix(s, " "); !ok {
		return false
	}
	if _, s, ok = leadingDigits(s, 10); !ok {
		return false
	}
	if _, ok = afterPrefix(s, " headers in "); !ok {
		return false
	}
	u.core = nil
	if j = bytes.LastIndex(s, uwsgiOnCore); j >= 0 {
		u.core, _, _ = leadingDigits(s[j+len(uwsgiOnCore):], 10)
	}
	return true
}

func (m *uwsgiMatcher) match(line []byte, st *matchState) Reason {
	var u uwsgiLine
	if !splitUWSGI(line, &u) {
		return ReasonNoMatch
	}
	rec := st.rec
	t, ok := m.start(u.ctime, st)
	if !ok {
		return ReasonBadTime
	}
	rec.Time, rec.HasTime = t, true
	d, _ := digits(u.dur)
	if !u.micros {
		d *= 1000
	}
	rec.Duration = d
	n, _ := digits(u.status)
	rec.Status = int(n)
	if m.key == "" {
		rec.Worker = u.pid
	} else {
		rec.Worker = keyValue(u.field(m.key))
	}
	if m.host != "" {
		rec.Host = keyValue(u.field(m.host))
	}
	return st.store(fPath, u.uri)
}

// start reads uWSGI's date, "Wed Nov 25 17:40:05 2026" (ctime's, the day
// padded with a space), into unix microseconds. Consecutive lines often
// share it.
func (m *uwsgiMatcher) start(b []byte, st *matchState) (int64, bool) {
	if t, ok := st.cachedTime(b); ok {
		return t, true
	}
	if b[3] != ' ' || b[7] != ' ' || b[10] != ' ' || b[13] != ':' || b[16] != ':' || b[19] != ' ' || !isWeekday(b[:3]) {
		return 0, false
	}
	mo := month(b[4:7])
	d, ok1 := twoDigits(b[8:10], true)
	h, ok2 := digits(b[11:13])
	mi, ok3 := digits(b[14:16])
	s, ok4 := digits(b[17:19])
	y, ok5 := digits(b[20:24])
	if mo == 0 || !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return 0, false
	}
	t, ok := civil(y, mo, d, h, mi, s, 0)
	if !ok {
		return 0, false
	}
	if m.loc != nil {
		t = time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), 0, m.loc).UnixMicro()
	}
	st.keepTime(b, t)
	return t, true
}

func (m *uwsgiMatcher) has(k fieldKind) bool {
	switch k {
	case fPID:
		return m.key == ""
	case fKey:
		return m.key != ""
	case fHost:
		return m.host != ""
	case fTimeCLF, fDurMillis, fStatus, fPath:
		return true
	}
	return false
}

func (m *uwsgiMatcher) keyBy(name string, kind fieldKind) (lineMatcher, error) {
	name = strings.TrimSuffix(name, ")")
	if !slices.Contains(uwsgiFields, name) {
		return nil, fmt.Errorf("uwsgi format has no field %q (fields: %s)", name, strings.Join(uwsgiFields, ", "))
	}
	c := *m
	if kind == fHost {
		c.host = name
	} else {
		c.key = name
	}
	return &c, nil
}

func (m *uwsgiMatcher) names() []string { return uwsgiFields }

// detectUWSGI recognises uWSGI's default request log lines: most lines of
// the sample, or some after uWSGI's startup banner, whose lines (and those
// of the app, which uWSGI logs to the same file unless --req-logger splits
// them) are then counted as rejected.
func detectUWSGI(lines [][]byte) (Detection, bool) {
	var u uwsgiLine
	matched, banner := 0, false
	for _, l := range lines {
		switch {
		case splitUWSGI(l, &u):
			matched++
		case bytes.HasPrefix(l, []byte("*** Starting uWSGI ")):
			banner = true
		}
	}
	if matched == 0 || matched*2 < len(lines) && !banner {
		return Detection{}, false
	}
	f := UWSGI(nil)
	if matched*2 < len(lines) {
		f.Note = "uWSGI's own messages in this log are counted as rejected lines (--req-logger writes requests to a log of their own)"
	}
	return Detection{Kind: KindAccess, Format: f}, true
}
