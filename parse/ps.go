package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
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
	p := &psParser{
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
		return nil, PSStats{}, fmt.Errorf("--ps-time: %d µs is not a time between 1970 and 9999", opt.Time)
	}
	if len(opt.Columns) > 0 {
		lay, err := columnsLayout(opt.Columns)
		if err != nil {
			return nil, PSStats{}, err
		}
		p.given = lay
	}
	for {
		line, ok, err := p.readLine()
		if err != nil {
			return nil, p.stats, fmt.Errorf("%s: %w", name, err)
		}
		if !ok {
			break
		}
		p.line++
		p.stats.Lines++
		if err := p.handle(line); err != nil {
			return nil, p.stats, err
		}
	}
	p.close()
	switch {
	case len(p.snaps) == 0:
		return nil, p.stats, fmt.Errorf("%s: no process snapshot: want the output of ps -ef, ps -eF, ps aux, ps -eo or skewer sample", name)
	case opt.Time != 0 && p.untimed > 1:
		return nil, p.stats, fmt.Errorf("%s: --ps-time gives the time of a single snapshot, but the file holds %d snapshots without a timestamp line", name, p.untimed)
	}
	return p.snaps, p.stats, nil
}

// psCol is what a column holds.
type psCol uint8

const (
	cOther   psCol = iota // read as one field and ignored
	cPID                  // PID
	cPPID                 // PPID
	cRSS                  // RSS in KiB
	cElapsed              // ELAPSED: etime or etimes
	cCPU                  // TIME: time, cputime, bsdtime or times
	cStart                // STIME, START, STARTED: 1, 2 (Nov 24) or 5 (lstart) fields
	cCmd                  // CMD, COMMAND: the rest of the fields
	cTicks                // skewer sample start_ticks
	cMillis               // skewer sample cpu_ms
)

var psColNames = [...]string{cOther: "column", cPID: "PID", cPPID: "PPID", cRSS: "RSS", cElapsed: "ELAPSED",
	cCPU: "TIME", cStart: "start time", cCmd: "command", cTicks: "start_ticks", cMillis: "cpu_ms"}

// psHeaders maps ps header words to columns; other words are cOther.
var psHeaders = map[string]psCol{
	"PID": cPID, "TGID": cPID, "PPID": cPPID, "RSS": cRSS, "RSZ": cRSS,
	"ELAPSED": cElapsed, "TIME": cCPU, "STIME": cStart, "START": cStart, "STARTED": cStart,
	"CMD": cCmd, "COMMAND": cCmd, "ARGS": cCmd,
}

// psNames maps the ps -o names that --ps-columns accepts to columns.
var psNames = map[string]psCol{
	"pid": cPID, "tgid": cPID, "ppid": cPPID, "rss": cRSS, "rssize": cRSS, "rsz": cRSS,
	"etime": cElapsed, "etimes": cElapsed,
	"time": cCPU, "times": cCPU, "cputime": cCPU, "cputimes": cCPU, "bsdtime": cCPU,
	"stime": cStart, "start_time": cStart, "start": cStart, "lstart": cStart, "bsdstart": cStart,
	"args": cCmd, "cmd": cCmd, "command": cCmd, "comm": cCmd, "ucmd": cCmd, "ucomm": cCmd,
	"vsz": cOther, "vsize": cOther, "sz": cOther, "size": cOther, "pcpu": cOther, "%cpu": cOther,
	"c": cOther, "pmem": cOther, "%mem": cOther, "psr": cOther, "user": cOther, "euser": cOther,
	"ruser": cOther, "uname": cOther, "uid": cOther, "euid": cOther, "ruid": cOther, "gid": cOther,
	"group": cOther, "tty": cOther, "tt": cOther, "tname": cOther, "stat": cOther, "s": cOther,
	"state": cOther, "ni": cOther, "nice": cOther, "pri": cOther, "f": cOther, "wchan": cOther,
	"lwp": cOther, "tid": cOther, "nlwp": cOther, "pgid": cOther, "pgrp": cOther, "sid": cOther,
	"tpgid": cOther, "cls": cOther, "rtprio": cOther, "fname": cOther,
}

