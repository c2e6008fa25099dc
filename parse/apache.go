package parse

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ApacheCombined is Debian's apache2 combined LogFormat. It logs no worker
// PID; %P adds one and %D the request time in microseconds.
const ApacheCombined = `%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`

// directive is one %-directive of a format string in Apache LogFormat or
// php-fpm access.format syntax.
type directive struct {
	name string // as written after the %: "P", ">s", "{ms}T"; the field's name
	at   int    // offset of the % in the spec
	what string // what it prints, for the ambiguity error
	reading
}

// reading is what a directive means to skewer. Two syntaxes read a
// directive the same way when their readings are equal.
type reading struct {
	kind     fieldKind
	brackets bool   // a CLF time printed in [ ] (Apache %t)
	time     bool   // a time of the request
	end      bool   // the time is stamped at the end of the request
	layout   string // strftime layout of a time; "" for CLF and epoch times
	query    byte   // a query string: '?' starts with ? or is empty (Apache %q, php-fpm %Q), 'q' bare (php-fpm %q)
}

// percentPart is a run of literal text or one directive.
type percentPart struct {
	lit []byte
	d   *directive
}

// syntaxError is a format string that is not valid in one syntax.
type syntaxError struct {
	syntax, spec, msg string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%s format %q: %s", e.syntax, e.spec, e.msg)
}

// compilePercent compiles a format string in Apache LogFormat or php-fpm
// access.format syntax (%h %t %P %D ...); syntax is "apache", "phpfpm" or
// "" to tell from the string. A string valid in both syntaxes whose
// directives mean different things there is an error naming them.
func compilePercent(spec, syntax string) (*Format, error) {
	if syntax == "apache" || syntax == "phpfpm" {
		f, _, err := compileSyntax(spec, syntax)
		return f, err
	}
	af, ad, aerr := compileSyntax(spec, "apache")
	pf, pd, perr := compileSyntax(spec, "phpfpm")
	switch {
	case aerr == nil && perr == nil:
		if diff := differing(ad, pd); diff != "" {
			return nil, fmt.Errorf("format %q is valid in apache and phpfpm syntax, where %s: pass --format apache or --format phpfpm", spec, diff)
		}
		af.Note = "read as Apache syntax; php-fpm reads it the same way"
		return af, nil
	case aerr == nil:
		return af, nil
	case perr == nil:
		return pf, nil
	}
	msg := fmt.Sprintf("cannot tell the syntax of %q: expected gunicorn atoms like %%(p)s or nginx variables like $pid", spec)
	if !strings.Contains(spec, "%") {
		return nil, errors.New(msg)
	}
	return nil, fmt.Errorf("%s, or Apache or php-fpm directives like %%P (as apache: %s; as phpfpm: %s)", msg, reason(aerr), reason(perr))
}

// reason is an error without the format string it names.
func reason(err error) string {
	var se *syntaxError
	if errors.As(err, &se) {
		return se.msg
	}
	return err.Error()
}

// differing names the directives that the two syntaxes read differently,
// with what each prints, or "" when they agree on all of them.
func differing(apache, fpm []*directive) string {
	var out []string
	seen := map[string]bool{}
	for i := range min(len(apache), len(fpm)) {
		a, p := apache[i], fpm[i]
		if a.reading == p.reading || seen[a.name] {
			continue
		}
		seen[a.name] = true
		out = append(out, fmt.Sprintf("%%%s (apache: %s, phpfpm: %s)", a.name, a.what, p.what))
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0] + " differs"
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1] + " differ"
}

// compileSyntax compiles spec in one syntax and returns its directives.
func compileSyntax(spec, syntax string) (*Format, []*directive, error) {
	item := apacheDirective
	if syntax == "phpfpm" {
		item = fpmDirective
	}
	parts, err := splitPercent(spec, syntax, item)
	if err != nil {
		return nil, nil, err
	}
	var dirs []*directive
	for _, p := range parts {
		if p.d != nil {
			dirs = append(dirs, p.d)
		}
	}
	f, err := assemble(spec, syntax, parts)
	return f, dirs, err
}

