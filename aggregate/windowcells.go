package aggregate

import (
	"encoding/json"
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
}

// windowCells are one window's workers that served in it.
type windowCells struct {
	t          *windowTable
	index      int   // of the window, from the first
	start, end int64 // µs
	served     []servedCell
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
	for j, key := range t.keys {
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
	if !ok {
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
		for _, pw := range hp.workers {
			t.index[pw.key.String()] = len(t.keys)
			t.keys = append(t.keys, pw.key.String())
			t.alive = append(t.alive, pw.alive)
			t.timed = append(t.timed, pw.timed)
			var per []float64
			if pw.key.Host == "" {
				per = cpu[pw.key.Key]
			}
			t.cpu = append(t.cpu, per)
		}
	}
	return t
}