// psLayout is the columns of one table.
type psLayout struct {
	cols   []psCol
	cmd    int  // the command column, -1 when there is none
	min    int  // the fewest fields a row can have
	sample bool // skewer sample rows: the command may be empty
}

// newLayout makes a layout; only the last command column takes the fields
// that are left, earlier ones are read as one field.
func newLayout(cols []psCol, sample bool) *psLayout {
	l := &psLayout{cols: cols, cmd: -1, min: len(cols), sample: sample}
	for i, c := range cols {
		if c == cCmd {
			if l.cmd >= 0 {
				cols[l.cmd] = cOther
			}
			l.cmd = i
		}
	}
	if sample {
		l.min--
	}
	return l
}

var sampleLayout = newLayout([]psCol{cPID, cPPID, cTicks, cMillis, cRSS, cCmd}, true)

const psColumnsExample = "e.g. --ps-columns pid,ppid,rss,etimes,times,args for ps -eo pid=,ppid=,rss=,etimes=,times=,args="

// columnsLayout reads --ps-columns.
func columnsLayout(names []string) (*psLayout, error) {
	var cols []psCol
	pid := false
	for _, entry := range names {
		for _, n := range strings.FieldsFunc(entry, func(r rune) bool { return r == ',' || r == ' ' }) {
			if i := strings.IndexAny(n, "=:"); i >= 0 {
				n = n[:i]
			}
			c, ok := psNames[strings.ToLower(n)]
			if !ok {
				return nil, fmt.Errorf("--ps-columns: unknown column %q: want ps -o names such as pid, ppid, rss, vsz, etimes, etime, times, time, pcpu, stime, lstart, psr, args", n)
			}
			pid = pid || c == cPID
			cols = append(cols, c)
		}
	}
	if !pid {
		return nil, fmt.Errorf("--ps-columns: no pid column (%s)", psColumnsExample)
	}
	return newLayout(cols, false), nil
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

	snaps   []Snapshot
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
	p.snap = Snapshot{Time: us, HasTime: has, Line: p.line, Source: p.name}
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
	p.snaps = append(p.snaps, p.snap)
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
				return fmt.Errorf("%s:%d: ps output without a header line: name its columns with --ps-columns (%s)", p.name, p.line, psColumnsExample)
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

// row reads a process row: the columns before the command left to right,
// those after it right to left, and the command is what is left between.
func (p *psParser) row(line []byte, lay *psLayout) (Proc, string) {
	toks := p.toks
	pr := Proc{PID: -1, PPID: -1, CPUMillis: -1, RSSKiB: -1, Start: -1}
	if len(toks) < lay.min {
		return pr, fmt.Sprintf("too few fields: got %d, want %d", len(toks), lay.min)
	}
	elapsed := int64(-1)
	end := len(lay.cols)
	if lay.cmd >= 0 {
		end = lay.cmd
	}
	i := 0
	for c := 0; c < end; c++ {
		n := 1
		if lay.cols[c] == cStart {
			n = startWidth(line, toks[i:], false)
		}
		if i+n > len(toks) {
			return pr, fmt.Sprintf("too few fields: got %d, want %d", len(toks), lay.min+n-1)
		}
		if r := p.value(&pr, &elapsed, lay.cols[c], line, toks[i:i+n]); r != "" {
			return pr, r
		}
		i += n
	}
	if lay.cmd < 0 {
		if i != len(toks) {
			return pr, fmt.Sprintf("too many fields: got %d, want %d", len(toks), i)
		}
	} else {
		j := len(toks)
		for c := len(lay.cols) - 1; c > lay.cmd; c-- {
			n := 1
			if lay.cols[c] == cStart {
				n = startWidth(line, toks[i:j], true)
			}
			if j-n < i {
				return pr, fmt.Sprintf("too few fields: got %d, want %d", len(toks), lay.min+n-1)
			}
			if r := p.value(&pr, &elapsed, lay.cols[c], line, toks[j-n:j]); r != "" {
				return pr, r
			}
			j -= n
		}
		if j > i {
			pr.Args = p.str(line[toks[i].lo:toks[j-1].hi])
		} else if !lay.sample {
			return pr, "no command"
		}
	}
	if p.cut && (lay.cmd != len(lay.cols)-1 || pr.Args == "") {
		return pr, "row cut at the end of the file"
	}
	if pr.Start < 0 && elapsed >= 0 && p.snap.HasTime {
		start := floorDiv(p.snap.Time-elapsed*1000+500000, 1e6)
		if start < 0 {
			return pr, "ELAPSED reaches before 1970"
		}
		pr.Start = p.steady(pr.PID, start)
	}
	return pr, ""
}

// value reads the fields of one column into pr.
func (p *psParser) value(pr *Proc, elapsed *int64, c psCol, line []byte, toks []span) string {
	if c == cOther {
		return ""
	}
	b := line[toks[0].lo:toks[len(toks)-1].hi]
	n, isNum := psNum(b)
	ok := true
	switch c {
	case cPID:
		pr.PID, ok = n, isNum && n > 0
	case cPPID:
		pr.PPID, ok = n, isNum
	case cRSS:
		pr.RSSKiB, ok = n, isNum
	case cMillis:
		pr.CPUMillis, ok = n, isNum
	case cTicks:
		pr.StartText, ok = p.str(b), isNum
	case cElapsed:
		*elapsed, ok = psMillis(b)
	case cCPU:
		pr.CPUMillis, ok = psMillis(b)
	case cStart:
		if len(toks) == 5 {
			var w [5][]byte
			for i, s := range toks {
				w[i] = line[s.lo:s.hi]
			}
			var us int64
			if us, ok = p.dateWords(w[:]); ok && us >= 0 {
				pr.Start = floorDiv(us, 1e6)
			} else {
				ok = false
			}
		}
		pr.StartText = p.str(p.joined(line, toks))
	}
	if !ok {
		return fmt.Sprintf("unreadable %s %q", psColNames[c], clip(b))
	}
	return ""
}

// steady keeps a PID's start from its elapsed time stable within a file:
// ps runs a fraction of a second after the timestamp line, so the computed
// start of one process moves by a second from snapshot to snapshot.
func (p *psParser) steady(pid, start int64) int64 {
	s, ok := p.starts[pid]
	if ok && start-s.last <= 1 && s.last-start <= 1 {
		s.last = start
		p.starts[pid] = s
		return s.first
	}
	p.starts[pid] = psStart{start, start}
	return start
}

// stamp reads the time of a timestamp line: RFC 3339 (also date -Is, and
// without a zone), @epoch seconds, or date output.
func (p *psParser) stamp(b []byte) (int64, bool) {
	switch {
	case len(b) == 0:
		return 0, false
	case b[0] == '@':
		return parseDecimal(b[1:])
	case len(b) >= 19 && b[4] == '-' && b[7] == '-':
		if us, _, ok := parseISO(b); ok {
			return us, true
		}
		if len(b) == 19 && (b[10] == 'T' || b[10] == ' ') && b[13] == ':' && b[16] == ':' {
			y, ok1 := digits(b[0:4])
			mo, ok2 := digits(b[5:7])
			d, ok3 := digits(b[8:10])
			h, mi, s, ok4 := clockHMS(b[11:19])
			if ok1 && ok2 && ok3 && ok4 {
				return p.civilIn(y, mo, d, h, mi, s, "")
			}
		}
	case len(b) > 3 && isWeekday(b[:3]):
		w := bytes.Fields(b)
		return p.dateWords(w)
	}
	return 0, false
}

// dateWords reads date output and ps lstart: a weekday, then month, day,
// HH:MM:SS and year, an optional AM/PM and an optional zone, in the orders
// locales print them ("Wed Nov 25 17:40:05 UTC 2026", "Wed 25 Nov 2026
// 05:40:05 PM CET", "Wed Nov 25 17:28:39 2026").
func (p *psParser) dateWords(w [][]byte) (int64, bool) {
	if len(w) < 5 || len(w) > 7 || !isWeekday(w[0]) {
		return 0, false
	}
	var mo, y, d, h, mi, s int64 = 0, -1, -1, -1, 0, 0
	var ampm, zone []byte
	for _, x := range w[1:] {
		switch {
		case mo == 0 && month(x) != 0:
			mo = month(x)
		case h < 0 && len(x) == 8:
			var ok bool
			if h, mi, s, ok = clockHMS(x); !ok {
				return 0, false
			}
		case y < 0 && len(x) == 4 && isDigits(x):
			y, _ = digits(x)
		case d < 0 && len(x) <= 2 && isDigits(x):
			d, _ = digits(x)
		case ampm == nil && (string(x) == "AM" || string(x) == "PM"):
			ampm = x
		case zone == nil && isZoneWord(x):
			zone = x
		default:
			return 0, false
		}
	}
	if mo == 0 || y < 0 || d < 0 || h < 0 {
		return 0, false
	}
	if ampm != nil {
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if ampm[0] == 'P' {
			h += 12
		}
	}
	switch z := string(zone); {
	case z == "":
		return p.civilIn(y, mo, d, h, mi, s, "")
	case z == "UTC" || z == "GMT" || z == "UT" || z == "Z":
		return civil(y, mo, d, h, mi, s, 0)
	case z[0] == '+' || z[0] == '-':
		if len(z) == 3 {
			z += "00"
		}
		off, ok := zoneOffset([]byte(z))
		if !ok {
			return 0, false
		}
		return civil(y, mo, d, h, mi, s, off)
	default:
		return p.civilIn(y, mo, d, h, mi, s, z)
	}
}

// civilIn converts a civil time in opt.Loc; abbr is the zone abbreviation
// printed with it, if any, checked against the one of opt.Loc.
func (p *psParser) civilIn(y, mo, d, h, mi, s int64, abbr string) (int64, bool) {
	if _, ok := civil(y, mo, d, h, mi, s, 0); !ok || y < 1 || y > 9999 {
		return 0, false
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), 0, p.loc)
	if abbr == "" {
		p.stats.ZoneGuessed = true
	} else if name, _ := t.Zone(); name != abbr && !p.zones[abbr] {
		p.zones[abbr] = true
		p.stats.Warnings = append(p.stats.Warnings, fmt.Sprintf("%s:%d: time zone %s is not the zone of --tz (%s): read in %s", p.name, p.line, abbr, p.loc, p.loc))
	}
	return t.UnixMicro(), true
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
	p.intern[s] = s
	return s
}

