package render

import (
	"fmt"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// giniWords says a Gini coefficient over n workers in words. The words
// follow the Gini relative to its ceiling (n−1)/n, so that two workers at
// 90/10 read as concentrated, not merely uneven.
func giniWords(g float64, n int) string {
	if n > 1 {
		g /= float64(n-1) / float64(n)
	}
	switch {
	case g < 0.1:
		return "even"
	case g < 0.25:
		return "mildly uneven"
	case g < 0.5:
		return "uneven"
	}
	return "concentrated on few workers"
}

// Summary says the skew of requests in plain words: the typical window and
// then the whole span (see headline), or, when no window could be judged,
// the whole span alone, e.g. "load is uneven (gini 0.337); 19 of 28 workers
// served 91.6% of requests; effective workers 20.7 of 28; busiest worker
// 1.9× its fair share".
func Summary(rep *aggregate.Report) string {
	s := rep.Skew
	if rep.Attributed == 0 && rep.CPUKnown && rep.MostCPU != nil {
		return cpuSummary(rep)
	}
	if rep.Attributed == 0 || s.Workers == 0 {
		return "no requests were attributed to a worker"
	}
	if h, ok := headline(rep); ok {
		return h
	}
	words := giniWords(s.Gini, s.Workers)
	parts := []string{fmt.Sprintf("load is %s (gini %.3f)", words, s.Gini)}
	// How few workers served 90% of requests is said only when they are at
	// most half of the workers, since "16 of 17 workers served 94.7%" or "2
	// of 2 served 100%" would read as skew.
	if most := rep.MostRequests; words != "even" && 2*most.Workers <= s.Workers {
		parts = append(parts, fmt.Sprintf("%d of %d workers served %s of requests", most.Workers, s.Workers, percent(most.Share)))
	} else {
		parts = append(parts, fmt.Sprintf("the busiest of %d workers served %s of requests", s.Workers, percent(s.TopShare["1"])))
	}
	if s.EffectiveWorkers != nil {
		parts = append(parts, fmt.Sprintf("effective workers %.1f of %d", *s.EffectiveWorkers, s.Workers))
	}
	if s.MaxMean != nil {
		parts = append(parts, fmt.Sprintf("busiest worker %.1f× its fair share", *s.MaxMean))
	}
	return strings.Join(parts, "; ")
}

// Footnotes are the notes under a report: idle slots, unattributed and
// excluded lines, warnings.
func Footnotes(rep *aggregate.Report) []string {
	var out []string
	if rep.IdleSlots > 0 {
		out = append(out, fmt.Sprintf("%d of --workers %d slots never appeared in the log: counted as idle workers with 0 requests", rep.IdleSlots, rep.Configured))
	}
	if rep.Unattributed > 0 {
		out = append(out, fmt.Sprintf("%s had no worker key (unattributed: outside the shares)", Plural(rep.Unattributed, "request")))
	}
	if n := rep.Excluded - rep.OutOfRange; n > 0 {
		out = append(out, fmt.Sprintf("%s excluded by --exclude-path", Plural(n, "request")))
	}
	if rep.OutOfRange > 0 {
		out = append(out, fmt.Sprintf("%s outside --since/--until", Plural(rep.OutOfRange, "request")))
	}
	for _, m := range rep.Masters {
		out = append(out, fmt.Sprintf("master %d (%s) is not counted as a worker", m.PID, parse.Family(m.Family)))
	}
	if rep.Restarts != nil && *rep.Restarts > 0 {
		out = append(out, fmt.Sprintf("%s restarted (the error log names why in the exit column)", Plural(int64(*rep.Restarts), "worker")))
	}
	if !rep.Durations && rep.Lines.Total > 0 {
		out = append(out, "the log has no request time: request seconds, concurrency and percentiles are unknown")
	}
	for _, w := range rep.Warnings {
		out = append(out, Clean(w))
	}
	return out
}

// skewLine lists the skew metrics on one line.
func skewLine(s aggregate.Skew) string {
	return fmt.Sprintf("gini %.3f  top1 %s  top3 %s  top5 %s  max/mean %s  cv %s  jain %s  effective workers %s of %d (active %d)",
		s.Gini, percent(s.TopShare["1"]), percent(s.TopShare["3"]), percent(s.TopShare["5"]),
		fixed(s.MaxMean, 2), fixed(s.CV, 3), fixed(s.Jain, 3), fixed(s.EffectiveWorkers, 1), s.Workers, s.ActiveWorkers)
}

// Plural writes "1 request" or "2 requests".
func Plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cpuSummary says the skew of CPU time when there are no requests, from
// process snapshots alone.
func cpuSummary(rep *aggregate.Report) string {
	most := rep.MostCPU
	if rep.CPUSkew == nil {
		return fmt.Sprintf("%d workers; %s", len(rep.Workers), rep.CPUNull)
	}
	s := *rep.CPUSkew
	if most.Total == 0 {
		return fmt.Sprintf("%d workers, no CPU time used", s.Workers)
	}
	var parts []string
	if a := rep.CPUAges; a != nil {
		// Cumulative CPU of workers of different ages: the rate leads.
		parts = append(parts, rateSentence(a))
	}
	parts = append(parts,
		fmt.Sprintf("CPU time is %s (gini %.3f)", giniWords(s.Gini, s.Workers), s.Gini),
		fmt.Sprintf("%d of %d workers used %s of CPU time", most.Workers, s.Workers, percent(most.Share)))
	if s.EffectiveWorkers != nil {
		parts = append(parts, fmt.Sprintf("effective workers %.1f of %d", *s.EffectiveWorkers, s.Workers))
	}
	if s.MaxMean != nil {
		parts = append(parts, fmt.Sprintf("busiest worker %.1f× its fair share", *s.MaxMean))
	}
	return strings.Join(parts, "; ")
}
