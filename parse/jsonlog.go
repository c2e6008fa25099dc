package parse

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// JSON lines: one object per line, as nginx writes with log_format
// escape=json and as application loggers do. The line is read by a scanner
// over its bytes that checks the whole object's syntax and keeps only the
// top-level values of the keys it was asked for: no encoding/json, no
// allocation per line.

// jsonRole is what a top-level key means to skewer.
type jsonRole uint8

const (
	jsonWorker jsonRole = iota
	jsonTime
	jsonDuration
	jsonStatus
	jsonRequest
	jsonPath
	jsonHost
	jsonRoles
)

// jsonRoleNames are the roles as --field names them.
var jsonRoleNames = [jsonRoles]string{"worker", "time", "duration", "status", "request", "path", "host"}

// jsonCommon lists the key names each role is found by, best first.
var jsonCommon = [jsonRoles][]string{
	jsonWorker:   {"pid", "worker_pid", "workerpid", "process_id", "wpid", "upstream_http_x_worker_pid"},
	jsonTime:     {"msec", "@timestamp", "timestamp", "time", "ts", "time_iso8601", "time_local"},
	jsonDuration: {"request_time", "duration", "duration_ms", "duration_us", "response_time", "response_time_ms", "elapsed", "elapsed_ms"},
	jsonStatus:   {"status", "status_code", "response_status"},
	jsonRequest:  {"request"},
	jsonPath:     {"path", "uri", "request_uri", "url"},
}

// jsonNginxKeys are keys only nginx's variables are called by: a JSON log
// that has them was written by nginx (log_format escape=json).
var jsonNginxKeys = []string{"msec", "time_local", "time_iso8601", "request_time", "upstream_addr",
	"upstream_response_time", "upstream_status", "body_bytes_sent", "connection_requests"}

func isNginxKey(name string) bool {
	for _, k := range jsonNginxKeys {
		if k == name {
			return true
		}
	}
	return strings.HasPrefix(name, "upstream_http_")
}

// How a role is read.
const (
	jsonAbsent      uint8 = iota // not read
	jsonNamed                    // from one key
	jsonCommonNames              // from the best of its common names present on each line
)

// jsonSpec says which key each role is read from.
type jsonSpec struct {
	mode  [jsonRoles]uint8
	names [jsonRoles]string
	// byKey: the worker is a --by key used as it is, not a PID.
	byKey bool
	// sub: every time has sub-second resolution (nginx $msec, or what the
	// detection sample showed), even a value that happens to be whole.
	sub    bool
	family string
}

// CompileJSON returns the format of JSON-lines access logs whose roles are
// read from the keys fields names (--field role=name; roles: worker, time,
// duration, status, request, path, host). A role mapped to "" is not read; a
// role left out is read from its common names (worker: pid, worker_pid, ...;
// time: msec, @timestamp, timestamp, time, ts, time_iso8601, time_local;
// duration: request_time, duration, ...; status: status, status_code, ...),
// the best one present on each line. A duration key's unit is seconds unless
// its name ends in _ms, _us or _ns.
func CompileJSON(fields map[string]string) (*Format, error) {
	var s jsonSpec
	for r := range jsonRoles {
		if len(jsonCommon[r]) > 0 {
			s.mode[r] = jsonCommonNames
		}
	}
	if err := s.apply(fields); err != nil {
		return nil, err
	}
	return s.format()
}

// WithFields returns a copy of a JSON format with the roles in fields read
// from other keys (--field role=name over what detection found), the other
// roles as they were.
func (f *Format) WithFields(fields map[string]string) (*Format, error) {
	m, isJSON := f.custom.(*jsonMatcher)
	if !isJSON {
		return nil, fmt.Errorf("%s format: --field applies to JSON logs only", f.Name)
	}
	s := m.spec
	if err := s.apply(fields); err != nil {
		return nil, err
	}
	g, err := s.format()
	if err != nil {
		return nil, err
	}
	if f.Family != "" {
		g.Family = f.Family
	}
	return g, nil
}

