package parse

import (
	"fmt"
	"strings"
)

// ApacheCombined is Debian's apache2 combined LogFormat. It logs no worker
// PID; %P adds one and %D the request time in microseconds.
const ApacheCombined = `%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`

// apacheDirective reads the directive at spec[at] (a %) the way
// mod_log_config does: status conditions (400,501 or !200), < or >, and a
// {argument} in any order, then a letter (or ^ti/^to). It returns the
// directive, the offset after it, or what is wrong.
func apacheDirective(spec string, at int) (*directive, int, string) {
	arg := ""
	for j := at + 1; j < len(spec); {
		c := spec[j]
		switch {
		case c == '!' || c == '<' || c == '>' || c == ',' || c >= '0' && c <= '9':
			j++
		case c == '{':
			e := strings.IndexByte(spec[j+1:], '}')
			if e < 0 {
				return nil, 0, fmt.Sprintf("unclosed %%{ at offset %d", at)
			}
			arg = spec[j+1 : j+1+e]
			j += e + 2
		default:
			letter := spec[j : j+1]
			if c == '^' && j+3 <= len(spec) {
				letter = spec[j : j+3]
			}
			next := j + len(letter)
			d := &directive{name: spec[at+1 : next], at: at}
			if msg := apacheMeaning(d, letter, arg); msg != "" {
				return nil, 0, msg
			}
			return d, next, ""
		}
	}
	return nil, 0, fmt.Sprintf("%% at offset %d is not followed by a directive letter", at)
}

// apacheMeaning sets what an Apache directive means.
func apacheMeaning(d *directive, letter, arg string) string {
	d.kind = fSkip
	switch letter {
	case "h", "a":
		d.what = "client address"
		if arg == "" || letter == "a" && arg == "c" {
			d.kind = fClient
		}
	case "A":
		d.what = "local address"
	case "l":
		d.what = "remote logname"
	case "u":
		d.what = "remote user"
	case "v", "V":
		d.what = "server name"
	case "p":
		d.what = "server port"
		switch strings.ToLower(arg) {
		case "remote":
			d.kind, d.what = fPort, "client port"
		case "", "canonical", "local":
		default:
			return fmt.Sprintf("%%%s: the format of %%p is canonical, local or remote", d.name)
		}
	case "H":
		d.what = "protocol"
	case "m":
		d.what = "method"
	case "k":
		d.kind, d.what = fKeepalives, "keepalive requests"
	case "X":
		d.what = "connection status"
	case "L":
		d.what = "log ID"
	case "R":
		d.what = "handler"
	case "b", "B", "O", "I", "S":
		d.what = "bytes"
	case "c", "x":
		d.what = "SSL variable"
	case "f":
		d.kind, d.what = fQuoted, "file name"
	case "i", "^ti":
		d.kind, d.what = fQuoted, "request header"
	case "o", "^to":
		d.kind, d.what = fQuoted, "response header"
	case "e":
		d.kind, d.what = fQuoted, "environment variable"
	case "n":
		d.kind, d.what = fQuoted, "note"
	case "C":
		d.kind, d.what = fQuoted, "cookie"
	case "r":
		d.kind, d.what = fRequest, "request line"
	case "U":
		d.kind, d.what = fPath, "URL path"
	case "q":
		d.query, d.what = '?', "query string with its ?"
	case "s":
		d.kind, d.what = fStatus, "status"
	case "D":
		d.kind, d.what = fDurMicros, "request time in µs"
	case "T":
		d.what = "request time in whole seconds"
		switch strings.ToLower(arg) {
		case "", "s":
			d.kind = fDurSeconds
		case "ms":
			d.kind, d.what = fDurMillis, "request time in ms"
		case "us":
			d.kind, d.what = fDurMicros, "request time in µs"
		default:
			return fmt.Sprintf("%%%s: the unit of %%T is s, ms or us", d.name)
		}
	case "P":
		switch strings.ToLower(arg) {
		case "", "pid":
			d.kind, d.what = fPID, "child PID"
		case "tid", "hextid":
			d.what = "thread ID"
		default:
			return fmt.Sprintf("%%%s: the format of %%P is pid, tid or hextid", d.name)
		}
	case "t":
		return apacheTime(d, arg)
	default:
		return fmt.Sprintf("unknown directive %%%s at offset %d (known: a A b B C D e f h H i I k l L m n o O p P q r R s S t T u U v V X ^ti ^to)", letter, d.at)
	}
	return ""
}

// apacheTime sets the meaning of %t and %{format}t: CLF in brackets by
// default, begin: or end: of the request, epoch sec/msec/usec, the
// msec_frac/usec_frac fractions, or a strftime layout.
func apacheTime(d *directive, arg string) string {
	d.time = true
	when := "request start time"
	layout := arg
	if rest, ok := strings.CutPrefix(arg, "begin"); ok && (rest == "" || rest[0] == ':') {
		layout = strings.TrimPrefix(rest, ":")
	} else if rest, ok := strings.CutPrefix(arg, "end"); ok && (rest == "" || rest[0] == ':') {
		layout, d.end, when = strings.TrimPrefix(rest, ":"), true, "request end time"
	}
	switch layout {
	case "":
		d.kind, d.brackets, d.what = fTimeCLF, true, when+" in [brackets]"
	case "sec":
		d.kind, d.what = fEpochSec, when+" in epoch seconds"
	case "msec":
		d.kind, d.what = fEpochMilli, when+" in epoch ms"
	case "usec":
		d.kind, d.what = fEpochMicro, when+" in epoch µs"
	case "msec_frac":
		d.layout, d.what = fracMilli, "the ms of the "+when
	case "usec_frac":
		d.layout, d.what = fracMicro, "the µs of the "+when
	default:
		if msg := checkLayout(layout); msg != "" {
			return fmt.Sprintf("%%%s: %s", d.name, msg)
		}
		d.layout, d.what = layout, when+" as strftime"
	}
	return ""
}

// promoteWorkerHeader makes the X-Worker-PID response header the worker
// of a format without %P: behind a proxy, the worker of the app behind
// Apache is the one the app names in it.
func promoteWorkerHeader(fields []field) {
	for _, fl := range fields {
		if fl.kind == fPID {
			return
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, "{x-worker-pid}o") {
			fields[i].kind = fPID
		}
	}
}
