// Package render writes a finished aggregate.Report as a terminal table,
// JSON, CSV or markdown, its windows as a timeline (charts, dominance
// tables), and check's verdicts as text, JSON, GitHub annotations and
// JUnit. Renderers compute no figure of the accounting: counts, shares,
// skew, the --top "others" row (Report.Fold) and how few workers did most
// of the work (Report.MostRequests) come from aggregate. What a renderer
// adds up is only what it draws: a chart's series per window for its top
// workers and the rest, and a window's share per worker in the timeline's
// markdown and CSV. Times are formatted here and never parsed back; output
// is deterministic.
package render

import (
	"fmt"
	"github.com/skewer-dev/skewer/explain"
	"io"
	"math"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/internal/textclean"
)

// Options control presentation only.
type Options struct {
	// Top is how many worker rows to show; the rest fold into one "others"
	// row. 0 shows every worker.
	Top int
	// Color allows ANSI escapes (a terminal without NO_COLOR).
	Color bool
	// Why is the run's explanation: table and markdown output end with its
	// three-line "why" block. JSON and CSV ignore it.
	Why *explain.Explanation
	// Quiet leaves the notes out of table and markdown output (JSON keeps
	// its warnings). Verbose lists long lists whole: without it a list of
	// more than listShown items shows the first few and a count.
	Quiet, Verbose bool
	// Width is the terminal's width in columns, for table output on a
	// terminal: the worker table drops its lowest-priority columns
	// (dropOrder) until it fits, and says which, and the headline, metric,
	// note and why lines wrap at it. 0 (output that is not a terminal, or
	// --wide) cuts and wraps nothing beyond the fixed 80-column headline.
	Width int
	// Thresholds are check conditions the skew charts of the html page
	// draw; the other outputs ignore them.
	Thresholds []check.Threshold
}

// Formats lists the output formats, for flag help and validation.
var Formats = []string{"table", "json", "csv", "markdown", "html"}

// Write renders rep in the named format.
func Write(w io.Writer, format string, rep *aggregate.Report, opt Options) error {
	switch format {
	case "table":
		return Table(w, rep, opt)
	case "json":
		return JSON(w, rep, opt)
	case "csv":
		return CSV(w, rep, opt)
	case "markdown":
		return Markdown(w, rep, opt)
	case "html":
		return HTML(w, []HTMLPart{{Report: rep, Why: opt.Why}}, HTMLOptions{Title: "skewer report", Top: opt.Top, Thresholds: opt.Thresholds})
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Clean strips control characters (and so terminal escape sequences) from a
// string that came from an input, before it reaches a terminal or a file: C0
// and C1 controls, bytes that are not UTF-8 (a raw 0x9B is a CSI to some
// terminals) and the bidirectional embeddings, overrides and isolates that
// make text display in another order than it reads. Each becomes '?'.
func Clean(s string) string { return textclean.String(s) }

func fixed(v *float64, digits int) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.*f", digits, *v)
}

func percent(v float64) string {
	return fmt.Sprintf("%.1f%%", v*100)
}

// clock writes a stamp as RFC 3339, or as the time of day when the whole
// span is one UTC day.
func clock(s aggregate.Stamp, oneDay bool) string {
	switch {
	case s.IsZero():
		return "-"
	case oneDay:
		return timeOfDay(s)
	}
	return s.String()
}

// timeOfDay is the stamp's UTC time of day, with milliseconds when it has
// them.
func timeOfDay(s aggregate.Stamp) string {
	if s.SubSecond() {
		return s.Time().Format("15:04:05.000")
	}
	return s.Time().Format("15:04:05")
}

// sameDay reports whether two stamps fall on the same UTC day.
func sameDay(a, b aggregate.Stamp) bool { return sameDate(a.Time(), b.Time()) }

// sameDate reports whether two times fall on the same calendar day of
// their locations (UTC for the report's times).
func sameDate(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

func spanOneDay(rep *aggregate.Report) bool {
	if rep.Span.Start.IsZero() || rep.Span.End.IsZero() {
		return true
	}
	return sameDay(rep.Span.Start, rep.Span.End)
}

func spanDuration(rep *aggregate.Report) string {
	if rep.Span.Start.IsZero() || rep.Span.End.IsZero() {
		return ""
	}
	return rep.Span.End.Time().Sub(rep.Span.Start.Time()).String()
}
