package ingest

import (
	"errors"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/parse"
)

// FormatNames are the names a run's access-log format may be given by:
// auto (detected per file) and the named formats.
var FormatNames = []string{"auto", "gunicorn", "nginx", "combined", "common", "json", "uwsgi", "apache", "phpfpm"}

// JSONRoles are the roles a JSON log's fields can be mapped to.
var JSONRoles = []string{"worker", "time", "duration", "status", "path", "host"}

// FormatSpec is how the access logs of a run are to be read, as a user
// says it; ChooseFormat works out the formats.
type FormatSpec struct {
	// Name is one of FormatNames; with LogFormat, the string's syntax when
	// it is ambiguous.
	Name string
	// LogFormat is the server's own format string.
	LogFormat string
	// NginxConf is an nginx configuration whose access_log directives name
	// each log's format; LogFormatName names one format for every log.
	NginxConf, LogFormatName string
	// Fields map JSON roles to field names, as ROLE=NAME.
	Fields []string
	// By is the field workers are keyed by instead of the PID.
	By string
}

// FormatOption is the part of a FormatSpec an error is about.
type FormatOption uint8

// The parts of a FormatSpec.
const (
	OptLogFormat FormatOption = iota
	OptNginxConf
	OptLogFormatName
	OptFields
)

// FormatError is a part of a FormatSpec that cannot be used: Value is the
// ROLE=NAME of a field that is not one, else "".
type FormatError struct {
	Option FormatOption
	Value  string
	Err    error
}

func (e *FormatError) Error() string { return e.Err.Error() }
func (e *FormatError) Unwrap() error { return e.Err }

// ErrFieldSyntax is a field mapping that is not ROLE=NAME with a role of
// JSONRoles.
var ErrFieldSyntax = errors.New("want ROLE=NAME with ROLE one of " + strings.Join(JSONRoles, ", "))

// NoWorkerFieldError is a format chosen for every log that has no worker
// field, while no other field keys the workers.
type NoWorkerFieldError struct {
	Name      string // FormatSpec.Name
	LogFormat string // FormatSpec.LogFormat, "" when not given
}

func (e *NoWorkerFieldError) Error() string {
	if e.LogFormat != "" {
		return "the format string has no worker PID field"
	}
	return "format " + e.Name + " has no worker PID field"
}

// ChooseFormat works out the format of every access log (fixed), or the
// nginx configuration that names each log's format (conf); both are nil
// when formats are detected per file.
func ChooseFormat(s FormatSpec) (fixed *parse.Format, conf *parse.NginxConf, err error) {
	switch {
	case s.LogFormat != "":
		if fixed, err = parse.CompileLogFormatAs(s.LogFormat, s.Name); err != nil {
			return nil, nil, &FormatError{Option: OptLogFormat, Err: err}
		}
	case s.NginxConf != "":
		if conf, err = parse.ReadNginxConf(s.NginxConf); err != nil {
			return nil, nil, &FormatError{Option: OptNginxConf, Err: err}
		}
		if s.LogFormatName != "" {
			if fixed, err = conf.Format(s.LogFormatName); err != nil {
				return nil, nil, &FormatError{Option: OptLogFormatName, Err: err}
			}
		}
	case len(s.Fields) > 0 || s.Name == "json":
		roles := map[string]string{}
		for _, f := range s.Fields {
			role, name, ok := strings.Cut(f, "=")
			if !ok || name == "" || !slices.Contains(JSONRoles, role) {
				return nil, nil, &FormatError{Option: OptFields, Value: f, Err: ErrFieldSyntax}
			}
			roles[role] = name
		}
		if fixed, err = parse.CompileJSON(roles); err != nil {
			return nil, nil, &FormatError{Option: OptFields, Err: err}
		}
	case s.Name == "combined":
		fixed, err = parse.CompileNginx(parse.NginxCombined)
	case s.Name == "common":
		fixed, err = parse.CompileNginx(`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`)
	}
	if err != nil {
		return nil, nil, err
	}
	if fixed != nil && s.By == "" && !fixed.HasWorker() {
		return nil, nil, &NoWorkerFieldError{Name: s.Name, LogFormat: s.LogFormat}
	}
	return fixed, conf, nil
}