// joined returns the fields toks of line separated by single spaces
// ("Nov  5" is "Nov 5").
func (p *psParser) joined(line []byte, toks []span) []byte {
	if len(toks) == 1 {
		return line[toks[0].lo:toks[0].hi]
	}
	p.buf2 = p.buf2[:0]
	for i, s := range toks {
		if i > 0 {
			p.buf2 = append(p.buf2, ' ')
		}
		p.buf2 = append(p.buf2, line[s.lo:s.hi]...)
	}
	return p.buf2
}

// splitFields appends the spaces- or tab-separated fields of line to dst.
func splitFields(line []byte, dst []span) []span {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		lo := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		dst = append(dst, span{lo, i})
	}
	return dst
}

// isHeader tells a ps header line: a PID column, and no field that is a
// number (every row has its PID).
func isHeader(line []byte, toks []span) bool {
	pid := false
	for _, s := range toks {
		f := line[s.lo:s.hi]
		if isDigits(f) {
			return false
		}
		pid = pid || string(f) == "PID"
	}
	return pid
}

// looksLikeRow tells a ps row without a header: a number first (ps -eo
// pid=,...), or second after a user (ps -ef --no-headers).
func looksLikeRow(line []byte, toks []span) bool {
	return len(toks) > 0 && isDigits(line[toks[0].lo:toks[0].hi]) ||
		len(toks) > 2 && isDigits(line[toks[1].lo:toks[1].hi])
}

