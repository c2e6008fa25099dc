package aggregate

import (
	"math"
	"slices"
	"strconv"
)

// Skew summarises how unevenly a quantity (requests, request seconds, CPU seconds) is spread over a
// population of workers.
type Skew struct {
	Workers          int                `json:"workers"`
	ActiveWorkers    int                `json:"active_workers"` // workers with x > 0
	Gini             float64            `json:"gini"`
	TopShare         map[string]float64 `json:"top_share"`         // keys "1","3","5"
	MaxMean          *float64           `json:"max_mean"`          // busiest / mean
	CV               *float64           `json:"cv"`                // population std dev / mean
	Jain             *float64           `json:"jain"`              // (Σx)²/(n·Σx²)
	EffectiveWorkers *float64           `json:"effective_workers"` // n·jain
}

// topShareKs are the k of the top_share entries of a Skew.
var topShareKs = []int{1, 3, 5}

// ComputeSkew returns the skew of xs (one value per worker, zeros included). When the total is 0 (or
// n == 0), gini and every top_share are 0 and the pointer metrics are nil.
//
// Values are never negative (they are counts and durations) and must be finite; so that no NaN or Inf
// can ever come out, a negative or NaN value is read as 0 and +Inf as the largest finite float64. The
// same holds for every metric function of this package, and none of them modifies the caller's slice.
func ComputeSkew(xs []float64) Skew {
	return skewOf(prepared{ys: prepare(xs)}, activeWorkers(xs))
}

// sparseSkew is ComputeSkew of xs and zeros more zeros, without making
// them: a window of 100,000 live workers of which a few hundred served is
// summarised at the cost of those few hundred (and a pass of additions
// for the coefficient of variation). The figures are those of ComputeSkew
// to the bit: the zeros sort first, where they add nothing to a sum.
func sparseSkew(xs []float64, zeros int) Skew {
	return skewOf(prepared{ys: prepare(xs), zeros: max(zeros, 0)}, activeWorkers(xs))
}

func skewOf(p prepared, active int) Skew {
	s := Skew{
		Workers:       p.n(),
		ActiveWorkers: active,
		TopShare:      make(map[string]float64, len(topShareKs)),
	}
	for _, k := range topShareKs {
		s.TopShare[strconv.Itoa(k)] = topShare(p, k)
	}
	if !positive(p) {
		return s
	}
	s.Gini = gini(p)
	s.MaxMean = ptr(maxMean(p))
	s.CV = ptr(cv(p))
	s.Jain = ptr(jain(p))
	s.EffectiveWorkers = ptr(effectiveWorkers(p))
	return s
}

// Gini returns the population Gini coefficient of xs,
//
//	G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean),
//
// computed in O(n log n) from the values sorted in ascending order, x₍₁₎ ≤ … ≤ x₍ₙ₎, as
//
//	G = Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σx).
//
// G is 0 when every worker does the same and (n−1)/n when one worker does everything; it is 0 when
// n == 0 or the mean is 0.
func Gini(xs []float64) float64 {
	p := prepared{ys: prepare(xs)}
	if !positive(p) {
		return 0
	}
	return gini(p)
}

// TopShare returns the share of the total done by the k busiest workers,
//
//	top_share(k) = (x₍ₙ₎ + … + x₍ₙ₋ₖ₊₁₎) / Σx,
//
// where k > n means all workers and k ≤ 0 none. It is 0 when the total is 0.
func TopShare(xs []float64, k int) float64 {
	return topShare(prepared{ys: prepare(xs)}, k)
}

// MaxMean returns the busiest worker's value over the mean,
//
//	max_mean = max(x) / (Σx / n),
//
// which lies in [1, n]. ok is false when n == 0 or the total is 0.
func MaxMean(xs []float64) (v float64, ok bool) {
	p := prepared{ys: prepare(xs)}
	if !positive(p) {
		return 0, false
	}
	return maxMean(p), true
}

// CV returns the coefficient of variation, the population standard deviation over the mean,
//
//	cv = √(Σ (xᵢ − mean)² / n) / mean,   mean = Σx / n,
//
// which lies in [0, √(n−1)]. ok is false when n == 0 or the total is 0.
func CV(xs []float64) (v float64, ok bool) {
	p := prepared{ys: prepare(xs)}
	if !positive(p) {
		return 0, false
	}
	return cv(p), true
}

// Jain returns Jain's fairness index,
//
//	jain = (Σx)² / (n · Σx²),
//
// which is 1 when every worker does the same and 1/n when one worker does everything. ok is false
// when n == 0 or the total is 0.
func Jain(xs []float64) (v float64, ok bool) {
	p := prepared{ys: prepare(xs)}
	if !positive(p) {
		return 0, false
	}
	return jain(p), true
}

