package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ValueError is a window size or a bound that cannot be read: the value
// given and what was wanted instead. A command names its option before it.
type ValueError struct {
	Value string
	Want  string
}

func (e *ValueError) Error() string { return fmt.Sprintf("%q: %s", e.Value, e.Want) }

// ParseWidth reads a window size: a Go duration, or a number of days with
// the d suffix (1d, 7d; 1.5d is 36h, as 1.5h is a Go duration). It must be
// positive and whole seconds, the resolution of log times.
func ParseWidth(s string) (time.Duration, error) {
	const want = "want a duration such as 30s, 10m, 1h or 1d"
	var d time.Duration
	if strings.HasSuffix(s, "d") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64)
		ns := n * float64(24*time.Hour)
		// NaN, Inf and sizes past time.Duration would convert to whatever
		// the platform makes of them.
		if err != nil || math.IsNaN(ns) || math.Abs(ns) >= math.MaxInt64 {
			return 0, &ValueError{s, want}
		}
		d = time.Duration(ns)
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, &ValueError{s, want}
		}
	}
	if d <= 0 {
		return 0, &ValueError{s, "want a positive duration"}
	}
	if d%time.Second != 0 {
		return 0, &ValueError{s, "want whole seconds (log times have one-second resolution)"}
	}
	return d, nil
}

// ParseBound reads a bound of the lines accounted: an RFC 3339 time, kept
// to the microsecond, or a negative offset from the last line ("-2h"). ""
// is no bound.
func ParseBound(s string) (Bound, error) {
	if s == "" {
		return Bound{}, nil
	}
	if strings.HasPrefix(s, "-") {
		d, err := time.ParseDuration(s)
		if err != nil || d >= 0 {
			return Bound{}, &ValueError{s, "want an RFC 3339 time or a negative offset from the last line such as -2h"}
		}
		return Bound{Relative: true, Offset: d}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return Bound{}, &ValueError{s, "want an RFC 3339 time such as 2026-11-25T17:30:00Z, or an offset such as -2h"}
	}
	return Bound{Time: time.UnixMicro(t.UnixMicro()).UTC()}, nil
}

// EmptyRange reports whether since and until, both times, leave no line between
// them; relative bounds are judged once resolved, by Read.
func EmptyRange(since, until Bound) bool {
	return !since.Relative && !until.Relative && since.set() && until.set() && since.micros() >= until.micros()
}