// splitPercent splits spec into literal runs and directives, undoing the
// escapes of a configuration file: \" is ", \\ is \ (and Apache's \t is a
// tab).
func splitPercent(spec, syntax string, item func(spec string, at int) (*directive, int, string)) ([]percentPart, error) {
	fail := func(format string, args ...any) error {
		return &syntaxError{syntax: syntax, spec: spec, msg: fmt.Sprintf(format, args...)}
	}
	var parts []percentPart
	var lit []byte
	for i := 0; i < len(spec); {
		c := spec[i]
		switch {
		case c == '\\' && i+1 < len(spec) && (spec[i+1] == '"' || spec[i+1] == '\\'):
			lit = append(lit, spec[i+1])
			i += 2
		case c == '\\' && i+1 < len(spec) && syntax == "apache" && spec[i+1] == 't':
			lit = append(lit, '\t')
			i += 2
		case c == '\\' && i+1 < len(spec) && syntax == "apache" && (spec[i+1] == 'n' || spec[i+1] == 'r'):
			return nil, fail(`\%c at offset %d ends the line: skewer reads one line per request`, spec[i+1], i)
		case c == '%' && i+1 < len(spec) && spec[i+1] == '%':
			lit = append(lit, '%')
			i += 2
		case c == '%':
			d, next, msg := item(spec, i)
			if msg != "" {
				return nil, fail("%s", msg)
			}
			if len(lit) > 0 {
				parts = append(parts, percentPart{lit: lit})
				lit = nil
			}
			parts = append(parts, percentPart{d: d})
			i = next
		default:
			lit = append(lit, c)
			i++
		}
	}
	if len(lit) > 0 {
		parts = append(parts, percentPart{lit: lit})
	}
	return parts, nil
}

// apacheDirective reads the directive at spec[at] (a %) the way
// mod_log_config does: status conditions (400,501 or !200), < or >, and a
// {argument} in any order, then a letter (or ^ti/^to). It returns the
// directive, the offset after it, or what is wrong.
func apacheDirective(spec string, at int) (*directive, int, string) {
	arg := ""
	for j := at + 1; j < len(spec); {
		c := spec[j]
		switch {
		case c == '!' || c == '<' || c == '>' || c == ',' || c >= '0' && c <= '9':
			j++
		case c == '{':
			e := strings.IndexByte(spec[j+1:], '}')
			if e < 0 {
				return nil, 0, fmt.Sprintf("unclosed %%{ at offset %d", at)
			}
			arg = spec[j+1 : j+1+e]
			j += e + 2
		default:
			letter := spec[j : j+1]
			if c == '^' && j+3 <= len(spec) {
				letter = spec[j : j+3]
			}
			next := j + len(letter)
			d := &directive{name: spec[at+1 : next], at: at}
			if msg := apacheMeaning(d, letter, arg); msg != "" {
				return nil, 0, msg
			}
			return d, next, ""
		}
	}
	return nil, 0, fmt.Sprintf("%% at offset %d is not followed by a directive letter", at)
}

