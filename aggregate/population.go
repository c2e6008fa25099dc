package aggregate

import (
	"fmt"
	"sort"
	"time"
)

// Populations is who was alive when, per host, and what each worker served
// per window: the one base of every per-window figure (windows[].skew,
// check --each-window, the timeline's skew chart and CSV, and any summary
// of the windows). Finish builds it whether or not --window was given.
type Populations struct {
	// Configured is --workers: the slots of each host, 0 when not given.
	Configured int
	hosts      []hostPopulation
	width      int64 // the accounted window width, µs
	auto       int64 // the automatic (or --window) width, µs
	from, to   int64 // the time with traffic or CPU, unix µs
	seen       bool
	durations  bool
	notes      []string
}

// hostPopulation is the workers of one host.
type hostPopulation struct {
	host    string
	workers []popWorker // sorted by key
	slots   int         // the most alive at once (generation chains as one)
	lives   *lifeIndex  // of workers
}

// popWorker is one worker's alive interval and windows.
type popWorker struct {
	key      WorkerKey
	alive    Alive
	timed    bool // alive is known; else the worker counts in every window
	requests int64
	cells    winCells
}

// WindowPopulation is one host's population in one window: every worker
// alive for any part of the window (or serving in it), with what it served,
// zeros included, and the idle slots that make up --workers.
type WindowPopulation struct {
	Start, End time.Time
	// Host is the host ("" with one host).
	Host string
	// Keys are the workers counted, in key order; Requests[i] and
	// RequestMicros[i] are what Keys[i] served in the window.
	Keys          []WorkerKey
	Requests      []int64
	RequestMicros []int64
	// IdleSlots is how many zeros were added so that at least --workers
	// are counted.
	IdleSlots int
}

// Values returns the window's requests per counted worker: one value per
// key (zeros included), then a zero per idle slot. This is the population
// the window's skew is computed over.
func (w WindowPopulation) Values() []float64 {
	xs := make([]float64, 0, len(w.Requests)+w.IdleSlots)
	for _, n := range w.Requests {
		xs = append(xs, float64(n))
	}
	for range w.IdleSlots {
		xs = append(xs, 0)
	}
	return xs
}

// Width is the window width requests were accounted at: WindowPopulations
// takes any multiple of it.
func (ps *Populations) Width() time.Duration {
	return time.Duration(ps.width) * time.Microsecond
}

// AutoWidth is the --window size, or without it the automatic size (about
// 60 windows over the span, picked from WindowSizes).
func (ps *Populations) AutoWidth() time.Duration {
	return time.Duration(ps.auto) * time.Microsecond
}

// WindowPopulations returns the population of every host in every window of
// width, from the first to the last window with traffic (or CPU), empty
// windows included, aligned to UTC; ordered by window, then host. width must
// be a multiple of Width. Each host is counted apart, padded to --workers:
// the kernel balances the workers of one host, not across hosts.
//
// It holds every live worker of every window at once; the report's own
// figures visit the windows one at a time (eachWindow) instead.
func (ps *Populations) WindowPopulations(width time.Duration) ([]WindowPopulation, error) {
	var out []WindowPopulation
	err := ps.eachWindow(int64(width/time.Microsecond), func(v *windowVisit) {
		hp := ps.hosts[v.host]
		wp := WindowPopulation{Start: time.UnixMicro(v.start).UTC(), End: time.UnixMicro(v.end).UTC(), Host: hp.host, IdleSlots: v.idle}
		v.eachLive(func(j int, c winCell) {
			wp.Keys = append(wp.Keys, hp.workers[j].key)
			wp.Requests = append(wp.Requests, c.requests)
			wp.RequestMicros = append(wp.RequestMicros, c.durSum)
		})
		out = append(out, wp)
	})
	return out, err
}

// windowVisit is one host's population in one window, as eachWindow hands
// it over: valid during the call only.
type windowVisit struct {
	index      int64 // of the window, from the first
	start, end int64 // µs
	host       int   // index in ps.hosts
	hp         *hostPopulation
	// served are the workers that served in the window, by index in the
	// host's workers, ascending, with their cells.
	served []servedAt
	// live is how many workers were alive for any part of the window or
	// served in it: the served ones and, implied by their alive
	// intervals, the others.
	live int
	// idle is how many idle slots pad the host to --workers.
	idle int
}

// servedAt is what worker (an index in its host's workers) served in a
// window.
type servedAt struct {
	worker int
	cell   winCell
}

// eachLive calls fn with every live worker of the window, in key order,
// and what it served (zero when it served nothing). It visits every worker
// of the host.
func (v *windowVisit) eachLive(fn func(j int, c winCell)) {
	s := 0
	for j := range v.hp.workers {
		pw := &v.hp.workers[j]
		if s < len(v.served) && v.served[s].worker == j {
			fn(j, v.served[s].cell)
			s++
		} else if !pw.timed || pw.alive.covers(v.start, v.end) {
			fn(j, winCell{})
		}
	}
}

