package parse

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// confReader reads a configuration and the files it includes into conf.
type confReader struct {
	conf     *NginxConf
	dir      string   // the main configuration's folder
	open     []string // the files being read, outermost first, as fileIDs
	names    []string // the same files as shown in messages
	readFile func(string) ([]byte, error)
	glob     func(string) ([]string, error)
}

// confBlock is an open block: its directive's name and line, and whether it
// is a stream or mail block (or inside one).
type confBlock struct {
	name  string
	line  int
	other bool
}

// parse reads the directives of one file. Blocks must close in the file
// that opens them, as in nginx; other is set inside stream and mail blocks.
func (r *confReader) parse(file string, data []byte, other bool) error {
	r.open = append(r.open, fileID(file))
	r.names = append(r.names, file)
	defer func() {
		r.open = r.open[:len(r.open)-1]
		r.names = r.names[:len(r.names)-1]
	}()
	lx := confLexer{file: file, src: data, line: 1}
	var words []confWord
	var blocks []confBlock
	for {
		w, err := lx.next()
		if err != nil {
			return err
		}
		inOther := other || len(blocks) > 0 && blocks[len(blocks)-1].other
		switch w.kind {
		case tokWord:
			words = append(words, w)
			continue
		case tokEOF:
			if len(words) > 0 {
				return notTerminated(file, words[0])
			}
			if n := len(blocks); n > 0 {
				return fmt.Errorf("%s:%d: %q block is not closed: no \"}\" before the end of the file", file, blocks[n-1].line, blocks[n-1].name)
			}
			return nil
		case ';':
			if len(words) == 0 {
				return fmt.Errorf("%s:%d: unexpected \";\"", file, w.line)
			}
			if err := r.directive(file, words, inOther); err != nil {
				return err
			}
		case '{':
			if len(words) == 0 {
				return fmt.Errorf("%s:%d: unexpected \"{\"", file, w.line)
			}
			name := words[0].text
			if name == "include" || name == "log_format" || name == "access_log" {
				return notTerminated(file, words[0])
			}
			blocks = append(blocks, confBlock{name, words[0].line, inOther || name == "stream" || name == "mail"})
		case '}':
			if len(words) > 0 {
				return notTerminated(file, words[0])
			}
			if len(blocks) == 0 {
				return fmt.Errorf("%s:%d: unexpected \"}\": no block is open", file, w.line)
			}
			blocks = blocks[:len(blocks)-1]
		}
		words = words[:0]
	}
}

func notTerminated(file string, w confWord) error {
	return fmt.Errorf("%s:%d: directive %q is not terminated by \";\"", file, w.line, w.text)
}

func (r *confReader) directive(file string, words []confWord, other bool) error {
	name, args, line := words[0].text, words[1:], words[0].line
	switch {
	case name == "include":
		if len(args) != 1 {
			return badArgs(file, line, name)
		}
		return r.include(file, line, args[0].text, other)
	case other:
		return nil
	case name == "log_format":
		return r.logFormat(file, line, args)
	case name == "access_log":
		if len(args) == 0 || args[0].text == "off" && len(args) > 1 {
			return badArgs(file, line, name)
		}
		al := NginxAccessLog{Path: args[0].text, Format: "combined", File: file, Line: line}
		if al.Path == "off" {
			al = NginxAccessLog{File: file, Line: line, Off: true}
		} else if len(args) > 1 {
			// nginx takes the second argument as the format name even when
			// it looks like a parameter (buffer=32k).
			al.Format = args[1].text
		}
		r.conf.AccessLogs = append(r.conf.AccessLogs, al)
	}
	return nil
}

func badArgs(file string, line int, name string) error {
	return fmt.Errorf("%s:%d: invalid number of arguments in %q directive", file, line, name)
}

// logFormat reads "log_format NAME [escape=default|json|none] STRING...":
// nginx concatenates the strings as they are, without separators.
func (r *confReader) logFormat(file string, line int, args []confWord) error {
	if len(args) < 2 {
		return badArgs(file, line, "log_format")
	}
	lf := NginxLogFormat{Name: args[0].text, Escape: "default", File: file, Line: line}
	pieces := args[1:]
	if e, ok := strings.CutPrefix(pieces[0].text, "escape="); ok {
		if e != "default" && e != "json" && e != "none" {
			return fmt.Errorf("%s:%d: unknown log_format escaping %q (want default, json or none)", file, line, e)
		}
		lf.Escape, pieces = e, pieces[1:]
		if len(pieces) == 0 {
			return badArgs(file, line, "log_format")
		}
	}
	if prev, ok := r.conf.Formats[lf.Name]; ok {
		return fmt.Errorf("%s:%d: duplicate log_format name %q (%s)", file, line, lf.Name, prev.where())
	}
	var sb strings.Builder
	for _, p := range pieces {
		sb.WriteString(p.text)
	}
	lf.Spec = sb.String()
	r.conf.Formats[lf.Name] = lf
	return nil
}

// include reads the files of an include directive, in the sorted order of a
// glob as nginx does.
func (r *confReader) include(file string, line int, pattern string, other bool) error {
	full := pattern
	if !filepath.IsAbs(full) {
		full = filepath.Join(r.dir, pattern)
	}
	shown := pattern
	if full != pattern {
		shown += " (as " + full + ")"
	}
	files := []string{full}
	isGlob := strings.ContainsAny(pattern, "*?[")
	if isGlob {
		m, err := r.glob(full)
		if err != nil {
			return fmt.Errorf("%s:%d: include %s: %w", file, line, shown, err)
		}
		if len(m) == 0 {
			r.warnf("%s:%d: include %s: no files match (skipped)", file, line, shown)
			return nil
		}
		files = m
	}
	for _, f := range files {
		if i := slices.Index(r.open, fileID(f)); i >= 0 {
			cycle := append(slices.Clone(r.names[i:]), f)
			return fmt.Errorf("%s:%d: include %s: include cycle: %s", file, line, shown, strings.Join(cycle, " -> "))
		}
		data, err := r.readFile(f)
		if !isGlob && errors.Is(err, fs.ErrNotExist) {
			r.warnf("%s:%d: include %s: no such file (skipped)", file, line, shown)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s:%d: include %s: %w", file, line, pattern, err)
		}
		if err := r.parse(f, data, other); err != nil {
			return err
		}
	}
	return nil
}

func (r *confReader) warnf(format string, args ...any) {
	r.conf.Warnings = append(r.conf.Warnings, fmt.Sprintf(format, args...))
}

// fileID names a file for cycle detection: two paths to one file (relative
// and absolute, or through a symbolic link) have the same ID.
func fileID(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	return p
}