// apacheMeaning sets what an Apache directive means.
func apacheMeaning(d *directive, letter, arg string) string {
	d.kind = fSkip
	switch letter {
	case "h", "a":
		d.what = "client address"
	case "A":
		d.what = "local address"
	case "l":
		d.what = "remote logname"
	case "u":
		d.what = "remote user"
	case "v", "V":
		d.what = "server name"
	case "p":
		d.what = "server port"
	case "H":
		d.what = "protocol"
	case "m":
		d.what = "method"
	case "k":
		d.what = "keepalive requests"
	case "X":
		d.what = "connection status"
	case "L":
		d.what = "log ID"
	case "R":
		d.what = "handler"
	case "b", "B", "O", "I", "S":
		d.what = "bytes"
	case "c", "x":
		d.what = "SSL variable"
	case "f":
		d.kind, d.what = fQuoted, "file name"
	case "i", "^ti":
		d.kind, d.what = fQuoted, "request header"
	case "o", "^to":
		d.kind, d.what = fQuoted, "response header"
	case "e":
		d.kind, d.what = fQuoted, "environment variable"
	case "n":
		d.kind, d.what = fQuoted, "note"
	case "C":
		d.kind, d.what = fQuoted, "cookie"
	case "r":
		d.kind, d.what = fRequest, "request line"
	case "U":
		d.kind, d.what = fPath, "URL path"
	case "q":
		d.query, d.what = '?', "query string with its ?"
	case "s":
		d.kind, d.what = fStatus, "status"
	case "D":
		d.kind, d.what = fDurMicros, "request time in µs"
	case "T":
		d.what = "request time in whole seconds"
		switch strings.ToLower(arg) {
		case "", "s":
			d.kind = fDurSeconds
		case "ms":
			d.kind, d.what = fDurMillis, "request time in ms"
		case "us":
			d.kind, d.what = fDurMicros, "request time in µs"
		default:
			return fmt.Sprintf("%%%s: the unit of %%T is s, ms or us", d.name)
		}
	case "P":
		switch strings.ToLower(arg) {
		case "", "pid":
			d.kind, d.what = fPID, "child PID"
		case "tid", "hextid":
			d.what = "thread ID"
		default:
			return fmt.Sprintf("%%%s: the format of %%P is pid, tid or hextid", d.name)
		}
	case "t":
		return apacheTime(d, arg)
	default:
		return fmt.Sprintf("unknown directive %%%s at offset %d (known: a A b B C D e f h H i I k l L m n o O p P q r R s S t T u U v V X ^ti ^to)", letter, d.at)
	}
	return ""
}

// apacheTime sets the meaning of %t and %{format}t: CLF in brackets by
// default, begin: or end: of the request, epoch sec/msec/usec, the
// msec_frac/usec_frac fractions, or a strftime layout.
func apacheTime(d *directive, arg string) string {
	d.time = true
	when := "request start time"
	layout := arg
	if rest, ok := strings.CutPrefix(arg, "begin"); ok && (rest == "" || rest[0] == ':') {
		layout = strings.TrimPrefix(rest, ":")
	} else if rest, ok := strings.CutPrefix(arg, "end"); ok && (rest == "" || rest[0] == ':') {
		layout, d.end, when = strings.TrimPrefix(rest, ":"), true, "request end time"
	}
	switch layout {
	case "":
		d.kind, d.brackets, d.what = fTimeCLF, true, when+" in [brackets]"
	case "sec":
		d.kind, d.what = fEpochSec, when+" in epoch seconds"
	case "msec":
		d.kind, d.what = fEpochMilli, when+" in epoch ms"
	case "usec":
		d.kind, d.what = fEpochMicro, when+" in epoch µs"
	case "msec_frac":
		d.layout, d.what = fracMilli, "the ms of the "+when
	case "usec_frac":
		d.layout, d.what = fracMicro, "the µs of the "+when
	default:
		if msg := checkLayout(layout); msg != "" {
			return fmt.Sprintf("%%%s: %s", d.name, msg)
		}
		d.layout, d.what = layout, when+" as strftime"
	}
	return ""
}

// assemble builds the Format of a split format string: a query string
// joins the path printed just before it, adjacent time pieces
// (%{%d/%b/%Y %T}t.%{msec_frac}t) join into one time, and of several times
// the first end-of-request one is read (else the first), the others skipped.
func assemble(spec, syntax string, parts []percentPart) (*Format, error) {
	fail := func(msg string) error { return &syntaxError{syntax: syntax, spec: spec, msg: msg} }
	parts = joinParts(parts)
	chosen, at, msg := chooseTime(parts)
	if msg != "" {
		return nil, fail(msg)
	}
	var layout *timeLayout
	b := builder{spec: spec}
	for i, p := range parts {
		d := p.d
		if d == nil {
			for _, c := range p.lit {
				b.lit(c)
			}
			continue
		}
		kind := d.kind
		switch {
		case d.time && d != chosen:
			switch msg := skippable(d, parts, i); {
			case msg == "":
				kind = fSkip
			case kind == fTimeCLF && i < at:
				// php-fpm's %t %T: the start is read, then overwritten
				// by the end, which is what is wanted.
			default:
				return nil, fail(msg)
			}
		case d == chosen && kind == fTimeLayout:
			layout, _ = compileLayout(d.layout)
		}
		if d.brackets {
			b.lit('[')
		}
		if err := b.field(kind, d.name); err != nil {
			return nil, err
		}
		if d.brackets {
			b.lit(']')
		}
	}
	if syntax == "apache" {
		promoteWorkerHeader(b.fields)
	}
	f, err := b.finish(syntax, syntax)
	if err != nil {
		return nil, err
	}
	f.layout = layout
	f.startStamp = chosen != nil && !chosen.end
	return f, nil
}