func (s *jsonSpec) apply(fields map[string]string) error {
	roles := make([]string, 0, len(fields))
	for r := range fields {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, role := range roles {
		r := jsonRoleOf(role)
		if r == jsonRoles {
			return fmt.Errorf("--field %s=%s: unknown role %q (roles: %s)", role, fields[role], role, strings.Join(jsonRoleNames[:], ", "))
		}
		name := fields[role]
		s.mode[r], s.names[r] = jsonNamed, name
		if name == "" {
			s.mode[r] = jsonAbsent
		}
		switch r {
		case jsonWorker:
			s.byKey = false
		case jsonTime:
			s.sub = name == "msec"
		}
		if isNginxKey(name) {
			s.family = "nginx"
		}
	}
	return nil
}

func jsonRoleOf(name string) jsonRole {
	for r, n := range jsonRoleNames {
		if n == name {
			return jsonRole(r)
		}
	}
	return jsonRoles
}

// format builds the Format: its matcher, and a Spec in nginx log_format
// syntax that writes the keys read (so that CompileLogFormat of the Spec has
// the same worker field).
func (s jsonSpec) format() (*Format, error) {
	m := &jsonMatcher{spec: s}
	for r := range jsonRoles {
		switch s.mode[r] {
		case jsonNamed:
			m.keys = append(m.keys, jsonKey{name: s.names[r], role: r, shift: durationShift(s.names[r])})
		case jsonCommonNames:
			for i, n := range jsonCommon[r] {
				m.keys = append(m.keys, jsonKey{name: n, role: r, rank: uint8(i), shift: durationShift(n)})
			}
		}
	}
	if len(m.keys) == 0 {
		return nil, fmt.Errorf("json format reads no field")
	}
	sort.SliceStable(m.keys, func(i, j int) bool { return len(m.keys[i].name) < len(m.keys[j].name) })
	longest := len(m.keys[len(m.keys)-1].name)
	m.byLen = make([]uint16, longest+2)
	for n := range m.byLen {
		m.byLen[n] = uint16(sort.Search(len(m.keys), func(i int) bool { return len(m.keys[i].name) >= n }))
	}
	spec, note := s.describe()
	return &Format{Name: "json", Family: s.family, Spec: spec, Note: note, custom: m}, nil
}

// durationShift is the power of ten from a duration key's unit to
// microseconds, from the suffix of its name.
func durationShift(name string) int8 {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, "_ms") || strings.HasSuffix(n, "_msec") || strings.HasSuffix(n, "_millis"):
		return 3
	case strings.HasSuffix(n, "_us") || strings.HasSuffix(n, "_usec") || strings.HasSuffix(n, "_micros") || strings.HasSuffix(n, "_µs"):
		return 0
	case strings.HasSuffix(n, "_ns") || strings.HasSuffix(n, "_nanos"):
		return -3
	}
	return 6
}

// describe writes the Spec (an nginx escape=json log_format of the keys read,
// each written by the nginx variable of its role) and the Note (which key
// each role is read from).
func (s jsonSpec) describe() (spec, note string) {
	var sp, nt strings.Builder
	sp.WriteByte('{')
	for r := range jsonRoles {
		if s.mode[r] == jsonAbsent {
			continue
		}
		if nt.Len() > 0 {
			nt.WriteByte(' ')
		}
		nt.WriteString(jsonRoleNames[r])
		nt.WriteByte('=')
		if s.mode[r] == jsonCommonNames {
			nt.WriteString("(" + strings.Join(jsonCommon[r], "|") + ")")
			continue
		}
		nt.WriteString(s.names[r])
		if sp.Len() > 1 {
			sp.WriteByte(',')
		}
		sp.WriteString(jsonQuote(s.names[r]))
		sp.WriteByte(':')
		sp.WriteString(s.variable(r))
	}
	sp.WriteByte('}')
	return sp.String(), "JSON keys " + nt.String()
}

