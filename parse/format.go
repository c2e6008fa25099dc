package parse

import (
	"bytes"
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
)

// field is one variable part of a format, followed by the literal text that
// comes before the next field.
type field struct {
	kind  fieldKind
	name  string // the name in the format's own syntax: "p", "D", "pid", "request_time", ...
	after []byte // literal that follows the field ("" at the end of the line or before another field)
}

// Format is a compiled log format: a leading literal, then fields each
// followed by a literal. It is immutable and safe for concurrent use.
type Format struct {
	// Name is the format's short name: gunicorn, nginx, combined, common.
	Name string
	// Family is the server family that writes it: gunicorn or nginx.
	Family string
	// Spec is the format string in the server's own syntax.
	Spec string
	// Note says how an auto-detected format was read, when that is a guess
	// the user should know about.
	Note string

	lead   []byte
	fields []field
}

// HasWorker reports whether the format has a worker PID field.
func (f *Format) HasWorker() bool { return f.has(fPID) }

// HasDuration reports whether the format has a request time field.
func (f *Format) HasDuration() bool {
	return f.has(fDurMicros) || f.has(fDurMillis) || f.has(fDurSeconds)
}

// SubSecond reports whether the format's end times have sub-second resolution.
func (f *Format) SubSecond() bool { return f.has(fMsec) }

// HasTime reports whether the format has an end-of-request time.
func (f *Format) HasTime() bool { return f.has(fMsec) || f.has(fTimeCLF) || f.has(fTimeISO) }

func (f *Format) has(k fieldKind) bool {
	for _, fl := range f.fields {
		if fl.kind == k {
			return true
		}
	}
	return false
}

// maxBacktrack bounds the attempts spent on one line whose free-text fields
// hold the text that follows them (an unescaped quote in a user agent).
const maxBacktrack = 64

// match parses line into rec. It returns ReasonNone on success.
func (f *Format) match(line []byte, rec *Record) Reason {
	if !bytes.HasPrefix(line, f.lead) {
		return ReasonNoMatch
	}
	budget := maxBacktrack
	reason := f.matchFrom(line, len(f.lead), 0, rec, &budget)
	if reason == ReasonNone && f.has(fMsec) {
		rec.SubSecond = true
	}
	return reason
}

// matchFrom matches fields[i:] against line[pos:]. Fields whose value may
// contain the literal that follows them are retried at later occurrences of
// that literal when the rest of the line does not match.
func (f *Format) matchFrom(line []byte, pos, i int, rec *Record, budget *int) Reason {
	if i == len(f.fields) {
		if pos != len(line) {
			return ReasonNoMatch
		}
		return ReasonNone
	}
	fl := &f.fields[i]
	last := i == len(f.fields)-1
	start := pos
	for {
		end, ok := f.extent(line, start, pos, fl, last)
		if !ok {
			return ReasonNoMatch
		}
		reason := store(fl.kind, line[start:end], rec)
		if reason == ReasonNone {
			reason = f.matchFrom(line, end+len(fl.after), i+1, rec, budget)
			if reason == ReasonNone {
				return ReasonNone
			}
		}
		if !retryable(fl.kind) || len(fl.after) == 0 {
			return reason
		}
		*budget--
		if *budget <= 0 {
			return reason
		}
		pos = end + 1
	}
}

func retryable(k fieldKind) bool {
	return k == fQuoted || k == fRequest || k == fPath
}

// extent finds where the value of fl that starts at start ends, searching for
// its following literal from pos.
func (f *Format) extent(line []byte, start, pos int, fl *field, last bool) (int, bool) {
	if fl.kind == fStatus && pos == start && bytes.HasPrefix(line[start:], []byte("b'")) {
		// gevent_pywsgi under gunicorn 20.1 logs the status as b'200 OK'.
		q := bytes.IndexByte(line[start+2:], '\'')
		if q < 0 {
			return 0, false
		}
		end := start + 2 + q + 1
		if !bytes.HasPrefix(line[end:], fl.after) {
			return 0, false
		}
		return end, true
	}
	if len(fl.after) == 0 {
		if last {
			return len(line), true
		}
		return naturalEnd(line, start, fl.kind)
	}
	if pos > len(line) {
		return 0, false
	}
	var k int
	if len(fl.after) == 1 {
		k = bytes.IndexByte(line[pos:], fl.after[0])
	} else {
		k = bytes.Index(line[pos:], fl.after)
	}
	if k < 0 {
		return 0, false
	}
	return pos + k, true
}