// chooseTime classifies the times of a format and chooses the one read:
// the first end-of-request time, else the first. It returns the time and
// its index in parts, or what is wrong.
func chooseTime(parts []percentPart) (*directive, int, string) {
	var chosen *directive
	at := 0
	for i, p := range parts {
		d := p.d
		if d == nil || !d.time {
			continue
		}
		if d.layout != "" {
			if msg := classifyLayout(d); msg != "" {
				return nil, 0, msg
			}
		}
		if d.kind != fSkip && (chosen == nil || d.end && !chosen.end) {
			chosen, at = d, i
		}
	}
	return chosen, at, ""
}

// promoteWorkerHeader makes the X-Worker-PID response header the worker
// of a format without %P: behind a proxy, the worker of the app behind
// Apache is the one the app names in it.
func promoteWorkerHeader(fields []field) {
	for _, fl := range fields {
		if fl.kind == fPID {
			return
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, "{x-worker-pid}o") {
			fields[i].kind = fPID
		}
	}
}

// joinParts joins query strings into the value printed just before them
// and adjacent strftime pieces of one time into one layout. It works on
// copies: the directives of a spec are read in both syntaxes.
func joinParts(in []percentPart) []percentPart {
	out := make([]percentPart, 0, len(in))
	for _, p := range in {
		if p.d == nil {
			out = append(out, p)
			continue
		}
		d := *p.d
		n := len(out)
		if n > 0 && out[n-1].d != nil {
			prev := out[n-1].d
			switch {
			case d.query == '?' && (prev.kind == fPath || prev.query != 0), d.query == 'q' && prev.query == '?':
				// Apache %U%q, php-fpm %r%Q%q: the path is cut at its ?.
				prev.query = '?'
				continue
			case joinable(prev, &d):
				prev.layout += d.layout
				continue
			}
		}
		if n > 1 && out[n-1].d == nil && out[n-2].d != nil && joinable(out[n-2].d, &d) {
			prev := out[n-2].d
			prev.layout += strings.ReplaceAll(string(out[n-1].lit), "%", "%%") + d.layout
			out = out[:n-1]
			continue
		}
		out = append(out, percentPart{d: &d})
	}
	return out
}

// joinable reports whether next is a piece of the same strftime time as
// prev.
func joinable(prev, next *directive) bool {
	return prev.time && next.time && prev.layout != "" && next.layout != "" && prev.end == next.end
}

// classifyLayout sets the kind of a strftime time: CLF when it prints
// exactly that, epoch seconds for %s, a layout when it gives a full date
// and time, and skipped otherwise (a zone or a fraction alone).
func classifyLayout(d *directive) string {
	switch d.layout {
	case clfLayout:
		d.kind, d.layout = fTimeCLF, ""
		return ""
	case "%s":
		d.kind, d.layout = fEpochSec, ""
		return ""
	}
	l, err := compileLayout(d.layout)
	if err != "" {
		return fmt.Sprintf("%%%s: %s", d.name, err)
	}
	d.kind = fSkip
	if l.complete {
		d.kind = fTimeLayout
	}
	return ""
}

