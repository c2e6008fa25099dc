// Package parse reads the logs of pre-fork web servers into records: access
// logs of gunicorn, nginx (text or JSON lines), uWSGI, Apache httpd and
// php-fpm, their error logs, and process snapshots (ps output and `skewer
// sample` files). An access log is read one reused Record per line, scanned
// from bytes without regular expressions or per-line allocation.
package parse

// Record is one parsed access-log line. A Reader reuses its Record: copy what
// must outlive the next call to Scan.
type Record struct {
	// Line is the 1-based line number in its file.
	Line int64
	// Time is the end of the request in unix microseconds; HasTime says
	// whether the line had a time at all.
	Time    int64
	HasTime bool
	// SubSecond reports whether Time has sub-second resolution (nginx $msec).
	SubSecond bool
	// Worker is the worker key as logged (a PID's digits, or the value of the
	// --by field); empty when the line has none (counted as unattributed).
	Worker []byte
	// Host is the host the line came from (--host-field), or empty.
	Host []byte
	// Duration is the request time in microseconds, or -1 when unknown.
	Duration int64
	// Status is the HTTP status code, or 0 when the log gives none (gunicorn's
	// "socket" when the client went away, or "-").
	Status int
	// Conn identifies the connection the request came on: nginx's
	// $connection serial number, or with ConnPort the client's port
	// (gunicorn %({remote_port}e)s, nginx $remote_port, Apache %{remote}p),
	// which names a connection together with Client. Empty when the line has
	// none.
	Conn     []byte
	ConnPort bool
	// Client is the client's address (%(h)s, $remote_addr, %a), or empty.
	Client []byte
	// ConnRequests is the request's number on its connection, from 1
	// (nginx $connection_requests, Apache %k + 1); 0 when unknown.
	ConnRequests int64
	// path is the logged path (%(U)s, $uri), request the request line
	// (%(r)s, $request); the path is cut from the request only when asked.
	path    []byte
	request []byte
}

// Path returns the request path without its query string; empty when the
// line has none.
func (r *Record) Path() []byte {
	if r.path != nil {
		return r.path
	}
	return requestPath(r.request)
}

// SetPath sets the path the line logged, for records made by hand.
func (r *Record) SetPath(p []byte) { r.path = p }

func (r *Record) reset(line int64) {
	*r = Record{Line: line, Duration: -1}
}

// Reason says why a line was rejected. Reasons are fixed strings so that
// counting them allocates nothing.
type Reason string

// Rejection reasons.
const (
	ReasonNone      Reason = ""
	ReasonBlank     Reason = "blank line"
	ReasonTooLong   Reason = "line longer than 1 MiB"
	ReasonNoMatch   Reason = "line does not match the format"
	ReasonBadTime   Reason = "unreadable time"
	ReasonBadStatus Reason = "unreadable status"
	ReasonBadPID    Reason = "unreadable worker pid"
	ReasonBadDur    Reason = "unreadable request time"
	ReasonLongDur   Reason = "request time over a day"
	ReasonFarTime   Reason = "time over a year from the lines around it"
	ReasonBadConn   Reason = "unreadable connection number"
	// ReasonTruncated is the damage that ends a compressed stream cut
	// short or corrupt: the lines before it are read, and it counts as one
	// rejected line.
	ReasonTruncated Reason = "compressed stream truncated"
)

// MaxDuration is the longest request time read, in microseconds: no web
// request plausibly lasts longer, and a ceiling keeps sums of many of them
// far from overflowing.
const MaxDuration = 86_400_000_000
