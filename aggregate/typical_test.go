package aggregate

import (
	"math"
	"testing"

	"github.com/skewer-dev/skewer/parse"
)

// floatGini is the Gini coefficient straight from its definition over pairs.
func floatGini(xs ...float64) float64 {
	var total, d float64
	for _, a := range xs {
		total += a
		for _, b := range xs {
			d += math.Abs(a - b)
		}
	}
	return d / (2 * float64(len(xs)) * total)
}

// every returns n whole-second lines of worker, per lines per second from
// second from on.
func every(worker string, from, n, per int64) []parse.Record {
	var out []parse.Record
	for i := range n {
		out = append(out, line(worker, from+i/per, 1000, 200))
	}
	return out
}

func TestFinishRateSkew(t *testing.T) {
	tests := []struct {
		name     string
		workers  int
		recs     [][]parse.Record
		wantN    int
		wantGini float64
		restarts int
	}{
		{
			// One slot, three PIDs: generations are inferred (3 PIDs ≥
			// --workers 1 + 2). A lives from the run's start to its last line
			// (0–29 s), B from A's last line to its own (29–59 s), C from B's
			// last line to the run's end (59–89 s): 29, 30 and 30 alive
			// seconds for 30, 60 and 30 requests.
			name:    "generations of one slot",
			workers: 1,
			recs:    [][]parse.Record{every("100", 0, 30, 1), every("200", 30, 60, 2), every("300", 60, 30, 1)},
			wantN:   3, wantGini: floatGini(30.0/29, 60.0/30, 30.0/30), restarts: 2,
		},
		{
			// Two workers alive over the whole run (0–39 s), one at 1 and one
			// at 2 requests a second, and an idle slot of --workers 3 alive as
			// long, at 0: the rates are 40/39, 80/39 and 0.
			name:    "idle slot",
			workers: 3,
			recs:    [][]parse.Record{every("100", 0, 40, 1), every("200", 0, 80, 2)},
			wantN:   3, wantGini: floatGini(40.0/39, 80.0/39, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var all []parse.Record
			for _, r := range tt.recs {
				all = append(all, r...)
			}
			rep := Finish(feed(nil, all...), nil, Options{Workers: tt.workers})
			rs := rep.RateSkew
			if rs == nil {
				t.Fatal("rate_skew: got null")
			}
			if rs.Workers != tt.wantN || math.Abs(rs.Gini-tt.wantGini) > 1e-12 {
				t.Errorf("rate_skew: got %d workers, gini %.15f; want %d, %.15f", rs.Workers, rs.Gini, tt.wantN, tt.wantGini)
			}
			if rep.InferredRestarts != tt.restarts {
				t.Errorf("inferred restarts: got %d, want %d", rep.InferredRestarts, tt.restarts)
			}
		})
	}
}

func TestFinishNoTimes(t *testing.T) {
	rep := Finish(feed(nil, parse.Record{Worker: []byte("1"), Duration: -1, Status: 200}), nil, Options{})
	if rep.WindowSkew != nil || rep.RateSkew != nil {
		t.Errorf("untimed log: got window_skew %v, rate_skew %v, want null and null", rep.WindowSkew, rep.RateSkew)
	}
}
