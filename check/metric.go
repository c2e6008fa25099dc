package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// skewMetrics are the keys of a report's skew object, top_share spelt
// per k as topK_share; each is also a cpu_ metric over cpu_skew.
var skewMetrics = []string{
	"workers", "active_workers", "gini", "top1_share", "top3_share", "top5_share",
	"max_mean", "cv", "jain", "effective_workers",
}

// runMetrics are the metrics that are not skew keys and have no cpu_ form.
var runMetrics = []string{"idle_workers", "rejected_ratio", "requests"}

// knownList is the list of metrics an unknown-metric error gives.
const knownList = "workers, active_workers, gini, topK_share (any K >= 1: top1_share, top2_share, ...), " +
	"max_mean, cv, jain, effective_workers, idle_workers, rejected_ratio, requests, " +
	"and cpu_ before a skew metric (cpu_gini, cpu_top1_share, ...)"

// metric is a parsed metric name.
type metric struct {
	name string
	cpu  bool   // over CPU seconds (cpu_skew)
	key  string // a skewMetrics or runMetrics name; "top_share" for topK_share
	k    int    // K of topK_share
}

// lookup parses a metric name.
func lookup(name string) (metric, bool) {
	m := metric{name: name}
	rest := name
	if r, ok := strings.CutPrefix(name, "cpu_"); ok {
		m.cpu, rest = true, r
	}
	if !m.cpu {
		for _, r := range runMetrics {
			if rest == r {
				m.key = r
				return m, true
			}
		}
	}
	if k, ok := topK(rest); ok {
		m.key, m.k = "top_share", k
		return m, true
	}
	for _, s := range skewMetrics {
		if rest == s {
			m.key = s
			return m, true
		}
	}
	return metric{}, false
}

// topK reads K from topK_share: decimal digits, no leading zero, K >= 1.
func topK(s string) (int, bool) {
	d, ok := strings.CutPrefix(s, "top")
	if !ok {
		return 0, false
	}
	d, ok = strings.CutSuffix(d, "_share")
	if !ok || d == "" || d[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
	}
	k, err := strconv.Atoi(d)
	return k, err == nil
}

// Known reports whether name is a metric a threshold may use. Whether the
// input can provide it (cpu_ metrics need snapshots) is only known with the
// report: see Value.
func Known(name string) bool {
	_, ok := lookup(name)
	return ok
}

// knownError says why name is not a metric, suggesting the closest known
// name when one is a small edit away.
func knownError(name string) error {
	if Known(name) {
		return nil
	}
	if s := strings.TrimPrefix(name, "cpu_"); strings.HasPrefix(s, "top0") && strings.HasSuffix(s, "_share") && strings.Trim(s[3:len(s)-6], "0") == "" {
		return fmt.Errorf("unknown metric %q: K of topK_share must be at least 1", name)
	}
	if s, ok := strings.CutPrefix(name, "cpu_"); ok && slices.Contains(runMetrics, s) {
		return fmt.Errorf("unknown metric %q: %s has no cpu_ form (cpu_ goes before a skew metric: cpu_gini, cpu_top1_share, ...)", name, s)
	}
	if s := suggest(name); s != "" {
		return fmt.Errorf("unknown metric %q (did you mean %q? known: %s)", name, s, knownList)
	}
	return fmt.Errorf("unknown metric %q (known: %s)", name, knownList)
}

