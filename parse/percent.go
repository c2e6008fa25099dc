package parse

import (
	"errors"
	"fmt"
	"strings"
)

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
			return nil, &AmbiguousSyntaxError{Spec: spec, Diff: diff}
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
	f, err := b.finish(syntax, Family(syntax))
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
