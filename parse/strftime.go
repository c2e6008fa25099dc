package parse

import (
	"fmt"
	"time"
)

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
