package parse

import (
	"bytes"
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
	fEpochSec             // 1795629056 (Apache %{sec}t, strftime %s)
	fEpochMilli           // 1795629056866 (Apache %{msec}t)
	fEpochMicro           // 1795629056866123 (Apache %{usec}t)
	fTimeLayout           // a strftime time (Apache %{format}t, php-fpm %{format}t): Format.layout
	fDurMsDec             // decimal milliseconds (php-fpm %{mili}d)
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
	// Name is the format's short name: gunicorn, nginx, combined, common.
	Name string
	// Family is the server family that writes it: gunicorn or nginx.
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
	case fPID, fDurMicros, fDurMillis, fDurSeconds, fMsec:
		return true
	}
	return false
}

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
		if fl.kind == k {
			return true
		}
	}
	return false
}

// maxBacktrack bounds the attempts spent on one line whose free-text fields
// hold the text that follows them (an unescaped quote in a user agent).
const maxBacktrack = 64

// matchState is the per-reader state of matching: the record being filled,
// the backtracking budget of the current line, and the last time parsed
// (access logs repeat the same second on many consecutive lines).
type matchState struct {
	rec      *Record
	budget   int
	lastTime [32]byte
	lastLen  int
	lastUS   int64
	layout   *timeLayout // the format's strftime time
}

// lineMatcher reads one line of a format that is not a sequence of literals
// and fields.
type lineMatcher interface {
	match(line []byte, st *matchState) Reason
	has(k fieldKind) bool
	// keyBy returns a matcher whose worker key (or host, with kind fHost)
	// is the named field.
	keyBy(name string, kind fieldKind) (lineMatcher, error)
	// names lists the fields, for error messages.
	names() []string
}

// match parses line into st.rec. It returns ReasonNone on success.
func (f *Format) match(line []byte, st *matchState) Reason {
	st.layout = f.layout
	r := f.matchLine(line, st)
	if r == ReasonNone && f.startStamp && st.rec.HasTime && st.rec.Duration > 0 {
		r = endFromStart(st.rec)
	}
	return r
}

func (f *Format) matchLine(line []byte, st *matchState) Reason {
	if f.custom != nil {
		return f.custom.match(line, st)
	}
	if !bytes.HasPrefix(line, f.lead) {
		return ReasonNoMatch
	}
	// Fast path: every field ends at the first occurrence of the literal
	// that follows it, as on nearly every line.
	if f.head < f.tail {
		if f.matchEnds(line, st) {
			return ReasonNone
		}
	} else if pos, ok := f.matchHead(line, st, len(f.fields)); ok && pos == len(line) {
		return ReasonNone
	}
	// Slow path: retry free-text fields at later occurrences of their
	// literal, and find the reason when the line does not match.
	st.budget = maxBacktrack
	return f.matchFrom(line, len(f.lead), 0, st)
}

// matchHead reads fields[:upto] left to right, each ending at the first
// occurrence of the literal that follows it, and returns the position after
// them.
func (f *Format) matchHead(line []byte, st *matchState, upto int) (int, bool) {
	pos := len(f.lead)
	for i := range f.fields[:upto] {
		fl := &f.fields[i]
		end := -1
		switch fl.how {
		case endShort:
			if k := scanLit(line[pos:], fl.after); k >= 0 {
				end = pos + k
			}
		case endLong:
			if k := indexLit(line[pos:], fl.after); k >= 0 {
				end = pos + k
			}
		case endStatus:
			if pos < len(line) && line[pos] != 'b' {
				if k := scanLit(line[pos:], fl.after); k >= 0 {
					end = pos + k
				}
				break
			}
			if e, ok := f.extent(line, pos, pos, fl, false); ok {
				end = e
			}
		case endLine:
			end = len(line)
		case endTime:
			if hasAt(line, pos+26, fl.after) {
				end = pos + 26
				break
			}
			fallthrough
		default:
			if e, ok := f.extent(line, pos, pos, fl, false); ok {
				end = e
			}
		}
		if end < 0 {
			return 0, false
		}
		if fl.kind != fSkip && st.store(fl.kind, line[pos:end]) != ReasonNone {
			return 0, false
		}
		pos = end + len(fl.after)
	}
	return pos, true
}

