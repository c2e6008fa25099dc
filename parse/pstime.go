package parse

import (
	"bytes"
	"fmt"
	"time"
)

// stamp reads the time of a timestamp line: RFC 3339 (also date -Is, and
// without a zone), @epoch seconds, or date output.
func (p *psParser) stamp(b []byte) (int64, bool) {
	switch {
	case len(b) == 0:
		return 0, false
	case b[0] == '@':
		return parseDecimal(b[1:])
	case len(b) >= 19 && b[4] == '-' && b[7] == '-':
		if us, _, ok := parseISO(b); ok {
			return us, true
		}
		if len(b) == 19 && (b[10] == 'T' || b[10] == ' ') && b[13] == ':' && b[16] == ':' {
			y, ok1 := digits(b[0:4])
			mo, ok2 := digits(b[5:7])
			d, ok3 := digits(b[8:10])
			h, mi, s, ok4 := clockHMS(b[11:19])
			if ok1 && ok2 && ok3 && ok4 {
				return p.civilIn(y, mo, d, h, mi, s, "")
			}
		}
	case len(b) > 3 && isWeekday(b[:3]):
		w := bytes.Fields(b)
		return p.dateWords(w)
	}
	return 0, false
}

// dateWords reads date output and ps lstart: a weekday, then month, day,
// HH:MM:SS and year, an optional AM/PM and an optional zone, in the orders
// locales print them ("Wed Nov 25 17:40:05 UTC 2026", "Wed 25 Nov 2026
// 05:40:05 PM CET", "Wed Nov 25 17:28:39 2026").
func (p *psParser) dateWords(w [][]byte) (int64, bool) {
	if len(w) < 5 || len(w) > 7 || !isWeekday(w[0]) {
		return 0, false
	}
	var mo, y, d, h, mi, s int64 = 0, -1, -1, -1, 0, 0
	var ampm, zone []byte
	for _, x := range w[1:] {
		switch {
		case mo == 0 && month(x) != 0:
			mo = month(x)
		case h < 0 && len(x) == 8:
			var ok bool
			if h, mi, s, ok = clockHMS(x); !ok {
				return 0, false
			}
		case y < 0 && len(x) == 4 && isDigits(x):
			y, _ = digits(x)
		case d < 0 && len(x) <= 2 && isDigits(x):
			d, _ = digits(x)
		case ampm == nil && (string(x) == "AM" || string(x) == "PM"):
			ampm = x
		case zone == nil && isZoneWord(x):
			zone = x
		default:
			return 0, false
		}
	}
	if mo == 0 || y < 0 || d < 0 || h < 0 {
		return 0, false
	}
	if ampm != nil {
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if ampm[0] == 'P' {
			h += 12
		}
	}
	switch z := string(zone); {
	case z == "":
		return p.civilIn(y, mo, d, h, mi, s, "")
	case z == "UTC" || z == "GMT" || z == "UT" || z == "Z":
		return civil(y, mo, d, h, mi, s, 0)
	case z[0] == '+' || z[0] == '-':
		if len(z) == 3 {
			z += "00"
		}
		off, ok := zoneOffset([]byte(z))
		if !ok {
			return 0, false
		}
		return civil(y, mo, d, h, mi, s, off)
	default:
		return p.civilIn(y, mo, d, h, mi, s, z)
	}
}

// civilIn converts a civil time in opt.Loc; abbr is the zone abbreviation
// printed with it, if any, checked against the one of opt.Loc.
func (p *psParser) civilIn(y, mo, d, h, mi, s int64, abbr string) (int64, bool) {
	if _, ok := civil(y, mo, d, h, mi, s, 0); !ok || y < 1 || y > 9999 {
		return 0, false
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), 0, p.loc)
	if abbr == "" {
		p.stats.ZoneGuessed = true
	} else if name, _ := t.Zone(); name != abbr && !p.zones[abbr] {
		p.zones[abbr] = true
		p.stats.Warnings = append(p.stats.Warnings, fmt.Sprintf("%s:%d: time zone %s is not the zone of --tz (%s): read in %s", p.name, p.line, abbr, p.loc, p.loc))
	}
	return t.UnixMicro(), true
}

