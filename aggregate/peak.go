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
// sub-second stamps are never cut into chunks by the reader of the inputs,
// and the requests in flight across a log rotation are not counted together.
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
