package parse

import "encoding/binary"

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
