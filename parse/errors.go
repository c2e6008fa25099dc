package parse

import "fmt"

// The errors below are facts a command words with its own option names.

// ColumnsError is a list of ps columns that cannot be read: an unknown
// column, or no pid column (Unknown "").
type ColumnsError struct {
	Unknown string
}

func (e *ColumnsError) Error() string {
	if e.Unknown == "" {
		return "ps columns: no pid column"
	}
	return fmt.Sprintf("ps columns: unknown column %q: want %s", e.Unknown, PSColumnNames)
}

// PSColumnNames are the ps -o names a column list may use, in words.
const PSColumnNames = "ps -o names such as pid, ppid, rss, vsz, etimes, etime, times, time, pcpu, stime, lstart, psr, args"

// PSColumnsExample is a column list and the ps command it reads.
const PSColumnsExample = "pid,ppid,rss,etimes,times,args for ps -eo pid=,ppid=,rss=,etimes=,times=,args="

// HeaderlessError is ps output without a header line and without the
// columns named.
type HeaderlessError struct {
	Name string
	Line int64
}

func (e *HeaderlessError) Error() string {
	return fmt.Sprintf("%s:%d: ps output without a header line: name its columns (e.g. %s)", e.Name, e.Line, PSColumnsExample)
}

// PSTimeError is a time given for a snapshot without a time line that
// cannot be used: out of range (Name ""), or given for a file of several
// such snapshots.
type PSTimeError struct {
	Time     int64 // unix µs
	Name     string
	Untimed  int
	OutRange bool
}

func (e *PSTimeError) Error() string {
	if e.OutRange {
		return fmt.Sprintf("snapshot time: %d µs is not a time between 1970 and 9999", e.Time)
	}
	return fmt.Sprintf("%s: a snapshot time is the time of a single snapshot, but the file holds %d snapshots without a timestamp line", e.Name, e.Untimed)
}

// AmbiguousSyntaxError is a format string valid in Apache and php-fpm
// syntax that the two read differently.
type AmbiguousSyntaxError struct {
	Spec string
	Diff string // where the two differ
}

func (e *AmbiguousSyntaxError) Error() string {
	return fmt.Sprintf("format %q is valid in apache and phpfpm syntax, where %s: name the syntax, apache or phpfpm", e.Spec, e.Diff)
}

// ConfFix is what resolves a ConfError.
type ConfFix uint8

// Fixes for a ConfError.
const (
	FixNameFormat ConfFix = iota // name the log_format to use
	FixNoConf                    // read the log without the configuration
)

// ConfError is an nginx configuration that does not say which log_format
// to use for a log.
type ConfError struct {
	Msg string
	Sep string // between Msg and the fix
	Fix ConfFix
}

func (e *ConfError) Error() string {
	if e.Fix == FixNoConf {
		return e.Msg + e.Sep + "read its log without the configuration; JSON logs are recognised by their content"
	}
	return e.Msg + e.Sep + "name the log_format to use"
}
