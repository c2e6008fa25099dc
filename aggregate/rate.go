package aggregate

import (
	"math"

	"github.com/skewer-dev/skewer/parse"
)

// CPURate is how fast a worker used CPU: CPU seconds ÷ seconds over which
// they were used, as a fraction of one core, with the bounds that the
// inputs' resolutions allow.
type CPURate struct {
	// Rate is the best estimate; Low and High bound it (High is +Inf when
	// only a lower bound is known: ps C stops at 99).
	Rate, Low, High float64
	// AgeLow and AgeHigh bound how long the CPU seconds were used over, in
	// seconds (AgeHigh +Inf when unknown): a worker's age for cumulative
	// CPU, the snapshots' window for CPU measured between snapshots.
	AgeLow, AgeHigh float64
	// FromC says the rate is ps's own lifetime percentage (C or %CPU): the
	// snapshot had no time to give ages.
	FromC bool
	// Disagrees says ps's lifetime percentage is outside the rate that the
	// start time and the snapshot's time give: one of them is wrong.
	Disagrees bool
}

// pctBounds are the lifetime CPU fraction that ps's truncated percentage
// allows, [lo, hi).
func pctBounds(p parse.Proc) (lo, hi float64, ok bool) {
	if p.PctTenths < 0 || p.PctStep <= 0 {
		return 0, 0, false
	}
	lo = float64(p.PctTenths) / 1000
	hi = float64(p.PctTenths+p.PctStep) / 1000
	if p.PctCapped {
		hi = math.Inf(1)
	}
	return lo, hi, true
}

// windowRate is the rate of CPU measured between two sightings span µs
// apart: each cumulative value is truncated to step ms, so the delta is
// within one step either way.
func windowRate(millis, step, span int64) *CPURate {
	if span <= 0 {
		return nil
	}
	secs := float64(span) / 1e6
	c, res := float64(millis)/1e3, float64(step)/1e3
	return &CPURate{
		Rate: c / secs, Low: math.Max(0, c-res) / secs, High: (c + res) / secs,
		AgeLow: secs, AgeHigh: secs,
	}
}

// lifetimeRate is the rate of cumulative CPU (truncated to step ms) of a
// process born within [bornFrom, bornTo) and seen at `at` (unix µs),
// narrowed by ps's lifetime percentage when the row has one.
func lifetimeRate(millis, step, bornFrom, bornTo, at int64, p parse.Proc) *CPURate {
	c, res := float64(millis)/1e3, float64(step)/1e3
	ageLo, ageHi := float64(at-bornTo)/1e6, float64(at-bornFrom)/1e6
	if ageHi <= 0 {
		return nil
	}
	r := &CPURate{AgeLow: math.Max(ageLo, 0), AgeHigh: ageHi, Low: c / ageHi, High: math.Inf(1)}
	if ageLo > 0 {
		r.High = (c + res) / ageLo
	}
	r.Rate = c / ((ageLo + ageHi) / 2)
	if lo, hi, ok := pctBounds(p); ok {
		if lo > r.High || hi <= r.Low {
			r.Disagrees = true
		} else {
			r.Low, r.High = math.Max(r.Low, lo), math.Min(r.High, hi)
		}
	}
	r.Rate = math.Min(math.Max(r.Rate, r.Low), r.High)
	return r
}

// pctRate is the rate ps's lifetime percentage gives alone, and the ages
// it implies with the cumulative CPU: age = CPU seconds ÷ rate.
func pctRate(millis, step int64, p parse.Proc) *CPURate {
	lo, hi, ok := pctBounds(p)
	if !ok {
		return nil
	}
	c, res := float64(millis)/1e3, float64(step)/1e3
	r := &CPURate{Rate: lo, Low: lo, High: hi, FromC: true, AgeHigh: math.Inf(1)}
	if !math.IsInf(hi, 1) {
		r.AgeLow = c / hi
	}
	if lo > 0 {
		r.AgeHigh = (c + res) / lo
	}
	return r
}

// agesDiffer reports whether the workers' CPU was provably measured over
// spans that differ by more than 2×: the oldest's shortest possible age is
// more than twice the youngest's longest.
func agesDiffer(rates []*CPURate) (oldest, youngest float64, differ bool) {
	oldest, youngest = 0, math.Inf(1)
	n := 0
	for _, r := range rates {
		if r == nil {
			continue
		}
		n++
		oldest = math.Max(oldest, r.AgeLow)
		youngest = math.Min(youngest, r.AgeHigh)
	}
	return oldest, youngest, n > 1 && oldest > 2*youngest
}
