package aggregate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/skewer-dev/skewer/parse"
)

// TestQuantilesAnyPath checks the p50, p95 and p99 of workers whose request
// times take every path a worker's times can take (kept as they are, a
// sketch, the millisecond table, each grown as it fills), read in one
// partial or split over several merged in several orders, against two
// computations of their own: the value of the bin of the time at the
// quantile's rank among the sorted times (what a sketch answers by
// definition), and one plain sketch given every time.
func TestQuantilesAnyPath(t *testing.T) {
	// A whole millisecond is the value ms/1e3 (as %(M)s and $request_time
	// read), any other time µs/1e6.
	seconds := func(us int64) float64 {
		if us%1000 == 0 {
			return float64(us/1000) / 1e3
		}
		return float64(us) / 1e6
	}
	m, err := mapping.NewCubicallyInterpolatedMapping(0.01)
	if err != nil {
		t.Fatal(err)
	}
	qs := []float64{0.50, 0.95, 0.99}
	// sorted is the value at rank q·(n−1) of the sorted times: the bin of
	// the time at its whole part, or 0 for a zero time.
	sorted := func(us []int64) [3]string {
		s := slices.Clone(us)
		slices.Sort(s)
		var out [3]string
		for i, q := range qs {
			v := seconds(s[int(math.Floor(q*float64(len(s)-1)))])
			if v > 0 {
				v = m.Value(m.Index(v))
			}
			out[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		return out
	}
	plain := func(us []int64) [3]string {
		s := ddsketch.NewDDSketch(m, store.NewDenseStore(), store.NewDenseStore())
		for _, d := range us {
			if err := s.Add(seconds(d)); err != nil {
				t.Fatal(err)
			}
		}
		var out [3]string
		for i, q := range qs {
			v, err := s.GetValueAtQuantile(q)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		return out
	}

	kinds := map[string]func(r *rand.Rand) int64{
		"ms": func(r *rand.Rand) int64 { return 1000 * (1 + r.Int64N(900)) },
		"us": func(r *rand.Rand) int64 { return 1000 + r.Int64N(900_000) },
		"mixed": func(r *rand.Rand) int64 {
			return []int64{r.Int64N(5) * 1000, 1 + r.Int64N(3_000_000), 1000 * r.Int64N(5000)}[r.IntN(3)]
		},
		"wide": func(r *rand.Rand) int64 { return 1000 * r.Int64N(30_000) },
		"few":  func(r *rand.Rand) int64 { return 1000 * (2 + r.Int64N(3)) },
	}
	const start = int64(1795626000) * 1e6
	for _, n := range []int{1, 2, 3, 20, 64, 65, 66, 67, 130, 256, 257, 258, 300, 1000, 5000} {
		for kind, gen := range kinds {
			for _, parts := range []int{1, 2, 3, 5} {
				r := rand.New(rand.NewPCG(uint64(n), uint64(parts)))
				us := make([]int64, n)
				for i := range us {
					us[i] = gen(r)
				}
				want := sorted(us)
				if p := plain(us); p != want {
					t.Fatalf("%d %s: the plain sketch says %v, the sorted times %v", n, kind, p, want)
				}
				// Each partial takes a random share of the times, in order
				// or not, and the partials merge in a random order, as a
				// chain or pairwise.
				for order := range 3 {
					name := fmt.Sprintf("%d/%s/%d-parts/order-%d", n, kind, parts, order)
					ps := make([]*Partial, parts)
					for i := range ps {
						ps[i] = NewPartial(nil)
					}
					for i, d := range us {
						rec := parse.Record{Line: int64(i + 1), Time: start + int64(i)*1e6, HasTime: true,
							Worker: []byte("7"), Duration: d, Status: 200}
						ps[r.IntN(parts)].Add(&rec)
					}
					r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
					for len(ps) > 1 {
						if order%2 == 0 {
							ps[0].Merge(ps[len(ps)-1])
							ps = ps[:len(ps)-1]
							continue
						}
						next := ps[:0]
						for i := 0; i+1 < len(ps); i += 2 {
							ps[i+1].Merge(ps[i])
							next = append(next, ps[i+1])
						}
						if len(ps)%2 == 1 {
							next = append(next, ps[len(ps)-1])
						}
						ps = next
					}
					rep := Finish(ps[0], nil, Options{})
					if len(rep.Workers) != 1 {
						t.Fatalf("%s: %d workers, want 1", name, len(rep.Workers))
					}
					w := rep.Workers[0]
					var got [3]string
					for i, p := range []*float64{w.P50Seconds, w.P95Seconds, w.P99Seconds} {
						if p == nil {
							t.Fatalf("%s: quantile %d is null", name, i)
						}
						got[i] = strconv.FormatFloat(*p, 'g', -1, 64)
					}
					if got != want {
						t.Errorf("%s: p50, p95, p99 = %v, want %v", name, got, want)
					}
				}
			}
		}
	}
}
