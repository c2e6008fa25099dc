package explain

import (
	"fmt"
	"math"
)

// memory fits the workers' RSS against the work they did (CPU seconds, or
// requests without CPU): a tight fit (r² ≥ 0.9) with a rising line means
// memory grows with work done; RSS within 20% across workers is flat.
func memory(s *subject) Memory {
	var xs, ys []float64
	var keys []string
	what := "CPU seconds"
	for _, w := range s.rep.Workers {
		if w.RSSPeakBytes != nil && w.CPUSeconds != nil {
			xs, ys, keys = append(xs, *w.CPUSeconds), append(ys, float64(*w.RSSPeakBytes)), append(keys, w.Key)
		}
	}
	if len(xs) < 3 {
		xs, ys, keys, what = nil, nil, nil, "requests"
		for _, w := range s.rep.Workers {
			if w.RSSPeakBytes != nil {
				xs, ys, keys = append(xs, float64(w.Requests)), append(ys, float64(*w.RSSPeakBytes)), append(keys, w.Key)
			}
		}
	}
	if len(xs) < 3 {
		return Memory{Pattern: Unknown, Evidence: "RSS is known for fewer than 3 workers: give process snapshots (ps -aefF, or skewer sample)"}
	}
	lo, hi := math.Inf(1), 0.0
	top := 0
	for i, y := range ys {
		lo = min(lo, y)
		if y > hi {
			hi, top = y, i
		}
	}
	a, b, r2 := fit(xs, ys)
	line := fmt.Sprintf("over %d workers, RSS = %s + %s per 1000 %s (r² %.3f); the largest, %s, holds %s after %s %s",
		len(xs), mib(a), mib(b*1000), what, r2, keys[top], mib(hi), trim(math.Round(xs[top])), what)
	switch {
	case hi <= 1.2*lo:
		return Memory{Pattern: Flat, Evidence: fmt.Sprintf("RSS from %s to %s over %d workers", mib(lo), mib(hi), len(xs))}
	case r2 >= 0.9 && b > 0:
		return Memory{Pattern: GrowsWithWork, Evidence: "memory grows with work done: " + line}
	}
	return Memory{Pattern: Unknown, Evidence: "RSS does not follow the work closely: " + line}
}

// fit is the least-squares line y = a + b·x and its r².
func fit(xs, ys []float64) (a, b, r2 float64) {
	n := float64(len(xs))
	var sx, sy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return my, 0, 0
	}
	b = sxy / sxx
	return my - b*mx, b, sxy * sxy / (sxx * syy)
}

// mib writes bytes in MiB, or GiB from 1 GiB.
func mib(v float64) string {
	if math.Abs(v) >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", v/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", v/(1<<20))
}
