package aggregate

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

const tol = 1e-9

func near(got, want float64) bool {
	return math.Abs(got-want) <= tol
}

// wantSkew is an expected Skew with plain numbers; defined says whether the pointer metrics are set.
type wantSkew struct {
	workers, active                  int
	gini, top1, top3, top5           float64
	defined                          bool
	maxMean, cv, jain, effectiveWork float64
}

// Every expected value below is worked out by hand in the comment next to it.
var skewCases = []struct {
	name string
	xs   []float64
	want wantSkew
}{
	{
		name: "empty",
		xs:   nil,
		want: wantSkew{}, // n = 0: everything 0, pointers nil
	},
	{
		name: "one worker",
		xs:   []float64{5},
		want: wantSkew{
			workers: 1, active: 1,
			gini: 0,                   // no pair differs; ceiling (n−1)/n = 0
			top1: 1, top3: 1, top5: 1, // 5/5, k > n means all
			defined:       true,
			maxMean:       1, // 5 / (5/1)
			cv:            0, // one value, no spread
			jain:          1, // 5² / (1·25)
			effectiveWork: 1, // 1·1
		},
	},
	{
		name: "all equal",
		xs:   []float64{3, 3, 3, 3, 3},
		want: wantSkew{
			workers: 5, active: 5,
			gini: 0,                       // every |xᵢ − xⱼ| = 0
			top1: 0.2, top3: 0.6, top5: 1, // 3/15, 9/15, 15/15
			defined:       true,
			maxMean:       1, // 3 / (15/5)
			cv:            0, // every deviation is 0
			jain:          1, // 15² / (5·45) = 225/225
			effectiveWork: 5, // 5·1
		},
	},
	{
		name: "one hot over four",
		xs:   []float64{0, 0, 0, 8},
		want: wantSkew{
			workers: 4, active: 1,
			gini: 0.75,                // ordered pairs (8,0),(0,8): 6·8 = 48; 2·4²·2 = 64; 48/64 = 3/4
			top1: 1, top3: 1, top5: 1, // 8/8
			defined:       true,
			maxMean:       4,            // 8 / (8/4)
			cv:            math.Sqrt(3), // mean 2; deviations² 4,4,4,36 → var 48/4 = 12; √12/2 = √3
			jain:          0.25,         // 8² / (4·64) = 1/4
			effectiveWork: 1,            // 4·1/4
		},
	},
	{
		name: "zeros included",
		xs:   []float64{0, 2, 0, 6, 0, 2},
		want: wantSkew{
			workers: 6, active: 3,
			// unordered pairs: 3 zeros×2 twos·2 = 12, 3 zeros·6 = 18, (2,2) 0, 2 twos·4 = 8 → 38;
			// ordered 76; 2·6²·(10/6) = 120; 76/120 = 19/30
			gini: 19.0 / 30,
			top1: 0.6, top3: 1, top5: 1, // 6/10, (6+2+2)/10, 10/10
			defined: true,
			maxMean: 3.6, // 6 / (10/6) = 18/5
			// mean 5/3; deviations² 25/9·3 + 1/9·2 + 169/9 = 246/9; var 246/54 = 41/9;
			// (√41/3)/(5/3) = √41/5
			cv:            math.Sqrt(41) / 5,
			jain:          25.0 / 66, // Σx² = 4+36+4 = 44; 10² / (6·44) = 100/264 = 25/66
			effectiveWork: 25.0 / 11, // 6·25/66 = 150/66
		},
	},
	{
		name: "uneven one to four",
		xs:   []float64{1, 2, 3, 4},
		want: wantSkew{
			workers: 4, active: 4,
			// unordered |diffs| 1+2+3+1+2+1 = 10; ordered 20; 2·4²·2.5 = 80; 20/80
			gini: 0.25,
			top1: 0.4, top3: 0.9, top5: 1, // 4/10, (4+3+2)/10, 10/10
			defined:       true,
			maxMean:       1.6,              // 4 / 2.5
			cv:            1 / math.Sqrt(5), // deviations² 2.25+0.25+0.25+2.25 = 5; var 5/4; (√5/2)/2.5 = 1/√5
			jain:          5.0 / 6,          // 10² / (4·30) = 100/120
			effectiveWork: 10.0 / 3,         // 4·5/6
		},
	},
	{
		name: "top five below one",
		xs:   []float64{1, 1, 4, 1, 1, 1, 1},
		want: wantSkew{
			workers: 7, active: 7,
			// unordered: 6 ones vs the 4: 6·3 = 18; ordered 36; 2·7²·(10/7) = 140; 36/140 = 9/35
			gini: 9.0 / 35,
			top1: 0.4, top3: 0.6, top5: 0.8, // 4/10, (4+1+1)/10, (4+1+1+1+1)/10
			defined: true,
			maxMean: 2.8, // 4 / (10/7)
			// Σx² = 6+16 = 22; var = 22/7 − (10/7)² = 154/49 − 100/49 = 54/49; (√54/7)/(10/7) = √54/10
			cv:            math.Sqrt(54) / 10,
			jain:          50.0 / 77, // 10² / (7·22) = 100/154
			effectiveWork: 50.0 / 11, // 7·50/77
		},
	},
	{
		name: "all zeros",
		xs:   []float64{0, 0, 0},
		want: wantSkew{workers: 3}, // total 0: gini and top shares 0, pointers nil
	},
	{
		name: "near the float64 limit",
		xs:   []float64{math.MaxFloat64, 0},
		want: wantSkew{
			workers: 2, active: 1,
			gini: 0.5, // ordered pairs 2·M; 2·2²·(M/2) = 4M; 2M/4M
			top1: 1, top3: 1, top5: 1,
			defined:       true,
			maxMean:       2,   // M / (M/2)
			cv:            1,   // deviations ±M/2; sd M/2; (M/2)/(M/2)
			jain:          0.5, // M² / (2·M²), which would overflow unscaled
			effectiveWork: 1,   // 2·1/2
		},
	},
	{
		name: "large integers",
		xs:   []float64{1e15, 2e15, 3e15, 4e15},
		want: wantSkew{ // every metric is scale-invariant: the same as "uneven one to four"
			workers: 4, active: 4,
			gini: 0.25,
			top1: 0.4, top3: 0.9, top5: 1,
			defined: true,
			maxMean: 1.6, cv: 1 / math.Sqrt(5), jain: 5.0 / 6, effectiveWork: 10.0 / 3,
		},
	},
	{
		name: "invalid values",
		xs:   []float64{math.NaN(), -3, 2, 2},
		want: wantSkew{ // read as [0 0 2 2]
			workers: 4, active: 2,
			gini: 0.5,                   // ordered pairs (0,2),(2,0): 2·2·2 = 8 of |2| = 16; 2·4²·1 = 32; 16/32
			top1: 0.5, top3: 1, top5: 1, // 2/4, 4/4, 4/4
			defined:       true,
			maxMean:       2,   // 2 / (4/4)
			cv:            1,   // mean 1; deviations² 1,1,1,1; var 1; 1/1
			jain:          0.5, // 4² / (4·8)
			effectiveWork: 2,   // 4·1/2
		},
	},
}

