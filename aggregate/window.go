package aggregate

import (
	"fmt"
	"math"
	"time"
)

// WindowSizes are the nested round window sizes the automatic size is
// picked from; each divides the next, so counts re-bin exactly.
var WindowSizes = []time.Duration{
	time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// MaxWindows is the most windows a run may have.
const MaxWindows = 100000

// autoTarget is about how many windows the automatic size gives; while
// reading, counts are kept at up to twice as many.
const autoTarget = 60

// winCell is one worker's counts in one window.
type winCell struct {
	requests int64
	durSum   int64    // µs
	lat      *cellLat // request times of a few paths (latency.go), or nil
}

// winSet is one worker's windows, keyed by window index (time / width). The
// last cell is cached: lines arrive mostly in time order. A worker of one
// window (most keys of a log of very many) has no map: its cell is last, at
// lastIdx. So last, when set, is always a cell of the set.
type winSet struct {
	cells   map[int64]*winCell
	lastIdx int64
	last    *winCell
}

func (s *winSet) add(idx, dur int64, path []byte) {
	c := s.last
	if c == nil || idx != s.lastIdx {
		c = s.cell(idx)
	}
	c.requests++
	if dur > 0 {
		c.durSum = addMicros(c.durSum, dur)
	}
	if dur >= 0 && len(path) > 0 {
		c.addLat(pathHash(path), path, dur)
	}
}

// cell returns the cell of window idx, made empty if there is none, and
// caches it as last.
func (s *winSet) cell(idx int64) *winCell {
	if s.cells == nil && s.last == nil {
		s.lastIdx, s.last = idx, &winCell{}
		return s.last
	}
	if s.cells == nil {
		if idx == s.lastIdx {
			return s.last
		}
		s.cells = map[int64]*winCell{s.lastIdx: s.last}
	}
	c := s.cells[idx]
	if c == nil {
		c = &winCell{}
		s.cells[idx] = c
	}
	s.lastIdx, s.last = idx, c
	return c
}

// winCells are the cells of a winSet without its cache, so that they do not
// depend on the order lines came in: a map, or one cell at idx, or none.
type winCells struct {
	m   map[int64]*winCell
	idx int64
	one *winCell
}

// view returns the set's cells.
func (s *winSet) view() winCells {
	if s.cells == nil {
		return winCells{idx: s.lastIdx, one: s.last}
	}
	return winCells{m: s.cells}
}

// each calls fn with every cell, in no order.
func (s *winSet) each(fn func(idx int64, c *winCell)) {
	s.view().each(fn)
}

// each calls fn with every cell, in no order.
func (cs winCells) each(fn func(idx int64, c *winCell)) {
	if cs.one != nil {
		fn(cs.idx, cs.one)
	}
	for idx, c := range cs.m {
		fn(idx, c)
	}
}

// len is how many windows the worker served in.
func (cs winCells) len() int {
	if cs.one != nil {
		return 1
	}
	return len(cs.m)
}

// rebin moves the cells from width old to the coarser width neu.
func (s *winSet) rebin(old, neu int64) {
	if s.cells == nil {
		s.lastIdx = floorDiv(s.lastIdx*old, neu)
		return
	}
	cells := make(map[int64]*winCell, len(s.cells))
	for idx, c := range s.cells {
		n := floorDiv(idx*old, neu)
		d := cells[n]
		if d == nil {
			cells[n] = c
			continue
		}
		d.add(c)
	}
	s.cells, s.last = cells, nil
}

func (s *winSet) merge(o *winSet) {
	o.each(func(idx int64, c *winCell) {
		if s.last == nil && s.cells == nil {
			s.lastIdx, s.last = idx, c
			return
		}
		s.cell(idx).add(c)
	})
}

// add adds what c counts to d.
func (d *winCell) add(c *winCell) {
	d.requests += c.requests
	d.durSum = addMicros(d.durSum, c.durSum)
	if c.lat != nil {
		d.lat = mergeLat(d.lat, c.lat)
	}
}

// addMicros adds two non-negative sums of microseconds, stopping at the
// largest int64 (292,000 years) instead of wrapping to a negative sum.
func addMicros(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// windowing is a partial's window state.
type windowing struct {
	on      bool
	publish bool // windows[] wanted (--window, timeline, --each-window)
	auto    bool
	width   int64 // µs
	lo, hi  int64 // window indexes seen
	seen    bool
	tooMany bool
	// cur is the window of the last line accounted, from..to (µs, to
	// excluded; from == to: none). Lines come mostly in time order, so most
	// fall in it and need no division.
	cur, from, to int64
}

// SetWindows asks for the report's windows[]: width is the window size, or 0
// for the automatic size (about 60 windows over the span, re-binned to a
// coarser size while reading as the span grows). Call before Add. Without
// it, requests are still accounted per window of the automatic size, for
// the report's Populations.
func (p *Partial) SetWindows(width time.Duration) {
	p.win = windowing{on: true, publish: true, auto: width == 0, width: int64(width / time.Microsecond)}
	if p.win.auto {
		p.win.width = int64(WindowSizes[0] / time.Microsecond)
	}
}

// addWindow accounts a timed record in its window.
func (p *Partial) addWindow(w *workerAcc, t, dur int64, path []byte) {
	if t >= p.win.from && t < p.win.to {
		w.win.add(p.win.cur, dur, path)
		return
	}
	idx := floorDiv(t, p.win.width)
	if !p.win.seen {
		p.win.lo, p.win.hi, p.win.seen = idx, idx, true
	} else if idx < p.win.lo || idx > p.win.hi {
		lo, hi := min(p.win.lo, idx), max(p.win.hi, idx)
		if hi-lo >= MaxWindows && !p.win.auto {
			p.win.tooMany = true
			return
		}
		p.win.lo, p.win.hi = lo, hi
	}
	w.win.add(idx, dur, path)
	if p.win.auto && p.win.hi-p.win.lo+1 > 2*autoTarget {
		p.coarsen(nextSize(p.win.width, p.win.lo, p.win.hi, 2*autoTarget))
		return
	}
	// Checked, not assumed: the bounds of a window at the edge of the
	// int64 range would wrap.
	if from := idx * p.win.width; from <= t && t-from < p.win.width {
		p.win.cur, p.win.from, p.win.to = idx, from, from+p.win.width
	}
}

// nextSize is the smallest window size, at least width, that covers the
// windows lo..hi (of width) in at most limit windows.
func nextSize(width, lo, hi, limit int64) int64 {
	for _, s := range WindowSizes {
		size := int64(s / time.Microsecond)
		if size < width {
			continue
		}
		if floorDiv(hi*width, size)-floorDiv(lo*width, size)+1 <= limit {
			return size
		}
	}
	return int64(WindowSizes[len(WindowSizes)-1] / time.Microsecond)
}

// coarsen re-bins every worker's windows to the larger width neu.
func (p *Partial) coarsen(neu int64) {
	old := p.win.width
	if neu <= old {
		return
	}
	for _, w := range p.workers {
		w.win.rebin(old, neu)
	}
	p.seq.rebin(old, neu)
	p.win.lo, p.win.hi = floorDiv(p.win.lo*old, neu), floorDiv(p.win.hi*old, neu)
	p.win.width = neu
	p.win.from, p.win.to = 0, 0
}

// mergeWindows brings p and q to one width and adds q's windows to p's.
func (p *Partial) mergeWindows(q *Partial) {
	if !q.win.on {
		return
	}
	if !p.win.on {
		p.win = q.win
		return
	}
	w := max(p.win.width, q.win.width)
	p.coarsen(w)
	q.coarsen(w)
	p.win.publish = p.win.publish || q.win.publish
	p.win.tooMany = p.win.tooMany || q.win.tooMany
	if q.win.seen {
		if !p.win.seen {
			p.win.lo, p.win.hi, p.win.seen = q.win.lo, q.win.hi, true
		} else {
			p.win.lo, p.win.hi = min(p.win.lo, q.win.lo), max(p.win.hi, q.win.hi)
		}
	}
}

// CheckWindows reports a window size that would make more than MaxWindows
// windows over the span, naming the smallest size allowed.
//
// A span over MaxSpan, in any mode, is a *SpanTooLongError: its windows
// would overflow a time.Duration or number more than MaxWindows.
func (p *Partial) CheckWindows() error {
	if p.Timed && (p.Last-p.First > MaxSpan || p.Last-p.First < 0) {
		return &SpanTooLongError{First: time.UnixMicro(p.First).UTC(), Last: time.UnixMicro(p.Last).UTC()}
	}
	if !p.win.publish || p.win.auto || !p.Timed {
		return nil
	}
	span := p.Last - p.First
	n := span/p.win.width + 1
	if !p.win.tooMany && n <= MaxWindows {
		return nil
	}
	// Rounded up, never to the nearest (that can name the refused size),
	// and checked against the windows' alignment to UTC, which can add one.
	smallest := roundUpSize(time.Duration(span/MaxWindows+1) * time.Microsecond)
	for windowCount(p.First, p.Last, int64(smallest/time.Microsecond)) > MaxWindows {
		smallest = roundUpSize(smallest + time.Second)
	}
	return &TooManyWindowsError{
		Width:    time.Duration(p.win.width * int64(time.Microsecond)),
		Span:     time.Duration(span * int64(time.Microsecond)).Round(time.Second),
		Smallest: smallest,
	}
}

// MaxSpan is the longest span of a run in µs: MaxWindows windows of the
// largest window size, about 274 years, which a time.Duration holds.
const MaxSpan = MaxWindows * 86_400_000_000

// SpanTooLongError is a run whose lines span more than MaxSpan.
type SpanTooLongError struct {
	First, Last time.Time
}

func (e *SpanTooLongError) Error() string {
	return fmt.Sprintf("the lines span %s to %s, more than %d days (%d windows of a day)",
		e.First.Format(time.RFC3339), e.Last.Format(time.RFC3339), MaxWindows, MaxWindows)
}

// TooManyWindowsError is a window size that would make more than
// MaxWindows windows over the span of a run.
type TooManyWindowsError struct {
	Width    time.Duration // the size asked for
	Span     time.Duration // the span of the run, to the second
	Smallest time.Duration // the smallest size allowed
}

func (e *TooManyWindowsError) Error() string {
	return fmt.Sprintf("window size %s makes more than %d windows over the span of %s: the smallest size allowed is %s",
		e.Width, MaxWindows, e.Span, e.Smallest)
}

// windowCount is how many windows of width µs cover first..last (unix µs).
func windowCount(first, last, width int64) int64 {
	return floorDiv(last, width) - floorDiv(first, width) + 1
}

// roundUpSize rounds d up to a whole number of its largest unit.
func roundUpSize(d time.Duration) time.Duration {
	for _, u := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if d >= u {
			return (d + u - 1) / u * u
		}
	}
	return time.Second
}

// finalWidth is the window width of the report: the fixed size, or the
// smallest nested size, no finer than what was kept while reading, that
// gives about 60 windows.
func (p *Partial) finalWidth() int64 {
	if !p.win.auto {
		return p.win.width
	}
	return nextSize(p.win.width, p.win.lo, p.win.hi, autoTarget*3/2)
}

// buildWindows turns the populations into the report's windows of width,
// from the first to the last window with traffic (or CPU), empty windows
// included. Skew is computed over the workers alive in each window, padded
// with idle slots to --workers per host; with several hosts, the window's
// skew is over every host's population and HostSkew has each host's. A
// window keeps the workers that served in it (see Window.Counts).
func buildWindows(pop *Populations, pr *Procs, width int64) []Window {
	if !pop.seen || width <= 0 {
		return []Window{}
	}
	lo := floorDiv(pop.from, width)
	n := floorDiv(pop.to, width) - lo + 1
	if n > MaxWindows {
		return []Window{}
	}
	t := newWindowTable(pop, pr, lo, n, width)
	first := make([]int, len(pop.hosts)) // each host's first worker in t
	for h := 1; h < len(pop.hosts); h++ {
		first[h] = first[h-1] + len(pop.hosts[h-1].workers)
	}
	hosts := len(pop.hosts)
	out := make([]Window, 0, n)
	var xs, vs []float64
	var zeros, vz int
	var win *Window
	err := pop.eachWindow(width, func(v *windowVisit) {
		if v.host == 0 {
			out = append(out, Window{
				Start: StampMicros(v.start, false),
				End:   StampMicros(v.end, false),
				cells: &windowCells{t: t, index: int(v.index), start: v.start, end: v.end, host: -1},
			})
			win = &out[len(out)-1]
			xs, zeros = xs[:0], 0
		}
		for _, s := range v.served {
			win.cells.served = append(win.cells.served, servedCell{worker: first[v.host] + s.worker, requests: s.cell.requests, micros: s.cell.durSum, lat: s.cell.lat})
		}
		vs, vz = v.values(vs)
		xs, zeros = append(xs, vs...), zeros+vz
		win.IdleSlots += v.idle
		if hosts > 1 {
			win.HostSkew = append(win.HostSkew, HostSkew{Host: pop.hosts[v.host].host, IdleSlots: v.idle, Skew: sparseSkew(vs, vz)})
		}
		if v.host == hosts-1 {
			win.Skew = sparseSkew(xs, zeros)
		}
	})
	if err != nil {
		return []Window{}
	}
	return out
}

// spread adds the CPU seconds of c to the windows it overlaps, in
// proportion to the overlap.
func spread(per []float64, c cpuSpan, lo, width int64) {
	secs := float64(c.millis) / 1e3
	if c.to <= c.from {
		i := floorDiv(c.from, width) - lo
		if i >= 0 && i < int64(len(per)) {
			per[i] += secs
		}
		return
	}
	total := float64(c.to - c.from)
	for idx := floorDiv(c.from, width); idx*width < c.to; idx++ {
		a, b := max(c.from, idx*width), min(c.to, (idx+1)*width)
		i := idx - lo
		if b > a && i >= 0 && i < int64(len(per)) {
			per[i] += secs * float64(b-a) / total
		}
	}
}
