package parse

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