// values are the requests of the window's workers that served, in key
// order, buf reused; zeros is how many more the population its skew is
// computed over has: the live workers that served nothing, and the idle
// slots.
func (v *windowVisit) values(buf []float64) (xs []float64, zeros int) {
	buf = buf[:0]
	for _, s := range v.served {
		buf = append(buf, float64(s.cell.requests))
	}
	return buf, v.live - len(v.served) + v.idle
}

// eachWindow visits the population of every host in every window of width
// µs, as WindowPopulations orders them, holding one window at a time: the
// cells a window's workers served, and how many workers were live. Only
// the cells are kept for the whole span; a live worker that served nothing
// is implied by its alive interval, and counted from the host's lifeIndex.
func (ps *Populations) eachWindow(w int64, fn func(v *windowVisit)) error {
	if w <= 0 || ps.width <= 0 || w%ps.width != 0 {
		return fmt.Errorf("window width %s is not a multiple of the accounted width %s", time.Duration(w)*time.Microsecond, ps.Width())
	}
	if !ps.seen {
		return nil
	}
	lo, hi := floorDiv(ps.from, w), floorDiv(ps.to, w)
	if hi-lo >= MaxWindows {
		return fmt.Errorf("window width %s makes more than %d windows", time.Duration(w)*time.Microsecond, MaxWindows)
	}
	// byWindow[h][i] is the cells of host h served in window lo+i, in
	// worker order (workers are visited in order): only the windows each
	// worker served in.
	byWindow := make([][][]servedAt, len(ps.hosts))
	for h, hp := range ps.hosts {
		byWindow[h] = make([][]servedAt, hi-lo+1)
		for j, pw := range hp.workers {
			eachRebinned(pw.cells, ps.width, w, func(idx int64, c winCell) {
				if idx >= lo && idx <= hi {
					byWindow[h][idx-lo] = append(byWindow[h][idx-lo], servedAt{j, c})
				}
			})
		}
	}
	var v windowVisit
	for idx := lo; idx <= hi; idx++ {
		v.index, v.start, v.end = idx-lo, idx*w, (idx+1)*w
		for h := range ps.hosts {
			hp := &ps.hosts[h]
			v.host, v.hp = h, hp
			v.served = byWindow[h][idx-lo]
			byWindow[h][idx-lo] = nil // visited: let it go
			v.live = hp.lives.liveIn(v.start, v.end)
			for _, s := range v.served {
				if pw := &hp.workers[s.worker]; pw.timed && !pw.alive.covers(v.start, v.end) {
					v.live++ // served outside its alive interval: live all the same
				}
			}
			v.idle = max(0, ps.Configured-v.live)
			fn(&v)
		}
	}
	return nil
}

// eachRebinned calls fn with the cells of width old summed into windows of
// width neu, in no order. Cells that need no summing (one cell, or the same
// width) are passed as they are: a run of very many keys has mostly workers
// of one cell, and a map per worker would cost more than the worker.
func eachRebinned(s winCells, old, neu int64, fn func(idx int64, c winCell)) {
	if old == neu || s.len() <= 1 {
		s.each(func(idx int64, c *winCell) {
			fn(floorDiv(idx*old, neu), *c)
		})
		return
	}
	out := make(map[int64]winCell, s.len())
	s.each(func(idx int64, c *winCell) {
		n := floorDiv(idx*old, neu)
		d := out[n]
		d.add(c)
		out[n] = d
	})
	for idx, c := range out {
		fn(idx, c)
	}
}

// IdleSlots is how many --workers slots were never filled: per host,
// --workers minus the most workers alive at once (a PID seen in the log is
// never a missing slot), summed over the hosts.
func (ps *Populations) IdleSlots() int {
	n := 0
	for _, h := range ps.hosts {
		n += ps.hostIdle(h)
	}
	return n
}

func (ps *Populations) hostIdle(h hostPopulation) int {
	if ps.Configured <= 0 {
		return 0
	}
	return max(0, ps.Configured-h.slots)
}

// eachWorker calls fn with every worker, by host, then key.
func (ps *Populations) eachWorker(fn func(pw *popWorker)) {
	for h := range ps.hosts {
		for i := range ps.hosts[h].workers {
			fn(&ps.hosts[h].workers[i])
		}
	}
}