func TestComputeSkew(t *testing.T) {
	for _, tc := range skewCases {
		t.Run(tc.name, func(t *testing.T) {
			got := ComputeSkew(tc.xs)
			w := tc.want
			if got.Workers != w.workers {
				t.Errorf("workers: got %d, want %d", got.Workers, w.workers)
			}
			if got.ActiveWorkers != w.active {
				t.Errorf("active_workers: got %d, want %d", got.ActiveWorkers, w.active)
			}
			if !near(got.Gini, w.gini) {
				t.Errorf("gini: got %v, want %v", got.Gini, w.gini)
			}
			if len(got.TopShare) != 3 {
				t.Errorf("top_share: got %v, want keys 1, 3, 5", got.TopShare)
			}
			for key, want := range map[string]float64{"1": w.top1, "3": w.top3, "5": w.top5} {
				v, ok := got.TopShare[key]
				if !ok || !near(v, want) {
					t.Errorf("top_share[%s]: got %v (present %v), want %v", key, v, ok, want)
				}
			}
			checkPtr(t, "max_mean", got.MaxMean, w.defined, w.maxMean)
			checkPtr(t, "cv", got.CV, w.defined, w.cv)
			checkPtr(t, "jain", got.Jain, w.defined, w.jain)
			checkPtr(t, "effective_workers", got.EffectiveWorkers, w.defined, w.effectiveWork)
		})
	}
}