// suggest returns the known metric closest to name, or "" when none is
// close: one edit (a transposition counts as one), or two in a name of six
// characters or more.
func suggest(name string) string {
	if len(name) > 64 {
		return "" // not a typo, and the distances would be costly
	}
	lower := strings.ToLower(name)
	var cands []string
	// The digits of a misspelt topK_share name its K: top10share is
	// top10_share before it is top1_share.
	if d := strings.TrimFunc(lower, func(r rune) bool { return r < '0' || r > '9' }); d != "" {
		cands = append(cands, "top"+strings.TrimLeft(d, "0")+"_share")
	}
	cands = append(append(cands, skewMetrics...), runMetrics...)
	for _, s := range cands {
		if !slices.Contains(runMetrics, s) {
			cands = append(cands, "cpu_"+s)
		}
	}
	best, bestD := "", 3
	for _, c := range cands {
		if !Known(c) {
			continue
		}
		if d := distance(lower, c); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= 1 || bestD == 2 && len(name) >= 6 {
		return best
	}
	return ""
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of neighbours.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// errNoSnapshots is why a cpu_ metric has no value.
func errNoSnapshots(name string) error {
	return &NeedError{Need: NeedSnapshots, Metric: name}
}

// errUnknown is Value's error for a name Known refuses.
func errUnknown(name string) error {
	return fmt.Errorf("unknown metric %q", name)
}

// Value returns the metric name over the whole run of rep. The error says
// why the input cannot provide it (cpu_ metrics without snapshots); a nil
// value without an error is a metric that is defined but null for this
// input, such as max_mean when nothing was served.
//
// topK_share is read from the report's top_share when it holds K, else
// worked out from the population's values: every worker's requests and a
// zero per idle slot, or for cpu_ every worker's known CPU seconds.
func Value(rep *aggregate.Report, name string) (*float64, error) {
	m, ok := lookup(name)
	if !ok {
		return nil, errUnknown(name)
	}
	switch m.key {
	case "idle_workers":
		return num(float64(rep.Skew.Workers - rep.Skew.ActiveWorkers)), nil
	case "rejected_ratio":
		if rep.Lines.Total == 0 {
			return nil, nil
		}
		return num(float64(rep.Lines.Rejected) / float64(rep.Lines.Total)), nil
	case "requests":
		// Summed from the rows: a baseline read from JSON has only them.
		var n int64
		for _, w := range rep.Workers {
			n += w.Requests
		}
		return num(float64(n)), nil
	}
	if m.cpu {
		if rep.CPUNull != "" {
			return nil, nil
		}
		if rep.CPUSkew == nil {
			return nil, errNoSnapshots(name)
		}
		return skewValue(*rep.CPUSkew, m, func() []float64 { return cpuValues(rep) }), nil
	}
	return skewValue(rep.Skew, m, func() []float64 { return requestValues(rep) }), nil
}

// WindowValue returns the metric name over the window w of rep: from the
// window's requests (the workers alive in it, as its skew) and, for cpu_
// metrics, its CPU seconds. idle_workers counts the workers alive in the
// window that served nothing and its idle slots, requests is the window's total, and
// rejected_ratio is not known per window (an error).
func WindowValue(rep *aggregate.Report, w aggregate.Window, name string) (*float64, error) {
	m, ok := lookup(name)
	if !ok {
		return nil, errUnknown(name)
	}
	switch m.key {
	case "idle_workers":
		n := w.IdleSlots
		req, _, _ := w.Counts()
		for _, r := range req {
			if r == 0 {
				n++
			}
		}
		return num(float64(n)), nil
	case "rejected_ratio":
		return nil, fmt.Errorf("metric %q is not available per window: rejected lines are counted over the whole run", name)
	case "requests":
		return num(float64(w.RequestTotal())), nil
	}
	if m.cpu {
		if rep.CPUNull != "" {
			return nil, nil
		}
		if rep.CPUSkew == nil {
			return nil, errNoSnapshots(name)
		}
		_, _, cpu := w.Counts()
		xs := make([]float64, 0, len(cpu))
		for _, c := range cpu {
			xs = append(xs, c)
		}
		return skewValue(aggregate.ComputeSkew(xs), m, func() []float64 { return xs }), nil
	}
	return skewValue(w.Skew, m, func() []float64 {
		req, _, _ := w.Counts()
		xs := make([]float64, 0, len(req))
		for _, r := range req {
			xs = append(xs, float64(r))
		}
		return xs
	}), nil
}

// skewValue reads m from s; xs gives the values topK_share is worked out
// from when s has no entry for K.
func skewValue(s aggregate.Skew, m metric, xs func() []float64) *float64 {
	switch m.key {
	case "workers":
		return num(float64(s.Workers))
	case "active_workers":
		return num(float64(s.ActiveWorkers))
	case "gini":
		return num(s.Gini)
	case "top_share":
		if v, ok := s.TopShare[strconv.Itoa(m.k)]; ok {
			return num(v)
		}
		return num(aggregate.TopShare(xs(), m.k))
	case "max_mean":
		return s.MaxMean
	case "cv":
		return s.CV
	case "jain":
		return s.Jain
	case "effective_workers":
		return s.EffectiveWorkers
	}
	panic("check: no skew metric " + m.key)
}

// requestValues is the requests of the run's population: every worker, and
// a zero per idle slot.
func requestValues(rep *aggregate.Report) []float64 {
	xs := make([]float64, 0, len(rep.Workers)+rep.IdleSlots)
	for _, w := range rep.Workers {
		xs = append(xs, float64(w.Requests))
	}
	for range rep.IdleSlots {
		xs = append(xs, 0)
	}
	return xs
}

// cpuValues is the CPU seconds of the workers whose CPU time is known, the
// population of cpu_skew.
func cpuValues(rep *aggregate.Report) []float64 {
	var xs []float64
	for _, w := range rep.Workers {
		if w.CPUSeconds != nil {
			xs = append(xs, *w.CPUSeconds)
		}
	}
	return xs
}

// nullReason says why a metric's value is null on an input.
func nullReason(name string) string {
	m, _ := lookup(name)
	switch {
	case m.key == "rejected_ratio":
		return "no lines were read"
	case m.cpu:
		return "no CPU time was used"
	}
	return "no requests were served"
}

func num(x float64) *float64 { return &x }
