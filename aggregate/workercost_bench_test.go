package aggregate

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/skewer-dev/skewer/parse"
)

// costWorkers is how many distinct worker keys BenchmarkWorkerCost accounts:
// the default --max-keys.
const costWorkers = 100_000

// BenchmarkWorkerCost accounts costWorkers distinct PIDs (whole-second
// stamps) and finishes the report, as a log of mistaken or hostile keys
// does: one line each with a millisecond request time ("1ms"), one or two
// lines each with request times in whole milliseconds ("1-2ms") or in
// microseconds ("1-2us"), and twenty lines each ("20ms", "20us"). It reports
// the bytes allocated per worker over Add and Finish, the bytes per worker
// live once the lines are read, and those still live once the report is
// made (the partial dropped), which bound what such a run costs.
func BenchmarkWorkerCost(b *testing.B) {
	for _, c := range []struct {
		name  string
		lines func(i int) int // lines of the i-th worker
		micro bool            // request times in µs rather than whole ms
	}{
		{"1ms", func(int) int { return 1 }, false},
		{"1-2ms", func(i int) int { return 1 + i%2 }, false},
		{"1-2us", func(i int) int { return 1 + i%2 }, true},
		{"20ms", func(int) int { return 20 }, false},
		{"20us", func(int) int { return 20 }, true},
	} {
		b.Run(c.name, func(b *testing.B) { benchWorkerCost(b, c.lines, c.micro) })
	}
}

func benchWorkerCost(b *testing.B, lines func(int) int, micro bool) {
	const start = int64(1795626000) * 1e6 // 2026-11-25T17:00:00Z
	var rec parse.Record
	keys := make([][]byte, costWorkers)
	for i := range keys {
		keys[i] = []byte(strconv.Itoa(1000 + i))
	}
	// add accounts the lines round-robin over the workers, their request
	// times spread over 1 ms to 0.9 s.
	add := func(p *Partial) {
		n := int64(0)
		for r := 0; ; r++ {
			more := false
			for i := range keys {
				if lines(i) <= r {
					continue
				}
				more = true
				n++
				d := 1000 + (n*7919)%900_000
				if !micro {
					d -= d % 1000
				}
				rec = parse.Record{Line: n, Time: start + (n%3600)*1e6, HasTime: true,
					Worker: keys[i], Duration: d, Status: 200}
				p.Add(&rec)
			}
			if !more {
				return
			}
		}
	}
	var before, after runtime.MemStats
	var allocated, read, live uint64
	// heap is the bytes live now, less those live at the start.
	heap := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&after)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		p := NewPartial(nil)
		add(p)
		b.StopTimer()
		read += heap()
		b.StartTimer()
		rep := Finish(p, nil, Options{})
		b.StopTimer()
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc
		live += heap()
		runtime.KeepAlive(rep)
		b.StartTimer()
	}
	n := float64(b.N) * costWorkers
	b.ReportMetric(float64(allocated)/n, "alloc-B/worker")
	b.ReportMetric(float64(read)/n, "read-B/worker")
	b.ReportMetric(float64(live)/n, "live-B/worker")
}

// BenchmarkManyKeysWindows finishes costWorkers one-line PIDs spread over
// two hours, so that every worker is live in each of the ~60 windows, then
// reads every window as explain's why: block does: as a sparse Load, and
// (for contrast) as Counts' maps of every live worker. What a window costs
// must follow what was served in it, not the workers alive.
// bench/keys.sh measures the same case end to end against a base commit.
func BenchmarkManyKeysWindows(b *testing.B) {
	recs := make([]parse.Record, costWorkers)
	const start = int64(1795626000) * 1e6
	for i := range recs {
		recs[i] = parse.Record{Line: int64(i + 1), Time: start + int64(i)*7200e6/costWorkers, HasTime: true,
			Worker: []byte(strconv.Itoa(100000 + i)), Duration: int64(1000 + i%900_000), Status: 200}
	}
	p := NewPartial(nil)
	p.SetWindows(0)
	for i := range recs {
		p.Add(&recs[i])
	}
	var rep *Report
	b.Run("finish", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep = Finish(p, nil, Options{})
		}
	})
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			quiet := 0
			for i := range rep.Windows {
				quiet += LoadOf(rep.Windows[i : i+1]).Quiet
			}
			if quiet == 0 {
				b.Fatal("no quiet worker: every worker should be live in every window")
			}
		}
	})
	b.Run("counts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, w := range rep.Windows {
				w.Counts()
			}
		}
	})
}
