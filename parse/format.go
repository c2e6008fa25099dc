package parse

import (
	"fmt"
	"strings"
)

// fieldKind is what a field of a log format means to skewer. Fields skewer
// does not use are fSkip: their extent is found, their value ignored.
type fieldKind uint8

const (
	fSkip       fieldKind = iota
	fPID                  // worker PID: 123 or <123>
	fTimeCLF              // 25/Nov/2026:17:14:54 +0000
	fTimeISO              // 2026-11-25T17:50:56+00:00
	fMsec                 // 1795629056.866
	fStatus               // 200, b'200 OK', socket, -
	fDurMicros            // integer microseconds (gunicorn %(D)s)
	fDurMillis            // integer milliseconds (gunicorn %(M)s)
	fDurSeconds           // decimal seconds (gunicorn %(L)s, %(T)s, nginx $request_time)
	fRequest              // GET /path?q HTTP/1.1
	fPath                 // /path or /path?q
	fQuoted               // a skipped field whose value may hold the closing quote (gunicorn does not escape)
	fKey                  // the worker key chosen with --by: any value
	fHost                 // the host a line comes from (--host-field)
	fKeyList              // fKey from an nginx $upstream_* variable: a retry list "a, b" or "a : b"
	fHostList             // fHost from an nginx $upstream_* variable
	fEpochSec             // 1795629056 (Apache %{sec}t, strftime %s)
	fEpochMilli           // 1795629056866 (Apache %{msec}t)
	fEpochMicro           // 1795629056866123 (Apache %{usec}t)
	fTimeLayout           // a strftime time (Apache %{format}t, php-fpm %{format}t): Format.layout
	fDurMsDec             // decimal milliseconds (php-fpm %{mili}d)
	fConn                 // connection serial number (nginx $connection)
	fConnReqs             // the request's number on its connection (nginx $connection_requests)
	fKeepalives           // requests served on the connection before this one (Apache %k)
	fClient               // client address (gunicorn %(h)s, nginx $remote_addr, Apache %a %h)
	fPort                 // client port (gunicorn %({remote_port}e)s, nginx $remote_port, Apache %{remote}p)
)

// field is one variable part of a format, followed by the literal text that
// comes before the next field.
type field struct {
	kind  fieldKind
	how   howEnd // how the fast path finds the end of the value
	name  string // the name in the format's own syntax: "p", "D", "pid", "request_time", ...
	after []byte // literal that follows the field ("" at the end of the line or before another field)
}

// howEnd is how the fast path finds where a field's value ends.
type howEnd uint8

const (
	endShort  howEnd = iota // scan a few bytes for the literal that follows
	endLong                 // vectorised search for the literal that follows
	endTime                 // 26 bytes, then the literal
	endLine                 // the rest of the line
	endStatus               // b'200 OK' or a short value
	endShape                // no literal follows: the value's own shape
)

func howFor(fl field, last bool) howEnd {
	switch {
	case len(fl.after) == 0 && last:
		return endLine
	case len(fl.after) == 0, fl.kind == fTimeLayout: // a layout's width is its shape
		return endShape
	case fl.kind == fTimeCLF:
		return endTime
	case fl.kind == fStatus:
		return endStatus
	case fl.kind == fRequest || fl.kind == fPath || fl.kind == fQuoted:
		return endLong
	}
	return endShort
}

// Format is a compiled log format: a leading literal, then fields each
// followed by a literal. It is immutable and safe for concurrent use.
type Format struct {
	// Name is the format's short name: gunicorn, nginx, combined, common,
	// json, uwsgi, apache or phpfpm.
	Name string
	// Family is the server family that writes it (one of Families), or the
	// zero value when the format does not tell.
	Family Family
	// Spec is the format string in the server's own syntax.
	Spec string
	// Note says how an auto-detected format was read, when that is a guess
	// the user should know about.
	Note string

	lead   []byte
	fields []field
	// custom reads formats that are not a sequence of literals and fields
	// (JSON lines, uWSGI's request lines); nil for the others.
	custom lineMatcher
	// startStamp says the time field is the request's start (Apache,
	// php-fpm): the end is that time plus the duration.
	startStamp bool
	// layout reads the fTimeLayout field, if any.
	layout *timeLayout
	// The fast path reads fields[:head] left to right and fields[tail:]
	// right to left from the end of the line, and skips the fields between,
	// which skewer does not use (referer, user agent). head == tail when
	// nothing is skipped.
	head, tail int
}

