package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/parse"
)

// formatChoice is how access logs are read when detection is overridden:
// one format for every file (--log-format, --nginx-conf with
// --log-format-name, --field), or an nginx configuration that names the
// format of each file by its access_log directive.
type formatChoice struct {
	fixed *parse.Format
	conf  *parse.NginxConf
}

// formatNames are the values of --format.
var formatNames = []string{"auto", "gunicorn", "nginx", "combined", "common", "json", "uwsgi", "apache", "phpfpm"}

// jsonRoles are the roles --field maps.
var jsonRoles = []string{"worker", "time", "duration", "status", "path", "host"}

// formats works out the format choice from the flags.
func (fl *inputFlags) formats() (*formatChoice, error) {
	fc := &formatChoice{}
	var err error
	switch {
	case fl.LogFormat != "":
		fc.fixed, err = parse.CompileLogFormatAs(fl.LogFormat, fl.Format)
		if err != nil {
			return nil, fmt.Errorf("--log-format: %w", wordParse(err))
		}
	case fl.NginxConf != "":
		if fc.conf, err = parse.ReadNginxConf(fl.NginxConf); err != nil {
			return nil, fmt.Errorf("--nginx-conf: %w", wordParse(err))
		}
		if fl.LogFormatName != "" {
			if fc.fixed, err = fc.conf.Format(fl.LogFormatName); err != nil {
				return nil, fmt.Errorf("--log-format-name: %w", wordParse(err))
			}
		}
	case len(fl.Fields) > 0 || fl.Format == "json":
		roles := map[string]string{}
		for _, f := range fl.Fields {
			role, name, ok := strings.Cut(f, "=")
			if !ok || name == "" || !slices.Contains(jsonRoles, role) {
				return nil, fmt.Errorf("--field %q: want ROLE=NAME with ROLE one of %s", f, strings.Join(jsonRoles, ", "))
			}
			roles[role] = name
		}
		if fc.fixed, err = parse.CompileJSON(roles); err != nil {
			return nil, fmt.Errorf("--field: %w", err)
		}
	case fl.Format == "combined":
		fc.fixed, err = parse.CompileNginx(parse.NginxCombined)
	case fl.Format == "common":
		fc.fixed, err = parse.CompileNginx(`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent`)
	}
	if err != nil {
		return nil, err
	}
	if fc.fixed != nil && fl.By != "" {
		return fc, nil // --by names the worker field
	}
	if fc.fixed != nil && !fc.fixed.HasWorker() {
		what := "--format " + fl.Format
		if fl.LogFormat != "" {
			what = fmt.Sprintf("--log-format %q", fl.LogFormat)
		}
		return nil, fmt.Errorf("%s has no worker PID field: %s (or pass --by FIELD)", what, noWorkerHelp)
	}
	return fc, nil
}