// EffectiveWorkers returns how many equally busy workers would give the same Jain index,
//
//	effective_workers = n · jain = (Σx)² / Σx²,
//
// which lies in [1, n]. ok is false when n == 0 or the total is 0.
func EffectiveWorkers(xs []float64) (v float64, ok bool) {
	p := prepared{ys: prepare(xs)}
	if !positive(p) {
		return 0, false
	}
	return effectiveWorkers(p), true
}

// The functions below take the output of prepare: sorted ascending, valid, scaled, after zeros
// zeros that are not in the slice. The positive ones also need a total > 0. Each result is clamped to
// its mathematical range so that rounding can never report, say, a Jain index of 1.0000000000000002 to
// a check that compares it with 1.

// prepared is prepare's output, after zeros zeros left out: they would come first in ascending order,
// and a zero added first to a sum leaves it 0.
type prepared struct {
	ys    []float64
	zeros int
}

// n is how many values there are, zeros included.
func (p prepared) n() int { return len(p.ys) + p.zeros }

func gini(p prepared) float64 {
	n := float64(p.n())
	var num accumulator
	for i, y := range p.ys {
		num.add((2*float64(p.zeros+i+1) - n - 1) * y)
	}
	return clamp(num.value()/(n*sum(p.ys)), 0, (n-1)/n)
}

func topShare(p prepared, k int) float64 {
	if k <= 0 || !positive(p) {
		return 0
	}
	// k over len(ys) takes zeros too, which add nothing.
	ys := p.ys
	k = min(k, len(ys))
	return clamp(sum(ys[len(ys)-k:])/sum(ys), 0, 1)
}

func maxMean(p prepared) float64 {
	n := float64(p.n())
	return clamp(n*p.ys[len(p.ys)-1]/sum(p.ys), 1, n)
}

func cv(p prepared) float64 {
	n := float64(p.n())
	mean := sum(p.ys) / n
	// Two passes rather than Σx²/n − mean², which cancels catastrophically when the values are close.
	var ss accumulator
	for range p.zeros {
		ss.add(mean * mean) // (0 − mean)², to the bit
	}
	for _, y := range p.ys {
		d := y - mean
		ss.add(d * d)
	}
	return clamp(math.Sqrt(ss.value()/n)/mean, 0, math.Sqrt(n-1))
}

func jain(p prepared) float64 {
	n := float64(p.n())
	t := sum(p.ys)
	return clamp(t*t/(n*sumSquares(p.ys)), 1/n, 1)
}

func effectiveWorkers(p prepared) float64 {
	n := float64(p.n())
	t := sum(p.ys)
	return clamp(t*t/sumSquares(p.ys), 1, n)
}

// prepare returns a sorted copy of xs with invalid values replaced (see above) and every value
// scaled by the same power of two, so that the largest lies in [0.5, 1). Every metric is
// scale-invariant; the scaling keeps Σx, Σx² and n·Σx² finite for values near the float64 limit, and a
// power of two keeps integer values exact.
func prepare(xs []float64) []float64 {
	ys := make([]float64, len(xs))
	for i, x := range xs {
		switch {
		case math.IsInf(x, 1):
			ys[i] = math.MaxFloat64
		case x > 0:
			ys[i] = x
		default: // zero, negative or NaN
			ys[i] = 0
		}
	}
	slices.Sort(ys)
	if len(ys) == 0 || ys[len(ys)-1] == 0 {
		return ys
	}
	_, exp := math.Frexp(ys[len(ys)-1])
	for i := range ys {
		ys[i] = math.Ldexp(ys[i], -exp)
	}
	return ys
}

// positive reports whether the total of prepared values is > 0.
func positive(p prepared) bool {
	return len(p.ys) > 0 && p.ys[len(p.ys)-1] > 0
}

func activeWorkers(xs []float64) int {
	n := 0
	for _, x := range xs {
		if x > 0 {
			n++
		}
	}
	return n
}

func sum(ys []float64) float64 {
	var a accumulator
	for _, y := range ys {
		a.add(y)
	}
	return a.value()
}

func sumSquares(ys []float64) float64 {
	var a accumulator
	for _, y := range ys {
		a.add(y * y)
	}
	return a.value()
}

// accumulator is Neumaier's compensated sum: with values in ascending order its error stays near
// one rounding, whatever n, which the plain running sum does not.
type accumulator struct{ s, c float64 }

func (a *accumulator) add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

func (a *accumulator) value() float64 { return a.s + a.c }

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

func ptr(x float64) *float64 { return &x }
