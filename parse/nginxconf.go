package parse

import (
	"errors"
	"fmt"
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
// folder is all skewer knows. Each file is a regular file of at most
// MaxConfSize bytes (else a *NotRegularError or a *TooLargeError). A
// missing included file (such as
// /etc/nginx/mime.types of another machine) is a warning; a syntax error,
// an include cycle or an unreadable file is an error "FILE:LINE: ...".
func ReadNginxConf(file string) (*NginxConf, error) {
	readConf := func(f string) ([]byte, error) { return ReadRegular(f, MaxConfSize) }
	data, err := readConf(file)
	if err != nil {
		return nil, err
	}
	c := newNginxConf(file)
	r := confReader{conf: c, dir: filepath.Dir(file), readFile: readConf, glob: filepath.Glob}
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
// object literal is read by the JSON-lines reader from the keys it gives
// the variables skewer reads (nginxconf_json.go).
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
		return jsonLogFormat(lf)
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
	var ce *ConfError
	if errors.As(err, &ce) {
		where := fmt.Sprintf("%s:%d: access_log %s: ", al.File, al.Line, al.Path)
		return nil, "", &ConfError{Msg: where + ce.Msg, Sep: ce.Sep, Fix: ce.Fix}
	}
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
		return NginxAccessLog{}, "", &ConfError{Msg: fmt.Sprintf("%s has no access_log directive to match %s against", c.name(), logPath), Sep: ": "}
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
				return NginxAccessLog{}, "", &ConfError{Msg: fmt.Sprintf("%s matches access_log directives of different formats: %s", logPath, strings.Join(amb, ", ")), Sep: "; "}
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
	return NginxAccessLog{}, "", &ConfError{Msg: fmt.Sprintf("no access_log in %s writes %s (by path or file name); its access_log directives: %s", c.name(), logPath, strings.Join(listed, ", ")), Sep: "; "}
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
