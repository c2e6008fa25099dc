package parse

import (
	"bytes"
	"fmt"
	"strings"
)

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
	cPctC                 // C (ps -f): lifetime %CPU in whole percent, at most 99
	cPct                  // %CPU, pcpu: lifetime %CPU to a tenth
)

var psColNames = [...]string{cOther: "column", cPID: "PID", cPPID: "PPID", cRSS: "RSS", cElapsed: "ELAPSED",
	cCPU: "TIME", cStart: "start time", cCmd: "command", cTicks: "start_ticks", cMillis: "cpu_ms",
	cPctC: "C", cPct: "%CPU"}

// psHeaders maps ps header words to columns; other words are cOther.
var psHeaders = map[string]psCol{
	"PID": cPID, "TGID": cPID, "PPID": cPPID, "RSS": cRSS, "RSZ": cRSS,
	"ELAPSED": cElapsed, "TIME": cCPU, "STIME": cStart, "START": cStart, "STARTED": cStart,
	"CMD": cCmd, "COMMAND": cCmd, "ARGS": cCmd, "C": cPctC, "%CPU": cPct,
}

// psNames maps the ps -o names that --ps-columns accepts to columns.
var psNames = map[string]psCol{
	"pid": cPID, "tgid": cPID, "ppid": cPPID, "rss": cRSS, "rssize": cRSS, "rsz": cRSS,
	"etime": cElapsed, "etimes": cElapsed,
	"time": cCPU, "times": cCPU, "cputime": cCPU, "cputimes": cCPU, "bsdtime": cCPU,
	"stime": cStart, "start_time": cStart, "start": cStart, "lstart": cStart, "bsdstart": cStart,
	"args": cCmd, "cmd": cCmd, "command": cCmd, "comm": cCmd, "ucmd": cCmd, "ucomm": cCmd,
	"vsz": cOther, "vsize": cOther, "sz": cOther, "size": cOther, "pcpu": cPct, "%cpu": cPct,
	"c": cPctC, "pmem": cOther, "%mem": cOther, "psr": cOther, "user": cOther, "euser": cOther,
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
				return nil, &ColumnsError{Unknown: n}
			}
			pid = pid || c == cPID
			cols = append(cols, c)
		}
	}
	if !pid {
		return nil, &ColumnsError{}
	}
	return newLayout(cols, false), nil
}

// row reads a process row: the columns before the command left to right,
// those after it right to left, and the command is what is left between.
func (p *psParser) row(line []byte, lay *psLayout) (Proc, string) {
	toks := p.toks
	pr := Proc{PID: -1, PPID: -1, CPUMillis: -1, RSSKiB: -1, Start: -1, BornFrom: -1, BornTo: -1, PctTenths: -1}
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
	p.born(&pr)
	return pr, ""
}

// born bounds the process's start: to the second from its start (lstart,
// or ELAPSED and the snapshot's time), else from STIME and the snapshot's
// time.
func (p *psParser) born(pr *Proc) {
	switch {
	case pr.Start >= 0:
		pr.BornFrom, pr.BornTo = pr.Start*1e6, (pr.Start+1)*1e6
	case pr.StartText != "" && p.snap.HasTime && p.lay != sampleLayout:
		if from, to, ok := p.stimeBorn([]byte(pr.StartText), p.snap.Time); ok {
			pr.BornFrom, pr.BornTo = from, to
		}
	}
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
		pr.CPUMillis, pr.CPUStepMillis, ok = n, 10, isNum
	case cPctC:
		pr.PctTenths, pr.PctStep, pr.PctCapped, ok = n*10, 10, n >= 99, isNum
	case cPct:
		var ms int64
		// psMillis reads "6.5" as 6500: tenths of a percent are ms/100.
		ms, ok = psMillis(b)
		ok = ok && bytes.IndexByte(b, ':') < 0
		pr.PctTenths, pr.PctStep = ms/100, 1
	case cTicks:
		pr.StartText, ok = p.str(b), isNum
	case cElapsed:
		*elapsed, ok = psMillis(b)
	case cCPU:
		pr.CPUMillis, ok = psMillis(b)
		pr.CPUStepMillis = 1000
		if bytes.IndexByte(b, '.') >= 0 {
			pr.CPUStepMillis = 10
		}
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

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