// variable is the nginx variable that writes a role's key in the Spec: the
// key's own name when nginx has a variable of that name and meaning.
func (s jsonSpec) variable(r jsonRole) string {
	name := s.names[r]
	own := `"$` + sanitizeVar(name) + `"`
	k := nginxVar(name)
	switch r {
	case jsonWorker:
		if s.byKey || strings.HasPrefix(name, "upstream_http_") {
			return own
		}
		return "$pid"
	case jsonTime:
		switch {
		case k == fTimeISO || k == fTimeCLF:
			return own
		case s.sub:
			return "$msec"
		}
		return `"$time_iso8601"`
	case jsonDuration:
		return "$request_time"
	case jsonStatus:
		return "$status"
	case jsonRequest:
		return `"$request"`
	case jsonPath:
		if k == fPath {
			return own
		}
		return `"$uri"`
	}
	return own
}

// jsonQuote writes a key as a JSON string that holds no nginx variable.
func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == '$':
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonKey is a key the matcher reads.
type jsonKey struct {
	name  string
	role  jsonRole
	rank  uint8 // among a role's common names: lower wins when a line has several
	shift int8  // durations: the power of ten from the key's unit to µs
}

// jsonMatcher reads JSON lines; it is immutable.
type jsonMatcher struct {
	spec jsonSpec
	keys []jsonKey // by length of name
	// byLen[n]:byLen[n+1] are the keys of n bytes.
	byLen []uint16
}

// jsonValue is a top-level value found on a line.
type jsonValue struct {
	raw   []byte // a string's bytes between its quotes, as written; other values whole
	kind  byte   // '"' string, '0' number, 'l' true or false, 'n' null, '{' object or array
	esc   bool   // the string has escapes
	set   bool
	rank  uint8
	shift int8
}

func (m *jsonMatcher) match(line []byte, st *matchState) Reason {
	var found [jsonRoles]jsonValue
	it := jsonIter{b: line}
	if !it.open() {
		return ReasonNoMatch
	}
	for it.next() {
		key := it.key
		if it.keyEsc {
			var buf [256]byte
			k, ok := jsonUnescape(buf[:0], key)
			if !ok {
				continue
			}
			key = k
		}
		n := len(key)
		if n+1 >= len(m.byLen) {
			continue
		}
		for j := m.byLen[n]; j < m.byLen[n+1]; j++ {
			k := &m.keys[j]
			if string(key) != k.name {
				continue
			}
			if f := &found[k.role]; !f.set || k.rank <= f.rank {
				*f = jsonValue{raw: it.val, kind: it.kind, esc: it.valEsc, set: true, rank: k.rank, shift: k.shift}
			}
		}
	}
	if it.err {
		return ReasonNoMatch
	}
	return m.store(&found, st)
}

// store interprets the values found into the record.
func (m *jsonMatcher) store(found *[jsonRoles]jsonValue, st *matchState) Reason {
	rec := st.rec
	s := &m.spec
	if v := &found[jsonWorker]; v.set && v.kind != 'n' {
		switch {
		case s.byKey:
			rec.Worker = keyValue(v.raw)
		case v.esc || v.kind == 'l' || v.kind == '{':
			return ReasonBadPID
		default:
			if r := storePID(v.raw, rec); r != ReasonNone {
				return r
			}
		}
	}
	if s.mode[jsonTime] != jsonAbsent {
		us, sub, ok := jsonTimeOf(&found[jsonTime])
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime, rec.SubSecond = us, true, sub || s.sub
	}
	if v := &found[jsonStatus]; v.set {
		var buf [16]byte
		t, ok := jsonText(buf[:0], v)
		if !ok || storeStatus(t, rec) != ReasonNone {
			return ReasonBadStatus
		}
	}
	if v := &found[jsonDuration]; v.set {
		var buf [32]byte
		t, ok := jsonText(buf[:0], v)
		if !ok {
			return ReasonBadDur
		}
		if !isAbsent(t) {
			us, ok := jsonNumber(t, int(v.shift), 1e15)
			if !ok {
				return ReasonBadDur
			}
			rec.Duration = us
		}
	}
	if v := &found[jsonRequest]; v.set && v.kind == '"' && len(v.raw) > 0 {
		rec.request = v.raw
	}
	if v := &found[jsonPath]; v.set && v.kind == '"' {
		st.store(fPath, urlPath(v.raw))
	}
	if v := &found[jsonHost]; v.set && v.kind != 'n' {
		rec.Host = keyValue(v.raw)
	}
	return ReasonNone
}

