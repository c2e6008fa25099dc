package render

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/check"
)

// A checkGroup is what one line of check output shows: one whole-run
// verdict, or every window verdict of one threshold (--each-window).
type checkGroup struct {
	verdicts []check.Verdict
	failed   []check.Verdict
	windowed bool
	num      numFormat
	noun     string // what a window verdict is about: see windowNoun
}

func (g checkGroup) pass() bool { return len(g.failed) == 0 }

// first is the verdict that speaks for the group: threshold, metric,
// operator and limit are the same in every window.
func (g checkGroup) first() check.Verdict { return g.verdicts[0] }

// checkGroups gathers the verdicts into lines: whole-run verdicts one each,
// window verdicts by threshold, in the order each threshold first appears
// (the check package may list windows first).
func checkGroups(r check.Result) []checkGroup {
	var gs []checkGroup
	byThreshold := map[string]int{}
	for _, v := range r.Verdicts {
		i, ok := byThreshold[v.Threshold]
		if v.WindowStart.IsZero() || !ok {
			i = len(gs)
			gs = append(gs, checkGroup{windowed: !v.WindowStart.IsZero()})
			if !v.WindowStart.IsZero() {
				byThreshold[v.Threshold] = i
			}
		}
		gs[i].verdicts = append(gs[i].verdicts, v)
		if !v.Pass {
			gs[i].failed = append(gs[i].failed, v)
		}
	}
	for i := range gs {
		gs[i].num = pickFormat(gs[i].verdicts)
		gs[i].noun = windowNoun(r)
	}
	return gs
}

// checkTally counts thresholds (not windows) that held and failed, and the
// most windows any threshold was evaluated in.
func checkTally(gs []checkGroup) (passed, failed, windows int, windowed bool) {
	for _, g := range gs {
		if g.pass() {
			passed++
		} else {
			failed++
		}
		if g.windowed {
			windowed = true
			windows = max(windows, len(g.verdicts))
		}
	}
	return passed, failed, windows, windowed
}

// numFormat is how many decimals a threshold's numbers get.
type numFormat struct{ digits int }

// metricDigits is a metric's usual precision: counts as integers, shares and
// ratios to three decimals, as the report shows them otherwise.
func metricDigits(metric string) int {
	m := strings.TrimPrefix(strings.TrimPrefix(metric, "cpu_"), "request_seconds_")
	switch m {
	case "workers", "active_workers", "idle_workers", "requests":
		return 0
	case "effective_workers":
		return 1
	case "max_mean":
		return 2
	}
	return 3
}

// pickFormat starts from the metric's precision and adds decimals (up to 6)
// while the rounded numbers would contradict a verdict, so that a reader
// never sees "gini 0.350 < 0.35  FAIL".
func pickFormat(vs []check.Verdict) numFormat {
	f := numFormat{digits: metricDigits(vs[0].Metric)}
	for ; f.digits < 6; f.digits++ {
		ok := true
		for _, v := range vs {
			ok = ok && f.consistent(v)
		}
		if ok {
			break
		}
	}
	return f
}

func (f numFormat) consistent(v check.Verdict) bool {
	if v.Observed == nil {
		return true
	}
	obs, err1 := strconv.ParseFloat(f.fixed(*v.Observed), 64)
	lim, err2 := strconv.ParseFloat(f.limit(v.Limit), 64)
	if err1 != nil || err2 != nil {
		return true
	}
	return !v.Op.Valid() || v.Op.Holds(obs, lim) == v.Pass
}

