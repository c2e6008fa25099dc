package aggregate

// peakRetain bounds the in-flight requests a peakTracker keeps per worker.
const peakRetain = 4096

// peakTracker finds a worker's peak concurrency, the most requests in flight
// at one instant, from [start, end) intervals that arrive in order of end
// time (the order access logs are written in).
//
// The peak is reached at the start of some request j; it counts the requests
// i with start_i <= start_j < end_i. Each retained request keeps that count
// for its own start, raised as later-ending requests that cover it arrive.
// Requests that ended more than the longest duration seen before the latest
// end can no longer be covered by a later request and are dropped, so memory
// stays bounded. A request longer than every earlier one, or lines far out of
// order, can make the result an undercount. Merged partials take the larger
// peak, which is exact only when they do not overlap in time: so files with
// sub-second stamps are never cut into chunks by the reader of the inputs
// (they are read in blocks whose intervals one tracker replays in order,
// see PeakLog), and the requests in flight across a log rotation are not
// counted together.
type peakTracker struct {
	inflight []peakEntry
	latest   int64
	longest  int64
	peak     int
}

type peakEntry struct {
	start, end int64
	count      int
}

func (t *peakTracker) add(start, end int64) {
	if d := end - start; d > t.longest {
		t.longest = d
	}
	if end > t.latest {
		t.latest = end
	}
	c := 1
	keep := t.inflight[:0]
	for _, e := range t.inflight {
		if e.end <= t.latest-t.longest {
			continue
		}
		if e.start <= start && start < e.end {
			c++
		}
		if start <= e.start && e.start < end {
			e.count++
			if e.count > t.peak {
				t.peak = e.count
			}
		}
		keep = append(keep, e)
	}
	t.inflight = keep
	if len(t.inflight) >= peakRetain {
		t.inflight = append(t.inflight[:0], t.inflight[1:]...)
	}
	t.inflight = append(t.inflight, peakEntry{start: start, end: end, count: c})
	if c > t.peak {
		t.peak = c
	}
}

func (t *peakTracker) merge(q *peakTracker) {
	if q.peak > t.peak {
		t.peak = q.peak
	}
}

// PeakLog is the sub-second request intervals of a stretch of lines, in the
// order of the lines. A log cut into blocks parsed in parallel gets its
// exact peak concurrency when each block's partial logs its intervals and
// one Peaks replays the logs in the order of the blocks: a tracker then sees
// a worker's requests in the order a single reader would.
type PeakLog struct {
	ev []peakEvent
}

type peakEvent struct {
	w          *workerAcc
	start, end int64
}

// Reset empties the log, keeping its memory.
func (l *PeakLog) Reset() { l.ev = l.ev[:0] }

// LogPeaks makes p append the intervals of the records it adds to l
// instead of tracking them; nil tracks them again. The log refers to p's
// workers: replay it before p is merged into another partial.
func (p *Partial) LogPeaks(l *PeakLog) { p.peakLog = l }

// Peaks tracks the peak concurrency of each worker from replayed PeakLogs.
type Peaks struct {
	byKey map[WorkerKey]*peakTracker
	byAcc map[*workerAcc]*peakTracker
}

// NewPeaks returns Peaks that have seen no request.
func NewPeaks() *Peaks {
	return &Peaks{byKey: map[WorkerKey]*peakTracker{}, byAcc: map[*workerAcc]*peakTracker{}}
}

// Replay tracks the intervals of l, which come after those replayed before.
func (pk *Peaks) Replay(l *PeakLog) {
	var last *workerAcc
	var t *peakTracker
	for _, e := range l.ev {
		if e.w != last {
			last, t = e.w, pk.tracker(e.w)
		}
		if t != nil {
			t.add(e.start, e.end)
		}
	}
}

// tracker returns the tracker of w's worker; nil for the spill, which is
// never reported.
func (pk *Peaks) tracker(w *workerAcc) *peakTracker {
	if t, ok := pk.byAcc[w]; ok {
		return t
	}
	var t *peakTracker
	if w.key != (WorkerKey{}) {
		if t = pk.byKey[w.key]; t == nil {
			t = &peakTracker{}
			pk.byKey[w.key] = t
		}
	}
	pk.byAcc[w] = t
	return t
}

// SetPeaks gives p's workers the peaks pk tracked, once the partials whose
// logs pk replayed are merged into p.
func (p *Partial) SetPeaks(pk *Peaks) {
	for k, t := range pk.byKey {
		if w := p.workers[k]; w != nil {
			w.peak = *t
		}
	}
}
