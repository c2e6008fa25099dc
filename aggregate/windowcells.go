package aggregate

import (
	"encoding/json"
	"slices"
	"sort"
)

// windowTable is what the windows of a report share: every worker, its
// alive interval and its CPU seconds per window. A window's live workers
// that served nothing are implied by it, so a day of 1 s windows over 200
// workers keeps the requests served, not 17 million zeros.
type windowTable struct {
	keys      []string // WorkerKey.String(), in population order
	index     map[string]int
	alive     []Alive
	timed     []bool
	cpu       [][]float64 // per worker, per window; nil without CPU
	durations bool
	// cpuWorkers are the workers with CPU per window, hosts their ranges
	// in the table.
	cpuWorkers []int
	hosts      []tableHost
}

// tableHost is one host's workers in a windowTable, [lo, hi).
type tableHost struct {
	name   string
	lo, hi int
	lives  *lifeIndex // of the host's workers, indexed from lo
}

// span is the workers of host h in the table, or all of them for h < 0.
func (t *windowTable) span(h int) (lo, hi int) {
	if h < 0 {
		return 0, len(t.keys)
	}
	return t.hosts[h].lo, t.hosts[h].hi
}

// liveIn is how many workers of host h (all for h < 0) are untimed or
// alive for some part of [start, end).
func (t *windowTable) liveIn(h int, start, end int64) int {
	if h >= 0 {
		return t.hosts[h].lives.liveIn(start, end)
	}
	n := 0
	for i := range t.hosts {
		n += t.hosts[i].lives.liveIn(start, end)
	}
	return n
}

// lifeIndex counts the workers of a host live in a stretch of time
// without visiting them: their alive intervals sorted by start and by end.
type lifeIndex struct {
	untimed  int     // live in every window
	from, to []int64 // of the timed workers whose From <= To, sorted
	odd      []Alive // of timed workers whose From > To
}

func newLifeIndex(workers []popWorker) *lifeIndex {
	x := &lifeIndex{}
	for _, pw := range workers {
		switch {
		case !pw.timed:
			x.untimed++
		case pw.alive.From > pw.alive.To:
			x.odd = append(x.odd, pw.alive)
		default:
			x.from = append(x.from, pw.alive.From)
			x.to = append(x.to, pw.alive.To)
		}
	}
	slices.Sort(x.from)
	slices.Sort(x.to)
	return x
}

// liveIn is how many of the workers are untimed or alive for some part of
// [start, end): those whose From < end, less those whose To < start
// (their From is before end too).
func (x *lifeIndex) liveIn(start, end int64) int {
	n := x.untimed
	n += sort.Search(len(x.from), func(i int) bool { return x.from[i] >= end })
	n -= sort.Search(len(x.to), func(i int) bool { return x.to[i] >= start })
	for _, a := range x.odd {
		if a.covers(start, end) {
			n++
		}
	}
	return n
}

// windowCells are one window's workers that served in it.
type windowCells struct {
	t          *windowTable
	index      int   // of the window, from the first
	start, end int64 // µs
	served     []servedCell
	host       int // the host of HostWindows, -1 for every host
}

// servedCell is what one worker (an index in the table) served.
type servedCell struct {
	worker   int
	requests int64
	micros   int64
}

// Counts returns the window's requests, request seconds and CPU seconds per
// live worker: every worker alive for any part of the window or serving in
// it, zeros included. Request seconds are empty without request times, CPU
// seconds have the workers the snapshots measured. The maps are made anew
// for a window of Finish: take them once per window.
func (w Window) Counts() (requests map[string]int64, seconds, cpu map[string]float64) {
	c := w.cells
	if c == nil {
		return w.Requests, w.RequestSeconds, w.CPUSeconds
	}
	requests, seconds, cpu = map[string]int64{}, map[string]float64{}, map[string]float64{}
	t := c.t
	s := 0
	lo, hi := t.span(c.host)
	for j := lo; j < hi; j++ {
		key := t.keys[j]
		var cell servedCell
		if s < len(c.served) && c.served[s].worker == j {
			cell = c.served[s]
			s++
		} else if t.timed[j] && !t.alive[j].covers(c.start, c.end) {
			continue
		}
		requests[key] = cell.requests
		if t.durations {
			seconds[key] = float64(cell.micros) / 1e6
		}
		if per := t.cpu[j]; per != nil {
			cpu[key] = per[c.index]
		}
	}
	return requests, seconds, cpu
}

// RequestsOf returns what key served in the window, and whether key was
// live in it.
func (w Window) RequestsOf(key string) (int64, bool) {
	c := w.cells
	if c == nil {
		n, ok := w.Requests[key]
		return n, ok
	}
	j, ok := c.t.index[key]
	if !ok || !c.has(j) {
		return 0, false
	}
	i := sort.Search(len(c.served), func(i int) bool { return c.served[i].worker >= j })
	if i < len(c.served) && c.served[i].worker == j {
		return c.served[i].requests, true
	}
	return 0, !c.t.timed[j] || c.t.alive[j].covers(c.start, c.end)
}

// MarshalJSON writes the window with every live worker in its maps, as the
// schema has it, made for this window only.
func (w Window) MarshalJSON() ([]byte, error) {
	type plain Window // without this method
	p := plain(w)
	p.Requests, p.RequestSeconds, p.CPUSeconds = w.Counts()
	p.cells = nil
	return json.Marshal(p)
}

// newWindowTable lays out the workers of the populations in host, then key
// order, with their CPU per window of width from window lo (n windows).
func newWindowTable(pop *Populations, pr *Procs, lo, n, width int64) *windowTable {
	t := &windowTable{durations: pop.durations, index: map[string]int{}}
	var cpu map[string][]float64
	if pr != nil {
		cpu = map[string][]float64{}
		for k, w := range pr.Workers {
			// A worker whose CPU is known but did not grow used 0 s in
			// each window: idle, not unknown.
			if len(w.cpu) == 0 && w.CPUMillis < 0 {
				continue
			}
			per := make([]float64, n)
			for _, c := range w.cpu {
				spread(per, c, lo, width)
			}
			cpu[k] = per
		}
	}
	for _, hp := range pop.hosts {
		th := tableHost{name: hp.host, lo: len(t.keys), lives: hp.lives}
		for _, pw := range hp.workers {
			t.index[pw.key.String()] = len(t.keys)
			t.keys = append(t.keys, pw.key.String())
			t.alive = append(t.alive, pw.alive)
			t.timed = append(t.timed, pw.timed)
			var per []float64
			if pw.key.Host == "" {
				per = cpu[pw.key.Key]
			}
			if per != nil {
				t.cpuWorkers = append(t.cpuWorkers, len(t.keys)-1)
			}
			t.cpu = append(t.cpu, per)
		}
		th.hi = len(t.keys)
		t.hosts = append(t.hosts, th)
	}
	return t
}
