package aggregate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/skewer-dev/skewer/parse"
)

// span is a request in flight over [start, end), in ms after t0.
type span struct{ start, end int64 }

// spanLines returns the spans as millisecond lines of one worker, in order
// of end time as a log writes them.
func spanLines(worker string, spans ...span) []parse.Record {
	spans = slices.Clone(spans)
	slices.SortStableFunc(spans, func(a, b span) int { return int(a.end - b.end) })
	var recs []parse.Record
	for _, s := range spans {
		recs = append(recs, msLine(worker, s.end, s.end-s.start))
	}
	return recs
}

// Each case is drawn as a time line (not to scale; the numbers are ms). The
// peak is the most requests in flight at one instant; a request is in flight
// over [start, end), so one that ends as another starts does not overlap it.
func TestPeakConcurrency(t *testing.T) {
	tests := []struct {
		name  string
		spans []span
		peak  int
	}{
		{name: "one request", spans: []span{{0, 10}}, peak: 1},
		{
			//  A  |----|
			//  B         |----|
			name:  "disjoint",
			spans: []span{{0, 10}, {20, 30}},
			peak:  1,
		},
		{
			// B starts the instant A ends: never both in flight.
			//  A  |----|
			//  B       |----|
			name:  "touching",
			spans: []span{{0, 50}, {50, 100}},
			peak:  1,
		},
		{
			// A overlaps B and B overlaps C, but A ended before C began.
			//  A  |----------|            0..10
			//  B       |----------|       5..15
			//  C              |--------|  12..20
			name:  "chain",
			spans: []span{{0, 10}, {5, 15}, {12, 20}},
			peak:  2,
		},
		{
			// Every pair overlaps; intervals that overlap pairwise share a
			// point (here 8..10), so all three are in flight there.
			//  A  |----------|            0..10
			//  B    |----------|          2..12
			//  C          |-----------|   8..20
			name:  "pairwise overlapping",
			spans: []span{{0, 10}, {2, 12}, {8, 20}},
			peak:  3,
		},
		{
			//  A  |-----|
			//  B  |----------|
			//  C  |---------------|
			name:  "all at once",
			spans: []span{{0, 10}, {0, 20}, {0, 30}},
			peak:  3,
		},
		{
			// A long request with short ones inside; C and D overlap.
			//  A  |------------------------------------------|  0..100
			//  B      |---|                                      10..20
			//  C                |---|                            30..40
			//  D                  |---|                          35..45
			name:  "nested",
			spans: []span{{0, 100}, {10, 20}, {30, 40}, {35, 45}},
			peak:  3,
		},
		{
			// The long request ends last, after the short ones were logged.
			//  A    |--|        10..20
			//  B          |--|  30..40
			//  C  |-----------| 0..50
			name:  "long request logged last",
			spans: []span{{10, 20}, {30, 40}, {0, 50}},
			peak:  2,
		},
		{
			// A request of 0 ms (under the log's resolution) is in flight at
			// its instant.
			name:  "zero duration inside a long one",
			spans: []span{{0, 100}, {50, 50}},
			peak:  2,
		},
		{
			// ... but not when it is logged at the instant another ends
			// (same end stamp, logged first).
			name:  "zero duration as another ends",
			spans: []span{{50, 50}, {0, 50}},
			peak:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Finish(feed(nil, spanLines("9", tt.spans...)...), nil, Options{})
			got := rep.Workers[0].PeakConcurrency
			if got == nil || *got != tt.peak {
				t.Errorf("got peak %s, want %d", peakStr(got), tt.peak)
			}
		})
	}
}

// Peak concurrency is per worker: two workers each serving one request at
// the same time both have a peak of 1.
func TestPeakPerWorker(t *testing.T) {
	recs := append(spanLines("1", span{0, 100}, span{50, 150}), spanLines("2", span{0, 100})...)
	slices.SortStableFunc(recs, func(a, b parse.Record) int { return int(a.Time - b.Time) })
	rep := Finish(feed(nil, recs...), nil, Options{})
	for _, w := range rep.Workers {
		want := map[string]int{"1": 2, "2": 1}[w.Key]
		if w.PeakConcurrency == nil || *w.PeakConcurrency != want {
			t.Errorf("worker %s: got peak %s, want %d", w.Key, peakStr(w.PeakConcurrency), want)
		}
	}
}

// Whole-second end stamps make every request of one second look
// concurrent, so the peak is null, also when only some lines are coarse.
func TestPeakNullWithoutSubSecond(t *testing.T) {
	tests := []struct {
		name string
		recs []parse.Record
	}{
		{name: "whole seconds", recs: []parse.Record{line("1", 0, 500*ms, 200), line("1", 0, 800*ms, 200)}},
		{name: "some lines whole seconds", recs: []parse.Record{msLine("1", 100, 50), line("1", 1, 500*ms, 200)}},
		{name: "no durations", recs: []parse.Record{msLine("1", 100, 50), msLine("1", 120, 50)}},
	}
	tests[2].recs[0].Duration, tests[2].recs[1].Duration = -1, -1
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Finish(feed(nil, tt.recs...), nil, Options{})
			if got := rep.Workers[0].PeakConcurrency; got != nil {
				t.Errorf("got peak %d, want null", *got)
			}
		})
	}
}

// Partials (files) merge to the larger peak, in either order.
func TestPeakMerge(t *testing.T) {
	two := spanLines("1", span{0, 10}, span{5, 15})                         // peak 2
	three := spanLines("1", span{100, 110}, span{100, 120}, span{105, 130}) // peak 3
	for _, order := range [][2][]parse.Record{{two, three}, {three, two}} {
		p := feed(nil, order[0]...)
		p.Merge(feed(nil, order[1]...))
		if got := Finish(p, nil, Options{}).Workers[0].PeakConcurrency; got == nil || *got != 3 {
			t.Errorf("got peak %s, want 3", peakStr(got))
		}
	}
}

// bruteForcePeak counts, at the start of each request, itself and the
// other requests in flight: start ≤ t < end.
func bruteForcePeak(spans []span) int {
	best := 0
	for j, a := range spans {
		c := 0
		for i, b := range spans {
			if i == j || b.start <= a.start && a.start < b.end {
				c++
			}
		}
		best = max(best, c)
	}
	return best
}

// The tracker is exact for lines in order of end time once the longest
// request has been seen (its documented limit: a request longer than every
// earlier one can cover requests already dropped). A first request of
// 2000 ms that ends before the others start fixes the longest without
// changing the peak.
func TestPeakMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		spans := []span{{-2100, -100}}
		for range 1 + rng.IntN(40) {
			s := rng.Int64N(1000)
			spans = append(spans, span{s, s + rng.Int64N(300)})
		}
		want := bruteForcePeak(spans)
		rep := Finish(feed(nil, spanLines("1", spans...)...), nil, Options{})
		if got := rep.Workers[0].PeakConcurrency; got == nil || *got != want {
			t.Fatalf("trial %d: got peak %s, want %d for %v", trial, peakStr(got), want, spans)
		}
	}
}

func peakStr(p *int) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
