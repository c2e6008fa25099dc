package parse

import "bytes"

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
	lastLen  int // 0: no time parsed yet
	lastUS   int64
	layout   *timeLayout // the format's strftime time
	// keyText and hostText hold a JSON line's worker key and host when
	// their strings have escapes, decoded.
	keyText, hostText []byte
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
	case fTimeCLF, fPID, fDurMicros, fDurMillis, fStatus, fDurSeconds, fMsec, fConn, fConnReqs, fKeepalives, fPort:
		return true
	}
	return false
}
