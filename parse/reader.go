package parse

import (
	"bufio"
	"bytes"
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
	block  []byte // the rest of the block read in place (NewBlockReader), when br is nil
	format *Format
	rec    Record
	state  matchState
	line   int64
	reason Reason
	text   []byte
	err    error
	done   bool

	// The time check: the time of the last accepted timed line, and the
	// lines read ahead to judge a line far from it, copied out of br.
	read    int64 // lines read from br
	prev    int64
	hasPrev bool
	queue   []pending // lines read ahead, oldest first
	spare   [3][]byte // reused buffers of the current line and the queue
}

// pending is a line read ahead: its copied text, its number, and a reason
// found before matching (blank, over-long) or ReasonNone.
type pending struct {
	text   []byte
	line   int64
	reason Reason
}

// MaxTimeJump is how far (µs) a line's time may be from both the previous
// accepted line and the next line before it is rejected as a stray clock
// (a line dated in year 9999 would stretch the span over millennia).
const MaxTimeJump = 366 * 86_400_000_000

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

// NewBlockReader returns a Reader of the lines of the blocks Reset hands it,
// read in place without a copy. A block holds whole lines; each block's
// lines are numbered from 1, and the time check does not look across
// blocks (as it does not across the chunks of a file).
func NewBlockReader(f *Format) *Reader {
	rd := &Reader{format: f}
	rd.state.rec = &rd.rec
	return rd
}

// Reset starts reading the block b, a stretch of whole lines; a line longer
// than a Reader's buffer reads as ReasonTooLong, as it does from a stream.
func (r *Reader) Reset(b []byte) {
	r.block = b
	r.line, r.read, r.reason, r.text, r.err, r.done = 0, 0, ReasonNone, nil, nil, false
	r.prev, r.hasPrev = 0, false
	r.queue = r.queue[:0]
}

// NewBufferedReader returns a buffered reader suited to NewReader and Peek.
func NewBufferedReader(r io.Reader) *bufio.Reader {
	return bufio.NewReaderSize(r, bufSize)
}

// Scan advances to the next line. It returns false at the end of the input or
// on an I/O error (see Err).
//
// A line whose time is more than MaxTimeJump from the previous accepted
// timed line is judged by the next line too (read ahead, never the wall
// clock): when that one is also far from it, the line is rejected as
// ReasonFarTime. The first timed line has no previous line: when it is far
// from the next, the line after that says which of the two is the stray.
func (r *Reader) Scan() bool {
	if !r.next() {
		return false
	}
	if r.reason != ReasonNone || !r.rec.HasTime {
		return true
	}
	t := r.rec.Time
	if r.hasPrev && !farApart(t, r.prev) {
		r.prev = t
		return true
	}
	stray := false
	n1, ok1 := r.peekTime(0)
	switch {
	case r.hasPrev:
		stray = !ok1 || farApart(t, n1)
	case ok1 && farApart(t, n1):
		n2, ok2 := r.peekTime(1)
		stray = ok2 && !farApart(n1, n2)
	}
	if stray {
		r.reason = ReasonFarTime
		return true
	}
	r.prev, r.hasPrev = t, true
	return true
}

// peekTime returns the time of the i-th line after the current one when it
// parses with a time, reading ahead as needed. The current line's text and
// record are kept: matching the peeked line overwrites the record (and the
// text a JSON line decodes into), so the current line, copied out of br
// first, is matched again from its copy when done, whether the peeked line
// was read now or before.
func (r *Reader) peekTime(i int) (int64, bool) {
	cur, line, reason := r.own(r.text, 0), r.line, r.reason
	defer func() {
		r.line, r.text, r.reason = line, cur, reason
		r.rec.reset(line)
		r.reason = r.match(cur)
	}()
	for len(r.queue) <= i {
		if !r.readLine() {
			return 0, false
		}
		r.queue = append(r.queue, pending{text: r.own(r.text, len(r.queue)+1), line: r.line, reason: r.reason})
	}
	p := r.queue[i]
	if p.reason != ReasonNone {
		return 0, false
	}
	r.rec.reset(p.line)
	if r.match(p.text) != ReasonNone || !r.rec.HasTime {
		return 0, false
	}
	return r.rec.Time, true
}

// own copies b into the reused buffer slot.
func (r *Reader) own(b []byte, slot int) []byte {
	r.spare[slot] = append(r.spare[slot][:0], b...)
	return r.spare[slot]
}

func farApart(a, b int64) bool {
	d := a - b
	if a < b {
		d = b - a
	}
	return d > MaxTimeJump || d < 0 // d < 0: the difference overflowed
}

// match parses a line's text into the record and checks its request time.
func (r *Reader) match(line []byte) Reason {
	reason := r.format.match(line, &r.state)
	if reason == ReasonNone && r.rec.Duration > MaxDuration {
		reason = ReasonLongDur
	}
	return reason
}

// next makes the next line current: the oldest line read ahead, or a new
// one.
func (r *Reader) next() bool {
	if len(r.queue) == 0 {
		return r.readLine()
	}
	p := r.queue[0]
	// The queue's buffers shift down one slot; the current line's slot
	// (0) is free again.
	r.spare[0], r.spare[1], r.spare[2] = r.spare[1], r.spare[2], r.spare[0]
	r.queue = append(r.queue[:0], r.queue[1:]...)
	for k := range r.queue {
		r.queue[k].text = r.spare[k+1][:len(r.queue[k].text)]
	}
	r.line, r.reason = p.line, p.reason
	r.text = r.spare[0][:len(p.text)]
	r.rec.reset(r.line)
	if r.reason == ReasonNone {
		r.reason = r.match(r.text)
	}
	return true
}

// readLine reads the next line from br and parses it.
func (r *Reader) readLine() bool {
	if r.done {
		return false
	}
	if r.br == nil {
		return r.blockLine()
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
	return r.take(line, tooLong)
}

// blockLine cuts the next line from the block. A line is over-long where a
// stream's buffer would have filled before its newline.
func (r *Reader) blockLine() bool {
	if len(r.block) == 0 {
		r.done = true
		return false
	}
	line := r.block
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	r.block = r.block[len(line):]
	tooLong := len(line) > bufSize || len(line) == bufSize && line[len(line)-1] != '\n'
	return r.take(line, tooLong)
}

// take makes line, read with its line ending, the current line and parses
// it.
func (r *Reader) take(line []byte, tooLong bool) bool {
	r.read++
	r.line = r.read
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
	r.reason = r.match(line)
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
