package parse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// NginxConf is what skewer reads of an nginx configuration: its log formats
// and access_log directives.
type NginxConf struct {
	// Formats are the log_format directives by name, including the
	// predefined "combined".
	Formats map[string]NginxLogFormat
	// AccessLogs are every access_log directive, in the order nginx reads
	// them.
	AccessLogs []NginxAccessLog
	// Warnings are what was skipped, e.g.
	// "nginx.conf:14: include /etc/nginx/mime.types: no such file (skipped)".
	Warnings []string

	file string // the main configuration, as given
}

// NginxLogFormat is one log_format directive: its name, its format string
// (the quoted pieces concatenated), its escape= parameter (default, json or
// none) and where it is. File is empty for the predefined combined.
type NginxLogFormat struct {
	Name, Spec, Escape, File string
	Line                     int
}

// NginxAccessLog is one access_log directive: the path it writes and the
// name of its format ("combined" when none is given), or Off for
// "access_log off;" (then Path and Format are empty).
type NginxAccessLog struct {
	Path, Format, File string
	Line               int
	Off                bool
}

// ReadNginxConf reads the log_format and access_log directives of the nginx
// configuration at file and of the files it includes. Directives are read
// in every block except stream and mail, whose log formats are a namespace
// of their own and do not log HTTP requests.
//
// include patterns that are relative resolve against the folder of file.
// nginx resolves them against its configuration prefix, which is that
// folder unless nginx was started with -p or built with another one; the
// folder is all skewer knows. A missing included file (such as
// /etc/nginx/mime.types of another machine) is a warning; a syntax error,
// an include cycle or an unreadable file is an error "FILE:LINE: ...".
func ReadNginxConf(file string) (*NginxConf, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	c := newNginxConf(file)
	r := confReader{conf: c, dir: filepath.Dir(file), readFile: os.ReadFile, glob: filepath.Glob}
	if err := r.parse(file, data, false); err != nil {
		return nil, err
	}
	return c, nil
}

func newNginxConf(file string) *NginxConf {
	return &NginxConf{
		Formats: map[string]NginxLogFormat{
			"combined": {Name: "combined", Spec: NginxCombined, Escape: "default"},
		},
		file: file,
	}
}

// Format compiles the named format; an unknown name is an error listing the
// names that are defined.
//
// Values of an escape=json format are JSON-escaped (\" and \u0001 instead of
// \x22 and \x01); a text format is read alike whatever its escaping, because
// values are found by the literals around them. A format that is a JSON
// object literal is read by the JSON-lines reader, which recognises such
// logs by their content, so it is refused here rather than read as text.
func (c *NginxConf) Format(name string) (*Format, error) {
	lf, ok := c.Formats[name]
	if !ok {
		names := make([]string, 0, len(c.Formats))
		for n := range c.Formats {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("%s defines no log_format %q (defined: %s)", c.name(), name, strings.Join(names, ", "))
	}
	if strings.HasPrefix(strings.TrimLeft(lf.Spec, " \t\r\n"), "{") {
		return nil, fmt.Errorf("log_format %s (%s) writes JSON objects: read its log without --nginx-conf; JSON logs are recognised by their content", name, lf.where())
	}
	f, err := CompileNginx(lf.Spec)
	if err != nil {
		return nil, fmt.Errorf("log_format %s (%s): %w", name, lf.where(), err)
	}
	return f, nil
}

func (c *NginxConf) name() string {
	if c.file == "" {
		return "the nginx configuration"
	}
	return c.file
}

func (lf NginxLogFormat) where() string {
	if lf.File == "" {
		return "predefined by nginx"
	}
	return fmt.Sprintf("%s:%d", lf.File, lf.Line)
}

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

// FormatFor picks the format of the access_log that writes logPath: same
// path, else same base name (configs come from another machine), and says
// which directive matched; an error lists the access_log directives when
// none matches.
//
// When the paths differ, the directive whose path shares the most trailing
// elements with logPath wins (site1/access.log over site2/access.log); a
// tie between directives of different formats is an error. Variables in a
// path ($host.access.log) match any text within one element. A rotated file
// (access.log.1, access.log.2.gz, access.log-20261125) is matched by the
// name it had before rotation when its own name matches nothing.
func (c *NginxConf) FormatFor(logPath string) (f *Format, why string, err error) {
	al, how, err := c.accessLogFor(logPath)
	if err != nil {
		return nil, "", err
	}
	f, err = c.Format(al.Format)
	if err != nil {
		return nil, "", fmt.Errorf("%s:%d: access_log %s: %w", al.File, al.Line, al.Path, err)
	}
	why = fmt.Sprintf("log_format %s of access_log %s at %s:%d (%s)", al.Format, al.Path, al.File, al.Line, how)
	return f, why, nil
}

func (c *NginxConf) accessLogFor(logPath string) (NginxAccessLog, string, error) {
	var listed []string
	for _, al := range c.AccessLogs {
		if !al.Off {
			listed = append(listed, al.describe())
		}
	}
	if len(listed) == 0 {
		return NginxAccessLog{}, "", fmt.Errorf("%s has no access_log directive to match %s against: name the format with --log-format-name", c.name(), logPath)
	}
	for i, name := range liveNames(logPath) {
		best, score := c.bestAccessLogs(name)
		if len(best) == 0 {
			continue
		}
		for _, al := range best[1:] {
			if al.Format != best[0].Format {
				var amb []string
				for _, al := range best {
					amb = append(amb, al.describe())
				}
				return NginxAccessLog{}, "", fmt.Errorf("%s matches access_log directives of different formats: %s; name the format with --log-format-name", logPath, strings.Join(amb, ", "))
			}
		}
		how := "same path"
		switch {
		case score.exact:
		case score.n == 1:
			how = "same file name"
		default:
			how = fmt.Sprintf("same last %d path elements", score.n)
		}
		if i > 0 {
			how += fmt.Sprintf(" as %s, the name of this rotated log before rotation", filepath.Base(name))
		}
		return best[0], how, nil
	}
	return NginxAccessLog{}, "", fmt.Errorf("no access_log in %s writes %s (by path or file name); its access_log directives: %s; name the format with --log-format-name", c.name(), logPath, strings.Join(listed, ", "))
}

func (al NginxAccessLog) describe() string {
	return fmt.Sprintf("%s:%d access_log %s %s", al.File, al.Line, al.Path, al.Format)
}

// bestAccessLogs returns the access_log directives that match name best:
// by the same path, else by the most trailing path elements in common, and
// among those by literal elements over elements with variables.
func (c *NginxConf) bestAccessLogs(name string) (best []NginxAccessLog, top pathScore) {
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = filepath.Clean(name)
	}
	have := pathElems(abs)
	for _, al := range c.AccessLogs {
		if al.Off {
			continue
		}
		want := pathElems(al.Path)
		s := pathScore{literal: true}
		for s.n < len(want) && s.n < len(have) {
			lit, ok := elemMatch(want[len(want)-1-s.n], have[len(have)-1-s.n])
			if !ok {
				break
			}
			s.n++
			s.literal = s.literal && lit
		}
		s.exact = s.n == len(want) && s.n == len(have) && filepath.IsAbs(al.Path)
		switch {
		case s.n == 0 || len(best) > 0 && top.better(s):
			continue
		case len(best) > 0 && s == top:
			best = append(best, al)
			continue
		}
		best, top = []NginxAccessLog{al}, s
	}
	return best, top
}