// startWidth returns how many of toks a start time takes: 5 for lstart
// ("Wed Nov 25 17:28:39 2026"), 2 for "Nov 24" (ps start, bsdstart), else 1;
// fromEnd reads toks from their end.
func startWidth(line []byte, toks []span, fromEnd bool) int {
	f := func(i int) []byte {
		if fromEnd {
			i = len(toks) - 1 - i
		}
		if i < 0 || i >= len(toks) {
			return nil
		}
		return line[toks[i].lo:toks[i].hi]
	}
	switch {
	case !fromEnd && isWeekday(f(0)) && len(toks) >= 5:
		return 5
	case fromEnd && isWeekday(f(4)) && len(f(0)) == 4 && isDigits(f(0)):
		return 5
	case !fromEnd && month(f(0)) != 0 && len(f(1)) <= 2 && isDigits(f(1)):
		return 2
	case fromEnd && month(f(1)) != 0 && len(f(0)) <= 2 && isDigits(f(0)):
		return 2
	}
	return 1
}

// psMillis reads a ps time in milliseconds: [DD-]HH:MM:SS (TIME, ELAPSED),
// MMM:SS (ps aux TIME, short ELAPSED) or plain seconds (times, etimes); a
// fraction of the seconds (BSD ps M:SS.ss) is kept.
func psMillis(b []byte) (int64, bool) {
	days, hasDays := int64(0), false
	if i := bytes.IndexByte(b, '-'); i >= 0 {
		d, ok := psNum(b[:i])
		if !ok || d > 1e5 {
			return 0, false
		}
		days, hasDays, b = d, true, b[i+1:]
	}
	var frac int64
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		f := b[i+1:]
		if len(f) == 0 || !isDigits(f) {
			return 0, false
		}
		for k := 0; k < 3; k++ {
			frac *= 10
			if k < len(f) {
				frac += int64(f[k] - '0')
			}
		}
		b = b[:i]
	}
	c := bytes.IndexByte(b, ':')
	if c < 0 {
		s, ok := psNum(b)
		if !ok || hasDays || s > 1e10 {
			return 0, false
		}
		return s*1000 + frac, true
	}
	sec, ok := psNum(b[:c])
	if !ok || sec > 1e8 {
		return 0, false
	}
	n := 1
	for rest := b[c+1:]; ; n++ {
		part := rest
		if c = bytes.IndexByte(rest, ':'); c >= 0 {
			part, rest = rest[:c], rest[c+1:]
		}
		v, ok := digits(part)
		if !ok || len(part) != 2 || v > 59 {
			return 0, false
		}
		sec = sec*60 + v
		if c < 0 {
			break
		}
	}
	// MM:SS or HH:MM:SS; days only before HH:MM:SS.
	if n > 2 || hasDays && n != 2 {
		return 0, false
	}
	sec += days * 86400
	return sec*1000 + frac, true
}

// psNum reads a decimal number of at most 15 digits.
func psNum(b []byte) (int64, bool) {
	if len(b) > 15 {
		return 0, false
	}
	return digits(b)
}

// clockHMS reads HH:MM:SS.
func clockHMS(b []byte) (h, mi, s int64, ok bool) {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := digits(b[0:2])
	mi, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	return h, mi, s, ok1 && ok2 && ok3 && h < 24 && mi < 60 && s <= 60
}

func isDigits(b []byte) bool {
	_, ok := digits(b)
	return ok
}

func isWeekday(b []byte) bool {
	switch string(b) {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// isZoneWord tells a zone as date prints it: an abbreviation (CET), or an
// offset (+0100, +01:00, +01).
func isZoneWord(b []byte) bool {
	if len(b) == 0 || len(b) > 6 {
		return false
	}
	if b[0] == '+' || b[0] == '-' {
		_, ok := zoneOffset(b)
		return ok || len(b) == 3 && isDigits(b[1:])
	}
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// clip shortens a value quoted in a message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
