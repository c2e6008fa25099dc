package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// EventExitCode is gunicorn 21+'s "Worker (pid:N) exited with code C.",
// logged by the master when a worker exits with a non-zero status; Signal
// holds "code C". It is declared with the reader that produces it.
const EventExitCode = "exitcode"

// ErrorLogStats counts the lines of a gunicorn error log. Every line is
// counted once in exactly one of Events, Master, Ignored and TooLong.
type ErrorLogStats struct {
	// Lines is the number of lines read, over-long ones included.
	Lines int64
	// Gunicorn is the number of lines in gunicorn's
	// "[time] [pid] [LEVEL] message" layout.
	Gunicorn int64
	// Events is the number of lines that gave an ErrorLogEvent.
	Events int64
	// Master is the number of master lines that gave no event ("Starting
	// gunicorn", "Listening at", "Handling signal", ...).
	Master int64
	// Ignored is the number of lines that gave neither: Flask error headers,
	// traceback lines, blank lines and other gunicorn messages.
	Ignored int64
	// TooLong is the number of lines longer than MaxLine, skipped unread.
	TooLong int64
	// MasterPIDs are the [pid] fields of the lines only the master logs —
	// its own messages and what it says about workers (WORKER TIMEOUT,
	// signals, exit codes) — and the PID "Listening at: ... (N)" names, in
	// order of first appearance. A worker's own lines never add to it.
	MasterPIDs []int64
	// WorkerClass is the class the master's "Using worker: NAME" line
	// names (the first one), "" when none.
	WorkerClass string
}

// ReadErrorLog reads a gunicorn error log and returns its worker lifecycle
// events in file order, plus stats (lines read, gunicorn lines, ignored lines
// — Flask/traceback lines and other gunicorn messages are ignored, not errors
// — and the master PIDs seen ("Starting gunicorn", "Listening at", "Arbiter",
// lines whose [pid] is not a worker)).
//
// Times without a zone (a log config whose datefmt lacks %z) are read in loc,
// UTC when loc is nil. Lines longer than MaxLine are skipped and counted. An
// I/O error ends the read and is returned, naming the file and the line,
// with the events read so far. A *bufio.Reader larger than MaxLine is used as
// is, so that bytes already peeked for detection are not lost.
func ReadErrorLog(r io.Reader, name string, loc *time.Location) ([]ErrorLogEvent, ErrorLogStats, error) {
	if loc == nil {
		loc = time.UTC
	}
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() <= MaxLine {
		br = bufio.NewReaderSize(r, MaxLine+1)
	}
	e := errorLog{loc: loc, masters: map[int64]bool{}}
	for {
		line, found, tooLong, err := readErrorLogLine(br)
		if err != nil && err != io.EOF {
			return e.events, e.stats, fmt.Errorf("%s:%d: %w", name, e.stats.Lines+1, err)
		}
		if !found {
			return e.events, e.stats, nil
		}
		e.stats.Lines++
		if tooLong {
			e.stats.TooLong++
		} else {
			e.line(line)
		}
		if err == io.EOF {
			return e.events, e.stats, nil
		}
	}
}

// readErrorLogLine returns the next line without its line ending; found is
// false at the end of the input, and tooLong reports a line that did not fit
// in br's buffer, whose bytes are skipped.
func readErrorLogLine(br *bufio.Reader) (line []byte, found, tooLong bool, err error) {
	line, err = br.ReadSlice('\n')
	for errors.Is(err, bufio.ErrBufferFull) {
		tooLong = true
		_, err = br.ReadSlice('\n')
	}
	if tooLong {
		return nil, true, true, err
	}
	found = len(line) > 0
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, found, false, err
}

// errorLog is the state of one ReadErrorLog call.
type errorLog struct {
	loc     *time.Location
	events  []ErrorLogEvent
	stats   ErrorLogStats
	masters map[int64]bool
}

// line classifies one line and records what it says.
func (e *errorLog) line(l []byte) {
	t, pid, msg, ok := splitErrorLogLine(l, e.loc)
	if !ok {
		e.stats.Ignored++
		return
	}
	e.stats.Gunicorn++
	if ev, byMaster, ok := workerEvent(msg, pid); ok {
		ev.Time, ev.Line, ev.Master = t, e.stats.Lines, pid
		e.events = append(e.events, ev)
		e.stats.Events++
		if byMaster {
			e.master(pid)
		}
		return
	}
	if listen, ok := masterMessage(msg); ok {
		e.stats.Master++
		if class, found := bytes.CutPrefix(msg, msgUsingWorker); found && e.stats.WorkerClass == "" {
			e.stats.WorkerClass = string(bytes.TrimSpace(class))
		}
		e.master(pid)
		if listen > 0 {
			e.master(listen)
		}
		return
	}
	e.stats.Ignored++
}

