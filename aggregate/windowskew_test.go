package aggregate

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// pairGini is the Gini coefficient straight from its definition,
// Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean), independent of the sorted formula in Gini.
func pairGini(xs []int) float64 {
	n, total := len(xs), 0
	for _, x := range xs {
		total += x
	}
	if n == 0 || total == 0 {
		return 0
	}
	var d int
	for _, a := range xs {
		for _, b := range xs {
			d += max(a-b, b-a)
		}
	}
	return float64(d) / (2 * float64(n) * float64(total))
}

// enumerateNoise is the expected pairGini of m requests assigned to n
// workers uniformly at random, enumerated over every count vector
// (x₁ … xₙ) with Σx = m, each weighted by its multinomial probability
// m!/(x₁!…xₙ!)·n⁻ᵐ.
func enumerateNoise(m, n int) float64 {
	counts := make([]int, n)
	lf := func(k int) float64 { v, _ := math.Lgamma(float64(k) + 1); return v }
	var sum, weight float64
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == n-1 {
			counts[i] = left
			logP := lf(m) - float64(m)*math.Log(float64(n))
			for _, c := range counts {
				logP -= lf(c)
			}
			p := math.Exp(logP)
			sum += p * pairGini(counts)
			weight += p
			return
		}
		for c := 0; c <= left; c++ {
			counts[i] = c
			rec(i+1, left-c)
		}
	}
	rec(0, m)
	return sum / weight
}

func TestNoiseGiniExact(t *testing.T) {
	tests := []struct {
		name string
		m, n int
		want float64 // when not from enumeration: by hand
		hand bool
	}{
		{name: "no requests", m: 0, n: 5, want: 0, hand: true},
		{name: "one worker", m: 100, n: 1, want: 0, hand: true},
		// n = 2, m = 1: the one request lands on one of two workers, always
		// Gini (1 − 0)·2 / (2·4·0.5) = 0.5.
		{name: "one request two workers", m: 1, n: 2, want: 0.5, hand: true},
		// n = 2, m = 2: {2,0} or {0,2} with probability ½ (Gini 0.5), {1,1}
		// with ½ (Gini 0): 0.25.
		{name: "two requests two workers", m: 2, n: 2, want: 0.25, hand: true},
	}
	for m := 1; m <= 12; m++ {
		for n := 2; n <= 5; n++ {
			tests = append(tests, struct {
				name string
				m, n int
				want float64
				hand bool
			}{name: "enumerated", m: m, n: n})
		}
	}
	for _, tc := range tests {
		want := tc.want
		if !tc.hand {
			want = enumerateNoise(tc.m, tc.n)
		}
		got := NoiseGini(int64(tc.m), tc.n)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: NoiseGini(%d, %d) = %.15f, want %.15f", tc.name, tc.m, tc.n, got, want)
		}
	}
}