// fixed writes v with the format's decimals, never as -0.
func (f numFormat) fixed(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	s := strconv.FormatFloat(v, 'f', f.digits, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

func (f numFormat) value(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return f.fixed(*v)
}

// delta is signed: +0.111, -0.012, 0.000 when it rounds to nothing.
func (f numFormat) delta(v *float64) string {
	s := f.value(v)
	if v == nil || strings.HasPrefix(s, "-") || strings.Trim(s, "0.") == "" || s == "n/a" {
		return s
	}
	return "+" + s
}

// limit writes a worked-out limit (baseline*0.9) like a number a user would
// write: at least three decimals, trailing zeros dropped.
func (f numFormat) limit(v float64) string {
	s := numFormat{digits: max(f.digits, 3)}.fixed(v)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// condition is the threshold's right side as written, with the worked-out
// limit after a baseline expression: "< 0.35", "<= baseline+0.05 = 0.351".
func (f numFormat) condition(v check.Verdict) string {
	rhs, ok := strings.CutPrefix(v.Threshold, v.Metric+string(v.Op))
	if !ok {
		return string(v.Op) + " " + f.limit(v.Limit)
	}
	if strings.Contains(rhs, "baseline") {
		return string(v.Op) + " " + rhs + " = " + f.limit(v.Limit)
	}
	return string(v.Op) + " " + rhs
}

// comparison puts the observed value between metric and condition:
// "gini 0.412 < 0.35".
func (f numFormat) comparison(v check.Verdict) string {
	return v.Metric + " " + f.value(v.Observed) + " " + f.condition(v)
}

// against is the baseline note, "baseline 0.301, +0.111", or "".
func (f numFormat) against(v check.Verdict) string {
	if v.Baseline == nil {
		return ""
	}
	return fmt.Sprintf("baseline %s, %s", f.value(v.Baseline), f.delta(v.Delta))
}

// sentence says why a verdict failed, for annotations and JUnit:
// "gini is 0.412, not < 0.35 (baseline 0.301, +0.111)".
func (f numFormat) sentence(v check.Verdict) string {
	s := fmt.Sprintf("%s is %s, not %s", v.Metric, f.value(v.Observed), f.condition(v))
	if v.Observed == nil {
		s = fmt.Sprintf("%s is undefined for this input, so %s does not hold", v.Metric, f.condition(v))
	}
	if b := f.against(v); b != "" {
		s += " (" + b + ")"
	}
	return s
}

// windowCount says how a windowed threshold did: "2 of 5 windows failed",
// "held in all 5 windows" ("host windows" with several hosts).
func (g checkGroup) windowCount() string {
	n := len(g.verdicts)
	switch {
	case !g.pass():
		return fmt.Sprintf("%d of %s failed", len(g.failed), Plural(int64(n), g.noun))
	case n == 1:
		return "held in 1 " + g.noun
	}
	return fmt.Sprintf("held in all %s", Plural(int64(n), g.noun))
}

// windowRange writes a window's span, the end as a time of day when it is
// on the same UTC day.
func windowRange(v check.Verdict) string {
	end := v.WindowEnd.String()
	if sameDay(v.WindowStart, v.WindowEnd) {
		end = timeOfDay(v.WindowEnd) + "Z"
	}
	return v.WindowStart.String() + " to " + end
}

// windowLine describes one failing window: "2026-11-25T17:05:00Z to
// 17:10:00Z  top1_share 0.612  1234 requests (baseline 0.301, +0.311)",
// with "on host web2" after the range when the verdict names a host.
func (f numFormat) windowLine(v check.Verdict, sep string) string {
	s := windowRange(v) + onHost(v) + sep + v.Metric + " " + f.value(v.Observed) + sep + Plural(v.Requests, "request")
	if b := f.against(v); b != "" {
		s += " (" + b + ")"
	}
	return s
}

// onHost is " on host NAME" for a verdict on one host's window, else "".
func onHost(v check.Verdict) string {
	if v.Host == "" {
		return ""
	}
	return " on host " + Clean(v.Host)
}

// windowNoun is what a windowed verdict is about: a "window", or a "host
// window" when each host's window was judged on its own.
func windowNoun(r check.Result) string {
	if r.Hosts > 0 {
		return "host window"
	}
	return "window"
}

// checkSummary is the last line: "3 thresholds: 2 passed, 1 failed", with
// windows "2 thresholds over 5 windows of 5m: 1 passed, 1 failed".
func checkSummary(r check.Result, gs []checkGroup, color bool) string {
	passed, failed, windows, windowed := checkTally(gs)
	lead := Plural(int64(len(gs)), "threshold")
	if windowed {
		lead += " over " + Plural(int64(windows), windowNoun(r))
		if r.WindowSeconds > 0 {
			lead += " of " + tlSize(float64(r.WindowSeconds))
		}
		if r.Hosts > 0 {
			lead += fmt.Sprintf(" on %d hosts", r.Hosts)
		}
	}
	fails := fmt.Sprintf("%d failed", failed)
	if color && failed > 0 {
		fails = "\x1b[31m" + fails + "\x1b[0m"
	}
	return fmt.Sprintf("%s: %d passed, %s", lead, passed, fails)
}

// CheckText writes the verdicts for a terminal or a CI log: one line per
// threshold with its mark, the observed value in the threshold as written
// and, with a baseline, the baseline value and the change; for
// --each-window, how many windows failed and one line per failing window;
// then the skipped windows and a summary line. The marks are ✓ and ✗ in
// green and red when color is set, ASCII "ok" and "FAIL" otherwise, and
// then no escape code is written.
func CheckText(w io.Writer, r check.Result, color bool) error {
	ew := &errWriter{w: w}
	gs := checkGroups(r)
	if r.Baseline != "" {
		ew.printf("baseline: %s\n", Clean(r.Baseline))
	}
	heads, notes := make([]string, len(gs)), make([]string, len(gs))
	width := 0
	for i, g := range gs {
		v := g.first()
		if g.windowed {
			heads[i], notes[i] = v.Metric+" "+g.num.condition(v), g.windowCount()
		} else {
			heads[i], notes[i] = g.num.comparison(v), g.num.against(v)
			if notes[i] != "" {
				notes[i] = "(" + notes[i] + ")"
			}
		}
		heads[i] = Clean(heads[i])
		width = max(width, len([]rune(heads[i])))
	}
	indent := strings.Repeat(" ", 8)
	if color {
		indent = strings.Repeat(" ", 4)
	}
	for i, g := range gs {
		ew.printf("%s", checkMark(g.pass(), color))
		if notes[i] == "" {
			ew.printf("%s\n", heads[i])
		} else {
			ew.printf("%-*s  %s\n", width, heads[i], notes[i])
		}
		if !g.windowed {
			// A null metric fails with its reason (CPU below the
			// snapshots' resolution): say it where the failure is.
			if v := g.first(); !v.Pass && v.Observed == nil && v.Reason != "" {
				ew.printf("%s%s\n", indent, Clean(v.Reason))
			}
			continue
		}
		for _, v := range g.failed {
			ew.printf("%s%s\n", indent, Clean(g.num.windowLine(v, "  ")))
		}
	}
	if r.SkippedWindows > 0 {
		ew.printf("%s skipped\n", skippedWindows(r))
	}
	ew.printf("%s\n", checkSummary(r, gs, color))
	return ew.err
}

// checkMark is the start of a verdict line, up to the threshold.
func checkMark(pass, color bool) string {
	switch {
	case color && pass:
		return "\x1b[32m✓\x1b[0m "
	case color:
		return "\x1b[31m✗\x1b[0m "
	case pass:
		return "ok    "
	}
	return "FAIL  "
}

// CheckJSON writes the skewer.check/v1 document, indented like JSON. HTML
// escaping is off: every threshold has a < or >, and \u003c would hide it.
func CheckJSON(w io.Writer, r check.Result) error {
	if r.Schema == "" {
		r.Schema = check.Schema
	}
	if r.Verdicts == nil {
		r.Verdicts = []check.Verdict{}
	}
	return encodeJSON(w, r, false)
}

// skippedWindows says which windows were not evaluated and why.
func skippedWindows(r check.Result) string {
	if r.MinRequests > 0 {
		return fmt.Sprintf("%s with fewer than %d requests (--min-requests)", Plural(int64(r.SkippedWindows), windowNoun(r)), r.MinRequests)
	}
	return fmt.Sprintf("%s without requests", Plural(int64(r.SkippedWindows), windowNoun(r)))
}
