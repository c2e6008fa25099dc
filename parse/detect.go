package parse

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Kind is what a file holds, as told from its first lines.
type Kind string

// Kinds of input files.
const (
	KindAccess    Kind = "access"
	KindErrorLog  Kind = "error-log"
	KindSnapshots Kind = "snapshots"
	KindConfig    Kind = "config"
	KindJSON      Kind = "json"
	KindEmpty     Kind = "empty"
	KindUnknown   Kind = "unknown"
)

// Detection is what Detect found in a file's first lines.
type Detection struct {
	Kind Kind
	// Format is set for access logs, also for those without a worker field.
	Format *Format
	// Suggest is a --log-format to pass when the access log has trailing
	// fields but which one is the worker PID could not be told.
	Suggest string
	// Why says, for files that are not usable access logs, what they are.
	Why string
	// Server is the family that wrote an error log: gunicorn or nginx.
	Server string
	// StatusBytes says the access log prints statuses as b'200 OK'
	// (gunicorn ≤ 22 with the gevent_pywsgi worker).
	StatusBytes bool
}

// sampleLines is how many lines detection looks at.
const sampleLines = 200

// Detect classifies a file from a sample of its beginning. atEOF says whether
// the sample holds the whole file (else its last partial line is dropped).
func Detect(sample []byte, atEOF bool) Detection {
	lines := sampleOf(sample, atEOF)
	if len(lines) == 0 {
		return Detection{Kind: KindEmpty, Why: "empty file"}
	}
	if d, ok := detectAccess(lines); ok {
		return d
	}
	if d, ok := detectJSON(lines); ok {
		return d
	}
	if d, ok := detectUWSGI(lines); ok {
		return d
	}
	switch {
	case countIf(lines, isJSONLine) > len(lines)/2:
		return Detection{Kind: KindJSON, Why: "JSON lines without a status, request, path or duration key"}
	case countIf(lines, isGunicornErrorLine) > 0:
		return Detection{Kind: KindErrorLog, Why: "gunicorn error log", Server: "gunicorn"}
	case countIf(lines, isAppErrorLine) > 0:
		return Detection{Kind: KindErrorLog, Why: "application error log (tracebacks)"}
	case countIf(lines, isNginxErrorLine) > 0:
		return Detection{Kind: KindErrorLog, Why: "nginx error log (holds no worker lifecycles)", Server: "nginx"}
	case countIf(lines, isPSHeader) > 0 || bytes.HasPrefix(lines[0], []byte("# skewer-sample")):
		return Detection{Kind: KindSnapshots, Why: "process snapshots"}
	case countIf(lines, isConfigLine) > len(lines)/2:
		return Detection{Kind: KindConfig, Why: "configuration file"}
	}
	return Detection{Kind: KindUnknown, Why: "no line looks like an access log"}
}