// TestNoiseGiniSimulated compares the exact expectation with a fixed-seed
// simulation at loads too large to enumerate, within four standard errors
// of the simulated mean.
func TestNoiseGiniSimulated(t *testing.T) {
	tests := []struct {
		m, n int
	}{
		{50, 5}, {170, 17}, {400, 3}, {2000, 17}, {30, 2},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const runs = 4000
	for _, tc := range tests {
		var sum, sumSq float64
		counts := make([]int, tc.n)
		for range runs {
			clear(counts)
			for range tc.m {
				counts[rng.IntN(tc.n)]++
			}
			g := pairGini(counts)
			sum += g
			sumSq += g * g
		}
		mean := sum / runs
		se := math.Sqrt((sumSq/runs - mean*mean) / runs)
		got := NoiseGini(int64(tc.m), tc.n)
		if math.Abs(got-mean) > 4*se+1e-9 {
			t.Errorf("NoiseGini(%d, %d) = %.5f, simulation %.5f ± %.5f", tc.m, tc.n, got, mean, se)
		}
	}
}

// TestNoiseGiniLarge checks the large-load limit: the multinomial pair
// difference X₁ − X₂ has mean 0 and variance 2m/n, and becomes normal, so
// E|X₁ − X₂| → √(2m/n)·√(2/π) and E[G] → (n−1)/(2m) times that.
func TestNoiseGiniLarge(t *testing.T) {
	for _, tc := range []struct {
		m int64
		n int
	}{{1_000_000, 17}, {10_000_000, 5}, {900_000_000, 40}, {1 << 40, 100}} {
		m, n := float64(tc.m), float64(tc.n)
		want := (n - 1) / (2 * m) * math.Sqrt(2*m/n) * math.Sqrt(2/math.Pi)
		got := NoiseGini(tc.m, tc.n)
		if math.Abs(got-want) > 1e-3*want {
			t.Errorf("NoiseGini(%d, %d) = %.8f, normal limit %.8f", tc.m, tc.n, got, want)
		}
	}
}

func secAt(sec int) time.Time { return time.Unix(int64(1_795_627_700+sec), 0).UTC() }

func testLoads(width int, vs ...[]float64) []WindowLoad {
	out := make([]WindowLoad, len(vs))
	for i, v := range vs {
		out[i] = WindowLoad{Start: secAt(i * width), End: secAt((i + 1) * width), Requests: v}
	}
	return out
}

func TestSummariseWindows(t *testing.T) {
	// Windows (requests per live worker):
	//   0: [30 0]        30 ≥ 20, counted; Gini |30−0|·2/(2·4·15) = 0.5, top1 1
	//   1: [5 5]         10 < 20, not counted
	//   2: []            no live worker: not a window
	//   3: [10 10 10]    30 ≥ 30, counted; Gini 0, top1 1/3
	//   4: [40 20 0]     60 ≥ 30, counted; Gini (20+40+20)·2/(2·9·20) = 4/9, top1 2/3
	//   5: [50 50 50 50] 200 ≥ 40, counted; Gini 0, top1 0.25
	// Counted by requests: 30 (w0), 30 (w3), 60 (w4), 200 (w5); thirds of
	// ⌈4/3⌉ = 2: quietest w0, w3 (Ginis 0.5, 0: median 0.25), busiest w4,
	// w5 (4/9, 0: median 2/9). Median Gini of {0.5, 0, 4/9, 0} = (0 + 4/9)/2;
	// median top1 of {1, 1/3, 2/3, 1/4} = (1/3 + 2/3)/2 = 0.5. The typical
	// window is the lower middle by requests: w3 (30 requests, 3 live);
	// the stable sort keeps w0 before w3.
	ls := testLoads(5, []float64{30, 0}, []float64{5, 5}, nil, []float64{10, 10, 10}, []float64{40, 20, 0}, []float64{50, 50, 50, 50})
	ws := SummariseWindows(5*time.Second, ls)
	if ws.WindowSeconds != 5 || ws.Windows != 5 || ws.Counted != 4 {
		t.Fatalf("got window_seconds %v, windows %d, counted %d, want 5, 5, 4", ws.WindowSeconds, ws.Windows, ws.Counted)
	}
	checks := []struct {
		name string
		got  *float64
		want float64
	}{
		{"median_gini", ws.MedianGini, 2.0 / 9},
		{"median_top1_share", ws.MedianTop1Share, 0.5},
		{"quietest_third_median_gini", ws.QuietestThirdMedianGini, 0.25},
		{"busiest_third_median_gini", ws.BusiestThirdMedianGini, 2.0 / 9},
		{"noise_gini", ws.NoiseGini, enumerateNoise(30, 3)},
	}
	for _, c := range checks {
		if c.got == nil || !near(*c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, fmtPtr(c.got), c.want)
		}
	}
	if *ws.TypicalRequests != 30 || *ws.TypicalLiveWorkers != 3 {
		t.Errorf("typical window: got %d requests over %d, want 30 over 3", *ws.TypicalRequests, *ws.TypicalLiveWorkers)
	}
	// Most skewed: w0 (0.5), w4 (4/9), then w3 and w5 (0) in time order.
	wantOrder := []time.Time{secAt(0), secAt(20), secAt(15), secAt(25)}
	if len(ws.MostSkewed) != len(wantOrder) {
		t.Fatalf("most_skewed: got %d windows, want %d", len(ws.MostSkewed), len(wantOrder))
	}
	for i, w := range ws.MostSkewed {
		if !w.Start.Equal(wantOrder[i]) {
			t.Errorf("most_skewed[%d]: got start %s, want %s", i, w.Start, wantOrder[i])
		}
	}
	if w := ws.MostSkewed[1]; w.Requests != 60 || w.LiveWorkers != 3 || !near(w.Gini, 4.0/9) || !near(w.Top1Share, 2.0/3) || !w.End.Equal(secAt(25)) {
		t.Errorf("most_skewed[1]: got %+v, want 60 requests, 3 live, gini 4/9, top1 2/3, end %s", w, secAt(25))
	}
}

