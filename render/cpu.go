package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// cpuSeconds writes a worker's CPU seconds, or "<1" when they are below the
// resolution of their source (ps TIME counts whole seconds): 0.0 would
// claim an idle worker.
func cpuSeconds(w aggregate.Worker) string {
	if w.CPUSeconds != nil && w.CPUResolutionSeconds != nil && *w.CPUSeconds < *w.CPUResolutionSeconds {
		return "<" + strconv.FormatFloat(*w.CPUResolutionSeconds, 'f', -1, 64)
	}
	return fixed(w.CPUSeconds, 1)
}

// cpuRate writes a worker's CPU rate as a percentage of one core, to the
// precision its bounds allow: "5.8%" when they are within 10% of each
// other, else the bounds "6.0–6.2%"; ps's C alone gives "6–7%" and "<1%".
func cpuRate(w aggregate.Worker) string {
	r := w.Rate
	if r == nil {
		return "-"
	}
	pct := func(x float64) string { return sig2(100 * x) }
	switch {
	case math.IsInf(r.High, 1):
		return "≥" + pct(r.Low) + "%"
	case r.FromC:
		// ps's own percentage, whole (C) or to a tenth (%CPU).
		asPrinted := func(x float64) string { return strconv.FormatFloat(math.Round(1000*x)/10, 'f', -1, 64) }
		if r.Low == 0 {
			return "<" + asPrinted(r.High) + "%"
		}
		return asPrinted(r.Low) + "–" + asPrinted(r.High) + "%"
	case r.High-r.Low <= 0.1*r.Rate:
		return pct(r.Rate) + "%"
	}
	return pct(r.Low) + "–" + pct(r.High) + "%"
}

// sig2 writes x with two significant digits, at most one decimal for
// values of 1 and more ("5.8", "0.15", "62").
func sig2(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x >= 10:
		return strconv.FormatFloat(math.Round(x), 'f', -1, 64)
	case x >= 1:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	d := int(math.Ceil(-math.Log10(x))) + 1
	return strconv.FormatFloat(x, 'f', d, 64)
}

// rateSentence ranks the workers by CPU rate when their ages differ, e.g.
// "by CPU rate (CPU seconds ÷ seconds alive), 15708 leads at 6.0–6.2% of a
// core, then 23004 1.5–1.8% and 27887 1.5%".
func rateSentence(a *aggregate.CPUAges) string {
	n := min(len(a.ByRate), 3)
	if n == 0 {
		return ""
	}
	parts := make([]string, 0, n)
	for i, w := range a.ByRate[:n] {
		s := fmt.Sprintf("%s %s", Clean(w.Key), cpuRate(w))
		if i == 0 {
			s = fmt.Sprintf("%s leads at %s of a core", Clean(w.Key), cpuRate(w))
		}
		parts = append(parts, s)
	}
	s := "by CPU rate (CPU seconds ÷ seconds alive) " + parts[0]
	if len(parts) > 1 {
		s += ", then " + strings.Join(parts[1:], " and ")
	}
	return s
}
