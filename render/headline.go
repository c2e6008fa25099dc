package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// headlineWidth is the column the headline wraps at.
const headlineWidth = 80

// typicalWords says a typical window's median Gini in words: "even" when it
// is no more than random assignment would give (noise_gini), else as
// giniWords says it over the typical window's live workers.
func typicalWords(ws *aggregate.WindowSkew) string {
	g, n := *ws.MedianGini, *ws.TypicalLiveWorkers
	if ws.NoiseGini != nil && g <= *ws.NoiseGini {
		return "even"
	}
	return giniWords(g, n)
}

// headline says the skew of a typical window and then of the whole span,
// e.g. "load is concentrated on few workers in a typical 5 s window: 1 of 5
// live workers served 59.2% (median gini 0.627; chance alone 0.076); over
// the whole 6m36s: gini 0.430, top 1 served 53.6%". ok is false when no
// window was counted.
func headline(rep *aggregate.Report) (string, bool) {
	ws := rep.WindowSkew
	if ws == nil || ws.Counted == 0 || ws.MedianGini == nil || ws.TypicalLiveWorkers == nil {
		return "", false
	}
	n := *ws.TypicalLiveWorkers
	words := typicalWords(ws)
	noise := ""
	if ws.NoiseGini != nil {
		noise = fmt.Sprintf("; chance alone %.3f", *ws.NoiseGini)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "load is %s in a typical %s window", words, windowSize(ws.WindowSeconds))
	if len(rep.HostSkew) > 1 {
		// Each host's window is a window of the summary: the kernel
		// balances the workers of one host.
		b.WriteString(" of one host")
	}
	b.WriteString(": ")
	if words == "even" {
		fmt.Fprintf(&b, "the busiest of %d live workers served %s, a fair share is %s (median gini %.3f%s)",
			n, percent(*ws.MedianTop1Share), percent(1/float64(n)), *ws.MedianGini, noise)
	} else {
		fmt.Fprintf(&b, "1 of %d live workers served %s (median gini %.3f%s)", n, percent(*ws.MedianTop1Share), *ws.MedianGini, noise)
	}
	fmt.Fprintf(&b, "; over the whole %s: %s", spanName(rep), spanPart(rep, words == "even"))
	return b.String(), true
}

// spanPart is the whole span's figure. When the typical window is even and
// the span is not, it says where the span's skew comes from: restarts, when
// the skew per alive-second is lower; else load that moved over time.
func spanPart(rep *aggregate.Report, evenWindow bool) string {
	s := rep.Skew
	plain := fmt.Sprintf("gini %.3f, top 1 served %s", s.Gini, percent(s.TopShare["1"]))
	if !evenWindow || giniWords(s.Gini, s.Workers) == "even" {
		return plain
	}
	restarts := rep.InferredRestarts
	if rep.Restarts != nil {
		restarts = *rep.Restarts
	}
	if r := rep.RateSkew; r != nil && restarts > 0 && r.Gini < s.Gini {
		return fmt.Sprintf("gini %.3f comes from %s; per alive-second %.3f", s.Gini, Plural(int64(restarts), "restart"), r.Gini)
	}
	return plain + " (uneven over time, not within a typical window)"
}

// spanName is the span's length ("6m36s"), or "span" when unknown.
func spanName(rep *aggregate.Report) string {
	if d := spanDuration(rep); d != "" {
		return d
	}
	return "span"
}

// windowSize writes a window size in seconds as "5 s", "10 min" or "3 h".
func windowSize(secs float64) string {
	s := int64(secs)
	switch {
	case float64(s) != secs:
		return time.Duration(secs * float64(time.Second)).String()
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600 && s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	case s%3600 == 0:
		return fmt.Sprintf("%d h", s/3600)
	}
	return (time.Duration(s) * time.Second).String()
}

// wrap breaks s at spaces so that no line passes width columns (a word
// longer than width stays whole); lines after the first start with indent.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	lead := s[:len(s)-len(strings.TrimLeft(s, " "))]
	b.WriteString(lead)
	col := len(lead)
	for i, word := range strings.Fields(s) {
		n := len([]rune(word))
		switch {
		case i == 0:
		case col+1+n > width:
			b.WriteString("\n" + indent)
			col = len(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}

// windowLines are the compact per-window section of report --window: the
// window skew summary and the most skewed windows. None without --window.
func windowLines(rep *aggregate.Report) []string {
	ws := rep.WindowSkew
	if rep.WindowSeconds == nil || ws == nil {
		return nil
	}
	size := windowSize(ws.WindowSeconds)
	out := []string{fmt.Sprintf("windows of %s: %d, %d with at least 10 requests per live worker", size, ws.Windows, ws.Counted)}
	if ws.Counted == 0 {
		return out
	}
	noise := "-"
	if ws.NoiseGini != nil {
		noise = fmt.Sprintf("%.3f", *ws.NoiseGini)
	}
	out = append(out,
		fmt.Sprintf("  median gini %.3f, median top1 %s, chance alone %s",
			*ws.MedianGini, percent(*ws.MedianTop1Share), noise),
		fmt.Sprintf("  median gini of the busiest third %.3f, of the quietest third %.3f",
			*ws.BusiestThirdMedianGini, *ws.QuietestThirdMedianGini),
		"  most skewed:")
	oneDay := spanOneDay(rep)
	reqW, liveW := 1, 1
	for _, w := range ws.MostSkewed {
		reqW = max(reqW, len(strconv.FormatInt(w.Requests, 10)))
		liveW = max(liveW, len(strconv.Itoa(w.LiveWorkers)))
	}
	for _, w := range ws.MostSkewed {
		out = append(out, fmt.Sprintf("    %s  %*d requests  %*d live  gini %.3f  top1 %s",
			windowSpan(w, oneDay), reqW, w.Requests, liveW, w.LiveWorkers, w.Gini, percent(w.Top1Share)))
	}
	return out
}

// windowSpan writes a window's start and end: times of day when the span
// is one UTC day, else the start in full and the end as a time of day when
// it falls on the same date.
func windowSpan(w aggregate.SkewedWindow, oneDay bool) string {
	start, end := w.Start.UTC(), w.End.UTC()
	if oneDay {
		return start.Format("15:04:05") + " to " + end.Format("15:04:05")
	}
	if end.Format("2006-01-02") == start.Format("2006-01-02") {
		return start.Format("2006-01-02T15:04:05Z") + " to " + end.Format("15:04:05Z")
	}
	return start.Format("2006-01-02T15:04:05Z") + " to " + end.Format("2006-01-02T15:04:05Z")
}
