package aggregate

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// minPerWorker is how many requests per live worker a window needs to be
// counted in window_skew: with fewer, random assignment alone gives a Gini
// above 0.14 (5 workers) to 0.17 (17 workers), about 0.3 at 3 requests per
// worker, and a window's skew says more about chance than about the server.
const minPerWorker = 10

// mostSkewedShown is how many of the most skewed counted windows
// window_skew lists.
const mostSkewedShown = 5

// WindowSkew summarises the per-window skews of requests over the workers
// alive in each window: the typical moment, against which the whole-span
// figure is read.
type WindowSkew struct {
	// WindowSeconds is the window size the summary was taken at.
	WindowSeconds float64 `json:"window_seconds"`
	// Windows is how many windows (with at least one live worker) the span
	// has at that size.
	Windows int `json:"windows"`
	// Counted is how many windows had at least 10 requests per live worker;
	// the medians below are over these only, and null when there are none.
	Counted                 int      `json:"counted"`
	MedianGini              *float64 `json:"median_gini"`
	MedianTop1Share         *float64 `json:"median_top1_share"`
	BusiestThirdMedianGini  *float64 `json:"busiest_third_median_gini"`
	QuietestThirdMedianGini *float64 `json:"quietest_third_median_gini"`
	// NoiseGini is the expected Gini of random assignment (every request to
	// a live worker picked uniformly) at the typical window's requests and
	// live workers; see NoiseGini.
	NoiseGini *float64 `json:"noise_gini"`
	// TypicalRequests and TypicalLiveWorkers are the load of the typical
	// window: the median counted window by requests (the lower middle one
	// when the count is even).
	TypicalRequests    *int64 `json:"typical_requests"`
	TypicalLiveWorkers *int   `json:"typical_live_workers"`
	// MostSkewed are the counted windows with the highest Gini, highest
	// first (ties: earlier first), at most 5.
	MostSkewed []SkewedWindow `json:"most_skewed"`
}

// SkewedWindow is one window of WindowSkew.MostSkewed.
type SkewedWindow struct {
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Requests    int64     `json:"requests"`
	LiveWorkers int       `json:"live_workers"`
	Gini        float64   `json:"gini"`
	Top1Share   float64   `json:"top1_share"`
}

// WindowLoad is one window's requests per live worker (idle workers and
// idle slots as zeros), the input of SummariseWindows. Zeros are more
// zeros than Requests holds: a window may list only the workers that
// served.
type WindowLoad struct {
	Start, End time.Time
	Requests   []float64
	Zeros      int
}

// windowStat is a WindowLoad's figures.
type windowStat struct {
	start    time.Time
	end      time.Time
	requests int64
	live     int
	gini     float64
	top1     float64
}

// SummariseWindows summarises windows of the given size. Windows without a
// live worker are not windows of the span and are left out. Counted windows
// are split in thirds by requests: the quietest and busiest ⌈c/3⌉ of the c
// counted windows (ties broken by time), so that with one or two counted
// windows each third is all of them.
func SummariseWindows(width time.Duration, loads []WindowLoad) WindowSkew {
	s := newSummary(width)
	for _, l := range loads {
		s.add(l)
	}
	return s.result()
}

// summary summarises windows as they are added, keeping the figures of the
// counted windows only, not their workers.
type summary struct {
	ws      WindowSkew
	counted []windowStat
	spans   int // windows of time with a live worker
	last    time.Time
}

func newSummary(width time.Duration) *summary {
	return &summary{ws: WindowSkew{WindowSeconds: width.Seconds(), MostSkewed: []SkewedWindow{}}}
}

// add adds one window (of one host); l.Requests is not kept.
func (s *summary) add(l WindowLoad) {
	live := len(l.Requests) + max(l.Zeros, 0)
	if live == 0 {
		return
	}
	if s.spans == 0 || !l.Start.Equal(s.last) {
		s.spans++
	}
	s.last = l.Start
	s.ws.Windows++
	var total float64
	for _, x := range l.Requests {
		total += max(x, 0)
	}
	if total < minPerWorker*float64(live) {
		return
	}
	sk := sparseSkew(l.Requests, l.Zeros)
	s.counted = append(s.counted, windowStat{start: l.Start, end: l.End, requests: int64(total), live: live,
		gini: sk.Gini, top1: sk.TopShare["1"]})
}

func (s *summary) result() WindowSkew {
	ws, counted := s.ws, s.counted
	ws.Counted = len(counted)
	if len(counted) == 0 {
		return ws
	}
	ginis := func(s []windowStat) []float64 {
		out := make([]float64, len(s))
		for i, w := range s {
			out[i] = w.gini
		}
		return out
	}
	top1 := make([]float64, len(counted))
	for i, w := range counted {
		top1[i] = w.top1
	}
	ws.MedianGini = ptr(median(ginis(counted)))
	ws.MedianTop1Share = ptr(median(top1))

	byLoad := slices.Clone(counted)
	slices.SortStableFunc(byLoad, func(a, b windowStat) int { return cmp.Compare(a.requests, b.requests) })
	third := (len(byLoad) + 2) / 3
	ws.QuietestThirdMedianGini = ptr(median(ginis(byLoad[:third])))
	ws.BusiestThirdMedianGini = ptr(median(ginis(byLoad[len(byLoad)-third:])))
	typical := byLoad[(len(byLoad)-1)/2]
	ws.TypicalRequests = &typical.requests
	ws.TypicalLiveWorkers = &typical.live
	ws.NoiseGini = ptr(NoiseGini(typical.requests, typical.live))

	bySkew := slices.Clone(counted)
	slices.SortStableFunc(bySkew, func(a, b windowStat) int {
		return cmp.Compare(b.gini, a.gini)
	})
	for _, w := range bySkew[:min(len(bySkew), mostSkewedShown)] {
		ws.MostSkewed = append(ws.MostSkewed, SkewedWindow{Start: w.start.UTC(), End: w.end.UTC(),
			Requests: w.requests, LiveWorkers: w.live, Gini: w.gini, Top1Share: w.top1})
	}
	return ws
}

