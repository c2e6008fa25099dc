package parse

import (
	"fmt"
	"slices"
	"strings"
)

// confWord is a token of an nginx configuration: a word (quotes removed,
// escapes applied) or one of ; { }, and the line it starts on.
type confWord struct {
	kind byte // tokWord, ';', '{', '}' or tokEOF
	text string
	line int
}

const (
	tokEOF  = 0
	tokWord = 'w'
)

// confLexer splits a configuration into words the way nginx does
// (ngx_conf_read_token): a word ends at a space, ";" or "{" ("}" ends
// nothing inside a word, "{" after "$" is part of a ${var}); a quoted word
// must be followed by a space, ";", "{" or ")"; "#" at the start of a word
// comments out the rest of the line; a backslash makes the next byte part of
// the word, and \" \' \\ \t \r \n are unescaped.
type confLexer struct {
	file       string
	src        []byte
	pos, line  int
	afterQuote bool
}

func isConfSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (lx *confLexer) next() (confWord, error) {
	if lx.afterQuote {
		lx.afterQuote = false
		if lx.pos < len(lx.src) {
			if c := lx.src[lx.pos]; !isConfSpace(c) && c != ';' && c != '{' && c != ')' {
				return confWord{}, fmt.Errorf("%s:%d: unexpected %q after a quoted string", lx.file, lx.line, string(c))
			}
		}
	}
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\n':
			lx.line++
		case isConfSpace(c):
		case c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
			continue
		case c == ';' || c == '{' || c == '}':
			lx.pos++
			return confWord{kind: c, line: lx.line}, nil
		case c == '"' || c == '\'':
			return lx.quoted(c)
		default:
			return lx.word(), nil
		}
		lx.pos++
	}
	return confWord{kind: tokEOF, line: lx.line}, nil
}

// skipEscaped steps over a backslash and the byte it escapes.
func (lx *confLexer) skipEscaped() {
	lx.pos++
	if lx.pos < len(lx.src) {
		if lx.src[lx.pos] == '\n' {
			lx.line++
		}
		lx.pos++
	}
}

func (lx *confLexer) quoted(q byte) (confWord, error) {
	line := lx.line
	lx.pos++
	start := lx.pos
	for lx.pos < len(lx.src) {
		switch c := lx.src[lx.pos]; c {
		case '\\':
			lx.skipEscaped()
			continue
		case q:
			text := unescapeConf(lx.src[start:lx.pos])
			lx.pos++
			lx.afterQuote = true
			return confWord{kind: tokWord, text: text, line: line}, nil
		case '\n':
			lx.line++
		}
		lx.pos++
	}
	return confWord{}, fmt.Errorf("%s:%d: unterminated string: no closing %s before the end of the file", lx.file, line, string(q))
}

func (lx *confLexer) word() confWord {
	line, start := lx.line, lx.pos
	dollar := false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if c == '\\' {
			lx.skipEscaped()
			dollar = false
			continue
		}
		if isConfSpace(c) || c == ';' || c == '{' && !dollar {
			break
		}
		dollar = c == '$'
		lx.pos++
	}
	return confWord{kind: tokWord, text: unescapeConf(lx.src[start:lx.pos]), line: line}
}

// unescapeConf applies nginx's escapes; other backslashes stay as they are.
func unescapeConf(b []byte) string {
	if !slices.Contains(b, '\\') {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '"', '\'', '\\':
				i++
			case 't':
				sb.WriteByte('\t')
				i++
				continue
			case 'r':
				sb.WriteByte('\r')
				i++
				continue
			case 'n':
				sb.WriteByte('\n')
				i++
				continue
			}
		}
		sb.WriteByte(b[i])
	}
	return sb.String()
}