// psMillis reads a ps time in milliseconds: [DD-]HH:MM:SS (TIME, ELAPSED),
// MMM:SS (ps aux TIME, short ELAPSED) or plain seconds (times, etimes); a
// fraction of the seconds (BSD ps M:SS.ss) is kept.
func psMillis(b []byte) (int64, bool) {
	days, hasDays := int64(0), false
	if i := bytes.IndexByte(b, '-'); i >= 0 {
		d, ok := psNum(b[:i])
		if !ok || d > 1e5 {
			return 0, false
		}
		days, hasDays, b = d, true, b[i+1:]
	}
	var frac int64
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		f := b[i+1:]
		if len(f) == 0 || !isDigits(f) {
			return 0, false
		}
		for k := 0; k < 3; k++ {
			frac *= 10
			if k < len(f) {
				frac += int64(f[k] - '0')
			}
		}
		b = b[:i]
	}
	c := bytes.IndexByte(b, ':')
	if c < 0 {
		s, ok := psNum(b)
		if !ok || hasDays || s > 1e10 {
			return 0, false
		}
		return s*1000 + frac, true
	}
	sec, ok := psNum(b[:c])
	if !ok || sec > 1e8 {
		return 0, false
	}
	n := 1
	for rest := b[c+1:]; ; n++ {
		part := rest
		if c = bytes.IndexByte(rest, ':'); c >= 0 {
			part, rest = rest[:c], rest[c+1:]
		}
		v, ok := digits(part)
		if !ok || len(part) != 2 || v > 59 {
			return 0, false
		}
		sec = sec*60 + v
		if c < 0 {
			break
		}
	}
	// MM:SS or HH:MM:SS; days only before HH:MM:SS.
	if n > 2 || hasDays && n != 2 {
		return 0, false
	}
	sec += days * 86400
	return sec*1000 + frac, true
}

// psNum reads a decimal number of at most 15 digits.
func psNum(b []byte) (int64, bool) {
	if len(b) > 15 {
		return 0, false
	}
	return digits(b)
}

// clockHMS reads HH:MM:SS.
func clockHMS(b []byte) (h, mi, s int64, ok bool) {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := digits(b[0:2])
	mi, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	return h, mi, s, ok1 && ok2 && ok3 && h < 24 && mi < 60 && s <= 60
}

func isDigits(b []byte) bool {
	_, ok := digits(b)
	return ok
}

func isWeekday(b []byte) bool {
	switch string(b) {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// isZoneWord tells a zone as date prints it: an abbreviation (CET), or an
// offset (+0100, +01:00, +01).
func isZoneWord(b []byte) bool {
	if len(b) == 0 || len(b) > 6 {
		return false
	}
	if b[0] == '+' || b[0] == '-' {
		_, ok := zoneOffset(b)
		return ok || len(b) == 3 && isDigits(b[1:])
	}
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// stimeBorn bounds a process start printed as ps STIME or START, given the
// time of its snapshot (unix µs): "17:44" (HH:MM, or HH:MM:SS for ps start)
// is on the snapshot's day, "Oct06" or "Oct 6" in its year, "2025" a year.
// procps prints HH:MM for today, MonDD for this year and the year before
// that; BSD-style columns print HH:MM for the last 24 hours, so a clock time
// after the snapshot is of the day before, and a month-day after it of the
// year before. The bounds are [from, to), never after the snapshot.
func (p *psParser) stimeBorn(text []byte, at int64) (from, to int64, ok bool) {
	t := time.UnixMicro(at).In(p.loc)
	y, mo, d := t.Date()
	day := func(y int, mo time.Month, d, h, mi, s int) int64 {
		return time.Date(y, mo, d, h, mi, s, 0, p.loc).UnixMicro()
	}
	f := bytes.Fields(text)
	switch {
	case len(f) == 1 && (len(f[0]) == 5 || len(f[0]) == 8) && f[0][2] == ':':
		b := f[0]
		h, ok1 := digits(b[0:2])
		mi, ok2 := digits(b[3:5])
		s, step := int64(0), int64(60)
		ok3 := true
		if len(b) == 8 {
			if b[5] != ':' {
				return 0, 0, false
			}
			s, ok3 = digits(b[6:8])
			step = 1
		}
		if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
			return 0, 0, false
		}
		from = day(y, mo, d, int(h), int(mi), int(s))
		if from > at {
			from = day(y, mo, d-1, int(h), int(mi), int(s))
		}
		to = from + step*1e6
	case len(f) == 1 && len(f[0]) == 4 && isDigits(f[0]):
		yy, _ := digits(f[0])
		if int(yy) > y || yy < 1970 {
			return 0, 0, false
		}
		from, to = day(int(yy), 1, 1, 0, 0, 0), day(int(yy)+1, 1, 1, 0, 0, 0)
	case len(f) == 1 && len(f[0]) == 5 || len(f) == 2:
		var mb, db []byte
		if len(f) == 1 {
			mb, db = f[0][:3], f[0][3:]
		} else {
			mb, db = f[0], f[1]
		}
		m := month(mb)
		dd, okd := digits(db)
		if m == 0 || !okd || len(db) > 2 || dd < 1 || dd > monthDays[m-1] {
			return 0, 0, false
		}
		from = day(y, time.Month(m), int(dd), 0, 0, 0)
		if from > at {
			from = day(y-1, time.Month(m), int(dd), 0, 0, 0)
		}
		to = day(y, time.Month(m), int(dd)+1, 0, 0, 0)
		if from < day(y, 1, 1, 0, 0, 0) {
			to = day(y-1, time.Month(m), int(dd)+1, 0, 0, 0)
		}
	default:
		return 0, 0, false
	}
	if to > at {
		to = at
	}
	p.stats.ZoneGuessed = true
	return from, to, from <= to
}