func checkPtr(t *testing.T, name string, got *float64, defined bool, want float64) {
	t.Helper()
	switch {
	case !defined && got != nil:
		t.Errorf("%s: got %v, want nil", name, *got)
	case defined && got == nil:
		t.Errorf("%s: got nil, want %v", name, want)
	case defined && !near(*got, want):
		t.Errorf("%s: got %v, want %v", name, *got, want)
	}
}

// The exported metric functions agree with ComputeSkew and report ok = false exactly when it has nil.
func TestMetricFunctions(t *testing.T) {
	fns := []struct {
		name string
		f    func([]float64) (float64, bool)
		want func(wantSkew) float64
	}{
		{"MaxMean", MaxMean, func(w wantSkew) float64 { return w.maxMean }},
		{"CV", CV, func(w wantSkew) float64 { return w.cv }},
		{"Jain", Jain, func(w wantSkew) float64 { return w.jain }},
		{"EffectiveWorkers", EffectiveWorkers, func(w wantSkew) float64 { return w.effectiveWork }},
	}
	for _, tc := range skewCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Gini(tc.xs); !near(got, tc.want.gini) {
				t.Errorf("Gini: got %v, want %v", got, tc.want.gini)
			}
			for _, fn := range fns {
				got, ok := fn.f(tc.xs)
				if ok != tc.want.defined {
					t.Errorf("%s ok: got %v, want %v", fn.name, ok, tc.want.defined)
				}
				if want := fn.want(tc.want); ok && !near(got, want) {
					t.Errorf("%s: got %v, want %v", fn.name, got, want)
				}
				if !ok && got != 0 {
					t.Errorf("%s when undefined: got %v, want 0", fn.name, got)
				}
			}
		})
	}
}

func TestTopShare(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		k    int
		want float64
	}{
		{"empty", nil, 1, 0},                                     // no workers
		{"all zeros", []float64{0, 0}, 1, 0},                     // total 0
		{"k zero", []float64{1, 2, 3, 4}, 0, 0},                  // no workers taken
		{"k negative", []float64{1, 2, 3, 4}, -2, 0},             // no workers taken
		{"k one", []float64{1, 2, 3, 4}, 1, 0.4},                 // 4/10
		{"k two", []float64{3, 1, 4, 2}, 2, 0.7},                 // (4+3)/10, unsorted input
		{"k equals n", []float64{1, 2, 3, 4}, 4, 1},              // 10/10
		{"k larger than n", []float64{1, 2, 3, 4}, 10, 1},        // all: 10/10
		{"k larger than n with zeros", []float64{0, 5, 0}, 5, 1}, // 5/5
		{"ties at the cut", []float64{2, 2, 2, 4}, 2, 0.6},       // (4+2)/10
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := TopShare(tc.xs, tc.k); !near(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// bruteGini is the definition itself, O(n²), kept apart from the sorted-rank formula under test.
func bruteGini(xs []float64) float64 {
	n := float64(len(xs))
	var total, diffs float64
	for _, x := range xs {
		total += x
	}
	if n == 0 || total == 0 {
		return 0
	}
	for _, a := range xs {
		for _, b := range xs {
			diffs += math.Abs(a - b)
		}
	}
	return diffs / (2 * n * n * (total / n))
}

func TestGiniMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		n := 1 + rng.IntN(60)
		xs := make([]float64, n)
		for j := range xs {
			switch rng.IntN(4) {
			case 0: // idle worker
			case 1:
				xs[j] = float64(rng.IntN(10)) // small counts, many ties
			case 2:
				xs[j] = float64(rng.IntN(1_000_000))
			default:
				xs[j] = rng.ExpFloat64() * 3.5 // request seconds
			}
		}
		got, want := Gini(xs), bruteGini(xs)
		if !near(got, want) {
			t.Errorf("case %d %v: got %v, want %v", i, xs, got, want)
		}
		if ceiling := float64(n-1) / float64(n); got < 0 || got > ceiling {
			t.Errorf("case %d %v: got %v, want within [0, %v]", i, xs, got, ceiling)
		}
	}
}

