package aggregate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// benchSize is the number of records of one benchmark run: about an hour
// of a busy server's access log.
const benchSize = 100_000

// benchCase is one shape of traffic for the benchmarks.
type benchCase struct {
	workers   int
	subSecond bool // nginx $msec stamps and $request_time in whole ms, else gunicorn %(t)s and %(D)s µs
	// window is the --window size: 0 for the automatic size, -1 for none
	// (no windows[]; requests are still accounted per automatic window,
	// for the populations).
	window time.Duration
}

func (c benchCase) name() string {
	stamps := "s"
	if c.subSecond {
		stamps = "ms"
	}
	win := "none"
	switch {
	case c.window == 0:
		win = "auto"
	case c.window > 0:
		win = c.window.String()
	}
	return fmt.Sprintf("workers=%d/stamps=%s/windows=%s", c.workers, stamps, win)
}

var benchCases = []benchCase{
	{workers: 17, subSecond: false, window: -1},
	{workers: 17, subSecond: false, window: 0},
	{workers: 17, subSecond: true, window: -1},
	{workers: 17, subSecond: true, window: time.Minute},
	{workers: 200, subSecond: false, window: -1},
	{workers: 200, subSecond: true, window: 0},
}

// benchRecs makes n records of c's traffic, in time order over an hour: a
// skewed share per worker (worker i is picked about twice as often as
// worker i+workers/4), 2xx mostly, durations of a few ms to a second.
func benchRecs(c benchCase, n int) []parse.Record {
	rng := rand.New(rand.NewPCG(1, uint64(c.workers)))
	pids := make([][]byte, c.workers)
	for i := range pids {
		pids[i] = []byte(strconv.Itoa(20000 + 37*i))
	}
	const start = int64(1795626000) * 1e6 // 2026-11-25T17:00:00Z
	step := int64(time.Hour/time.Microsecond) / int64(n)
	recs := make([]parse.Record, n)
	for i := range recs {
		w := int(float64(c.workers) * rng.Float64() * rng.Float64())
		dur := int64(rng.ExpFloat64() * 40e3) // µs, mean 40 ms
		t := start + int64(i)*step
		if c.subSecond {
			dur = dur / 1000 * 1000
		} else {
			t = t / 1e6 * 1e6
		}
		status := 200
		if rng.IntN(50) == 0 {
			status = 500
		}
		recs[i] = parse.Record{Line: int64(i + 1), Time: t, HasTime: true, SubSecond: c.subSecond,
			Worker: pids[w], Duration: dur, Status: status}
	}
	return recs
}

func (c benchCase) partial(recs []parse.Record) *Partial {
	p := NewPartial(nil)
	if c.window >= 0 {
		p.SetWindows(c.window)
	}
	for i := range recs {
		p.Add(&recs[i])
	}
	return p
}

func reportRecordRate(b *testing.B, records int) {
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPartialAdd accounts 100k records into one partial: the hot path
// of every run (lookup cache, millisecond bins, windows, peak tracking).
func BenchmarkPartialAdd(b *testing.B) {
	for _, c := range benchCases {
		recs := benchRecs(c, benchSize)
		b.Run(c.name(), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				c.partial(recs)
			}
			reportRecordRate(b, len(recs))
		})
	}
}

// BenchmarkMerge merges 8 partials of 12.5k records each, as a run over 8
// chunks or rotated files does.
func BenchmarkMerge(b *testing.B) {
	const parts = 8
	for _, c := range benchCases {
		recs := benchRecs(c, benchSize)
		orig := make([]*Partial, parts)
		for i := range orig {
			orig[i] = c.partial(recs[i*len(recs)/parts : (i+1)*len(recs)/parts])
		}
		b.Run(c.name(), func(b *testing.B) {
			b.ReportAllocs()
			ps := make([]*Partial, parts)
			for range b.N {
				// Merge consumes its argument and changes its receiver.
				b.StopTimer()
				for i, p := range orig {
					ps[i] = p.clone()
				}
				b.StartTimer()
				for _, q := range ps[1:] {
					ps[0].Merge(q)
				}
			}
			reportRecordRate(b, len(recs))
		})
	}
}

// BenchmarkFinishSizes turns a partial of 100k records into a report:
// rows, quantiles (the millisecond bins move into the sketches), skew,
// populations, windows (re-binned to the final size) and dominance.
func BenchmarkFinishSizes(b *testing.B) {
	for _, c := range benchCases {
		orig := c.partial(benchRecs(c, benchSize))
		b.Run(c.name(), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				// Finish moves the bins and coarsens the windows it reads.
				b.StopTimer()
				p := orig.clone()
				b.StartTimer()
				Finish(p, nil, Options{})
			}
			reportRecordRate(b, benchSize)
		})
	}
}

// clone is a deep copy of p, so that a benchmark can finish or merge the
// same partial again.
func (p *Partial) clone() *Partial {
	c := *p
	c.recent = nil
	c.RejectedBy = maps.Clone(p.RejectedBy)
	c.workers = make(map[WorkerKey]*workerAcc, len(p.workers))
	for k, w := range p.workers {
		d := *w
		if w.dur != nil {
			dd := *w.dur
			if w.dur.sketch != nil {
				dd.sketch = w.dur.sketch.Copy()
			}
			dd.exact = slices.Clone(w.dur.exact)
			dd.ms = slices.Clone(w.dur.ms)
			d.dur = &dd
		}
		d.peak.inflight = slices.Clone(w.peak.inflight)
		d.win.last = nil
		if w.win.cells == nil && w.win.last != nil {
			cc := *w.win.last
			d.win.last = &cc
		}
		if w.win.cells != nil {
			d.win.cells = make(map[int64]*winCell, len(w.win.cells))
			for i, cell := range w.win.cells {
				cc := *cell
				d.win.cells[i] = &cc
			}
		}
		c.workers[k] = &d
	}
	return &c
}
