package parse

import (
	"bytes"
	"strings"
)

// store interprets the value v of a field of kind k into the record.
func (st *matchState) store(k fieldKind, v []byte) Reason {
	rec := st.rec
	switch k {
	case fPID:
		return storePID(v, rec)
	case fKey:
		rec.Worker = keyValue(v)
	case fHost:
		rec.Host = keyValue(v)
	case fKeyList:
		rec.Worker = keyValue(lastRetry(v))
	case fHostList:
		rec.Host = keyValue(lastRetry(v))
	case fTimeCLF:
		if rec.SubSecond {
			return ReasonNone // $msec seen earlier on the line wins
		}
		if t, ok := st.cachedTime(v); ok {
			rec.Time, rec.HasTime = t, true
			return ReasonNone
		}
		t, ok := parseCLF(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime = t, true
		st.keepTime(v, t)
	case fTimeISO:
		if rec.SubSecond {
			return ReasonNone
		}
		t, sub, ok := parseISO(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime, rec.SubSecond = t, true, sub
	case fMsec:
		t, ok := parseDecimal(v)
		if !ok {
			return ReasonBadTime
		}
		rec.Time, rec.HasTime, rec.SubSecond = t, true, true
	case fStatus:
		return storeStatus(v, rec)
	case fDurMicros, fDurMillis, fDurSeconds, fDurMsDec:
		return storeDuration(k, v, rec)
	case fEpochSec, fEpochMilli, fEpochMicro, fTimeLayout:
		return st.storeTime(k, v)
	case fRequest:
		rec.request = v
	case fConn, fPort, fConnReqs, fKeepalives:
		return storeConn(k, v, rec)
	case fClient:
		rec.Client = keyValue(v)
	case fPath:
		if isAbsent(v) {
			rec.path = nil
			return ReasonNone
		}
		if q := bytes.IndexByte(v, '?'); q >= 0 {
			v = v[:q]
		}
		rec.path = v
	}
	return ReasonNone
}

// cachedTime returns the time of v when v is the last time text that
// parsed. Nothing is cached until a time parses, and no empty text ever
// does, so an empty v (or any v) never hits before one has: a line's time
// must not depend on which lines its reader read before it.
func (st *matchState) cachedTime(v []byte) (int64, bool) {
	if st.lastLen == 0 || len(v) != st.lastLen || string(v) != string(st.lastTime[:st.lastLen]) {
		return 0, false
	}
	return st.lastUS, true
}

// keepTime remembers that the time text v parsed as t. A text longer than
// the cache is not kept (a truncated copy would answer for another text).
func (st *matchState) keepTime(v []byte, t int64) {
	if len(v) == 0 || len(v) > len(st.lastTime) {
		st.lastLen = 0
		return
	}
	st.lastLen = copy(st.lastTime[:], v)
	st.lastUS = t
}

// keyValue reads a --by or host value whole: "-" or empty is absent. Two
// user agents that differ after a comma are two keys.
func keyValue(v []byte) []byte {
	if isAbsent(v) {
		return nil
	}
	return v
}

// isRetryList reports whether a field is one of nginx's $upstream_*
// variables, which list every upstream tried: "a, b", or "a : b" across an
// internal redirect.
func isRetryList(name string) bool {
	return strings.HasPrefix(name, "upstream_")
}

// lastRetry returns the last element of a retry list, the upstream that
// answered; a value that is no list is returned whole.
func lastRetry(v []byte) []byte {
	if i := bytes.LastIndex(v, []byte(", ")); i >= 0 {
		v = v[i+2:]
	}
	if i := bytes.LastIndex(v, []byte(" : ")); i >= 0 {
		v = v[i+3:]
	}
	return v
}

// storePID reads a worker PID: 123, gunicorn's <123>, or an upstream
// header's list "1, 2" / "1 : 2" when nginx retried (the last answered).
func storePID(v []byte, rec *Record) Reason {
	if len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>' {
		v = v[1 : len(v)-1]
	}
	if _, ok := digits(v); ok && len(v) <= 10 {
		rec.Worker = v
		return ReasonNone
	}
	if i := bytes.LastIndexAny(v, ",:"); i >= 0 {
		v = bytes.TrimSpace(v[i+1:])
	}
	if isAbsent(v) {
		rec.Worker = nil
		return ReasonNone
	}
	if _, ok := digits(v); !ok || len(v) > 10 {
		return ReasonBadPID
	}
	rec.Worker = v
	return ReasonNone
}

func isAbsent(v []byte) bool {
	return len(v) == 0 || len(v) == 1 && v[0] == '-'
}

func storeStatus(v []byte, rec *Record) Reason {
	if len(v) > 3 && v[0] == 'b' && v[1] == '\'' {
		v = v[2:]
		if sp := bytes.IndexByte(v, ' '); sp >= 0 {
			v = v[:sp]
		}
		v = bytes.TrimSuffix(v, []byte("'"))
	}
	if isAbsent(v) || string(v) == "socket" {
		rec.Status = 0
		return ReasonNone
	}
	n, ok := digits(v)
	if !ok || len(v) != 3 {
		return ReasonBadStatus
	}
	rec.Status = int(n)
	return ReasonNone
}

func storeDuration(k fieldKind, v []byte, rec *Record) Reason {
	if isAbsent(v) {
		rec.Duration = -1 // a value stored by an attempt that failed is gone
		return ReasonNone
	}
	if len(v) > 15 {
		return ReasonBadDur // over 30 years even in µs; ms × 1000 must not overflow
	}
	var us int64
	var ok bool
	switch k {
	case fDurMicros:
		us, ok = digits(v)
	case fDurMillis:
		us, ok = digits(v)
		us *= 1000
	case fDurSeconds:
		us, ok = parseDecimal(v)
	case fDurMsDec:
		us, ok = parseDecimal(v)
		us /= 1000
	}
	if !ok {
		return ReasonBadDur
	}
	rec.Duration = us
	return ReasonNone
}

// requestPath returns the path of a request line "GET /p?q HTTP/1.1".
func requestPath(v []byte) []byte {
	sp := bytes.IndexByte(v, ' ')
	if sp < 0 {
		return nil
	}
	p := v[sp+1:]
	if e := bytes.IndexByte(p, ' '); e >= 0 {
		p = p[:e]
	}
	if q := bytes.IndexByte(p, '?'); q >= 0 {
		p = p[:q]
	}
	return p
}

// storeConn reads a connection's identity: its serial number or client
// port (digits, or "-" when the server had none, as for a Unix socket),
// and the request's number on it.
func storeConn(k fieldKind, v []byte, rec *Record) Reason {
	if isAbsent(v) {
		return ReasonNone
	}
	n, ok := digits(v)
	if !ok || len(v) > 18 {
		return ReasonBadConn
	}
	switch k {
	case fConn:
		rec.Conn, rec.ConnPort = v, false
	case fPort:
		if len(rec.Conn) == 0 || rec.ConnPort { // $connection wins over the port
			rec.Conn, rec.ConnPort = v, true
		}
	case fConnReqs:
		rec.ConnRequests = n
	case fKeepalives:
		rec.ConnRequests = n + 1
	}
	return ReasonNone
}