// enoughCounted reports whether at least half the windows were counted,
// the condition under which the automatic size stops moving up.
func (ws WindowSkew) enoughCounted() bool {
	return 2*ws.Counted >= ws.Windows
}

// PickWindowSkew summarises the windows at width; with auto, it moves up
// through WindowSizes while fewer than half the windows are counted, and
// keeps the first size at which at least half are (or the last one tried,
// once a size gives a single window of time or the sizes run out). loadsAt
// hands the windows at a size to add, one at a time (with several hosts,
// one per host and window); it is called with increasing sizes only.
func PickWindowSkew(width time.Duration, auto bool, loadsAt func(d time.Duration, add func(WindowLoad))) WindowSkew {
	at := func(d time.Duration) *summary {
		s := newSummary(d)
		loadsAt(d, s.add)
		return s
	}
	s := at(width)
	for auto && !s.result().enoughCounted() && s.spans > 1 {
		next := nextWindowSize(width)
		if next == 0 {
			break
		}
		width = next
		s = at(width)
	}
	return s.result()
}

// nextWindowSize is the size after d in WindowSizes, 0 after the last.
func nextWindowSize(d time.Duration) time.Duration {
	for _, s := range WindowSizes {
		if s > d {
			return s
		}
	}
	return 0
}

// NoiseGini is the expected Gini coefficient of m requests each assigned to
// one of n workers uniformly at random (a multinomial count vector X with
// ΣX = m): the skew that chance alone gives at that load.
//
// It is the exact expectation, not a simulation. With ΣX = m fixed, the
// mean is m/n and
//
//	E[G] = E[Σᵢ Σⱼ |Xᵢ − Xⱼ|] / (2 n² · m/n) = (n−1) · E|X₁ − X₂| / (2m).
//
// The pair (X₁, X₂) sums to S ~ Binomial(m, 2/n), and given S = s, X₁ ~
// Binomial(s, ½); de Moivre's mean absolute deviation of a binomial gives
//
//	E[|X₁ − X₂| | S = s] = 2 E|X₁ − s/2| = 2ν·C(s, ν)·2⁻ˢ,   ν = ⌊s/2⌋ + 1,
//
// so E|X₁ − X₂| = Σₛ P(S = s) · 2ν·C(s, ν)·2⁻ˢ, summed in log space over
// the values of s within 40 standard deviations of the mean (the rest
// weigh less than 1e-300). Above a billion requests, where the log-gamma
// terms would lose precision and the sum would take long, it is the normal
// limit: X₁ − X₂ has variance 2m/n, so E|X₁ − X₂| = √(2m/n)·√(2/π) (the
// two differ by O(1/m) there). NoiseGini is 0 when m ≤ 0 or n ≤ 1.
func NoiseGini(m int64, n int) float64 {
	if m <= 0 || n <= 1 {
		return 0
	}
	if m > 1e9 {
		mf, nf := float64(m), float64(n)
		return (nf - 1) / (2 * mf) * math.Sqrt(2*mf/nf) * math.Sqrt(2/math.Pi)
	}
	p := 2 / float64(n)
	mf := float64(m)
	lo, hi := int64(1), m
	if p < 1 {
		sd := math.Sqrt(mf * p * (1 - p))
		lo = max(1, int64(math.Floor(mf*p-40*sd)))
		hi = min(m, int64(math.Ceil(mf*p+40*sd)))
	}
	var e accumulator
	for s := lo; s <= hi; s++ {
		sf := float64(s)
		nu := float64(s/2 + 1)
		logPS := 0.0 // p == 1: S = m for certain
		if p < 1 {
			logPS = logChoose(mf, sf) + sf*math.Log(p) + (mf-sf)*math.Log1p(-p)
		} else if s != m {
			continue
		}
		logMAD := math.Log(2*nu) + logChoose(sf, nu) - sf*math.Ln2
		e.add(math.Exp(logPS + logMAD))
	}
	return clamp((float64(n)-1)*e.value()/(2*mf), 0, (float64(n)-1)/float64(n))
}

// logChoose is ln C(n, k) for 0 ≤ k ≤ n.
func logChoose(n, k float64) float64 {
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}

// RateSkew is the skew of requests per alive-second over the workers whose
// alive time is known (aliveSeconds[i] > 0): a worker that served the same
// rate while it lived counts as even with its successor, whatever their
// lifetimes, so restart generations no longer read as skew. It is nil when
// no worker's alive time is known.
func RateSkew(requests, aliveSeconds []float64) *Skew {
	var rates []float64
	for i, r := range requests {
		if i < len(aliveSeconds) && aliveSeconds[i] > 0 {
			rates = append(rates, max(r, 0)/aliveSeconds[i])
		}
	}
	if len(rates) == 0 {
		return nil
	}
	s := ComputeSkew(rates)
	return &s
}

// median is the middle value of xs (the mean of the two middle ones when
// len(xs) is even); xs is not modified. It is 0 for no values.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	ys := slices.Clone(xs)
	slices.Sort(ys)
	h := len(ys) / 2
	if len(ys)%2 == 1 {
		return ys[h]
	}
	return (ys[h-1] + ys[h]) / 2
}