func sampleOf(b []byte, atEOF bool) [][]byte {
	if !atEOF {
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			b = b[:i+1]
		}
	}
	var out [][]byte
	for len(b) > 0 && len(out) < sampleLines {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

func countIf(lines [][]byte, f func([]byte) bool) int {
	n := 0
	for _, l := range lines {
		if f(l) {
			n++
		}
	}
	return n
}

func isJSONLine(l []byte) bool {
	l = bytes.TrimSpace(l)
	return len(l) > 1 && l[0] == '{' && l[len(l)-1] == '}'
}

// isGunicornErrorLine matches "[2026-11-25 17:50:41 +0000] [21629] [INFO] ...".
func isGunicornErrorLine(l []byte) bool {
	if len(l) < 29 || l[0] != '[' || l[20] != ' ' || !bytes.HasPrefix(l[26:], []byte("] [")) {
		return false
	}
	// The zone follows the time after a space: "17:50:41 -0500".
	var ts [24]byte
	n := copy(ts[:], l[1:20])
	copy(ts[n:], l[21:26])
	_, _, ok := parseISO(ts[:])
	return ok
}

// isAppErrorLine matches a Flask/logging error header such as
// "[2026-11-25 17:28:54,100] ERROR in app: ..." and traceback lines.
func isAppErrorLine(l []byte) bool {
	if bytes.HasPrefix(l, []byte("Traceback (most recent call last):")) {
		return true
	}
	if len(l) < 25 || l[0] != '[' || l[20] != ',' || l[24] != ']' {
		return false
	}
	_, _, ok := parseISO(append(append([]byte{}, l[1:20]...), 'Z'))
	return ok
}

// isNginxErrorLine matches "2026/11/25 17:50:41 [notice] 21640#21640: ...".
func isNginxErrorLine(l []byte) bool {
	return len(l) > 21 && l[4] == '/' && l[7] == '/' && l[10] == ' ' && l[13] == ':' && l[19] == ' ' && l[20] == '['
}

func isPSHeader(l []byte) bool {
	f := strings.Fields(string(l))
	hasPID, hasCmd := false, false
	for _, w := range f {
		switch w {
		case "PID":
			hasPID = true
		case "CMD", "COMMAND", "ARGS":
			hasCmd = true
		}
	}
	return hasPID && hasCmd
}

func isConfigLine(l []byte) bool {
	l = bytes.TrimSpace(l)
	if len(l) == 0 {
		return false
	}
	switch l[len(l)-1] {
	case ';', '{', '}':
		return true
	}
	return l[0] == '#'
}

// accessLine is a line split into the common/combined prefix and its tail.
type accessLine struct {
	combined bool     // referer and user agent follow the size
	bytesB   bool     // status printed as b'200 OK' (gunicorn gevent_pywsgi)
	tail     []string // space-separated tokens after the prefix, quotes kept
}

// splitAccess recognises `host ident user [time] "request" status size`
// optionally followed by `"referer" "agent"` and trailing tokens.
func splitAccess(l []byte) (accessLine, bool) {
	var a accessLine
	s := string(l)
	// host ident user
	for i := 0; i < 2; i++ {
		sp := strings.IndexByte(s, ' ')
		if sp <= 0 {
			return a, false
		}
		s = s[sp+1:]
	}
	open := strings.Index(s, " [")
	if open < 0 {
		return a, false
	}
	s = s[open+2:]
	if len(s) < 27 || s[26] != ']' {
		return a, false
	}
	if _, ok := parseCLF([]byte(s[:26])); !ok {
		return a, false
	}
	s = s[27:]
	if !strings.HasPrefix(s, ` "`) {
		return a, false
	}
	s = s[2:]
	q := strings.Index(s, `" `)
	if q < 0 {
		return a, false
	}
	s = s[q+2:]
	if strings.HasPrefix(s, "b'") {
		e := strings.IndexByte(s[2:], '\'')
		if e < 0 {
			return a, false
		}
		a.bytesB = true
		s = s[2+e+1:]
	} else {
		sp := strings.IndexByte(s, ' ')
		if sp < 0 {
			return a, false
		}
		st := s[:sp]
		if _, ok := digits([]byte(st)); !(ok && len(st) == 3) && st != "-" && st != "socket" {
			return a, false
		}
		s = s[sp:]
	}
	// size
	if !strings.HasPrefix(s, " ") {
		return a, false
	}
	s = s[1:]
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		sp = len(s)
	}
	s = s[sp:]
	if strings.HasPrefix(s, ` "`) {
		// referer and agent
		r := strings.Index(s[2:], `" "`)
		if r < 0 {
			return a, false
		}
		s = s[2+r+3:]
		e := strings.Index(s, `" `)
		if e < 0 {
			if !strings.HasSuffix(s, `"`) {
				return a, false
			}
			e = len(s) - 1
		}
		s = s[e+1:]
		a.combined = true
	}
	a.tail = tokens(strings.TrimPrefix(s, " "))
	return a, true
}

