package explain

import (
	"fmt"
	"math"
)

// Next request, same worker: where connections stay on the worker that
// accepted them, a client sending one request at a time keeps landing on
// one worker, far more often than chance; idle workers racing in accept
// give chance or less.
const (
	// minPairs is the fewest pairs of consecutive requests the statistic
	// is judged on.
	minPairs = 20
	// stickyRatio and stickyZ make "far more often than chance": at least
	// 1.25 times chance and 3 standard deviations above it.
	stickyRatio = 1.25
	stickyZ     = 3
	// chanceRatio is the most, times chance, that is "at chance".
	chanceRatio = 1.1
)

// Verdicts of the statistic.
const (
	seqUnknown = iota // too few pairs, or between chance and far above it
	seqSticky         // far more often than chance
	seqChance         // at or below chance
)

// seqStat is how often the next request (in the log's order, per host) went
// to the worker of the one before, against chance: in each window, the sum
// of the squared shares of the requests of its live workers (idle ones
// count as 0), weighted by the window's pairs.
type seqStat struct {
	pairs, same int64
	chance      float64 // expected same pairs
	variance    float64 // of same pairs, by chance
	uniform     float64 // expected same pairs were every live worker equal
	windows     int
}

// nextSame measures the statistic over the subject's windows (its host's,
// with several).
func nextSame(s *subject) seqStat {
	var st seqStat
	for _, l := range loads(s.rep, 1) {
		if s.host != "" && l.host != s.host {
			continue
		}
		pairs, same := s.rep.NextSame(l.host, l.start)
		n := l.total()
		live := l.live()
		if pairs == 0 || n == 0 || live == 0 {
			continue
		}
		c := 0.0
		for _, k := range l.keys {
			p := float64(l.requests[k]) / float64(n)
			c += p * p
		}
		st.pairs += pairs
		st.same += same
		st.chance += float64(pairs) * c
		st.variance += float64(pairs) * c * (1 - c)
		st.uniform += float64(pairs) / float64(live)
		st.windows++
	}
	return st
}

// verdict says whether the next request stuck to its worker.
func (st seqStat) verdict() int {
	if st.pairs < minPairs || st.chance == 0 {
		return seqUnknown
	}
	s := float64(st.same)
	switch {
	case s >= stickyRatio*st.chance && (s-st.chance) >= stickyZ*math.Sqrt(st.variance):
		return seqSticky
	case s <= chanceRatio*st.chance:
		return seqChance
	}
	return seqUnknown
}

// line is the statistic with its numbers, "" without pairs.
func (st seqStat) line() string {
	if st.pairs == 0 {
		return ""
	}
	word := map[int]string{seqSticky: "far more often than chance", seqChance: "at chance or below",
		seqUnknown: "not clearly apart from chance"}[st.verdict()]
	switch {
	case st.pairs < minPairs:
		word = fmt.Sprintf("too few pairs to judge (under %d)", minPairs)
	case st.verdict() == seqChance && float64(st.same) > st.chance:
		word = fmt.Sprintf("near chance (within %.0f%%)", 100*(chanceRatio-1))
	}
	return fmt.Sprintf("the next request went to the same worker %d of %d times (%.0f%%) in %d windows, chance from the windows' shares %.0f%% (1/live %.0f%%): %s",
		st.same, st.pairs, 100*float64(st.same)/float64(st.pairs), st.windows,
		100*st.chance/float64(st.pairs), 100*st.uniform/float64(st.pairs), word)
}

// short is the statistic in a few words.
func (st seqStat) short() string {
	return fmt.Sprintf("next request same worker %.0f%%, chance %.0f%%",
		100*float64(st.same)/float64(st.pairs), 100*st.chance/float64(st.pairs))
}