func (e *errorLog) master(pid int64) {
	if !e.masters[pid] {
		e.masters[pid] = true
		e.stats.MasterPIDs = append(e.stats.MasterPIDs, pid)
	}
}

// splitErrorLogLine splits "[2026-11-25 17:28:39 +0000] [16466] [INFO] msg"
// into the time in unix microseconds, the [pid] field and the message. A
// Flask header "[2026-11-25 17:28:54,100] ERROR in app: ..." has no [pid]
// and is not a gunicorn line.
func splitErrorLogLine(l []byte, loc *time.Location) (t, pid int64, msg []byte, ok bool) {
	if len(l) < 2 || l[0] != '[' {
		return 0, 0, nil, false
	}
	end := bytes.IndexByte(l, ']')
	if end < 0 {
		return 0, 0, nil, false
	}
	if t, ok = errorLogTime(l[1:end], loc); !ok {
		return 0, 0, nil, false
	}
	rest, ok := bytes.CutPrefix(l[end+1:], []byte(" ["))
	if !ok {
		return 0, 0, nil, false
	}
	end = bytes.IndexByte(rest, ']')
	if end < 0 {
		return 0, 0, nil, false
	}
	if pid, ok = pidValue(rest[:end]); !ok {
		return 0, 0, nil, false
	}
	rest, ok = bytes.CutPrefix(rest[end+1:], []byte(" ["))
	end = bytes.IndexByte(rest, ']')
	if !ok || end < 1 || end > 16 || bytes.IndexByte(rest[:end], ' ') >= 0 {
		return 0, 0, nil, false
	}
	msg = bytes.TrimPrefix(rest[end+1:], []byte(" "))
	return t, pid, msg, true
}

// errorLogTime parses gunicorn's default datefmt, 2026-11-25 17:28:39 +0000,
// also with a T, a fractional second, a zone written +00:00, Z, UTC or GMT,
// or no zone at all (then the time is in loc); and the access log's
// 25/Nov/2026:17:28:39 +0000.
func errorLogTime(b []byte, loc *time.Location) (int64, bool) {
	if len(b) == 26 && b[2] == '/' {
		return parseCLF(b)
	}
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	var f [6]int64
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		n := 2
		if i == 0 {
			n = 4
		}
		v, ok := digits(b[at : at+n])
		if !ok {
			return 0, false
		}
		f[i] = v
	}
	rest := b[19:]
	var frac int64
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i, scale := 1, int64(100000)
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			frac += int64(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	rest = bytes.TrimPrefix(rest, []byte(" "))
	off, ok := int64(0), true
	switch string(rest) {
	case "":
		// Validate first: time.Date would roll 31 Nov over into December.
		if _, ok := civil(f[0], f[1], f[2], f[3], f[4], f[5], 0); !ok {
			return 0, false
		}
		t := time.Date(int(f[0]), time.Month(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5]), 0, loc)
		return t.UnixMicro() + frac, true
	case "UTC", "GMT":
	default:
		off, ok = zoneOffset(rest)
	}
	if !ok {
		return 0, false
	}
	t, ok := civil(f[0], f[1], f[2], f[3], f[4], f[5], off)
	return t + frac, ok
}

// pidValue parses a PID: 1 to 10 digits, not 0.
func pidValue(b []byte) (int64, bool) {
	if len(b) > 10 {
		return 0, false
	}
	n, ok := digits(b)
	return n, ok && n > 0
}

// The messages of gunicorn's arbiter.py and workers that skewer reads.
var (
	msgBoot        = []byte("Booting worker with pid: ")
	msgExit        = []byte("Worker exiting (pid: ")
	msgAutorestart = []byte("Autorestarting worker after current request")
	msgTimeout     = []byte("WORKER TIMEOUT (pid:")
	msgTerminated  = []byte("Worker with pid ")
	msgDueToSignal = []byte(" was terminated due to signal ")
	msgWorkerPID   = []byte("Worker (pid:")
	msgUsingWorker = []byte("Using worker: ")
	msgMaster      = [][]byte{
		[]byte("Starting gunicorn"), []byte("Listening at: "), []byte("Using worker: "),
		[]byte("Handling signal: "), []byte("Shutting down: "), []byte("Reason: "),
		[]byte("Arbiter "), []byte("Hang up: "),
	}
)

