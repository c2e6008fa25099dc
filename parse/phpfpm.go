package parse

import (
	"fmt"
	"strings"
)

// PHPFPMDefault is the access.format php-fpm logs with when none is set.
// It logs no worker PID; %p adds one and %d the request time.
const PHPFPMDefault = `%R - %u %t "%m %r" %s`

// PHPFPMExample is the access.format of the www.conf php-fpm ships, as a
// commented-out example.
const PHPFPMExample = `%R - %u %t "%m %r%Q%q" %s %f %{mili}d %{kilo}M %C%%`

// fpmDirective reads the php-fpm directive at spec[at] (a %) the way
// fpm_log.c does: an optional {argument}, then a letter. It returns the
// directive, the offset after it, or what is wrong.
func fpmDirective(spec string, at int) (*directive, int, string) {
	j := at + 1
	arg, braces := "", false
	if j < len(spec) && spec[j] == '{' {
		e := strings.IndexByte(spec[j+1:], '}')
		if e < 0 {
			return nil, 0, fmt.Sprintf("unclosed %%{ at offset %d", at)
		}
		arg, braces = spec[j+1:j+1+e], true
		j += e + 2
	}
	if j >= len(spec) {
		return nil, 0, fmt.Sprintf("%% at offset %d is not followed by a directive letter", at)
	}
	d := &directive{name: spec[at+1 : j+1], at: at}
	if msg := fpmMeaning(d, spec[j], arg, braces); msg != "" {
		return nil, 0, msg
	}
	return d, j + 1, ""
}

// fpmMeaning sets what a php-fpm directive means.
func fpmMeaning(d *directive, letter byte, arg string, braces bool) string {
	d.kind = fSkip
	takesArg := false
	switch letter {
	case 'R':
		d.what = "client address"
	case 'u':
		d.what = "remote user"
	case 'm':
		d.what = "method"
	case 'l':
		d.what = "content length"
	case 'n':
		d.what = "pool name"
	case 'P':
		d.what = "parent PID"
	case 'p':
		d.kind, d.what = fPID, "child PID"
	case 's':
		d.kind, d.what = fStatus, "status"
	case 'f':
		d.kind, d.what = fQuoted, "script file name"
	case 'r':
		d.kind, d.what = fPath, "request URI"
	case 'Q':
		d.query, d.what = '?', "? when there is a query string"
	case 'q':
		d.query, d.what = 'q', "query string without its ?"
	case 'e', 'o':
		if arg == "" {
			return fmt.Sprintf("%%%c at offset %d needs a name in braces, as in %%{HTTP_HOST}%c", letter, d.at, letter)
		}
		takesArg = true
		d.kind, d.what = fQuoted, "environment variable"
		if letter == 'o' {
			d.what = "response header"
		}
	case 'C':
		takesArg, d.what = true, "CPU %"
		if !oneOf(arg, "", "total", "user", "system") {
			return fmt.Sprintf("%%%s: the format of %%C is total, user or system", d.name)
		}
	case 'M':
		takesArg, d.what = true, "memory"
		if !oneOf(arg, "", "bytes", "kilo", "kilobytes", "mega", "megabytes") {
			return fmt.Sprintf("%%%s: the format of %%M is bytes, kilo, kilobytes, mega or megabytes", d.name)
		}
	case 'd':
		takesArg, d.what = true, "request time in s"
		switch {
		case oneOf(arg, "", "seconds"):
			d.kind = fDurSeconds
		case oneOf(arg, "mili", "miliseconds", "milli", "milliseconds"):
			d.kind, d.what = fDurMsDec, "request time in ms"
		case oneOf(arg, "micro", "microseconds"):
			d.kind, d.what = fDurMicros, "request time in µs"
		default:
			return fmt.Sprintf("%%%s: the format of %%d is seconds, milli, milliseconds, micro or microseconds", d.name)
		}
	case 't', 'T':
		takesArg = true
		d.time, d.end = true, letter == 'T'
		d.what = "request start time"
		if d.end {
			d.what = "request end time"
		}
		if arg == "" {
			d.kind = fTimeCLF // %d/%b/%Y:%H:%M:%S %z, without brackets
			d.what += " without brackets"
			break
		}
		if msg := checkLayout(arg); msg != "" {
			return fmt.Sprintf("%%%s: %s", d.name, msg)
		}
		d.layout = arg
		d.what += " as strftime"
	default:
		return fmt.Sprintf("unknown directive %%%c at offset %d (known: C d e f l m M n o p P q Q r R s t T u)", letter, d.at)
	}
	if braces && !takesArg {
		return fmt.Sprintf("%%%s: %%%c takes no braces", d.name, letter)
	}
	return ""
}

// oneOf reports whether s is one of the words, ignoring case as php-fpm
// does.
func oneOf(s string, words ...string) bool {
	for _, w := range words {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}