// tokens splits s on spaces, keeping "quoted strings" whole.
func tokens(s string) []string {
	var out []string
	for len(s) > 0 {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		end := strings.IndexByte(s, ' ')
		if s[0] == '"' {
			if q := strings.Index(s[1:], `"`); q >= 0 {
				end = q + 2
				if end < len(s) && s[end] != ' ' {
					end = strings.IndexByte(s[end:], ' ')
					if end >= 0 {
						end += q + 2
					}
				}
			}
		}
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// tokenClass is the shape of a trailing token.
type tokenClass struct {
	key   string // "pid" for pid=123; "" for bare tokens
	shape byte   // 'p' <123>, 'i' integer, 'd' decimal, 'q' "quoted", '-' dash, 'o' other
	value string
}

func classify(tok string) tokenClass {
	var c tokenClass
	if eq := strings.IndexByte(tok, '='); eq > 0 && tok[0] != '"' {
		c.key, tok = tok[:eq], tok[eq+1:]
	}
	c.value = tok
	switch {
	case len(tok) > 2 && tok[0] == '<' && tok[len(tok)-1] == '>' && isInt(tok[1:len(tok)-1]):
		c.shape = 'p'
	case isInt(tok):
		c.shape = 'i'
	case isDecimal(tok):
		c.shape = 'd'
	case strings.HasPrefix(tok, `"`):
		c.shape = 'q'
	case tok == "-":
		c.shape = '-'
	default:
		c.shape = 'o'
	}
	return c
}

func isInt(s string) bool {
	_, ok := digits([]byte(s))
	return ok
}

func isDecimal(s string) bool {
	return strings.IndexByte(s, '.') > 0 && isIntOrDot(s)
}

func isIntOrDot(s string) bool {
	_, ok := parseDecimal([]byte(s))
	return ok
}

// signature is a line's shape: which prefix, how the status is printed, and
// the classes of its trailing tokens. Lines of one format share one.
func signature(a accessLine) string {
	var b strings.Builder
	if a.combined {
		b.WriteString("combined")
	} else {
		b.WriteString("common")
	}
	for _, t := range a.tail {
		c := classify(t)
		b.WriteByte(' ')
		b.WriteString(c.key)
		b.WriteByte('=')
		b.WriteByte(c.shape)
	}
	return b.String()
}

// detectAccess recognises access logs in the common or combined layout with
// trailing fields, and builds the format string that reads them.
func detectAccess(lines [][]byte) (Detection, bool) {
	bySig := map[string][]accessLine{}
	best := ""
	for _, l := range lines {
		a, ok := splitAccess(l)
		if !ok {
			continue
		}
		sig := signature(a)
		bySig[sig] = append(bySig[sig], a)
		if len(bySig[sig]) > len(bySig[best]) || len(bySig[sig]) == len(bySig[best]) && sig < best {
			best = sig
		}
	}
	group := bySig[best]
	if len(group) == 0 || len(group)*2 < len(lines) {
		return Detection{}, false
	}
	return buildAccess(group), true
}

// buildAccess writes the format string for lines of one signature.
func buildAccess(group []accessLine) Detection {
	first := group[0]
	classes := make([]tokenClass, len(first.tail))
	for i, t := range first.tail {
		classes[i] = classify(t)
	}
	// The status is not part of the signature: gevent_pywsgi's `socket`
	// (a client gone) shares one with its b'200 OK' lines, so any line
	// of the group says whether statuses are bytes.
	bytesB := slices.ContainsFunc(group, func(a accessLine) bool { return a.bytesB })
	gunicorn := bytesB
	for _, c := range classes {
		if c.shape == 'p' {
			gunicorn = true
		}
	}
	var spec strings.Builder
	var notes []string
	name := "combined"
	if !first.combined {
		name = "common"
	}
	if gunicorn {
		spec.WriteString(`%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s`)
		if first.combined {
			spec.WriteString(` "%(f)s" "%(a)s"`)
		}
	} else {
		spec.WriteString(`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`)
		if first.combined {
			spec.WriteString(` "$http_referer" "$http_user_agent"`)
		}
	}
	pidCol := -1
	for i, c := range classes {
		if c.shape == 'p' || !gunicorn && isPIDKey(c.key) && c.shape == 'i' {
			pidCol = i
			break
		}
	}
	guessed := false
	if pidCol < 0 && !gunicorn {
		// A single bare integer column of few distinct values >= 2 reads as $pid.
		pidCol, guessed = bareIntPID(group, classes)
	}
	ambiguous := pidCol < 0 && countShape(classes, 'i') > 0
	durDone := false
	for i, c := range classes {
		spec.WriteByte(' ')
		if c.key != "" {
			spec.WriteString(c.key)
			spec.WriteByte('=')
		}
		atom := ""
		switch {
		case i == pidCol || ambiguous && c.shape == 'i' && pidCol < 0:
			atom = pick(gunicorn, "%(p)s", "$pid")
			if ambiguous {
				pidCol = i
			}
		case c.key != "":
			atom = keyedAtom(gunicorn, c, &durDone)
		case pidCol >= 0 && i > pidCol && !durDone && (c.shape == 'i' || c.shape == 'd'):
			durDone = true
			if c.shape == 'i' && gunicorn {
				atom = "%(D)s"
				notes = append(notes, "the bare integer after the PID is read as %(D)s microseconds")
			} else if c.shape == 'd' {
				atom = pick(gunicorn, "%(L)s", "$request_time")
			} else {
				atom = "$request_length"
			}
		case c.shape == 'q':
			atom = pick(gunicorn, fmt.Sprintf(`"%%({field%d}i)s"`, i+1), fmt.Sprintf(`"$http_field%d"`, i+1))
		default:
			atom = pick(gunicorn, fmt.Sprintf("%%({field%d}e)s", i+1), fmt.Sprintf("$field%d", i+1))
		}
		spec.WriteString(atom)
	}
	if guessed {
		notes = append(notes, "the bare integer column is read as $pid")
	}
	f, err := CompileLogFormat(spec.String())
	if err != nil {
		return Detection{Kind: KindUnknown, Why: err.Error()}
	}
	if !gunicorn && pidCol < 0 && len(classes) == 0 {
		f.Family = ""
	}
	f.Name = name
	if gunicorn {
		f.Name = "gunicorn"
	} else if len(classes) > 0 {
		f.Name = "nginx"
	}
	f.Note = strings.Join(notes, "; ")
	d := Detection{Kind: KindAccess, Format: f, StatusBytes: bytesB}
	if ambiguous {
		d.Suggest = f.Spec
		f.fields = withoutPID(f.fields)
		f.plan()
	}
	return d
}

func pick(gunicorn bool, g, n string) string {
	if gunicorn {
		return g
	}
	return n
}

func isPIDKey(k string) bool {
	switch strings.ToLower(k) {
	case "pid", "worker", "worker_pid", "wpid":
		return true
	}
	return false
}

func keyedAtom(gunicorn bool, c tokenClass, durDone *bool) string {
	k := strings.ToLower(c.key)
	switch {
	case isPIDKey(k) && gunicorn:
		return "%({" + c.key + "}e)s"
	case (k == "rt" || k == "request_time" || k == "l") && !*durDone:
		*durDone = true
		return pick(gunicorn, "%(L)s", "$request_time")
	case (k == "us" || k == "d" || k == "dur_us") && gunicorn && !*durDone:
		*durDone = true
		return "%(D)s"
	case (k == "ms" || k == "m") && gunicorn && !*durDone:
		*durDone = true
		return "%(M)s"
	case k == "msec" && !gunicorn:
		return "$msec"
	case k == "urt" || k == "upstream_response_time":
		return pick(gunicorn, "%({"+c.key+"}e)s", "$upstream_response_time")
	case k == "uaddr" || k == "upstream_addr":
		return pick(gunicorn, "%({"+c.key+"}e)s", "$upstream_addr")
	}
	if c.shape == 'q' {
		return pick(gunicorn, `"%({`+c.key+`}i)s"`, `"$`+sanitizeVar(c.key)+`"`)
	}
	return pick(gunicorn, "%({"+c.key+"}e)s", "$"+sanitizeVar(c.key))
}

func sanitizeVar(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !isVarByte(c) {
			b[i] = '_'
		}
	}
	return string(b)
}

func countShape(cs []tokenClass, shape byte) int {
	n := 0
	for _, c := range cs {
		if c.shape == shape && c.key == "" {
			n++
		}
	}
	return n
}

// bareIntPID finds the one bare integer column whose values look like PIDs:
// all at least 2 and few distinct values over the sample.
func bareIntPID(group []accessLine, classes []tokenClass) (int, bool) {
	col := -1
	for i, c := range classes {
		if c.key == "" && c.shape == 'i' {
			if col >= 0 {
				return -1, false
			}
			col = i
		}
	}
	if col < 0 || len(group) < 4 {
		return -1, false
	}
	distinct := map[string]bool{}
	for _, a := range group {
		v := a.tail[col]
		n, _ := digits([]byte(v))
		if n < 2 || n > 1<<22 {
			return -1, false
		}
		distinct[v] = true
	}
	if len(distinct)*2 > len(group) {
		return -1, false
	}
	return col, true
}

func withoutPID(fs []field) []field {
	out := make([]field, len(fs))
	copy(out, fs)
	for i := range out {
		if out[i].kind == fPID {
			out[i].kind = fSkip
		}
	}
	return out
}