// skippable checks that a time that is not read can be skipped: the
// literal after it must not be a byte its value may hold.
func skippable(d *directive, parts []percentPart, i int) string {
	if d.brackets || i+1 >= len(parts) || parts[i+1].d != nil {
		return "" // ends at its ], at the end of the line, or a run the builder refuses
	}
	next := parts[i+1].lit[0]
	var may bool
	switch d.kind {
	case fTimeCLF:
		may = next == ' ' || next == '/' || next == ':' || next == '+' || next == '-' || isDigit(next) || isLetter(next)
	case fEpochSec, fEpochMilli, fEpochMicro:
		may = isDigit(next)
	default:
		l, _ := compileLayout(d.layout)
		may = l.mayHold(next)
	}
	if may {
		return fmt.Sprintf("%%%s is not read (skewer reads one time per line) and its end cannot be found: its value may hold the %q that follows it", d.name, next)
	}
	return ""
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// endFromStart turns the start time of a line of a format that stamps the
// start (Apache, php-fpm, uWSGI) into its end. An end past the year 9999
// comes from a request time no server logs.
func endFromStart(rec *Record) Reason {
	const maxEnd = 253402300800e6 // 10000-01-01T00:00:00Z
	if rec.Duration > maxEnd-rec.Time {
		return ReasonBadDur
	}
	rec.Time += rec.Duration
	return ReasonNone
}

// storeTime reads the epoch and strftime times of Apache and php-fpm.
func (st *matchState) storeTime(k fieldKind, v []byte) Reason {
	rec := st.rec
	var t int64
	sub := false
	switch k {
	case fEpochSec, fEpochMilli, fEpochMicro:
		// 11, 14 and 17 digits reach the year 5138: the start plus any
		// request time stays a valid time.
		n, ok := digits(v)
		if !ok || len(v) > 17-3*int(fEpochMicro-k) {
			return ReasonBadTime
		}
		switch k {
		case fEpochSec:
			t = n * 1e6
		case fEpochMilli:
			t, sub = n*1e3, true
		default:
			t, sub = n, true
		}
	case fTimeLayout:
		var ok bool
		if st.layout == nil {
			return ReasonBadTime
		}
		if t, ok = st.layout.parse(v); !ok {
			return ReasonBadTime
		}
		sub = st.layout.frac
	}
	rec.Time, rec.HasTime, rec.SubSecond = t, true, sub
	return ReasonNone
}

// Strftime layouts of Apache's %{format}t and php-fpm's %{format}t/T.
const (
	clfLayout = "%d/%b/%Y:%H:%M:%S %z"
	// Apache's %{msec_frac}t and %{usec_frac}t, as pieces of a layout.
	fracMilli = "%\x01"
	fracMicro = "%\x02"
)

// layoutOp is one fixed-width piece of a strftime time: a literal byte
// (conv 0) or a conversion.
type layoutOp struct {
	conv, lit, width byte
}

// timeLayout reads the times a strftime layout prints. Only conversions of
// a fixed width are read, so that the value's end is known without the
// literal that follows (which a layout such as "%Y-%m-%d %H:%M:%S" holds).
type timeLayout struct {
	ops      []layoutOp
	width    int
	zone     bool           // has %z
	frac     bool           // has a fraction of a second
	complete bool           // gives a full date and time of day
	loc      *time.Location // the zone of a layout without %z; nil is UTC
}

// layoutWidths are the widths of the conversions skewer reads.
var layoutWidths = map[byte]byte{
	'Y': 4, 'y': 2, 'm': 2, 'b': 3, 'd': 2, 'e': 2, 'H': 2, 'k': 2, 'I': 2, 'p': 2,
	'M': 2, 'S': 2, 'z': 5, 'a': 3, 'u': 1, 'w': 1, 1: 3, 2: 6,
}

// layoutShorthands are the conversions that stand for others (in the C
// locale, which Apache and php-fpm log in unless configured otherwise).
var layoutShorthands = map[byte]string{
	'T': "%H:%M:%S", 'F': "%Y-%m-%d", 'D': "%m/%d/%y", 'R': "%H:%M", 'r': "%I:%M:%S %p",
	'c': "%a %b %e %H:%M:%S %Y", 'x': "%m/%d/%y", 'X': "%H:%M:%S", 'h': "%b",
}

const layoutKnown = "%Y %y %m %b %h %d %e %H %k %I %p %M %S %z %a %u %w %T %F %D %R %r %c %x %X %t %%"

// checkLayout says what is wrong with a strftime layout, or "".
func checkLayout(s string) string {
	if s == "%s" {
		return ""
	}
	_, msg := compileLayout(s)
	return msg
}

func compileLayout(s string) (*timeLayout, string) {
	l := &timeLayout{}
	if msg := l.add(s); msg != "" {
		return nil, msg
	}
	var has [256]bool
	for _, op := range l.ops {
		has[op.conv] = true
		l.width += int(op.width)
	}
	l.zone, l.frac = has['z'], has[1] || has[2]
	l.complete = (has['Y'] || has['y']) && (has['m'] || has['b']) && (has['d'] || has['e']) &&
		(has['H'] || has['k'] || has['I'] && has['p']) && has['M'] && has['S']
	return l, ""
}

func (l *timeLayout) add(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if c < ' ' && c != '\t' {
				return fmt.Sprintf("strftime layout %q holds a control byte", s)
			}
			l.ops = append(l.ops, layoutOp{lit: c, width: 1})
			continue
		}
		if i++; i == len(s) {
			return fmt.Sprintf("strftime layout %q ends with %%", s)
		}
		c = s[i]
		switch {
		case c == '%':
			l.ops = append(l.ops, layoutOp{lit: '%', width: 1})
		case c == 't':
			l.ops = append(l.ops, layoutOp{lit: '\t', width: 1})
		case layoutShorthands[c] != "":
			l.add(layoutShorthands[c])
		case layoutWidths[c] != 0:
			l.ops = append(l.ops, layoutOp{conv: c, width: layoutWidths[c]})
		case c == 's':
			return "strftime %s is read only alone, as in %{%s}t"
		default:
			return fmt.Sprintf("strftime %%%c is not supported: skewer reads times of a fixed width (%s, and Apache's msec_frac and usec_frac)", c, layoutKnown)
		}
	}
	return ""
}