// matchEnds is the fast path for formats with a skippable middle: the head
// left to right, the tail right to left.
func (f *Format) matchEnds(line []byte, st *matchState) bool {
	pos, ok := f.matchHead(line, st, f.head)
	if !ok {
		return false
	}
	end := len(line)
	for j := len(f.fields) - 1; j >= f.tail; j-- {
		lit := f.fields[j-1].after
		k := lastIndexLit(line[pos:end], lit)
		if k < 0 {
			return false
		}
		start := pos + k + len(lit)
		if st.store(f.fields[j].kind, line[start:end]) != ReasonNone {
			return false
		}
		end = pos + k
	}
	return true
}

// lastIndexLit finds the last lit in s, for the short values of a tail.
func lastIndexLit(s, lit []byte) int {
	last := lit[len(lit)-1]
	for i := len(s) - 1; i >= len(lit)-1; i-- {
		if s[i] == last && hasAt(s, i-len(lit)+1, lit) {
			return i - len(lit) + 1
		}
	}
	return -1
}

// matchFrom matches fields[i:] against line[pos:]. Fields whose value may
// contain the literal that follows them are retried at later occurrences of
// that literal when the rest of the line does not match.
func (f *Format) matchFrom(line []byte, pos, i int, st *matchState) Reason {
	if i == len(f.fields) {
		if pos != len(line) {
			return ReasonNoMatch
		}
		return ReasonNone
	}
	fl := &f.fields[i]
	last := i == len(f.fields)-1
	start := pos
	// The first attempt's reason names the bad field best: a retry at a
	// later occurrence of the literal reads other fields off by one, so its
	// complaint is about the wrong field.
	best := ReasonNone
	for {
		end, ok := f.extent(line, start, pos, fl, last)
		if !ok {
			if best == ReasonNone {
				return ReasonNoMatch
			}
			return best
		}
		reason := st.store(fl.kind, line[start:end])
		if reason == ReasonNone {
			reason = f.matchFrom(line, end+len(fl.after), i+1, st)
			if reason == ReasonNone {
				return ReasonNone
			}
		}
		if best == ReasonNone {
			best = reason
		}
		if !retryable(fl.kind) || len(fl.after) == 0 {
			return best
		}
		st.budget--
		if st.budget <= 0 {
			return best
		}
		pos = end + 1
	}
}