// urlPath cuts the scheme and host from a logged URL: the path of
// "https://example.com/a?b" is "/a".
func urlPath(v []byte) []byte {
	for _, scheme := range [...]string{"http://", "https://"} {
		if len(v) > len(scheme) && string(v[:len(scheme)]) == scheme {
			rest := v[len(scheme):]
			for i, c := range rest {
				if c == '/' {
					return rest[i:]
				}
			}
			return nil
		}
	}
	return v
}

// jsonText returns the text of a scalar value: a string decoded into buf
// when it has escapes, a number or literal as written; null is "".
func jsonText(buf []byte, v *jsonValue) ([]byte, bool) {
	switch {
	case v.kind == 'n':
		return nil, true
	case v.kind == '{':
		return nil, false
	case v.esc:
		return jsonUnescape(buf, v.raw)
	}
	return v.raw, true
}

// jsonTimeOf reads a time: RFC 3339, nginx $time_local, or epoch seconds,
// milliseconds, microseconds or nanoseconds (told apart by their number of
// integer digits), as a number or a string.
func jsonTimeOf(v *jsonValue) (us int64, sub, ok bool) {
	if !v.set {
		return 0, false, false
	}
	var buf [64]byte
	t, ok := jsonText(buf[:0], v)
	if !ok || len(t) == 0 || v.kind == 'l' {
		return 0, false, false
	}
	if c := t[0]; c >= '0' && c <= '9' && (len(t) < 5 || t[4] != '-') && (len(t) < 3 || t[2] != '/') {
		return jsonEpoch(t)
	}
	if len(t) == 26 && t[2] == '/' {
		us, ok := parseCLF(t)
		return us, false, ok
	}
	return parseISO(t)
}

// jsonEpoch reads an epoch time; the unit is told by the magnitude: up to 11
// integer digits are seconds, 12-14 milliseconds, 15-17 microseconds, 18-19
// nanoseconds.
func jsonEpoch(t []byte) (us int64, sub, ok bool) {
	mant, exp, ok := jsonDecimal(t)
	if !ok {
		return 0, false, false
	}
	intDigits := exp
	for m := mant; m > 0; m /= 10 {
		intDigits++
	}
	var shift int
	switch {
	case intDigits <= 11:
		shift, sub = 6, exp < 0 // 1795629056.000 is sub-second, 1.795629056e9 is not
	case intDigits <= 14:
		shift, sub = 3, true
	case intDigits <= 17:
		shift, sub = 0, true
	case intDigits <= 19:
		shift, sub = -3, true
	default:
		return 0, false, false
	}
	us, ok = jsonScale(mant, exp+shift, maxJSONTime)
	return us, sub, ok
}

// maxJSONTime bounds an epoch time in µs: about the year 5138.
const maxJSONTime = 1e17

// jsonNumber reads a non-negative JSON number as an integer count of its
// unit times 10^shift, truncated; limit bounds the result.
func jsonNumber(t []byte, shift int, limit int64) (int64, bool) {
	mant, exp, ok := jsonDecimal(t)
	if !ok {
		return 0, false
	}
	return jsonScale(mant, exp+shift, limit)
}

