package aggregate

import (
	"encoding/json"
	"slices"
	"sort"
	"sync"
)

// windowTable is what the windows of a report share: every worker (in the
// populations, which own them) and its CPU seconds per window. A window's
// live workers that served nothing are implied by their alive intervals,
// so a day of 1 s windows over 200 workers keeps the requests served, not
// 17 million zeros; and the table holds a pointer per worker, so that 2 M
// keys cost 16 MB here, not a copy of every key and interval.
type windowTable struct {
	workers   []*popWorker      // in population order: by host, then key
	cpu       map[int][]float64 // per worker with CPU, per window
	durations bool
	// cpuWorkers are the workers with CPU per window, in order; hosts
	// their ranges in the table.
	cpuWorkers []int
	hosts      []tableHost

	indexOnce sync.Once
	index     map[string]int // by WorkerKey.String(), for RequestsOf
}

// key is worker j's WorkerKey.String().
func (t *windowTable) key(j int) string { return t.workers[j].key.String() }

// timed and alive are worker j's alive interval, and whether it is known.
func (t *windowTable) timed(j int) bool  { return t.workers[j].timed }
func (t *windowTable) alive(j int) Alive { return t.workers[j].alive }

// indexOf is the worker whose WorkerKey.String() is key; the index is made
// on the first call.
func (t *windowTable) indexOf(key string) (int, bool) {
	t.indexOnce.Do(func() {
		t.index = make(map[string]int, len(t.workers))
		for j := range t.workers {
			t.index[t.key(j)] = j
		}
	})
	j, ok := t.index[key]
	return j, ok
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
		return 0, len(t.workers)
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
	lat      *cellLat
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
		key := t.key(j)
		var cell servedCell
		if s < len(c.served) && c.served[s].worker == j {
			cell = c.served[s]
			s++
		} else if t.timed(j) && !t.alive(j).covers(c.start, c.end) {
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
	j, ok := c.t.indexOf(key)
	if !ok || !c.has(j) {
		return 0, false
	}
	i := sort.Search(len(c.served), func(i int) bool { return c.served[i].worker >= j })
	if i < len(c.served) && c.served[i].worker == j {
		return c.served[i].requests, true
	}
	return 0, !c.t.timed(j) || c.t.alive(j).covers(c.start, c.end)
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
	t := &windowTable{durations: pop.durations, cpu: map[int][]float64{}}
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
	size := 0
	for _, hp := range pop.hosts {
		size += len(hp.workers)
	}
	t.workers = make([]*popWorker, 0, size)
	for h := range pop.hosts {
		hp := &pop.hosts[h]
		th := tableHost{name: hp.host, lo: len(t.workers), lives: hp.lives}
		for i := range hp.workers {
			pw := &hp.workers[i]
			if per := cpu[pw.key.Key]; per != nil && pw.key.Host == "" {
				t.cpu[len(t.workers)] = per
				t.cpuWorkers = append(t.cpuWorkers, len(t.workers))
			}
			t.workers = append(t.workers, pw)
		}
		th.hi = len(t.workers)
		t.hosts = append(t.hosts, th)
	}
	return t
}
