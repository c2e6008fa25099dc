package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// PSOptions say how to read process snapshots that do not describe
// themselves.
type PSOptions struct {
	// Columns names the columns of ps output without a header line
	// (--ps-columns), as ps spells them: for `ps -eo pid=,ppid=,rss=,args=`
	// pass pid, ppid, rss, args. An entry may hold several names separated
	// by commas or spaces, and ps's "=HEADER" suffix is ignored. Tables with
	// a header line are read from their header.
	Columns []string
	// Time is when a single snapshot without a timestamp line was taken
	// (--ps-time), unix microseconds; 0 = unknown.
	Time int64
	// Loc is the zone of times printed without a UTC offset (date output
	// with a zone abbreviation or none, ps lstart); nil means UTC.
	Loc *time.Location
}

// PSStats says what ReadSnapshots read and what it skipped: a skipped line is
// counted, never silently dropped.
type PSStats struct {
	// Lines counts the lines read (blank ones too), Rows the process rows
	// kept.
	Lines, Rows int64
	// Skipped counts lines that are neither a timestamp line, a header nor a
	// process row: garbage, a row cut at the end of the file, a timestamp
	// line with no table after it, a line longer than MaxLine.
	Skipped int64
	// Shown names the first few skipped lines as "file:line: reason".
	Shown []string
	// ZoneGuessed reports that some time carried no zone (ps lstart, date
	// output without a zone) and was read in PSOptions.Loc.
	ZoneGuessed bool
	// Warnings are facts for the report, such as a date zone abbreviation
	// that is not the one of PSOptions.Loc.
	Warnings []string
}

// maxPSTime is the end of year 9999 in unix microseconds.
const maxPSTime = 253402300799e6

// maxPSShown is how many skipped lines PSStats.Shown names.
const maxPSShown = 5