// jsonDecimal reads a non-negative JSON number as mant × 10^exp. Digits
// beyond the 18th significant one are dropped (truncation).
func jsonDecimal(t []byte) (mant int64, exp int, ok bool) {
	i, n := 0, len(t)
	digitsSeen, sig := 0, 0
	for i < n && t[i] >= '0' && t[i] <= '9' {
		if sig < 18 {
			mant = mant*10 + int64(t[i]-'0')
			if mant > 0 {
				sig++
			}
		} else {
			exp++
		}
		i++
		digitsSeen++
	}
	if digitsSeen == 0 || digitsSeen > 1 && t[0] == '0' {
		return 0, 0, false
	}
	if i < n && t[i] == '.' {
		i++
		start := i
		for i < n && t[i] >= '0' && t[i] <= '9' {
			if sig < 18 {
				mant = mant*10 + int64(t[i]-'0')
				exp--
				if mant > 0 {
					sig++
				}
			}
			i++
		}
		if i == start {
			return 0, 0, false
		}
	}
	if i < n && (t[i] == 'e' || t[i] == 'E') {
		i++
		neg := false
		if i < n && (t[i] == '+' || t[i] == '-') {
			neg = t[i] == '-'
			i++
		}
		start, e := i, 0
		for i < n && t[i] >= '0' && t[i] <= '9' {
			if e < 10000 {
				e = e*10 + int(t[i]-'0')
			}
			i++
		}
		if i == start {
			return 0, 0, false
		}
		if neg {
			e = -e
		}
		exp += e
	}
	return mant, exp, i == n
}

// jsonScale returns mant × 10^exp truncated, or false above limit.
func jsonScale(mant int64, exp int, limit int64) (int64, bool) {
	for ; exp > 0 && mant > 0; exp-- {
		if mant > limit/10 {
			return 0, false
		}
		mant *= 10
	}
	for ; exp < 0 && mant > 0; exp++ {
		mant /= 10
	}
	return mant, mant <= limit
}

func (m *jsonMatcher) has(k fieldKind) bool {
	s := &m.spec
	read := func(r jsonRole) bool { return s.mode[r] != jsonAbsent }
	switch k {
	case fPID:
		return read(jsonWorker) && !s.byKey
	case fKey:
		return read(jsonWorker) && s.byKey
	case fTimeISO:
		return read(jsonTime)
	case fMsec:
		return read(jsonTime) && s.sub
	case fDurSeconds:
		return read(jsonDuration)
	case fStatus:
		return read(jsonStatus)
	case fRequest:
		return read(jsonRequest)
	case fPath:
		return read(jsonPath)
	case fHost:
		return read(jsonHost)
	}
	return false
}

// keyBy reads the worker key (or the host) from any top-level key: a JSON
// object may hold any key, so any name is accepted.
func (m *jsonMatcher) keyBy(name string, kind fieldKind) (lineMatcher, error) {
	if name == "" {
		return nil, fmt.Errorf("json format: empty key name")
	}
	s := m.spec
	r := jsonWorker
	if kind == fHost {
		r = jsonHost
	} else {
		s.byKey = true
	}
	s.mode[r], s.names[r] = jsonNamed, name
	f, err := s.format()
	if err != nil {
		return nil, err
	}
	return f.custom, nil
}

func (m *jsonMatcher) names() []string {
	out := make([]string, 0, len(m.keys))
	for r := range jsonRoles {
		for _, k := range m.keys {
			if k.role == r {
				out = append(out, k.name)
			}
		}
	}
	return out
}

// jsonIter reads the top-level members of a JSON object on one line and
// checks the syntax of all of it, nested values included.
type jsonIter struct {
	b      []byte
	i      int
	n      int // members read
	err    bool
	key    []byte // between its quotes, as written
	keyEsc bool
	val    []byte // see jsonValue.raw
	kind   byte
	valEsc bool
}

// open reads up to the object's first member; false if the line does not
// start an object.
func (it *jsonIter) open() bool {
	b, i := it.b, 0
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		i = 3 // a byte order mark on the first line
	}
	i = skipJSONSpace(b, i)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	it.i = i + 1
	return true
}