func TestSkewLeavesInputUnchanged(t *testing.T) {
	xs := []float64{4, 0, 1, 3, 0, 2, 9}
	orig := slices.Clone(xs)
	ComputeSkew(xs)
	Gini(xs)
	TopShare(xs, 3)
	MaxMean(xs)
	CV(xs)
	Jain(xs)
	EffectiveWorkers(xs)
	if !slices.Equal(xs, orig) {
		t.Errorf("got %v, want %v", xs, orig)
	}
}

func TestSkewAlwaysFinite(t *testing.T) {
	inf, nan, top := math.Inf(1), math.NaN(), math.MaxFloat64
	tests := []struct {
		name string
		xs   []float64
	}{
		{"plus infinity", []float64{inf, 1, 0}},
		{"minus infinity", []float64{math.Inf(-1), 1}},
		{"only NaN", []float64{nan, nan}},
		{"all at the limit", []float64{top, top, top}},
		{"limit and tiny", []float64{top, math.SmallestNonzeroFloat64, 1}},
		{"all tiny", []float64{math.SmallestNonzeroFloat64, 0, math.SmallestNonzeroFloat64}},
		{"negative only", []float64{-1, -2}},
	}
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ComputeSkew(tc.xs)
			vals := map[string]*float64{
				"gini": &s.Gini, "max_mean": s.MaxMean, "cv": s.CV, "jain": s.Jain,
				"effective_workers": s.EffectiveWorkers,
			}
			for k, v := range s.TopShare {
				vals["top_share["+k+"]"] = &v
			}
			for name, v := range vals {
				if v != nil && bad(*v) {
					t.Errorf("%s: got %v, want a finite number", name, *v)
				}
			}
		})
	}
}

func TestSkewJSON(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want string
	}{
		{
			name: "total zero",
			xs:   []float64{0, 0, 0},
			want: `{"workers":3,"active_workers":0,"gini":0,"top_share":{"1":0,"3":0,"5":0},` +
				`"max_mean":null,"cv":null,"jain":null,"effective_workers":null}`,
		},
		{
			name: "one hot",
			xs:   []float64{0, 8}, // gini 2·8/(2·2²·4) = 1/2; max_mean 8/4; cv (4/4); jain 64/(2·64)
			want: `{"workers":2,"active_workers":1,"gini":0.5,"top_share":{"1":1,"3":1,"5":1},` +
				`"max_mean":2,"cv":1,"jain":0.5,"effective_workers":1}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(ComputeSkew(tc.xs))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// sparseSkew leaves the zeros out and gives ComputeSkew's figures to the
// bit, whatever the values (counts, fractions, huge, invalid) and zeros.
func TestSparseSkewIsComputeSkew(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	draw := []func() float64{
		func() float64 { return float64(1 + r.IntN(20)) },
		func() float64 { return r.Float64() * 3.7 },
		func() float64 { return r.ExpFloat64() * 1e300 },
		func() float64 { return []float64{0, -1, math.NaN(), math.Inf(1)}[r.IntN(4)] },
	}
	for i := range 2000 {
		xs := make([]float64, r.IntN(12))
		for j := range xs {
			xs[j] = draw[r.IntN(len(draw))]()
		}
		zeros := r.IntN(3) * r.IntN(50)
		dense := slices.Concat(make([]float64, zeros), xs)
		r.Shuffle(len(dense), func(a, b int) { dense[a], dense[b] = dense[b], dense[a] })
		got, want := sparseSkew(xs, zeros), ComputeSkew(dense)
		if g, w := skewBits(got), skewBits(want); g != w {
			t.Fatalf("case %d, %v and %d zeros:\ngot  %s\nwant %s", i, xs, zeros, g, w)
		}
	}
}

// skewBits writes every figure of s, floats as their bits.
func skewBits(s Skew) string {
	bits := func(p *float64) any {
		if p == nil {
			return nil
		}
		return math.Float64bits(*p)
	}
	return fmt.Sprint(s.Workers, s.ActiveWorkers, math.Float64bits(s.Gini), math.Float64bits(s.TopShare["1"]),
		math.Float64bits(s.TopShare["3"]), math.Float64bits(s.TopShare["5"]), len(s.TopShare),
		bits(s.MaxMean), bits(s.CV), bits(s.Jain), bits(s.EffectiveWorkers))
}
