package parse

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm). It is used
// instead of time.Date on the hot path: it does no validation and no zone
// lookup.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// digits parses b as an unsigned decimal number of exactly len(b) digits.
func digits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

var monthIndex = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func month(b []byte) int64 {
	if len(b) != 3 {
		return 0
	}
	for i, m := range monthIndex {
		if b[0] == m[0] && b[1] == m[1] && b[2] == m[2] {
			return int64(i + 1)
		}
	}
	return 0
}

// monthDays is the length of each month in a leap year: 31/Feb is not a
// date, and must not roll over into March.
var monthDays = [12]int64{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// civil converts a validated civil time and a zone offset in seconds to unix
// microseconds.
func civil(y, mo, d, h, mi, s, off int64) (int64, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > monthDays[mo-1] || h > 23 || mi > 59 || s > 60 {
		return 0, false
	}
	if mo == 2 && d == 29 && (y%4 != 0 || y%100 == 0 && y%400 != 0) {
		return 0, false
	}
	days := daysFromCivil(y, mo, d)
	return ((days*86400 + h*3600 + mi*60 + s) - off) * 1e6, true
}

// zoneOffset parses +hhmm, -hhmm, +hh:mm, -hh:mm or Z into seconds east of UTC.
func zoneOffset(b []byte) (int64, bool) {
	if len(b) == 1 && (b[0] == 'Z' || b[0] == 'z') {
		return 0, true
	}
	if len(b) == 6 && b[3] == ':' {
		b = []byte{b[0], b[1], b[2], b[4], b[5]}
	}
	if len(b) != 5 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	hh, ok1 := digits(b[1:3])
	mm, ok2 := digits(b[3:5])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	off := hh*3600 + mm*60
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

// parseCLF parses a common-log time, 25/Nov/2026:17:14:54 +0000, into unix
// microseconds.
func parseCLF(b []byte) (int64, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return 0, false
	}
	d, ok1 := digits(b[0:2])
	mo := month(b[3:6])
	y, ok2 := digits(b[7:11])
	h, ok3 := digits(b[12:14])
	mi, ok4 := digits(b[15:17])
	s, ok5 := digits(b[18:20])
	off, ok6 := zoneOffset(b[21:26])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo == 0 {
		return 0, false
	}
	return civil(y, mo, d, h, mi, s, off)
}

// parseISO parses 2026-11-25T17:50:56+00:00 (also with Z, a space instead of
// T, and a fractional second) into unix microseconds. sub reports whether the
// value had a fractional second.
func parseISO(b []byte) (us int64, sub bool, ok bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false, false
	}
	y, ok1 := digits(b[0:4])
	mo, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	h, ok4 := digits(b[11:13])
	mi, ok5 := digits(b[14:16])
	s, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false, false
	}
	rest := b[19:]
	var frac int64
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i := 1
		scale := int64(100000)
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			frac += int64(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 {
			return 0, false, false
		}
		rest = rest[i:]
		sub = true
	}
	off, ok7 := zoneOffset(rest)
	if !ok7 {
		return 0, false, false
	}
	t, ok := civil(y, mo, d, h, mi, s, off)
	return t + frac, sub, ok
}

// parseDecimal parses a non-negative decimal number such as 0.023, 12 or
// 1795629056.866 into an integer count of 10^-6 units (seconds to
// microseconds). Digits beyond the sixth decimal are truncated.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var whole, frac int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		whole = whole*10 + int64(b[i]-'0')
		i++
		if whole > 1e12 {
			return 0, false
		}
	}
	if i == 0 && (len(b) < 2 || b[0] != '.') {
		return 0, false
	}
	if i < len(b) {
		if b[i] != '.' {
			return 0, false
		}
		i++
		scale := int64(100000)
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			frac += int64(b[i]-'0') * scale
			scale /= 10
			i++
		}
		if i != len(b) || (i == start && start == 1) {
			return 0, false
		}
	}
	return whole*1e6 + frac, true
}