// next reads the next member. It returns false at the end of the object, with
// err set when the line is not one well-formed object.
func (it *jsonIter) next() bool {
	b := it.b
	i := skipJSONSpace(b, it.i)
	if i >= len(b) {
		it.err = true
		return false
	}
	if b[i] == '}' {
		i = skipJSONSpace(b, i+1)
		it.err = i != len(b)
		return false
	}
	if it.n > 0 {
		if b[i] != ',' {
			it.err = true
			return false
		}
		i = skipJSONSpace(b, i+1)
	}
	if i >= len(b) || b[i] != '"' {
		it.err = true
		return false
	}
	e, esc, ok := scanJSONString(b, i+1)
	if !ok {
		it.err = true
		return false
	}
	it.key, it.keyEsc = b[i+1:e], esc
	i = skipJSONSpace(b, e+1)
	if i >= len(b) || b[i] != ':' {
		it.err = true
		return false
	}
	i = skipJSONSpace(b, i+1)
	if i >= len(b) {
		it.err = true
		return false
	}
	it.valEsc = false
	switch c := b[i]; c {
	case '"':
		e, esc, ok = scanJSONString(b, i+1)
		it.kind, it.valEsc = '"', esc
		i++ // the value is between the quotes
	case '{', '[':
		e, ok = skipJSONNested(b, i)
		it.kind = '{'
	default:
		e, it.kind, ok = scanJSONScalar(b, i)
	}
	if !ok {
		it.err = true
		return false
	}
	it.val = b[i:e]
	if it.kind == '"' {
		e++
	}
	it.i = e
	it.n++
	return true
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// jsonPlain marks the bytes a string holds as they are: not a quote, a
// backslash or a control character.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanJSONString finds the closing quote of a string whose content starts at
// i, checking its escapes.
func scanJSONString(b []byte, i int) (end int, esc, ok bool) {
	for {
		// Eight plain bytes at a time, then byte by byte up to the next
		// special one.
		for i+8 <= len(b) && !jsonSpecial8(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && jsonPlain[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, false, false
		}
		switch b[i] {
		case '"':
			return i, esc, true
		case '\\':
			esc = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || hex4(b[i+2:i+6]) < 0 {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		default:
			return 0, false, false // a control character
		}
	}
}

// jsonSpecial8 reports whether any of eight bytes is a quote, a backslash or
// a control character (bytes below 0x20), with the bit tricks of "Bit
// Twiddling Hacks": haszero(x ^ c) finds a byte c, hasless(x, 0x20) a byte
// below 0x20.
func jsonSpecial8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ ones*'"'
	bs := x ^ ones*'\\'
	return ((q-ones)&^q|(bs-ones)&^bs|(x-ones*0x20)&^x)&highs != 0
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// scanJSONScalar reads a number, true, false or null at i.
func scanJSONScalar(b []byte, i int) (end int, kind byte, ok bool) {
	if i >= len(b) {
		return 0, 0, false
	}
	lit, kind := "", byte('l')
	switch b[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit, kind = "null", 'n'
	}
	if lit != "" {
		if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
			return 0, 0, false
		}
		return i + len(lit), kind, true
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return 0, 0, false
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return 0, 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, 0, false
		}
		i = j
	}
	return i, '0', true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// maxJSONNesting bounds the depth of nested values; a deeper line is
// rejected.
const maxJSONNesting = 512

// skipJSONNested returns the end of the object or array that starts at i,
// checking its syntax.
func skipJSONNested(b []byte, i int) (int, bool) {
	var objs [maxJSONNesting / 64]uint64 // bit set: the container at that depth is an object
	depth := 0
	var ok bool
	for {
		if i >= len(b) {
			return 0, false
		}
		switch c := b[i]; c {
		case '{', '[':
			if depth == maxJSONNesting {
				return 0, false
			}
			if c == '{' {
				objs[depth/64] |= 1 << (depth % 64)
			} else {
				objs[depth/64] &^= 1 << (depth % 64)
			}
			depth++
			i = skipJSONSpace(b, i+1)
			if i < len(b) && (c == '{' && b[i] == '}' || c == '[' && b[i] == ']') {
				depth--
				i++
				break
			}
			if c == '{' {
				if i, ok = skipJSONKey(b, i); !ok {
					return 0, false
				}
			}
			continue
		case '"':
			e, _, ok := scanJSONString(b, i+1)
			if !ok {
				return 0, false
			}
			i = e + 1
		default:
			e, _, ok := scanJSONScalar(b, i)
			if !ok {
				return 0, false
			}
			i = e
		}
		// After a value: close containers, or go on to the next element.
		for {
			if depth == 0 {
				return i, true
			}
			i = skipJSONSpace(b, i)
			if i >= len(b) {
				return 0, false
			}
			obj := objs[(depth-1)/64]>>((depth-1)%64)&1 == 1
			if b[i] == ',' {
				i = skipJSONSpace(b, i+1)
				if obj {
					if i, ok = skipJSONKey(b, i); !ok {
						return 0, false
					}
				}
				break
			}
			if obj && b[i] == '}' || !obj && b[i] == ']' {
				depth--
				i++
				continue
			}
			return 0, false
		}
	}
}

// skipJSONKey reads `"key" :` at i and returns where the value starts.
func skipJSONKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	e, _, ok := scanJSONString(b, i+1)
	if !ok {
		return 0, false
	}
	i = skipJSONSpace(b, e+1)
	if i >= len(b) || b[i] != ':' {
		return 0, false
	}
	return skipJSONSpace(b, i+1), true
}

// jsonUnescape appends the decoded content of a checked string to dst, up to
// its capacity; false when it does not fit.
func jsonUnescape(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			if len(dst) == cap(dst) {
				return dst, false
			}
			dst = append(dst, c)
			continue
		}
		i++
		var r rune
		switch s[i] {
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			r = hex4(s[i+1:])
			i += 4
			if r >= 0xD800 && r < 0xDC00 && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if lo := hex4(s[i+3:]); lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				}
			}
		default:
			r = rune(s[i]) // " \ /
		}
		var enc [4]byte
		n := encodeRune(enc[:], r)
		if len(dst)+n > cap(dst) {
			return dst, false
		}
		dst = append(dst, enc[:n]...)
	}
	return dst, true
}