// naturalEnd finds the end of a field that is directly followed by another
// field, from the shape of its value. Formats are only compiled with such
// runs when the first field has a shape.
func naturalEnd(line []byte, start int, k fieldKind) (int, bool) {
	i := start
	switch k {
	case fTimeCLF:
		if len(line)-start < 26 {
			return 0, false
		}
		return start + 26, true
	case fPID:
		if i < len(line) && line[i] == '<' {
			j := bytes.IndexByte(line[i:], '>')
			if j < 0 {
				return 0, false
			}
			return i + j + 1, true
		}
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
	case fDurMicros, fDurMillis, fStatus:
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
	case fDurSeconds, fMsec:
		for i < len(line) && (line[i] >= '0' && line[i] <= '9' || line[i] == '.') {
			i++
		}
	default:
		return 0, false
	}
	if i == start {
		if i < len(line) && line[i] == '-' {
			return i + 1, true
		}
		return 0, false
	}
	return i, true
}

// hasShape reports whether a field's extent can be found without a literal
// after it.
func hasShape(k fieldKind) bool {
	switch k {
	case fTimeCLF, fPID, fDurMicros, fDurMillis, fStatus, fDurSeconds, fMsec:
		return true
	}
	return false
}

// store interprets the value v of a field of kind k into rec.
func store(k fieldKind, v []byte, rec *Record) Reason {
	switch k {
	case fPID:
		if len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>' {
			v = v[1 : len(v)-1]
		}
		if isAbsent(v) {
			rec.Worker = nil
			return ReasonNone
		}
		if _, ok := digits(v); !ok || len(v) > 10 {
			return ReasonBadPID
		}
		rec.Worker = v
	case fTimeCLF:
		if rec.SubSecond {
			return ReasonNone // $msec seen earlier on the line wins
		}
		t, ok := parseCLF(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime = t, true
	case fTimeISO:
		if rec.SubSecond {
			return ReasonNone
		}
		t, sub, ok := parseISO(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime, rec.SubSecond = t, true, sub
	case fMsec:
		t, ok := parseDecimal(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime, rec.SubSecond = t, true, true
	case fStatus:
		return storeStatus(v, rec)
	case fDurMicros, fDurMillis, fDurSeconds:
		return storeDuration(k, v, rec)
	case fRequest:
		rec.Path = requestPath(v)
	case fPath:
		if isAbsent(v) {
			return ReasonNone
		}
		if q := bytes.IndexByte(v, '?'); q >= 0 {
			v = v[:q]
		}
		rec.Path = v
	}
	return ReasonNone
}

func isAbsent(v []byte) bool {
	return len(v) == 0 || len(v) == 1 && v[0] == '-'
}

func storeStatus(v []byte, rec *Record) Reason {
	if len(v) > 3 && v[0] == 'b' && v[1] == '\'' {
		v = v[2:]
		if sp := bytes.IndexByte(v, ' '); sp >= 0 {
			v = v[:sp]
		}
		v = bytes.TrimSuffix(v, []byte("'"))
	}
	if isAbsent(v) || string(v) == "socket" {
		rec.Status = 0
		return ReasonNone
	}
	n, ok := digits(v)
	if !ok || len(v) != 3 {
		return ReasonBadStatus
	}
	rec.Status = int(n)
	return ReasonNone
}

func storeDuration(k fieldKind, v []byte, rec *Record) Reason {
	if isAbsent(v) {
		return ReasonNone
	}
	var us int64
	var ok bool
	switch k {
	case fDurMicros:
		us, ok = digits(v)
	case fDurMillis:
		us, ok = digits(v)
		us *= 1000
	case fDurSeconds:
		us, ok = parseDecimal(v)
	}
	if !ok || len(v) > 18 {
		return ReasonBadDur
	}
	rec.Duration = us
	return ReasonNone
}

// requestPath returns the path of a request line "GET /p?q HTTP/1.1".
func requestPath(v []byte) []byte {
	sp := bytes.IndexByte(v, ' ')
	if sp < 0 {
		return nil
	}
	p := v[sp+1:]
	if e := bytes.IndexByte(p, ' '); e >= 0 {
		p = p[:e]
	}
	if q := bytes.IndexByte(p, '?'); q >= 0 {
		p = p[:q]
	}
	return p
}