func fmtPtr(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}

func TestSummariseWindowsNoneCounted(t *testing.T) {
	ws := SummariseWindows(time.Minute, testLoads(60, []float64{1, 2}, []float64{0, 0}))
	if ws.Windows != 2 || ws.Counted != 0 {
		t.Fatalf("got windows %d, counted %d, want 2, 0", ws.Windows, ws.Counted)
	}
	if ws.MedianGini != nil || ws.NoiseGini != nil || ws.TypicalRequests != nil || ws.BusiestThirdMedianGini != nil {
		t.Errorf("got medians set without counted windows: %+v", ws)
	}
	if ws.MostSkewed == nil || len(ws.MostSkewed) != 0 {
		t.Errorf("most_skewed: got %v, want an empty list", ws.MostSkewed)
	}
}

func TestPickWindowSkew(t *testing.T) {
	// Two workers with 6 requests each per second for 60 s: at 1 s windows
	// no window reaches 20 requests; at 5 s every window has 60. The
	// automatic size moves up once; a fixed size never does.
	perSecond := func(width time.Duration) []WindowLoad {
		w := int(width / time.Second)
		var vs [][]float64
		for i := 0; i < 60/w; i++ {
			vs = append(vs, []float64{float64(6 * w), float64(6 * w)})
		}
		return testLoads(w, vs...)
	}
	var asked []time.Duration
	loadsAt := func(d time.Duration, add func(WindowLoad)) {
		asked = append(asked, d)
		for _, l := range perSecond(d) {
			add(l)
		}
	}
	ws := PickWindowSkew(time.Second, true, loadsAt)
	if ws.WindowSeconds != 5 || ws.Windows != 12 || ws.Counted != 12 {
		t.Errorf("auto: got %v s, %d windows, %d counted, want 5 s, 12, 12", ws.WindowSeconds, ws.Windows, ws.Counted)
	}
	if len(asked) != 2 || asked[0] != time.Second || asked[1] != 5*time.Second {
		t.Errorf("auto: asked for %v, want [1s 5s]", asked)
	}
	asked = nil
	ws = PickWindowSkew(time.Second, false, loadsAt)
	if ws.WindowSeconds != 1 || ws.Windows != 60 || ws.Counted != 0 {
		t.Errorf("fixed: got %v s, %d windows, %d counted, want 1 s, 60, 0", ws.WindowSeconds, ws.Windows, ws.Counted)
	}
	// One window that never counts: moving up cannot help, and stops.
	asked = nil
	ws = PickWindowSkew(time.Second, true, func(d time.Duration, add func(WindowLoad)) {
		asked = append(asked, d)
		for _, l := range testLoads(1, []float64{1, 1}) {
			add(l)
		}
	})
	if len(asked) != 1 || ws.Counted != 0 {
		t.Errorf("single window: asked for %v, counted %d, want [1s], 0", asked, ws.Counted)
	}
}

func TestRateSkew(t *testing.T) {
	// Two generations of one slot each and one steady worker, all at 2
	// requests per alive-second: rates 2, 2, 2, so Gini 0. A worker whose
	// alive time is unknown (0) is left out.
	s := RateSkew([]float64{200, 100, 100, 7}, []float64{100, 50, 50, 0})
	if s == nil || s.Workers != 3 || s.Gini != 0 || !near(s.TopShare["1"], 1.0/3) {
		t.Fatalf("got %+v, want 3 workers, gini 0, top1 1/3", s)
	}
	// Rates 1 and 3: Gini |1−3|·2/(2·4·2) = 0.25.
	s = RateSkew([]float64{10, 60}, []float64{10, 20})
	if s == nil || !near(s.Gini, 0.25) {
		t.Fatalf("got %+v, want gini 0.25", s)
	}
	if s := RateSkew([]float64{1}, []float64{0}); s != nil {
		t.Errorf("no alive time known: got %+v, want nil", s)
	}
}
