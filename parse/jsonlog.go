package parse

import (
	"fmt"
	"slices"
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
	jsonConn
	jsonConnReqs
	jsonClient
	jsonPort
	jsonRoles
)

// jsonRoleNames are the roles as --field names them.
var jsonRoleNames = [jsonRoles]string{"worker", "time", "duration", "status", "request", "path", "host",
	"connection", "connection_requests", "client", "client_port"}

// jsonCommon lists the key names each role is found by, best first.
var jsonCommon = [jsonRoles][]string{
	jsonWorker:   {"pid", "worker_pid", "workerpid", "process_id", "wpid", "upstream_http_x_worker_pid"},
	jsonTime:     {"msec", "@timestamp", "timestamp", "time", "ts", "time_iso8601", "time_local"},
	jsonDuration: {"request_time", "duration", "duration_ms", "duration_us", "response_time", "response_time_ms", "elapsed", "elapsed_ms"},
	jsonStatus:   {"status", "status_code", "response_status"},
	jsonRequest:  {"request"},
	jsonPath:     {"path", "uri", "request_uri", "url"},
	jsonConn:     {"connection"},
	jsonConnReqs: {"connection_requests"},
	jsonClient:   {"remote_addr", "client_ip", "client_addr"},
	jsonPort:     {"remote_port", "client_port"},
}

// jsonQuiet are the roles the Spec and Note leave out: they identify
// connections, which the worker accounting does not need.
func jsonQuiet(r jsonRole) bool { return r >= jsonConn }

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
	sub bool
	// seconds: the duration key holds nginx $request_time, in seconds
	// whatever its name says.
	seconds bool
	family  Family
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
		return nil, fmt.Errorf("%s format: field roles apply to JSON logs only", f.Name)
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
			return fmt.Errorf("field %s=%s: unknown role %q (roles: %s)", role, fields[role], role, strings.Join(jsonRoleNames[:], ", "))
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
		case jsonDuration:
			s.seconds = false
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
			shift := durationShift(s.names[r])
			if r == jsonDuration && s.seconds {
				shift = 6
			}
			m.keys = append(m.keys, jsonKey{name: s.names[r], role: r, shift: shift})
		case jsonCommonNames:
			for i, n := range jsonCommon[r] {
				m.keys = append(m.keys, jsonKey{name: n, role: r, rank: uint8(i), shift: durationShift(n)})
			}
		}
	}
	if !slices.ContainsFunc(m.keys, func(k jsonKey) bool { return !jsonQuiet(k.role) }) {
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
		if s.mode[r] == jsonAbsent || jsonQuiet(r) {
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
		case s.byKey && isRetryList(s.names[jsonWorker]):
			rec.Worker = keyValue(lastRetry(jsonKeyText(&st.keyText, v)))
		case s.byKey:
			rec.Worker = keyValue(jsonKeyText(&st.keyText, v))
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
	if r := m.storeConn(found, st); r != ReasonNone {
		return r
	}
	if v := &found[jsonHost]; v.set && v.kind != 'n' {
		if isRetryList(s.names[jsonHost]) {
			rec.Host = keyValue(lastRetry(jsonKeyText(&st.hostText, v)))
		} else {
			rec.Host = keyValue(jsonKeyText(&st.hostText, v))
		}
	}
	return ReasonNone
}

// jsonKeyText is the text of a key's value, decoded into *buf (reused
// from line to line) when its string has escapes, so that a key is the
// value the line holds, byte for byte.
func jsonKeyText(buf *[]byte, v *jsonValue) []byte {
	if !v.esc {
		return v.raw
	}
	if cap(*buf) < len(v.raw) {
		// Decoded text is never longer than its escaped form.
		*buf = make([]byte, 0, max(len(v.raw), 64))
	}
	t, ok := jsonUnescape((*buf)[:0], v.raw)
	if !ok {
		return v.raw
	}
	*buf = t
	return t
}

// storeConn reads the connection's identity: nginx's connection serial
// number or the client's address and port, and connection_requests.
func (m *jsonMatcher) storeConn(found *[jsonRoles]jsonValue, st *matchState) Reason {
	kinds := [...]fieldKind{jsonConn: fConn, jsonConnReqs: fConnReqs, jsonPort: fPort}
	for _, r := range [...]jsonRole{jsonConn, jsonPort, jsonConnReqs} {
		v := &found[r]
		if !v.set || v.kind == 'n' || v.esc {
			continue
		}
		if v.kind != '"' && v.kind != '0' {
			return ReasonBadConn
		}
		if rs := storeConn(kinds[r], v.raw, st.rec); rs != ReasonNone {
			return rs
		}
	}
	if v := &found[jsonClient]; v.set && v.kind == '"' && !v.esc {
		st.rec.Client = keyValue(v.raw)
	}
	return ReasonNone
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
	case fConn:
		return read(jsonConn)
	case fConnReqs:
		return read(jsonConnReqs)
	case fClient:
		return read(jsonClient)
	case fPort:
		return read(jsonPort)
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
