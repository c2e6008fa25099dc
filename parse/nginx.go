package parse

import (
	"fmt"
	"strings"
)

// NginxCombined is nginx's predefined combined log_format. It logs no worker
// PID; $pid adds one.
const NginxCombined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

// nginxVar maps an nginx variable to its meaning.
func nginxVar(name string) fieldKind {
	switch name {
	case "pid":
		return fPID
	case "time_local":
		return fTimeCLF
	case "time_iso8601":
		return fTimeISO
	case "msec":
		return fMsec
	case "status":
		return fStatus
	case "request_time":
		return fDurSeconds
	case "request":
		return fRequest
	case "uri", "request_uri", "document_uri":
		return fPath
	case "connection":
		return fConn
	case "connection_requests":
		return fConnReqs
	case "remote_addr":
		return fClient
	case "remote_port":
		return fPort
	}
	if strings.HasPrefix(name, "http_") || strings.HasPrefix(name, "sent_http_") || strings.HasPrefix(name, "upstream_http_") {
		return fQuoted
	}
	return fSkip
}

func isVarByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// CompileNginx compiles an nginx log_format string such as
// `$remote_addr [$time_local] "$request" $status $pid $request_time`.
// Variables may be written $name or ${name}.
func CompileNginx(spec string) (*Format, error) {
	b := builder{spec: spec}
	for i := 0; i < len(spec); {
		c := spec[i]
		if c != '$' {
			b.lit(c)
			i++
			continue
		}
		var name string
		if i+1 < len(spec) && spec[i+1] == '{' {
			end := strings.IndexByte(spec[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("nginx format %q: unclosed ${ at offset %d", spec, i)
			}
			name = spec[i+2 : i+end]
			i += end + 1
		} else {
			j := i + 1
			for j < len(spec) && isVarByte(spec[j]) {
				j++
			}
			name = spec[i+1 : j]
			i = j
		}
		if name == "" {
			return nil, fmt.Errorf("nginx format %q: $ without a variable name", spec)
		}
		if err := b.field(nginxVar(name), name); err != nil {
			return nil, err
		}
	}
	// Without $pid, the worker behind nginx that the app names in an
	// X-Worker-PID response header is the worker key.
	hasPID := false
	for _, fl := range b.fields {
		hasPID = hasPID || fl.kind == fPID
	}
	for i := range b.fields {
		if !hasPID && b.fields[i].name == "upstream_http_x_worker_pid" {
			b.fields[i].kind = fPID
		}
	}
	return b.finish("nginx", "nginx")
}

// CompileLogFormat compiles a --log-format string, recognising its syntax:
// gunicorn's %(name)s atoms, nginx's $variables, or Apache/php-fpm %X
// letters.
func CompileLogFormat(spec string) (*Format, error) {
	return CompileLogFormatAs(spec, "")
}

// CompileLogFormatAs compiles a --log-format string in the named syntax
// (gunicorn, nginx, apache, phpfpm), or recognises it when syntax is ""
// or "auto".
func CompileLogFormatAs(spec, syntax string) (*Format, error) {
	switch {
	case syntax == "gunicorn" || (syntax == "" || syntax == "auto") && strings.Contains(spec, "%("):
		return CompileGunicorn(spec)
	case syntax == "nginx" || (syntax == "" || syntax == "auto") && strings.Contains(spec, "$"):
		return CompileNginx(spec)
	case syntax == "apache" || syntax == "phpfpm":
		return compilePercent(spec, syntax)
	}
	return compilePercent(spec, "")
}