// buildPopulations works out every worker's alive interval, per host, and
// keeps the windows each served in.
func buildPopulations(p *Partial, pr *Procs, keys []WorkerKey, opt Options) *Populations {
	ps := &Populations{Configured: opt.Workers, width: p.win.width, durations: p.Durations}
	ps.auto = p.finalWidth()
	run, timed := runOf(p, pr)
	byHost := map[string][]lifeFacts{}
	for _, k := range keys {
		f := lifeFacts{key: k, proc: pr.worker(k)}
		if opt.Hosts {
			f.host = k.Host
		}
		if w := p.workers[k]; w != nil && w.timed {
			f.lines, f.first, f.last = true, w.first, w.last
		}
		byHost[f.host] = append(byHost[f.host], f)
	}
	if len(byHost) == 0 {
		byHost[""] = nil // no worker: every --workers slot is idle
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		facts := byHost[h]
		sort.Slice(facts, func(i, j int) bool { return facts[i].key.less(facts[j].key) })
		hp := hostPopulation{host: h}
		var lt lifetimes
		if timed {
			lt = aliveIntervals(facts, run, opt.Workers)
			hp.slots = lt.slots
			if lt.note != "" {
				if h != "" {
					lt.note = h + ": " + lt.note
				}
				ps.notes = append(ps.notes, lt.note)
			}
		}
		untimed := 0
		// Made at its final size: the window table points into it.
		hp.workers = make([]popWorker, 0, len(facts))
		for _, f := range facts {
			pw := popWorker{key: f.key}
			if a, ok := lt.alive[f.key]; ok {
				pw.alive, pw.timed = a, true
			} else {
				untimed++
			}
			if w := p.workers[f.key]; w != nil {
				pw.cells = w.win.view()
				pw.requests = w.requests
			}
			hp.workers = append(hp.workers, pw)
		}
		hp.slots += untimed
		hp.lives = newLifeIndex(hp.workers)
		ps.hosts = append(ps.hosts, hp)
	}
	ps.span(p, pr)
	if note := idleStretches(ps, p); note != "" {
		ps.notes = append(ps.notes, note)
	}
	return ps
}

// runOf is the time the run knows of: its access lines (their logged end
// times), or without them its timed snapshots. A worker the snapshots never
// saw is alive within the access log's time only: where the snapshots go
// beyond it, they show the worker absent.
func runOf(p *Partial, pr *Procs) (runBounds, bool) {
	var run runBounds
	timed := false
	if p.Timed {
		run.start, run.end, timed = p.First, p.Last, true
	}
	run.resolution = 1
	if !p.SubSecond {
		run.resolution = 1e6
	}
	if pr != nil && pr.snapFirst > 0 {
		run.snapFirst, run.snapLast = pr.snapFirst, pr.snapLast
		if !timed {
			run.start, run.end, timed = pr.snapFirst, pr.snapLast, true
		}
	}
	return run, timed
}

// span sets the time windows cover: every window with traffic, and with
// CPU from the snapshots.
func (ps *Populations) span(p *Partial, pr *Procs) {
	if p.win.seen {
		ps.from, ps.to, ps.seen = p.win.lo*p.win.width, (p.win.hi+1)*p.win.width-1, true
	}
	if pr == nil {
		return
	}
	for _, w := range pr.Workers {
		for _, c := range w.cpu {
			to := max(c.to-1, c.from)
			if !ps.seen {
				ps.from, ps.to, ps.seen = c.from, to, true
			}
			ps.from, ps.to = min(ps.from, c.from), max(ps.to, to)
		}
	}
}

// idleStretches notes workers known from the access log alone that served
// during less than half of the span: they count as idle, not absent, for
// the rest of it.
func idleStretches(ps *Populations, p *Partial) string {
	span := p.Last - p.First
	if !p.Timed || span < 10e6 {
		return ""
	}
	part, n := 0, 0
	for _, h := range ps.hosts {
		for _, pw := range h.workers {
			w := p.workers[pw.key]
			if !pw.timed || pw.alive.Source != AliveAccess || w == nil || !w.timed {
				continue
			}
			n++
			if 2*(w.last-w.aliveStart) < span {
				part++
			}
		}
	}
	if part == 0 || part == n || n < 2 {
		return "" // every worker short-lived: sparse traffic, not idle stretches
	}
	return fmt.Sprintf("%d of %d workers served requests during less than half of the span: an access log alone shows no restarts here, so they count as alive and idle for the rest of it (an error log or snapshots would tell)", part, n)
}

// hostSkews is each host's skew of requests over its workers and its idle
// slots, when there are several hosts, with the host's own window skew (at
// the size of ws, the run's window_skew; none when ws is nil) and skew per
// alive-second: the kernel balances the workers of one host, so these are
// the figures a host is judged by.
func (ps *Populations) hostSkews(p *Partial, ws *WindowSkew) []HostSkew {
	if len(ps.hosts) < 2 {
		return nil
	}
	var windows []WindowSkew
	if ws != nil {
		windows = ps.hostWindowSkews(time.Duration(ws.WindowSeconds * float64(time.Second)))
	}
	out := make([]HostSkew, 0, len(ps.hosts))
	for i, h := range ps.hosts {
		idle := ps.hostIdle(h)
		xs := make([]float64, 0, len(h.workers)+idle)
		for _, pw := range h.workers {
			xs = append(xs, float64(pw.requests))
		}
		for range idle {
			xs = append(xs, 0)
		}
		hs := HostSkew{Host: h.host, IdleSlots: idle, Skew: ComputeSkew(xs)}
		if windows != nil {
			hs.WindowSkew = &windows[i]
		}
		hs.RateSkew = RateSkew(ps.hostRates(h, p))
		out = append(out, hs)
	}
	return out
}
