package parse

import (
	"fmt"
	"strings"
)

// GunicornDefault is gunicorn's default access_log_format. It logs no worker
// PID; %(p)s adds one.
const GunicornDefault = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"`

// gunicornAtom maps a gunicorn access-log atom to its meaning.
func gunicornAtom(name string) (fieldKind, bool) {
	switch name {
	case "p":
		return fPID, true
	case "t":
		return fTimeCLF, true
	case "r":
		return fRequest, true
	case "U":
		return fPath, true
	case "s":
		return fStatus, true
	case "D":
		return fDurMicros, true
	case "M":
		return fDurMillis, true
	case "L", "T":
		return fDurSeconds, true
	case "f", "a":
		return fQuoted, true
	case "h", "{remote_addr}e":
		return fClient, true
	case "{remote_port}e":
		return fPort, true
	case "l", "u", "m", "q", "H", "B", "b":
		return fSkip, true
	}
	if len(name) > 3 && name[0] == '{' && strings.HasSuffix(name[:len(name)-1], "}") {
		switch name[len(name)-1] {
		case 'i', 'o', 'e':
			return fQuoted, true
		}
	}
	return fSkip, false
}

// CompileGunicorn compiles a gunicorn access_log_format string such as
// `%(h)s %(t)s "%(r)s" %(s)s %(p)s %(D)s`.
func CompileGunicorn(spec string) (*Format, error) {
	b := builder{spec: spec}
	for i := 0; i < len(spec); {
		c := spec[i]
		if c != '%' {
			b.lit(c)
			i++
			continue
		}
		if i+1 < len(spec) && spec[i+1] == '%' {
			b.lit('%')
			i += 2
			continue
		}
		if i+1 >= len(spec) || spec[i+1] != '(' {
			return nil, fmt.Errorf("gunicorn format %q: %% at offset %d is not followed by (name)s", spec, i)
		}
		close := strings.IndexByte(spec[i:], ')')
		if close < 0 {
			return nil, fmt.Errorf("gunicorn format %q: unclosed %%( at offset %d", spec, i)
		}
		name := spec[i+2 : i+close]
		j := i + close + 1
		// A conversion such as s, d or r follows, possibly with flags/width.
		for j < len(spec) && strings.IndexByte("-+ #0123456789.", spec[j]) >= 0 {
			j++
		}
		if j >= len(spec) || strings.IndexByte("sdirfa", spec[j]) < 0 {
			return nil, fmt.Errorf("gunicorn format %q: %%(%s) has no conversion letter such as s", spec, name)
		}
		kind, ok := gunicornAtom(name)
		if !ok {
			return nil, fmt.Errorf("gunicorn format %q: unknown atom %%(%s)s (known: h l u t r m U q H s B b f a T D L M p {header}i {header}o {var}e)", spec, name)
		}
		if kind == fTimeCLF {
			// %(t)s prints the brackets itself.
			b.lit('[')
			if err := b.field(kind, name); err != nil {
				return nil, err
			}
			b.lit(']')
		} else if err := b.field(kind, name); err != nil {
			return nil, err
		}
		i = j + 1
	}
	return b.finish("gunicorn", "gunicorn")
}

// builder assembles a Format from literals and fields in order.
type builder struct {
	spec   string
	lead   []byte
	fields []field
}

func (b *builder) lit(c byte) {
	if len(b.fields) == 0 {
		b.lead = append(b.lead, c)
		return
	}
	last := &b.fields[len(b.fields)-1]
	last.after = append(last.after, c)
}

func (b *builder) field(k fieldKind, name string) error {
	if n := len(b.fields); n > 0 && len(b.fields[n-1].after) == 0 && !canRun(b.fields[n-1], k) {
		return fmt.Errorf("format %q: %s is directly followed by %s with nothing between them, so their values cannot be told apart", b.spec, b.fields[n-1].name, name)
	}
	b.fields = append(b.fields, field{kind: k, name: name})
	return nil
}

// canRun reports whether the value of prev, directly followed by a field of
// kind next, ends where its shape says: a fixed-width time, gunicorn's
// <pid>, or a number followed by a value that cannot start like one (a
// request line or a path). $pid$request_time cannot be split.
func canRun(prev field, next fieldKind) bool {
	switch {
	case !hasShape(prev.kind):
		return false
	case prev.kind == fTimeCLF, prev.kind == fPID && prev.name == "p":
		return true
	}
	return next == fRequest || next == fPath
}

func (b *builder) finish(name string, family Family) (*Format, error) {
	if len(b.fields) == 0 {
		return nil, fmt.Errorf("format %q has no fields", b.spec)
	}
	for i := range b.fields {
		b.fields[i].how = howFor(b.fields[i], i == len(b.fields)-1)
	}
	f := &Format{Name: name, Family: family, Spec: b.spec, lead: b.lead, fields: b.fields}
	f.plan()
	return f, nil
}
