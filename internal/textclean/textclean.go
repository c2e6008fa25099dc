// Package textclean keeps what a terminal or a bidi renderer would act on
// out of text that came from an input: log content, file names, command
// lines.
package textclean

import (
	"strings"
	"unicode/utf8"
)

// String replaces with '?' the C0 and C1 controls, the bytes that are not
// UTF-8 (a raw 0x9B is a CSI to some terminals) and the bidirectional
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) of s.
func String(s string) string {
	i := firstUnclean(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if Unsafe(r, n) {
			b.WriteByte('?')
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnclean is the offset of the first rune String replaces, or -1.
func firstUnclean(s string) int {
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if Unsafe(r, n) {
			return i
		}
		i += n
	}
	return -1
}

// Unsafe reports whether a decoded rune of n bytes is one String replaces.
func Unsafe(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