// plan sets head and tail: the tail is the run of short fields at the end of
// the format (PID, durations, $msec) that follow a quoted free-text field;
// the head ends after the last field before it that skewer uses.
func (f *Format) plan() {
	n := len(f.fields)
	f.head, f.tail = n, n
	if n == 0 || len(f.fields[n-1].after) != 0 {
		return
	}
	t := n
	for t > 1 && tailable(f.fields[t-1].kind) && len(f.fields[t-2].after) > 0 {
		t--
	}
	if t == n || t < 1 || f.fields[t-1].kind != fQuoted {
		return
	}
	h := t
	for h > 0 && (f.fields[h-1].kind == fSkip || f.fields[h-1].kind == fQuoted) {
		h--
	}
	f.head, f.tail = h, t
}

// tailable reports whether a field's values never hold a space or quote, so
// that it can be found from the end of the line.
func tailable(k fieldKind) bool {
	switch k {
	case fPID, fDurMicros, fDurMillis, fDurSeconds, fMsec, fConn, fConnReqs, fKeepalives, fPort:
		return true
	}
	return false
}

// HasConnection reports whether the format identifies the connection of
// each request: nginx's $connection, or the client's port.
func (f *Format) HasConnection() bool { return f.has(fConn) || f.has(fPort) }

// HasWorker reports whether the format has a worker field: a PID, or the
// field chosen with KeyBy.
func (f *Format) HasWorker() bool { return f.has(fPID) || f.has(fKey) }

// HasDuration reports whether the format has a request time field.
func (f *Format) HasDuration() bool {
	return f.has(fDurMicros) || f.has(fDurMillis) || f.has(fDurSeconds) || f.has(fDurMsDec)
}

// SubSecond reports whether the format's end times have sub-second resolution.
func (f *Format) SubSecond() bool {
	return f.has(fMsec) || f.has(fEpochMilli) || f.has(fEpochMicro) || f.layout != nil && f.layout.frac && f.has(fTimeLayout)
}

// HasTime reports whether the format has an end-of-request time.
func (f *Format) HasTime() bool {
	return f.has(fMsec) || f.has(fTimeCLF) || f.has(fTimeISO) || f.has(fEpochSec) || f.has(fEpochMilli) || f.has(fEpochMicro) || f.has(fTimeLayout)
}

func (f *Format) has(k fieldKind) bool {
	if f.custom != nil {
		return f.custom.has(k)
	}
	for _, fl := range f.fields {
		if fl.kind == k || fl.kind == fKeyList && k == fKey || fl.kind == fHostList && k == fHost {
			return true
		}
	}
	return false
}

// KeyBy returns a copy of the format whose worker key is the named field
// (--by) instead of the PID: its values are used as they are. name may be
// written bare or in the format's syntax ($upstream_addr, %(p)s).
func (f *Format) KeyBy(name string) (*Format, error) {
	return f.retag(name, fKey)
}

// HostBy returns a copy of the format that reads the host of each line from
// the named field (--host-field).
func (f *Format) HostBy(name string) (*Format, error) {
	return f.retag(name, fHost)
}

func (f *Format) retag(name string, kind fieldKind) (*Format, error) {
	name = strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(name, "$"), ")s"), "%(")
	g := *f
	if f.custom != nil {
		c, err := f.custom.keyBy(name, kind)
		if err != nil {
			return nil, err
		}
		g.custom = c
		return &g, nil
	}
	g.fields = make([]field, len(f.fields))
	copy(g.fields, f.fields)
	found := false
	for i := range g.fields {
		fl := &g.fields[i]
		switch {
		case fl.name == name:
			fl.kind, found = kind, true
			if isRetryList(name) {
				fl.kind = map[fieldKind]fieldKind{fKey: fKeyList, fHost: fHostList}[kind]
			}
		case kind == fKey && fl.kind == fPID:
			fl.kind = fSkip
		}
	}
	if !found {
		return nil, fmt.Errorf("%s format has no field %q (fields: %s)", f.Name, name, strings.Join(f.FieldNames(), ", "))
	}
	g.plan()
	for i := range g.fields {
		g.fields[i].how = howFor(g.fields[i], i == len(g.fields)-1)
	}
	return &g, nil
}

// FieldNames lists the format's field names in order.
func (f *Format) FieldNames() []string {
	if f.custom != nil {
		return f.custom.names()
	}
	out := make([]string, 0, len(f.fields))
	for _, fl := range f.fields {
		out = append(out, fl.name)
	}
	return out
}
