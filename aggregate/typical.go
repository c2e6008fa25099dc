package aggregate

import "time"

// windowSkew summarises the run's windows over the workers alive in each:
// at the --window size, or from the automatic size up while fewer than half
// the windows are counted. With several hosts each host's window is one
// window of the summary (the kernel balances per host). It is nil when the
// run has no times.
func (ps *Populations) windowSkew(auto bool) *WindowSkew {
	if !ps.seen || ps.auto <= 0 {
		return nil
	}
	failed := false
	var buf []float64
	ws := PickWindowSkew(ps.AutoWidth(), auto, func(d time.Duration, add func(WindowLoad)) {
		err := ps.eachWindow(int64(d/time.Microsecond), func(v *windowVisit) {
			var zeros int
			buf, zeros = v.values(buf)
			add(WindowLoad{Start: time.UnixMicro(v.start).UTC(), End: time.UnixMicro(v.end).UTC(), Requests: buf, Zeros: zeros})
		})
		failed = failed || err != nil
	})
	if failed {
		return nil
	}
	return &ws
}

// rateSkew is the skew of requests per alive-second over the workers whose
// alive interval is known, and each host's idle slots as workers alive for
// as long as the host's workers were, serving nothing: every host's workers
// together, the cross-host figure.
func (ps *Populations) rateSkew(p *Partial) *Skew {
	var requests, alive []float64
	for _, h := range ps.hosts {
		r, a := ps.hostRates(h, p)
		requests, alive = append(requests, r...), append(alive, a...)
	}
	return RateSkew(requests, alive)
}

// hostRates are the requests and alive seconds of one host's workers whose
// alive interval is known, then of its idle slots (alive from the first of
// those workers' starts to the last of their ends); none when no alive
// interval of the host is known.
func (ps *Populations) hostRates(h hostPopulation, p *Partial) (requests, alive []float64) {
	var from, to int64
	seen := false
	for _, pw := range h.workers {
		if !pw.timed {
			continue
		}
		requests = append(requests, float64(pw.requests))
		alive = append(alive, float64(pw.alive.To-pw.alive.From)/1e6)
		if !seen || pw.alive.From < from {
			from = pw.alive.From
		}
		if !seen || pw.alive.To > to {
			to = pw.alive.To
		}
		seen = true
	}
	if !seen {
		return nil, nil
	}
	for range ps.hostIdle(h) {
		requests = append(requests, 0)
		alive = append(alive, float64(to-from)/1e6)
	}
	return requests, alive
}

// hostWindowSkews summarises each host's own windows at width (the size
// of the run's window_skew, so that hosts are read at one size), in host
// order; nil when the windows cannot be built.
func (ps *Populations) hostWindowSkews(width time.Duration) []WindowSkew {
	sums := make([]*summary, len(ps.hosts))
	for h := range sums {
		sums[h] = newSummary(width)
	}
	var buf []float64
	err := ps.eachWindow(int64(width/time.Microsecond), func(v *windowVisit) {
		var zeros int
		buf, zeros = v.values(buf)
		sums[v.host].add(WindowLoad{Start: time.UnixMicro(v.start).UTC(), End: time.UnixMicro(v.end).UTC(), Requests: buf, Zeros: zeros})
	})
	if err != nil {
		return nil
	}
	out := make([]WindowSkew, len(ps.hosts))
	for h, s := range sums {
		out[h] = s.result()
	}
	return out
}

// inferredRestarts is how many restarts the inferred generations imply: per
// host, the workers with a known alive interval beyond its slots. It is 0
// when no generation was inferred.
func (ps *Populations) inferredRestarts() int {
	n := 0
	for _, h := range ps.hosts {
		timed, inferred := 0, false
		for _, pw := range h.workers {
			if pw.timed {
				timed++
				inferred = inferred || pw.alive.Source == AliveInferred
			}
		}
		if inferred {
			n += max(0, timed-h.slots)
		}
	}
	return n
}
