package parse

import (
	"fmt"
	"strings"
)

// An escape=json log_format that writes a JSON object, such as
//
//	'{"t":$msec,"w":"$pid","rt":$request_time,"req":"$request"}'
//
// says which key holds which variable: its log is read as JSON lines from
// those keys, whatever their names, and a role whose variable the format
// does not write is not read.

// jsonVarRoles are the nginx variables a JSON key is read for, by role,
// best first: a format that writes both $pid and $upstream_http_x_worker_pid
// is keyed by $pid, as a text format is.
var jsonVarRoles = [jsonRoles][]string{
	jsonWorker:   {"pid", "upstream_http_x_worker_pid"},
	jsonTime:     {"msec", "time_iso8601", "time_local"},
	jsonDuration: {"request_time"},
	jsonStatus:   {"status"},
	jsonRequest:  {"request"},
	jsonPath:     {"request_uri", "uri", "document_uri"},
	jsonConn:     {"connection"},
	jsonConnReqs: {"connection_requests"},
	jsonClient:   {"remote_addr"},
	jsonPort:     {"remote_port"},
}

// jsonPair is a key of a JSON log_format and the one variable that writes
// its whole value ("" when the value is anything else).
type jsonPair struct{ key, variable string }

// jsonLogFormat compiles the JSON object log_format lf.
func jsonLogFormat(lf NginxLogFormat) (*Format, error) {
	pairs, err := jsonTemplate(lf.Spec)
	if err != nil {
		return nil, fmt.Errorf("log_format %s (%s) writes JSON objects, but %w", lf.Name, lf.where(), err)
	}
	s := jsonSpec{family: FamilyNginx}
	var rank [jsonRoles]int
	for _, p := range pairs {
		for r, vars := range jsonVarRoles {
			for i, v := range vars {
				if p.variable != v || s.mode[r] == jsonNamed && rank[r] <= i {
					continue
				}
				s.mode[r], s.names[r], rank[r] = jsonNamed, p.key, i
				switch jsonRole(r) {
				case jsonTime:
					s.sub = v == "msec"
				case jsonDuration:
					s.seconds = true
				}
			}
		}
	}
	f, err := s.format()
	if err != nil {
		return nil, &ConfError{Msg: fmt.Sprintf("log_format %s (%s) writes JSON objects without $pid, $msec, $request_time, $status or $request", lf.Name, lf.where()), Sep: ": ", Fix: FixNoConf}
	}
	return f, nil
}

// jsonTemplate reads the keys of a log_format that writes a flat JSON
// object, and the variable of each value written by one variable alone
// ("$pid", "${pid}", quoted or not).
func jsonTemplate(spec string) ([]jsonPair, error) {
	t := strings.TrimSpace(spec)
	if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") {
		return nil, fmt.Errorf("not one object")
	}
	t = strings.TrimSpace(t[1 : len(t)-1])
	var pairs []jsonPair
	for t != "" {
		if t[0] != '"' {
			return nil, fmt.Errorf("a key does not start with a quote at %q", cut(t))
		}
		end := strings.IndexByte(t[1:], '"')
		if end < 0 {
			return nil, fmt.Errorf("a key is not closed at %q", cut(t))
		}
		key := t[1 : 1+end]
		t = strings.TrimSpace(t[end+2:])
		if !strings.HasPrefix(t, ":") {
			return nil, fmt.Errorf("no colon after key %q", key)
		}
		t = strings.TrimSpace(t[1:])
		var value string
		if strings.HasPrefix(t, `"`) {
			end := strings.IndexByte(t[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("the value of key %q is not closed", key)
			}
			value, t = t[1:1+end], t[end+2:]
		} else {
			end := strings.IndexAny(t, ",")
			if end < 0 {
				end = len(t)
			}
			value, t = strings.TrimSpace(t[:end]), t[end:]
			if strings.ContainsAny(value, `{}[]"`) {
				return nil, fmt.Errorf("the value of key %q is not flat", key)
			}
		}
		t = strings.TrimSpace(t)
		if t != "" {
			if t[0] != ',' {
				return nil, fmt.Errorf("no comma after the value of key %q", key)
			}
			t = strings.TrimSpace(t[1:])
		}
		if strings.ContainsAny(key, `\$`) {
			continue
		}
		pairs = append(pairs, jsonPair{key: key, variable: wholeVariable(value)})
	}
	return pairs, nil
}

// wholeVariable is the name of the variable v consists of, else "".
func wholeVariable(v string) string {
	if n, ok := strings.CutPrefix(v, "${"); ok && strings.HasSuffix(n, "}") {
		v = "$" + n[:len(n)-1]
	}
	n, ok := strings.CutPrefix(v, "$")
	if !ok || n == "" {
		return ""
	}
	for i := 0; i < len(n); i++ {
		if !isVarByte(n[i]) {
			return ""
		}
	}
	return n
}

// cut shortens a rest of a format for a message.
func cut(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