// mayHold reports whether a value of the layout may hold the byte c.
func (l *timeLayout) mayHold(c byte) bool {
	for _, op := range l.ops {
		switch op.conv {
		case 0:
			if op.lit == c {
				return true
			}
		case 'b', 'a', 'p':
			if isLetter(c) {
				return true
			}
		case 'z':
			if c == '+' || c == '-' || isDigit(c) {
				return true
			}
		case 'e', 'k':
			if c == ' ' || isDigit(c) {
				return true
			}
		default:
			if isDigit(c) {
				return true
			}
		}
	}
	return false
}

// twoDigits reads 2 digits, the first of which may be a space (%e).
func twoDigits(b []byte, space bool) (int64, bool) {
	if space && b[0] == ' ' {
		return digits(b[1:2])
	}
	return digits(b[:2])
}

// parse reads a value of the layout into unix microseconds.
func (l *timeLayout) parse(v []byte) (int64, bool) {
	if len(v) != l.width {
		return 0, false
	}
	var y, mo, d, h, mi, s, off, frac int64
	pm, twelve := false, false
	ok := true
	i := 0
	for _, op := range l.ops {
		b := v[i : i+int(op.width)]
		i += int(op.width)
		var n int64
		switch op.conv {
		case 0:
			ok = b[0] == op.lit
		case 'b':
			n = month(b)
			mo, ok = n, n != 0
		case 'a':
			ok = isWeekday(b)
		case 'p':
			ok = string(b) == "AM" || string(b) == "PM"
			pm = b[0] == 'P'
		case 'z':
			off, ok = zoneOffset(b)
		case 'e', 'k':
			n, ok = twoDigits(b, true)
		default:
			n, ok = digits(b)
		}
		if !ok {
			return 0, false
		}
		switch op.conv {
		case 'Y':
			y = n
		case 'y':
			y = 2000 + n
			if n >= 69 {
				y = 1900 + n
			}
		case 'm':
			mo = n
		case 'd', 'e':
			d = n
		case 'H', 'k':
			h = n
		case 'I':
			if n < 1 || n > 12 {
				return 0, false
			}
			h, twelve = n, true
		case 'M':
			mi = n
		case 'S':
			s = n
		case 1:
			frac = n * 1000
		case 2:
			frac = n
		}
	}
	if twelve {
		h %= 12
		if pm {
			h += 12
		}
	}
	t, ok := civil(y, mo, d, h, mi, s, off)
	if !ok {
		return 0, false
	}
	if !l.zone && l.loc != nil {
		t = time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), 0, l.loc).UnixMicro()
	}
	return t + frac, true
}
