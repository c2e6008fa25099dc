package aggregate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// CPUAges says that the workers' CPU seconds were used over spans of time
// that differ by more than 2× (cumulative CPU of workers of different
// ages), so that their CPU seconds compare unlike things and their rates
// are the figure to rank by.
type CPUAges struct {
	// Youngest and Oldest bound the spans: the youngest worker was alive at
	// most Youngest, the oldest at least Oldest.
	Youngest, Oldest time.Duration
	// ByRate are the workers with a rate, highest rate first.
	ByRate []Worker
	// FromC says the rates are ps's lifetime percentage: the snapshot had
	// no time, so ages came from C and TIME.
	FromC bool
}

// cpuAges judges the workers' ages by their rates' spans (STIME, ELAPSED or
// the snapshots' times; never PID numbers, which wrap) and ranks them by
// rate when they differ by more than 2×; nil when they do not.
func cpuAges(rows []Worker) *CPUAges {
	var rates []*CPURate
	var ranked []Worker
	fromC := false
	for _, w := range rows {
		if w.Rate != nil {
			rates = append(rates, w.Rate)
			ranked = append(ranked, w)
			fromC = fromC || w.Rate.FromC
		}
	}
	oldest, youngest, differ := agesDiffer(rates)
	if !differ {
		return nil
	}
	slices.SortStableFunc(ranked, func(a, b Worker) int {
		if c := cmp.Compare(b.Rate.Rate, a.Rate.Rate); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Rate.Low, a.Rate.Low); c != 0 {
			return c
		}
		return cmp.Compare(*b.CPUSeconds, *a.CPUSeconds)
	})
	return &CPUAges{Youngest: seconds(youngest), Oldest: seconds(oldest), ByRate: ranked, FromC: fromC}
}

func seconds(s float64) time.Duration {
	if math.IsInf(s, 1) || s > float64(math.MaxInt64/int64(time.Second)) {
		return math.MaxInt64
	}
	return time.Duration(s * float64(time.Second))
}

// Note is the warning that says why CPU seconds are ranked by rate.
func (a *CPUAges) Note() string {
	s := fmt.Sprintf("workers' ages differ by more than 2× (the youngest at most %s, the oldest at least %s): cumulative CPU seconds and shares compare workers of different ages, so the CPU ranking is by cpu_rate",
		Age(a.Youngest), Age(a.Oldest))
	if a.FromC {
		s += "; the snapshot has no time, so rates are ps's lifetime C in whole percent and ages follow from C and TIME: --ps-time (when it was taken) gives ages from STIME and finer rates"
	}
	return s
}

// Age writes a duration the way a person reads an age: "3.3 h", "8.9 days".
func Age(d time.Duration) string {
	switch {
	case d == math.MaxInt64:
		return "unknown"
	case d < 2*time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d < 2*time.Hour:
		return fmt.Sprintf("%.0f min", d.Minutes())
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}
