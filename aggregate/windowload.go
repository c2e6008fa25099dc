package aggregate

import (
	"slices"
	"sort"
)

// Load is what one or more consecutive windows of a report hold, summed per
// worker, without the zeros: the live workers that served in them or whose
// CPU the snapshots measured, and how many other workers were live. Counts
// makes a map entry for every live worker of a window; a run of 100,000
// keys over an hour has 100,000 in each, while only a few hundred serve in
// any one window. A Load costs what was served.
type Load struct {
	// Keys are the workers listed, in key order (KeyLess). Requests,
	// Seconds (request seconds, 0 without request times) and CPU (seconds,
	// where CPUKnown) are theirs, summed window by window in time order.
	Keys     []string
	Requests []int64
	Seconds  []float64
	CPU      []float64
	CPUKnown []bool
	// Quiet is how many other workers were live in the windows: they
	// served nothing and their CPU is unknown.
	Quiet int

	cells []*windowCells // of the windows, when they share a table
}

// LoadOf is the load of ws, consecutive windows of one report (or one
// host's parts of them, from HostWindows).
func LoadOf(ws []Window) Load {
	if cs := sharedCells(ws); cs != nil {
		return cellsLoad(cs)
	}
	return plainLoad(ws)
}

// sharedCells are the cells of ws when every window has cells of the same
// table and host; nil otherwise.
func sharedCells(ws []Window) []*windowCells {
	if len(ws) == 0 {
		return nil
	}
	out := make([]*windowCells, 0, len(ws))
	for _, w := range ws {
		c := w.cells
		if c == nil || c.t != ws[0].cells.t || c.host != ws[0].cells.host {
			return nil
		}
		out = append(out, c)
	}
	return out
}

// loadEntry is one listed worker of a load being summed.
type loadEntry struct {
	worker   int
	requests int64
	seconds  float64
	cpu      float64
	cpuKnown bool
}

// cellsLoad sums the windows' served cells, and the CPU of the live
// workers whose CPU is known, and counts the other live workers from the
// alive intervals without visiting them.
func cellsLoad(cs []*windowCells) Load {
	t := cs[0].t
	at := map[int]int{} // worker -> index in entries
	var entries []loadEntry
	entry := func(j int) *loadEntry {
		i, ok := at[j]
		if !ok {
			i = len(entries)
			at[j] = i
			entries = append(entries, loadEntry{worker: j})
		}
		return &entries[i]
	}
	for _, c := range cs {
		for _, s := range c.served {
			e := entry(s.worker)
			e.requests += s.requests
			if t.durations {
				e.seconds += float64(s.micros) / 1e6
			}
		}
		for _, j := range t.cpuWorkers {
			if c.has(j) && c.live(j) {
				e := entry(j)
				e.cpu += t.cpu[j][c.index]
				e.cpuKnown = true
			}
		}
	}
	first, last := cs[0], cs[len(cs)-1]
	live := t.liveIn(first.host, first.start, last.end)
	for _, e := range entries {
		if t.timed(e.worker) && !t.alive(e.worker).covers(first.start, last.end) {
			live++ // served outside its alive interval: live all the same
		}
	}
	l := Load{Quiet: live - len(entries), cells: cs}
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = t.key(e.worker)
	}
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareKeys(keys[a], keys[b]) })
	for _, i := range order {
		e := entries[i]
		l.Keys = append(l.Keys, keys[i])
		l.Requests = append(l.Requests, e.requests)
		l.Seconds = append(l.Seconds, e.seconds)
		l.CPU = append(l.CPU, e.cpu)
		l.CPUKnown = append(l.CPUKnown, e.cpuKnown)
	}
	return l
}

// plainLoad lists every live worker of windows that carry their maps (read
// back from JSON, or made by hand).
func plainLoad(ws []Window) Load {
	var keys []string
	requests, seconds, cpu := map[string]int64{}, map[string]float64{}, map[string]float64{}
	for _, w := range ws {
		req, secs, cs := w.Counts()
		for k, n := range req {
			if _, ok := requests[k]; !ok {
				keys = append(keys, k)
			}
			requests[k] += n
		}
		for k, v := range secs {
			seconds[k] += v
		}
		for k, v := range cs {
			cpu[k] += v
		}
	}
	slices.SortFunc(keys, compareKeys)
	var l Load
	for _, k := range keys {
		c, ok := cpu[k]
		l.Keys = append(l.Keys, k)
		l.Requests = append(l.Requests, requests[k])
		l.Seconds = append(l.Seconds, seconds[k])
		l.CPU = append(l.CPU, c)
		l.CPUKnown = append(l.CPUKnown, ok)
	}
	return l
}

// FirstQuiet is the first of the load's quiet workers in key order; ""
// when it has none. It visits every worker of the windows' table, so it
// is for the few windows that name one.
func (l Load) FirstQuiet() string {
	if l.Quiet == 0 || len(l.cells) == 0 {
		return ""
	}
	cs := l.cells
	t := cs[0].t
	listed := make(map[string]bool, len(l.Keys))
	for _, k := range l.Keys {
		listed[k] = true
	}
	first, last := cs[0], cs[len(cs)-1]
	lo, hi := t.span(first.host)
	q := ""
	for j := lo; j < hi; j++ {
		if t.timed(j) && !t.alive(j).covers(first.start, last.end) {
			continue
		}
		k := t.key(j)
		if listed[k] {
			continue
		}
		if q == "" || keyLess(k, q) {
			q = k
		}
	}
	return q
}

// compareKeys orders keys as KeyLess does, for slices.SortFunc.
func compareKeys(a, b string) int {
	switch {
	case keyLess(a, b):
		return -1
	case keyLess(b, a):
		return 1
	}
	return 0
}

// has says whether worker j of the table is in the cells' host.
func (c *windowCells) has(j int) bool {
	lo, hi := c.t.span(c.host)
	return j >= lo && j < hi
}

// live says whether worker j served in the window or was alive in it.
func (c *windowCells) live(j int) bool {
	t := c.t
	if !t.timed(j) || t.alive(j).covers(c.start, c.end) {
		return true
	}
	i := sort.Search(len(c.served), func(i int) bool { return c.served[i].worker >= j })
	return i < len(c.served) && c.served[i].worker == j
}
