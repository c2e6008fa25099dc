package aggregate

import (
	"fmt"
	"sort"
)

// AliveSource says how a worker's alive interval is known.
type AliveSource string

// The sources of alive intervals, strongest first.
const (
	// AliveSnapshots: process snapshots saw the PID (ps STIME or etimes
	// give its start); the first and last snapshots bound what is known.
	AliveSnapshots AliveSource = "snapshots"
	// AliveErrorLog: the error log's boot and exit lines.
	AliveErrorLog AliveSource = "error-log"
	// AliveInferred: an access log alone, with more PIDs than slots: the
	// PID was taken as one restart generation of a slot.
	AliveInferred AliveSource = "inferred"
	// AliveAccess: an access log alone: alive from the first to the last
	// line of the run.
	AliveAccess AliveSource = "access"
)

// Alive is when one worker was alive: From and To are unix µs, both
// included.
type Alive struct {
	From, To int64
	Source   AliveSource
}

// covers reports whether the interval overlaps the window [start, end).
func (a Alive) covers(start, end int64) bool {
	return a.From < end && a.To >= start
}

// lifeFacts is what the inputs tell of one worker's life.
type lifeFacts struct {
	key  WorkerKey
	host string
	// lines says the worker served timed lines, logged from first to last
	// (end times, as the log stamps them).
	lines       bool
	first, last int64
	proc        *ProcWorker // nil when no snapshot or error log names it
}

// runBounds are the times the whole run knows of (unix µs): the first and
// last moment of any input, the first and last snapshot (0 without timed
// snapshots), and the resolution of the access log's end times.
type runBounds struct {
	start, end          int64
	snapFirst, snapLast int64
	resolution          int64
}

// handoffSlack is how far a PID's first line may come before the last line
// of the PID it replaced: with whole-second stamps, a worker booted within
// the second of its predecessor's last line shares its stamp.
const handoffSlack = int64(1e6)

// lifetimes is the outcome of aliveIntervals for one host.
type lifetimes struct {
	alive map[WorkerKey]Alive
	// slots is the most workers alive at once, each inferred generation
	// chain counting as one slot.
	slots int
	// note says that generations were inferred, and from what; "" when not.
	note string
}

// aliveIntervals works out the alive interval of every worker of one host
// from the strongest source that knows it: snapshots, then the error log,
// then the access log. Workers known from an access log alone are alive
// from the first to the last moment of the run, unless their PIDs clearly
// exceed the slots (more than workers, when given, or more than 1.5 × the
// most first-to-last intervals that overlap at once): then restart
// generations are inferred, a PID whose lines stop being replaced by one
// whose lines start.
func aliveIntervals(facts []lifeFacts, run runBounds, workers int) lifetimes {
	out := lifetimes{alive: map[WorkerKey]Alive{}}
	var access []lifeFacts
	for _, f := range facts {
		if a, ok := procAlive(f, run); ok {
			out.alive[f.key] = a
			continue
		}
		if f.lines {
			access = append(access, f)
			continue
		}
		out.alive[f.key] = Alive{From: run.start, To: run.end, Source: AliveAccess}
	}
	overlap := maxOverlap(access, run.resolution)
	n := len(access)
	var chains [][]lifeFacts
	if exceeds(n, workers, overlap) && lifetimesShown(access) {
		chains = generations(access)
	}
	if len(chains) == 0 || len(chains) == n {
		for _, f := range access {
			out.alive[f.key] = Alive{From: min(run.start, f.first), To: max(run.end, f.last), Source: AliveAccess}
		}
	} else {
		for _, ch := range chains {
			for i, f := range ch {
				a := Alive{From: min(run.start, f.first), To: max(run.end, f.last), Source: AliveInferred}
				if i > 0 {
					a.From = min(ch[i-1].last, f.first)
				}
				if i < len(ch)-1 {
					a.To = f.last
				}
				if len(ch) == 1 {
					a.Source = AliveAccess
				}
				out.alive[f.key] = a
			}
		}
		why := fmt.Sprintf("at most %d served from first to last line at once", overlap)
		if workers > 0 && n >= workers+2 {
			why = fmt.Sprintf("--workers %d", workers)
		}
		slots := fmt.Sprintf("%d slots", len(chains))
		if len(chains) == 1 {
			slots = "1 slot"
		}
		out.note = fmt.Sprintf("%d worker PIDs in the access log clearly exceed the slots (%s): restart generations were inferred, %s in which a PID whose lines stop is replaced by one whose lines start (alive_source inferred); an error log or snapshots would give the real times",
			n, why, slots)
	}
	out.slots = mostAlive(out.alive, chains)
	return out
}

// exceeds reports whether n PIDs clearly exceed the slots: more than
// --workers, or more than 1.5 × the most first-to-last intervals that
// overlap at once, and by two PIDs at least (one PID too many is as likely a
// worker that served only at the start or the end).
func exceeds(n, workers, overlap int) bool {
	return workers > 0 && n >= workers+2 || 2*n > 3*overlap && n >= overlap+2
}