// encodeRune is utf8.EncodeRune for the runes jsonUnescape makes: a lone
// surrogate becomes U+FFFD, as encoding/json does.
func encodeRune(p []byte, r rune) int {
	switch {
	case r < 0x80:
		p[0] = byte(r)
		return 1
	case r < 0x800:
		p[0], p[1] = 0xC0|byte(r>>6), 0x80|byte(r)&0x3F
		return 2
	case r >= 0xD800 && r < 0xE000:
		r = 0xFFFD
		fallthrough
	case r < 0x10000:
		p[0], p[1], p[2] = 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F
		return 3
	}
	p[0], p[1], p[2], p[3] = 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F
	return 4
}

// detectJSON recognises JSON-lines access logs: most sample lines are JSON
// objects, and a status, request, path or duration is found among the common
// key names (a JSON log with only a time and a pid is an application's log,
// not an access log).
func detectJSON(lines [][]byte) (Detection, bool) {
	smp := sampleJSON(lines)
	if smp.objects == 0 || smp.objects*2 <= len(lines) {
		return Detection{}, false
	}
	s := smp.spec()
	if s.mode[jsonStatus] == jsonAbsent && s.mode[jsonRequest] == jsonAbsent && s.mode[jsonPath] == jsonAbsent && s.mode[jsonDuration] == jsonAbsent {
		return Detection{}, false
	}
	f, err := s.format()
	if err != nil {
		return Detection{}, false
	}
	return Detection{Kind: KindAccess, Format: f}, true
}

// jsonSample is what the sample lines hold under the common key names.
type jsonSample struct {
	objects int
	nginx   bool // some key is named after an nginx variable
	keys    map[string]*[jsonRoles]jsonTally
}

