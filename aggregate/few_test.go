package aggregate

import (
	"strconv"
	"testing"

	"github.com/DataDog/sketches-go/ddsketch"
)

// TestFewDurations checks that a worker that keeps its few request times
// without a sketch, alone or merged either way round, answers the quantiles
// a sketch of all its times answers.
func TestFewDurations(t *testing.T) {
	tests := []struct {
		name string
		a, b []int64 // µs, of two partials
	}{
		{name: "none", a: nil, b: nil},
		{name: "one whole ms", a: []int64{632_000}},
		{name: "one µs", a: []int64{1_523}},
		{name: "zero", a: []int64{0}},
		{name: "two in one", a: []int64{632_000, 1_523}},
		{name: "one and one", a: []int64{632_000}, b: []int64{1_523}},
		{name: "one and many", a: []int64{7_000}, b: []int64{1_000, 2_000, 3_000, 400_000}},
		{name: "many and one", a: []int64{1_000, 2_000, 3_000, 400_000}, b: []int64{7_000}},
	}
	acc := func(us []int64) *workerAcc {
		w := newWorkerAcc()
		for _, d := range us {
			w.durN++
			w.addDuration(d)
		}
		return w
	}
	str := func(p *float64) string {
		if p == nil {
			return "null"
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	for _, tc := range tests {
		for _, order := range []string{"a+b", "b+a"} {
			t.Run(tc.name+"/"+order, func(t *testing.T) {
				x, y := acc(tc.a), acc(tc.b)
				if order == "b+a" {
					x, y = y, x
				}
				x.merge(y)
				var scratch *ddsketch.DDSketch
				got := [3]*float64{}
				got[0], got[1], got[2] = x.quantiles(&scratch)

				want := [3]*float64{}
				if all := append(append([]int64{}, tc.a...), tc.b...); len(all) > 0 {
					s := newSketch()
					for _, d := range all {
						sketchAdd(s, d)
					}
					for i, q := range []float64{0.50, 0.95, 0.99} {
						v, err := s.GetValueAtQuantile(q)
						if err != nil {
							t.Fatal(err)
						}
						want[i] = &v
					}
				}
				for i := range got {
					if str(got[i]) != str(want[i]) {
						t.Errorf("quantile %d: got %s, want %s", i, str(got[i]), str(want[i]))
					}
				}
			})
		}
	}
}