// lifetimesShown reports whether at least half of the workers logged lines
// at two times or more: a PID with a single line shows no lifetime, and
// light traffic spread one line per PID is not a series of restarts.
func lifetimesShown(fs []lifeFacts) bool {
	n := 0
	for _, f := range fs {
		if f.last > f.first {
			n++
		}
	}
	return 2*n >= len(fs)
}

// procAlive is the alive interval the snapshots or the error log give, when
// they know the worker; its own lines widen it.
func procAlive(f lifeFacts, run runBounds) (Alive, bool) {
	w := f.proc
	if w == nil {
		return Alive{}, false
	}
	var a Alive
	switch {
	case w.fromSnapshots:
		a.Source = AliveSnapshots
		a.From, a.To = run.start, run.end
		if w.First > 0 {
			a.From, a.To = w.First, w.Last
			if w.First <= run.snapFirst {
				a.From = min(a.From, run.start) // alive before the first snapshot
			}
			if w.Last >= run.snapLast {
				a.To = max(a.To, run.end) // still alive at the last one
			}
		}
		if w.Born > 0 {
			// The process start, never after its first sighting (STIME
			// has minute resolution).
			a.From = w.Born
			if w.First > 0 {
				a.From = min(a.From, w.First)
			}
		}
		if w.Exited > 0 {
			a.To = max(w.Exited, w.Last)
		}
	case w.Born > 0 || w.Exited > 0:
		a.Source = AliveErrorLog
		a.From, a.To = run.start, run.end
		if w.Born > 0 {
			a.From = w.Born
		}
		if w.Exited > 0 {
			a.To = w.Exited
		}
	default:
		return Alive{}, false
	}
	if f.lines {
		a.From, a.To = min(a.From, f.first), max(a.To, f.last)
	}
	return a, true
}

// maxOverlap is the most first-to-last intervals of the workers that
// overlap at one time; an interval's last line covers its resolution.
func maxOverlap(fs []lifeFacts, resolution int64) int {
	type ev struct {
		t     int64
		delta int
	}
	evs := make([]ev, 0, 2*len(fs))
	for _, f := range fs {
		evs = append(evs, ev{f.first, +1}, ev{f.last + max(resolution, 1), -1})
	}
	return sweep(len(evs), func(i int) (int64, int) { return evs[i].t, evs[i].delta })
}

// sweep returns the highest running sum of the deltas of n events, ordered
// by time with ends before starts at the same time.
func sweep(n int, ev func(int) (int64, int)) int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool {
		ti, di := ev(idx[i])
		tj, dj := ev(idx[j])
		if ti != tj {
			return ti < tj
		}
		return di < dj
	})
	cur, best := 0, 0
	for _, i := range idx {
		_, d := ev(i)
		cur += d
		best = max(best, cur)
	}
	return best
}

// generations chains PIDs into slots: in order of their first line, each
// PID takes the slot whose last PID stopped most recently before it started
// (within handoffSlack, and having started earlier), or a new slot when
// every slot is still busy.
func generations(fs []lifeFacts) [][]lifeFacts {
	sorted := append([]lifeFacts(nil), fs...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].first != sorted[j].first {
			return sorted[i].first < sorted[j].first
		}
		return sorted[i].key.less(sorted[j].key)
	})
	var chains [][]lifeFacts
	for _, f := range sorted {
		best := -1
		for i, ch := range chains {
			prev := ch[len(ch)-1]
			// A successor starts after its predecessor: lines that all
			// begin at once are workers side by side, not generations.
			end := prev.last
			if end-handoffSlack > f.first || prev.first >= f.first {
				continue
			}
			if best < 0 || end > chains[best][len(chains[best])-1].last {
				best = i
			}
		}
		if best < 0 {
			chains = append(chains, []lifeFacts{f})
			continue
		}
		chains[best] = append(chains[best], f)
	}
	return chains
}

// mostAlive is the most workers alive at one time, both ends of an interval
// included; a chain of inferred generations counts as one slot.
func mostAlive(alive map[WorkerKey]Alive, chains [][]lifeFacts) int {
	type span struct{ from, to int64 }
	inChain := map[WorkerKey]bool{}
	var spans []span
	for _, ch := range chains {
		if len(ch) < 2 {
			continue
		}
		first, last := alive[ch[0].key], alive[ch[len(ch)-1].key]
		spans = append(spans, span{first.From, last.To})
		for _, f := range ch {
			inChain[f.key] = true
		}
	}
	for k, a := range alive {
		if !inChain[k] {
			spans = append(spans, span{a.From, a.To})
		}
	}
	return sweep(2*len(spans), func(i int) (int64, int) {
		s := spans[i/2]
		if i%2 == 0 {
			return s.from, +1
		}
		return s.to + 1, -1
	})
}
