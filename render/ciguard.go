package render

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
)

// Runners of CI jobs read workflow commands from a job's output: GitHub
// Actions obeys a line that starts with "::" once leading whitespace is
// trimmed, and the legacy "##[command]" form anywhere in a line. Log
// content (user agents, paths, file names) must never become one.

// NeutraliseLine returns line (without its newline) so that a runner reads
// no command in it: a leading "::" becomes "\::" and every "##[" becomes
// "#\#[" (markdown renders both as they were).
func NeutraliseLine(line []byte) []byte {
	rest := bytes.TrimLeft(line, " \t")
	lead := bytes.HasPrefix(rest, []byte("::"))
	legacy := bytes.Contains(line, []byte("##["))
	if !lead && !legacy {
		return line
	}
	out := make([]byte, 0, len(line)+8)
	if lead {
		ws := len(line) - len(rest)
		out = append(append(out, line[:ws]...), '\\')
		line = line[ws:]
	}
	return append(out, neutraliseLegacy(line)...)
}

func neutraliseLegacy(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("##["), []byte(`#\#[`))
}

// Guard is a writer for output that carries log content. Every line written
// through it is neutralised (NeutraliseLine); with a token (a GitHub Actions
// job) the content is also fenced by "::stop-commands::TOKEN" and
// "::TOKEN::", so that the runner obeys no command in it whatever it holds.
// skewer's own workflow commands go through Commands, outside the fence.
// A line is written once it is complete; Close writes the rest and ends the
// fence.
type Guard struct {
	w       io.Writer
	token   string
	fenced  bool
	partial []byte
}

// NewGuard returns a Guard writing to w; token is "" outside GitHub Actions.
func NewGuard(w io.Writer, token string) *Guard { return &Guard{w: w, token: token} }

// NewStopToken returns a random token for "::stop-commands::", 32
// characters, that no log line can guess.
func NewStopToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// Write writes the complete lines of p, neutralised; the last incomplete
// line waits for the next Write or Close.
func (g *Guard) Write(p []byte) (int, error) {
	data := p
	if len(g.partial) > 0 {
		data = append(g.partial, p...)
		g.partial = nil
	}
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		g.partial = append([]byte(nil), data...)
		return len(p), nil
	}
	if tail := data[end+1:]; len(tail) > 0 {
		g.partial = append([]byte(nil), tail...)
	}
	if err := g.writeLines(data[:end+1]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeLines writes whole lines, each ended by '\n'.
func (g *Guard) writeLines(b []byte) error {
	var out []byte
	if g.token != "" && !g.fenced {
		out = append(out, "::stop-commands::"+g.token+"\n"...)
		g.fenced = true
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		out = append(append(out, NeutraliseLine(line)...), '\n')
	}
	_, err := g.w.Write(out)
	return err
}

// Commands writes skewer's own workflow commands (annotations): the
// content before them is flushed and its fence ended, so that the runner
// obeys them. A "##[" inside them is still neutralised.
func (g *Guard) Commands(p []byte) error {
	if err := g.flush(); err != nil {
		return err
	}
	_, err := g.w.Write(neutraliseLegacy(p))
	return err
}

// Close writes the last incomplete line and ends the fence.
func (g *Guard) Close() error { return g.flush() }

func (g *Guard) flush() error {
	if len(g.partial) > 0 {
		p := g.partial
		g.partial = nil
		if g.token != "" {
			// The end of the fence needs a line of its own.
			if err := g.writeLines(p); err != nil {
				return err
			}
		} else if _, err := g.w.Write(NeutraliseLine(p)); err != nil {
			return err
		}
	}
	if g.fenced {
		g.fenced = false
		_, err := io.WriteString(g.w, "::"+g.token+"::\n")
		return err
	}
	return nil
}