// jsonTally counts a key's sample values in one role: seen, readable (and of
// those, whole-second times), and absent.
type jsonTally struct{ seen, valid, whole, absent int }

func sampleJSON(lines [][]byte) jsonSample {
	smp := jsonSample{keys: map[string]*[jsonRoles]jsonTally{}}
	for _, l := range lines {
		if !isJSONObject(l) {
			continue
		}
		smp.objects++
		it := jsonIter{b: l}
		it.open()
		for it.next() {
			name := string(it.key)
			if it.keyEsc {
				var buf [256]byte
				k, _ := jsonUnescape(buf[:0], it.key)
				name = string(k)
			}
			smp.nginx = smp.nginx || isNginxKey(name)
			v := jsonValue{raw: it.val, kind: it.kind, esc: it.valEsc, set: true, shift: durationShift(name)}
			for r := range jsonRoles {
				if !hasString(jsonCommon[r], name) {
					continue
				}
				if smp.keys[name] == nil {
					smp.keys[name] = new([jsonRoles]jsonTally)
				}
				t := &smp.keys[name][r]
				t.seen++
				switch valid, sub := jsonCheck(r, &v); {
				case valid > 0:
					t.valid++
					if !sub {
						t.whole++
					}
				case valid == 0:
					t.absent++
				}
			}
		}
	}
	return smp
}

// spec reads each role from the first of its common names whose sample
// values are mostly readable; for the time, one whose values all have
// sub-second resolution is preferred.
func (smp jsonSample) spec() jsonSpec {
	var s jsonSpec
	for r := range jsonRoles {
		for _, name := range jsonCommon[r] {
			k := smp.keys[name]
			if k == nil || k[r].valid == 0 || k[r].valid*2 <= k[r].seen-k[r].absent {
				continue
			}
			better := r == jsonTime && s.mode[r] == jsonNamed && !s.sub && k[r].whole == 0
			if s.mode[r] == jsonAbsent || better {
				s.mode[r], s.names[r] = jsonNamed, name
				if r == jsonTime {
					s.sub = k[r].whole == 0 || name == "msec"
				}
			}
		}
	}
	if smp.nginx {
		s.family = "nginx"
	}
	return s
}

// isJSONObject reports whether a line is one well-formed JSON object.
func isJSONObject(l []byte) bool {
	it := jsonIter{b: l}
	if !it.open() {
		return false
	}
	for it.next() {
	}
	return !it.err
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonCheck says whether a sample value can be read in a role: 1 yes, 0
// absent ("", null, "-"), -1 no; sub reports a time with sub-second
// resolution.
func jsonCheck(r jsonRole, v *jsonValue) (valid int, sub bool) {
	var buf [64]byte
	t, ok := jsonText(buf[:0], v)
	switch {
	case !ok || v.kind == 'l':
		return -1, false
	case isAbsent(t):
		return 0, false
	}
	var rec Record
	rec.reset(0)
	switch r {
	case jsonWorker:
		if v.esc || storePID(t, &rec) != ReasonNone {
			return -1, false
		}
		if rec.Worker == nil {
			return 0, false
		}
	case jsonTime:
		// A time before 2000 or after 2100 is some other number ("time":
		// 0.023 may be a duration).
		var us int64
		us, sub, ok = jsonTimeOf(v)
		if !ok || us < 946684800e6 || us >= 4102444800e6 {
			return -1, false
		}
	case jsonDuration:
		if _, ok := jsonNumber(t, int(v.shift), 1e15); !ok {
			return -1, false
		}
	case jsonStatus:
		if storeStatus(t, &rec) != ReasonNone || rec.Status == 0 {
			return -1, false
		}
	case jsonRequest:
		if v.kind != '"' || !strings.Contains(string(t), " ") {
			return -1, false
		}
	case jsonPath:
		if v.kind != '"' || t[0] != '/' && !strings.Contains(string(t), "://") {
			return -1, false
		}
	}
	return 1, sub
}