// workerEvent reads a lifecycle message; byMaster reports a message that
// the master logs about a worker, so that the line's [pid] is the master.
func workerEvent(msg []byte, pid int64) (ev ErrorLogEvent, byMaster, ok bool) {
	msg = bytes.TrimRight(msg, " ")
	if rest, found := bytes.CutPrefix(msg, msgBoot); found {
		ev.PID, ok = pidValue(rest)
		ev.Kind = EventBoot
		return ev, false, ok
	}
	if n, found := enclosedPID(msg, msgExit); found {
		return ErrorLogEvent{PID: n, Kind: EventExit}, false, true
	}
	if bytes.HasPrefix(msg, msgAutorestart) {
		return ErrorLogEvent{PID: pid, Kind: EventAutorestart}, false, true
	}
	if n, found := enclosedPID(msg, msgTimeout); found {
		return ErrorLogEvent{PID: n, Kind: EventTimeout}, true, true
	}
	if rest, found := bytes.CutPrefix(msg, msgTerminated); found {
		// gunicorn 20.1: "Worker with pid 123 was terminated due to signal 9".
		num, sig, found := bytes.Cut(rest, msgDueToSignal)
		ev.PID, ok = pidValue(num)
		ev.Kind, ev.Signal = EventSignal, signalText(sig)
		return ev, true, found && ok
	}
	if rest, found := bytes.CutPrefix(msg, msgWorkerPID); found {
		// gunicorn 21+: "Worker (pid:123) was sent SIGKILL! Perhaps out of
		// memory?", "... was sent SIGTERM!", "... was sent code 134!",
		// "... was sent signal 64!", "... exited with code 1.".
		num, what, found := bytes.Cut(rest, []byte(") "))
		if ev.PID, ok = pidValue(num); !found || !ok {
			return ev, false, false
		}
		if sent, found := bytes.CutPrefix(what, []byte("was sent ")); found {
			name, _, _ := bytes.Cut(sent, []byte("!"))
			ev.Kind, ev.Signal = EventSignal, signalText(name)
			if ev.Signal == "SIGKILL" {
				ev.Kind = EventKilled
			}
			return ev, true, true
		}
		if code, found := bytes.CutPrefix(what, []byte("exited with code ")); found {
			code = bytes.TrimSuffix(code, []byte("."))
			if n, ok := digits(bytes.TrimPrefix(code, []byte("-"))); ok && n <= 255 {
				ev.Kind, ev.Signal = EventExitCode, "code "+string(code)
				return ev, true, true
			}
		}
	}
	return ev, false, false
}

// enclosedPID reads "prefix123)".
func enclosedPID(msg, prefix []byte) (int64, bool) {
	rest, ok := bytes.CutPrefix(msg, prefix)
	if !ok || len(rest) == 0 || rest[len(rest)-1] != ')' {
		return 0, false
	}
	return pidValue(rest[:len(rest)-1])
}

// signalText returns the signal as gunicorn printed it ("9", "SIGTERM",
// "code 134"), or "64" for "signal 64"; "" when it is not short printable
// text, so that no control byte from a log reaches a report.
func signalText(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("signal "))
	if len(b) == 0 || len(b) > 32 {
		return ""
	}
	for _, c := range b {
		if c < ' ' || c > '~' {
			return ""
		}
	}
	return string(b)
}

// masterMessage reports a message that only the master logs; listen is the
// PID that "Listening at: http://127.0.0.1:8000 (123)" names, else 0.
func masterMessage(msg []byte) (listen int64, ok bool) {
	for _, p := range msgMaster {
		if !bytes.HasPrefix(msg, p) {
			continue
		}
		if p[0] == 'L' && len(msg) > 0 && msg[len(msg)-1] == ')' {
			if open := bytes.LastIndexByte(msg, '('); open >= 0 {
				listen, _ = pidValue(msg[open+1 : len(msg)-1])
			}
		}
		return listen, true
	}
	return 0, false
}
