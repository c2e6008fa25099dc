package parse

import (
	"bufio"
	"errors"
	"io"
)

// MaxLine is the longest line a Reader accepts; longer lines are counted as
// rejected, not fatal.
const MaxLine = 1 << 20

// bufSize holds the longest line with its CR LF.
const bufSize = MaxLine + 2

// Reader scans an access log line by line:
//
//	r := parse.NewReader(f, format)
//	for r.Scan() {
//		if r.Reason() != parse.ReasonNone { ...count a rejection...; continue }
//		rec := r.Record()
//	}
//	err := r.Err()
type Reader struct {
	br     *bufio.Reader
	format *Format
	rec    Record
	state  matchState
	line   int64
	reason Reason
	text   []byte
	err    error
	done   bool
}

// NewReader returns a Reader of access lines in format f. A *bufio.Reader
// of at least MaxLine+1 bytes is used as is, so that bytes already peeked
// for detection are not lost.
func NewReader(r io.Reader, f *Format) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < bufSize {
		br = bufio.NewReaderSize(r, bufSize)
	}
	rd := &Reader{br: br, format: f}
	rd.state.rec = &rd.rec
	return rd
}

// NewBufferedReader returns a buffered reader suited to NewReader and Peek.
func NewBufferedReader(r io.Reader) *bufio.Reader {
	return bufio.NewReaderSize(r, bufSize)
}

// Scan advances to the next line. It returns false at the end of the input or
// on an I/O error (see Err).
func (r *Reader) Scan() bool {
	if r.done {
		return false
	}
	line, err := r.br.ReadSlice('\n')
	tooLong := false
	for errors.Is(err, bufio.ErrBufferFull) {
		// Skip the rest of an over-long line.
		tooLong = true
		_, err = r.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		r.err, r.done = err, true
		return false
	}
	if err == io.EOF {
		r.done = true
		if len(line) == 0 && !tooLong {
			return false
		}
	}
	r.line++
	r.rec.reset(r.line)
	if tooLong {
		r.text, r.reason = nil, ReasonTooLong
		return true
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	for n := len(line); n > 0 && line[n-1] == '\r'; n-- {
		line = line[:n-1] // CRLF, and the CRCRLF of a log copied twice through Windows
	}
	if len(line) > MaxLine {
		// The buffer holds MaxLine bytes and a CR LF; content beyond that
		// is over-long.
		r.text, r.reason = nil, ReasonTooLong
		return true
	}
	r.text = line
	if len(line) == 0 {
		r.reason = ReasonBlank
		return true
	}
	r.reason = r.format.match(line, &r.state)
	if r.reason == ReasonNone && r.rec.Duration > MaxDuration {
		r.reason = ReasonLongDur
	}
	return true
}

// Record returns the current line's record, valid when Reason is ReasonNone.
func (r *Reader) Record() *Record { return &r.rec }

// Reason returns why the current line was rejected, or ReasonNone.
func (r *Reader) Reason() Reason { return r.reason }

// Line returns the current line's number.
func (r *Reader) Line() int64 { return r.line }

// Text returns the current line without its line ending; it is valid until
// the next Scan.
func (r *Reader) Text() []byte { return r.text }

// Err returns the I/O error that stopped the scan, if any.
func (r *Reader) Err() error { return r.err }