// LastTime returns the latest end time among the complete lines of a
// file's tail (the last bytes of a file, cut anywhere), for a time range
// relative to the end of a log.
func (f *Format) LastTime(tail []byte) (int64, bool) {
	if i := bytes.IndexByte(tail, '\n'); i >= 0 {
		tail = tail[i+1:] // the first line may be cut
	}
	var rec Record
	st := matchState{rec: &rec}
	var last int64
	found := false
	for len(tail) > 0 {
		l := tail
		if i := bytes.IndexByte(tail, '\n'); i >= 0 {
			l, tail = tail[:i], tail[i+1:]
		} else {
			tail = nil
		}
		l = bytes.TrimRight(l, "\r")
		rec.reset(0)
		if len(l) > 0 && f.match(l, &st) == ReasonNone && rec.HasTime && (!found || rec.Time > last) {
			last, found = rec.Time, true
		}
	}
	return last, found
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

// Matches reports how many of the complete lines of sample (the start of a
// file; atEOF when it holds the whole file) the format reads, out of how
// many non-blank lines.
func (f *Format) Matches(sample []byte, atEOF bool) (matched, lines int) {
	var rec Record
	st := matchState{rec: &rec}
	for _, l := range sampleOf(sample, atEOF) {
		lines++
		rec.reset(0)
		if f.match(l, &st) == ReasonNone {
			matched++
		}
	}
	return matched, lines
}

func retryable(k fieldKind) bool {
	return k == fQuoted || k == fRequest || k == fPath
}

// extent finds where the value of fl that starts at start ends, searching for
// its following literal from pos.
func (f *Format) extent(line []byte, start, pos int, fl *field, last bool) (int, bool) {
	if fl.kind == fStatus && pos == start && pos+1 < len(line) && line[pos] == 'b' && line[pos+1] == '\'' {
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
	if fl.kind == fTimeCLF && pos == start && hasAt(line, start+26, fl.after) {
		return start + 26, true
	}
	if fl.kind == fTimeLayout && f.layout != nil {
		if pos != start || !hasAt(line, start+f.layout.width, fl.after) {
			return 0, false
		}
		return start + f.layout.width, true
	}
	var k int
	if fl.how == endLong {
		k = indexLit(line[pos:], fl.after)
	} else {
		k = scanLit(line[pos:], fl.after)
	}
	if k < 0 {
		return 0, false
	}
	return pos + k, true
}

// hasAt reports whether s holds lit at offset i.
func hasAt(s []byte, i int, lit []byte) bool {
	if i+len(lit) > len(s) {
		return false
	}
	for j, c := range lit {
		if s[i+j] != c {
			return false
		}
	}
	return true
}

// scanLit finds lit in s with a plain loop: faster than a vectorised search
// for the few bytes of short fields (addresses, numbers, status).
func scanLit(s, lit []byte) int {
	first := lit[0]
	if len(lit) == 1 {
		for i, c := range s {
			if c == first {
				return i
			}
		}
		return -1
	}
	for i, c := range s {
		if c == first && hasAt(s, i, lit) {
			return i
		}
	}
	return -1
}

// indexLit is bytes.Index for the short literals of log formats: it finds
// the first byte with IndexByte (vectorised) and checks the rest in place.
func indexLit(s, lit []byte) int {
	first, rest := lit[0], lit[1:]
	off := 0
	for {
		k := bytes.IndexByte(s[off:], first)
		if k < 0 {
			return -1
		}
		at := off + k
		if len(s)-at-1 < len(rest) {
			return -1
		}
		if hasAt(s, at+1, rest) {
			return at
		}
		off = at + 1
	}
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

// store interprets the value v of a field of kind k into the record.
func (st *matchState) store(k fieldKind, v []byte) Reason {
	rec := st.rec
	switch k {
	case fPID:
		return storePID(v, rec)
	case fKey:
		rec.Worker = keyValue(v)
	case fHost:
		rec.Host = keyValue(v)
	case fTimeCLF:
		if rec.SubSecond {
			return ReasonNone // $msec seen earlier on the line wins
		}
		if len(v) == st.lastLen && string(v) == string(st.lastTime[:st.lastLen]) {
			rec.Time, rec.HasTime = st.lastUS, true
			return ReasonNone
		}
		t, ok := parseCLF(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime = t, true
		st.lastLen = copy(st.lastTime[:], v)
		st.lastUS = t
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
	case fDurMicros, fDurMillis, fDurSeconds, fDurMsDec:
		return storeDuration(k, v, rec)
	case fEpochSec, fEpochMilli, fEpochMicro, fTimeLayout:
		return st.storeTime(k, v)
	case fRequest:
		rec.request = v
	case fPath:
		if isAbsent(v) {
			rec.path = nil
			return ReasonNone
		}
		if q := bytes.IndexByte(v, '?'); q >= 0 {
			v = v[:q]
		}
		rec.path = v
	}
	return ReasonNone
}

// keyValue reads a --by or host value: "-" or empty is absent, and a list
// from nginx's retries ("a, b" or "a : b") is its last element.
func keyValue(v []byte) []byte {
	if i := bytes.LastIndexAny(v, ",:"); i >= 0 && bytes.IndexByte(v, ' ') >= 0 {
		v = bytes.TrimSpace(v[i+1:])
	}
	if isAbsent(v) {
		return nil
	}
	return v
}

// storePID reads a worker PID: 123, gunicorn's <123>, or an upstream
// header's list "1, 2" / "1 : 2" when nginx retried (the last answered).
func storePID(v []byte, rec *Record) Reason {
	if len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>' {
		v = v[1 : len(v)-1]
	}
	if _, ok := digits(v); ok && len(v) <= 10 {
		rec.Worker = v
		return ReasonNone
	}
	if i := bytes.LastIndexAny(v, ",:"); i >= 0 {
		v = bytes.TrimSpace(v[i+1:])
	}
	if isAbsent(v) {
		rec.Worker = nil
		return ReasonNone
	}
	if _, ok := digits(v); !ok || len(v) > 10 {
		return ReasonBadPID
	}
	rec.Worker = v
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
		rec.Duration = -1 // a value stored by an attempt that failed is gone
		return ReasonNone
	}
	if len(v) > 15 {
		return ReasonBadDur // over 30 years even in µs; ms × 1000 must not overflow
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
	case fDurMsDec:
		us, ok = parseDecimal(v)
		us /= 1000
	}
	if !ok {
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