// ReadSnapshots reads process snapshots: the output of `ps -ef`, `ps -eF`,
// `ps -aefF`, `ps aux` or `ps -eo ...` (any column order; header-less output
// needs opt.Columns), or of `skewer sample`. A file may hold many snapshots,
// each after a timestamp line: `# 2026-11-25T17:40:05Z`, `# skewer-sample v1
// 2026-11-25T17:40:05Z`, date output (`Wed Nov 25 17:40:05 UTC 2026`),
// `date -Is` output or `@1795629056`. A header line without a timestamp line
// before it starts a snapshot without a time (HasTime false, unless opt.Time
// gives the time of a file's only such snapshot).
//
// ps headers do not tell `time` from `times` nor `etime` from `etimes`: each
// value is read by its shape ([DD-]HH:MM:SS, MMM:SS or plain seconds). Start
// is computed from lstart, or from the elapsed time and the snapshot's time
// (the first value computed for a PID in the file is kept while later ones
// stay within 1 s of the previous, so that the second in which ps ran does not
// make a new process); else it is -1 and StartText is STIME or START as
// printed.
//
// Lines that cannot be read are skipped and counted in PSStats; a row cut at
// the end of the file is kept only when the cut fell inside its command line.
// The error is about the input as a whole: an I/O error, ps rows without a
// header and without opt.Columns, no snapshot at all.
func ReadSnapshots(r io.Reader, name string, opt PSOptions) ([]Snapshot, PSStats, error) {
	var snaps []Snapshot
	st, err := EachSnapshot(r, name, opt, func(s *Snapshot) error {
		c := *s
		c.Procs = append([]Proc(nil), s.Procs...)
		snaps = append(snaps, c)
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	return snaps, st, nil
}

// EachSnapshot reads process snapshots as ReadSnapshots does, handing each
// to fn as soon as it is complete, so that memory holds one snapshot, not
// the file: fn must copy what it keeps, since s and its rows are reused.
// An error from fn ends the read and is returned as is.
func EachSnapshot(r io.Reader, name string, opt PSOptions, fn func(s *Snapshot) error) (PSStats, error) {
	p := &psParser{each: fn,
		name: name, opt: opt, loc: opt.Loc,
		br:     bufio.NewReaderSize(r, 64<<10),
		intern: map[string]string{},
		starts: map[int64]psStart{},
		zones:  map[string]bool{},
	}
	if p.loc == nil {
		p.loc = time.UTC
	}
	if opt.Time < 0 || opt.Time > maxPSTime {
		return PSStats{}, &PSTimeError{Time: opt.Time, OutRange: true}
	}
	if len(opt.Columns) > 0 {
		lay, err := columnsLayout(opt.Columns)
		if err != nil {
			return PSStats{}, err
		}
		p.given = lay
	}
	for {
		line, ok, err := p.readLine()
		if err != nil {
			return p.stats, fmt.Errorf("%s: %w", name, err)
		}
		if !ok {
			break
		}
		p.line++
		p.stats.Lines++
		if err := p.handle(line); err != nil {
			return p.stats, err
		}
		if p.err != nil {
			return p.stats, p.err
		}
	}
	p.close()
	switch {
	case p.err != nil:
		return p.stats, p.err
	case p.n == 0:
		return p.stats, fmt.Errorf("%s: no process snapshot: want the output of ps -ef, ps -eF, ps aux, ps -eo or skewer sample", name)
	case opt.Time != 0 && p.untimed > 1:
		return p.stats, &PSTimeError{Time: opt.Time, Name: name, Untimed: p.untimed}
	}
	return p.stats, nil
}

// psStart is the start computed for a PID from its elapsed time: the first
// value, and the last one to compare the next with.
type psStart struct{ first, last int64 }

// span is a field of a line: line[lo:hi].
type span struct{ lo, hi int }

type psParser struct {
	name string
	opt  PSOptions
	loc  *time.Location
	br   *bufio.Reader
	buf  []byte // a line longer than br's buffer, joined
	buf2 []byte // a start time's fields, joined
	line int64
	// tooLong and cut describe the current line: longer than MaxLine, or
	// the last line of the input without its newline.
	tooLong, cut bool
	toks         []span
	given, last  *psLayout // from --ps-columns; of the last header line

	// The snapshot being read: open, its layout (nil until a header or a
	// row tells it), whether it began at a timestamp line and had a header.
	open                 bool
	snap                 Snapshot
	lay                  *psLayout
	stamped, head, timed bool
	stampLine            int64

	// each takes every complete snapshot; n counts them, err is each's
	// error.
	each    func(*Snapshot) error
	n       int
	err     error
	untimed int
	stats   PSStats
	intern  map[string]string
	starts  map[int64]psStart
	zones   map[string]bool
}

// readLine returns the next line without its line ending; false at the end
// of the input.
func (p *psParser) readLine() ([]byte, bool, error) {
	p.buf, p.tooLong, p.cut = p.buf[:0], false, false
	for {
		b, err := p.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			p.join(b)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		if err == io.EOF {
			if len(b) == 0 && len(p.buf) == 0 && !p.tooLong {
				return nil, false, nil
			}
			p.cut = true
		}
		if len(p.buf) > 0 || p.tooLong {
			p.join(b)
			b = p.buf
		}
		b = bytes.TrimSuffix(b, []byte("\n"))
		return bytes.TrimSuffix(b, []byte("\r")), true, nil
	}
}

func (p *psParser) join(b []byte) {
	if len(p.buf)+len(b) > MaxLine+1 {
		p.tooLong = true
		return
	}
	p.buf = append(p.buf, b...)
}

// handle reads one line: a timestamp line, a header, or a process row. The
// last line of a file without its newline was cut: it is kept only as a row.
func (p *psParser) handle(line []byte) error {
	t := bytes.TrimSpace(line)
	switch {
	case p.tooLong:
		p.skip("line longer than 1 MiB")
		return nil
	case len(t) == 0:
		return nil
	case t[0] == '#':
		if p.cutLine() {
			return nil
		}
		return p.hashLine(t)
	}
	if us, ok := p.stamp(t); ok {
		if !p.cutLine() {
			p.begin(true, us, true, nil)
		}
		return nil
	}
	p.toks = splitFields(line, p.toks[:0])
	if isHeader(line, p.toks) {
		if !p.cutLine() {
			p.header(line)
		}
		return nil
	}
	return p.rowLine(line)
}

// cutLine skips a line that is not a row when it is the cut last line.
func (p *psParser) cutLine() bool {
	if p.cut {
		p.skip("line cut at the end of the file")
	}
	return p.cut
}

// hashLine reads "# <time>" and "# skewer-sample v1 <time>"; other lines
// starting with # are skipped.
func (p *psParser) hashLine(t []byte) error {
	body := bytes.TrimSpace(t[1:])
	if rest, ok := bytes.CutPrefix(body, []byte("skewer-sample")); ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t') {
		w := bytes.Fields(rest)
		if len(w) == 0 || string(w[0]) != "v1" {
			return fmt.Errorf("%s:%d: skewer-sample layout %q is not supported (want v1)", p.name, p.line, clip(bytes.Join(w, []byte(" "))))
		}
		us, ok := int64(0), false
		if len(w) > 1 {
			// Fields after the time are left for later versions of v1.
			if us, ok = p.stamp(w[1]); !ok {
				p.skip("unreadable time in skewer-sample line: its snapshot has no time")
			}
		}
		p.begin(true, us, ok, sampleLayout)
		return nil
	}
	if us, ok := p.stamp(body); ok {
		p.begin(true, us, true, nil)
		return nil
	}
	p.skip("comment or unreadable timestamp line")
	return nil
}

// begin starts a snapshot at a timestamp line (stamped), or at a header or a
// row; has says whether the file gives its time.
func (p *psParser) begin(stamped bool, us int64, has bool, lay *psLayout) {
	p.close()
	p.open, p.lay, p.stamped, p.head, p.timed = true, lay, stamped, lay != nil, has
	p.stampLine = p.line
	p.snap = Snapshot{Time: us, HasTime: has, Line: p.line, Source: p.name, Procs: p.snap.Procs[:0]}
	if !has && p.opt.Time != 0 {
		p.snap.Time, p.snap.HasTime = p.opt.Time, true
	}
}

// close ends the snapshot being read. A timestamp line followed by no table
// (the capture failed, or the file was cut) gives no snapshot.
func (p *psParser) close() {
	if !p.open {
		return
	}
	p.open = false
	if !p.head && len(p.snap.Procs) == 0 {
		if p.stamped {
			p.skipAt(p.stampLine, "timestamp line without a process table")
		}
		return
	}
	if !p.timed {
		p.untimed++
	}
	p.n++
	if p.err == nil {
		p.err = p.each(&p.snap)
	}
	// The rows' memory is reused by the next snapshot.
	p.snap.Procs = p.snap.Procs[:0]
}

func (p *psParser) header(line []byte) {
	cols := make([]psCol, len(p.toks))
	for i, s := range p.toks {
		cols[i] = psHeaders[string(line[s.lo:s.hi])]
	}
	if !p.open || p.head || len(p.snap.Procs) > 0 {
		p.begin(false, 0, false, nil)
	}
	p.lay = newLayout(cols, false)
	p.last, p.head, p.snap.Line = p.lay, true, p.line
}

func (p *psParser) rowLine(line []byte) error {
	if !p.open || p.lay == nil {
		lay := p.given
		if lay == nil {
			lay = p.last
		}
		if lay == nil {
			if looksLikeRow(line, p.toks) {
				return &HeaderlessError{Name: p.name, Line: p.line}
			}
			p.skip("not a ps header, row or timestamp line")
			return nil
		}
		if !p.open {
			p.begin(false, 0, false, nil)
		}
		p.lay, p.snap.Line = lay, p.line
	}
	pr, reason := p.row(line, p.lay)
	if reason != "" {
		if p.cut {
			reason = "row cut at the end of the file"
		}
		p.skip(reason)
		return nil
	}
	p.snap.Procs = append(p.snap.Procs, pr)
	p.stats.Rows++
	return nil
}

func (p *psParser) skip(reason string) { p.skipAt(p.line, reason) }

func (p *psParser) skipAt(line int64, reason string) {
	p.stats.Skipped++
	if len(p.stats.Shown) < maxPSShown {
		p.stats.Shown = append(p.stats.Shown, fmt.Sprintf("%s:%d: %s", p.name, line, reason))
	}
}

// str returns b as a string, shared with the equal strings before it: the
// same command lines repeat in every snapshot.
func (p *psParser) str(b []byte) string {
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.intern) < maxIntern {
		p.intern[s] = s
	}
	return s
}

// maxIntern bounds how many distinct strings str shares: command lines
// repeat from snapshot to snapshot, but a hostile file need not.
const maxIntern = 4096

// clip shortens a value quoted in a message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