// pathScore is how well an access_log path matches a file: the same path,
// or n trailing elements in common, all literal or some through variables.
type pathScore struct {
	exact, literal bool
	n              int
}

func (s pathScore) better(o pathScore) bool {
	switch {
	case s.exact != o.exact:
		return s.exact
	case s.n != o.n:
		return s.n > o.n
	}
	return s.literal && !o.literal
}

func pathElems(p string) []string {
	return strings.FieldsFunc(filepath.ToSlash(filepath.Clean(p)), func(r rune) bool { return r == '/' })
}

// elemMatch reports whether a path element of an access_log, which may hold
// variables, names the element of a file, and whether it is literal.
func elemMatch(want, have string) (literal, ok bool) {
	if !strings.Contains(want, "$") {
		return true, want == have
	}
	var glob strings.Builder
	for i := 0; i < len(want); i++ {
		switch c := want[i]; {
		case c == '$':
			j := i + 1
			if j < len(want) && want[j] == '{' {
				if e := strings.IndexByte(want[j:], '}'); e >= 0 {
					j += e + 1
				}
			} else {
				for j < len(want) && isVarByte(want[j]) {
					j++
				}
			}
			glob.WriteByte('*')
			i = j - 1
		case c == '*' || c == '?' || c == '[' || c == '\\':
			glob.WriteByte('\\')
			glob.WriteByte(c)
		default:
			glob.WriteByte(c)
		}
	}
	ok, _ = path.Match(glob.String(), have)
	return false, ok
}

// liveNames returns logPath and, for a rotated log, the name it had before
// rotation: access.log for access.log.1, access.log.2.gz and
// access.log-20261125.gz.
func liveNames(logPath string) []string {
	dir, base := filepath.Split(logPath)
	live := base
	for _, ext := range []string{".gz", ".zst"} {
		if s, ok := strings.CutSuffix(live, ext); ok {
			live = s
			break
		}
	}
	if i := strings.LastIndexByte(live, '.'); i > 0 && allDigits(live[i+1:]) {
		live = live[:i]
	} else if i := strings.LastIndexByte(live, '-'); i > 0 && len(live)-i-1 >= 8 && allDigits(live[i+1:]) {
		live = live[:i]
	}
	if live == base || live == "" {
		return []string{logPath}
	}
	return []string{logPath, dir + live}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
