package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// Table writes the report for a terminal: inputs, span, the plain-words
// summary, one row per worker, the skew metrics and footnotes.
func Table(w io.Writer, rep *aggregate.Report, opt Options) error {
	ew := &errWriter{w: w}
	lines := headlineWidth
	if opt.Width > 0 && opt.Width < lines {
		lines = opt.Width
	}
	writeInputs(ew, rep, opt.Verbose, opt.Width)
	ew.printf("\n%s\n\n", wrap(Summary(rep), lines, ""))
	if hl := hostLines(rep); len(hl) > 0 {
		for _, l := range hl {
			ew.printf("%s\n", l)
		}
		ew.printf("\n")
	}
	if err := workerTable(ew, rep, opt); err != nil {
		return err
	}
	ew.printf("\n")
	metric := func(name, rest string) { ew.printf("%s\n", fitUnits(name, rest, opt.Width)) }
	if rep.Lines.Total > 0 {
		metric("requests:", skewLine(rep.Skew))
	}
	switch {
	case rep.RequestSecondsSkew != nil:
		metric("request seconds:", skewLine(*rep.RequestSecondsSkew))
	case rep.RequestSecondsNull != "":
		metric("request seconds:", "null (every request took 0 s)")
	}
	switch {
	case rep.CPUSkew != nil:
		metric("cpu seconds:", skewLine(*rep.CPUSkew))
	case rep.CPUNull != "":
		metric("cpu seconds:", "null (below the resolution of the snapshots)")
	}
	if wl := windowLines(rep); len(wl) > 0 {
		ew.printf("\n")
		for _, l := range wl {
			ew.printf("%s\n", l)
		}
	}
	if notes := Footnotes(rep); len(notes) > 0 && !opt.Quiet {
		ew.printf("\n")
		for _, n := range notes {
			ew.printf("%s\n", fitWords("note: "+n, opt.Width, "      "))
		}
	}
	if opt.Why != nil {
		ew.printf("\n")
		for _, l := range WhyLines(opt.Why) {
			ew.printf("%s\n", wrap(l, lines, "    "))
		}
	}
	return ew.err
}

// metricIndent is where the figures of a metric line start.
const metricIndent = 18

// fitWords wraps s at width with indent before each continuation line; at
// width 0 it is s whole.
func fitWords(s string, width int, indent string) string {
	if width <= 0 {
		return s
	}
	return wrap(s, width, indent)
}

// fitUnits writes a metric line: name, then its figures from column
// metricIndent, separated by two spaces. At a width above 0 the figures
// wrap as whole units ("gini 0.416", "top1 91.6%"), continuation lines
// indented to the same column.
func fitUnits(name, figures string, width int) string {
	pad := strings.Repeat(" ", metricIndent)
	head := name + pad[min(len(name), metricIndent-1):]
	if width <= 0 {
		return head + figures
	}
	var b strings.Builder
	b.WriteString(head)
	col := len(head)
	for i, u := range strings.Split(figures, "  ") {
		n := len([]rune(u))
		switch {
		case i == 0:
		case col+2+n > width:
			b.WriteString("\n" + pad)
			col = metricIndent
		default:
			b.WriteString("  ")
			col += 2
		}
		b.WriteString(u)
		col += n
	}
	return b.String()
}

func writeInputs(ew *errWriter, rep *aggregate.Report, verbose bool, width int) {
	l := rep.Lines
	head := "inputs:"
	if l.Total > 0 {
		head += fmt.Sprintf(" %d access lines, %d parsed, %d rejected", l.Total, l.Parsed, l.Rejected)
	} else if other := otherInputs(rep); other != "" {
		head += " " + other
	}
	if rep.Excluded > 0 {
		head += fmt.Sprintf(", %d excluded", rep.Excluded)
	}
	if rep.Family != "" {
		head += fmt.Sprintf(" (%s)", rep.Family)
	}
	ew.printf("%s\n", fitWords(head, width, "    "))
	var skipped, read []string
	for _, in := range rep.Inputs {
		if in.Ignored != nil {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", Clean(in.Path), shortIgnored(in)))
			continue
		}
		line := fmt.Sprintf("  %s: %s", Clean(in.Path), inputLine(in))
		if in.Note != "" {
			line += fmt.Sprintf(" (%s)", Clean(in.Note))
		}
		read = append(read, line)
	}
	// A folder of many logs lists the first few; -v lists them all.
	more := 0
	if !verbose && len(read) > inputsShown+1 {
		read, more = read[:inputsShown], len(read)-inputsShown
	}
	for _, line := range read {
		ew.printf("%s\n", fitWords(line, width, "    "))
	}
	if more > 0 {
		ew.printf("  and %d more inputs (all with -v)\n", more)
	}
	if len(skipped) > 0 {
		ew.printf("%s\n", fitWords(fmt.Sprintf("  skipped %d: %s", len(skipped), someOf(skipped, verbose)), width, "    "))
	}
	if !rep.Span.Start.IsZero() {
		ew.printf("%s\n", fitWords(fmt.Sprintf("span: %s to %s (%s)", rep.Span.Start, rep.Span.End, spanDuration(rep)), width, "      "))
	}
}

func workerTable(ew *errWriter, rep *aggregate.Report, opt Options) error {
	cs := columns(rep)
	var dropped []string
	for {
		var b bytes.Buffer
		if err := renderWorkers(&b, rep, cs, opt.Top); err != nil {
			return err
		}
		next := -1
		if opt.Width > 0 && textWidth(b.String()) > opt.Width {
			next = lowestPriority(cs)
		}
		if next < 0 {
			ew.Write(b.Bytes())
			break
		}
		dropped = append(dropped, cs[next].head)
		cs = slices.Delete(slices.Clone(cs), next, next+1)
	}
	if len(dropped) > 0 {
		ew.printf("%s\n", wrap(fmt.Sprintf("(%s left out to fit %d columns; --wide shows every column)",
			strings.Join(dropped, ", "), opt.Width), opt.Width, " "))
	}
	return nil
}

// dropOrder is the order in which the worker table leaves columns out to
// fit a terminal: detail first, then what the other columns imply, and the
// load itself (requests, share, mean conc, cpu s, cpu rate) last. worker
// and requests are never left out.
var dropOrder = []string{"first seen", "last seen", "p95 s", "req s", "5xx", "rss MiB", "cpu ms/req",
	"cpu share", "exit", "share", "cpu rate", "mean conc", "cpu s"}

// lowestPriority is the index in cs of the column to leave out next, -1
// when none may go.
func lowestPriority(cs []column) int {
	for _, head := range dropOrder {
		if i := slices.IndexFunc(cs, func(c column) bool { return c.head == head }); i >= 0 {
			return i
		}
	}
	return -1
}

// textWidth is the width of the widest line of s, in runes.
func textWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, len([]rune(l)))
	}
	return w
}

func renderWorkers(w io.Writer, rep *aggregate.Report, cs []column, top int) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.On, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignRight),
		tablewriter.WithRowAlignment(tw.AlignRight),
		tablewriter.WithTrimSpace(tw.Off),
	)
	t.Header(tableHeader(cs, rep))
	shown, others, folded := rep.Fold(top)
	for _, w := range shown {
		if err := t.Append(tableRow(cs, w, w.Key)); err != nil {
			return err
		}
	}
	if others != nil {
		if err := t.Append(tableRow(cs, *others, fmt.Sprintf("others (%d)", folded))); err != nil {
			return err
		}
	}
	return t.Render()
}

// column is one column of the worker table: its header and how a row
// shows it.
type column struct {
	head string
	cell func(w aggregate.Worker) string
}

// columns picks the worker table's columns from what the inputs gave:
// request columns with access logs, timing columns with request times, CPU
// and memory columns with snapshots.
func columns(rep *aggregate.Report) []column {
	oneDay := spanOneDay(rep)
	var cs []column
	requests := rep.Lines.Total > 0
	if requests {
		cs = append(cs,
			column{"requests", func(w aggregate.Worker) string { return strconv.FormatInt(w.Requests, 10) }},
			column{"share", func(w aggregate.Worker) string { return percent(w.Share) }})
	}
	if requests && rep.Durations {
		cs = append(cs,
			column{"req s", func(w aggregate.Worker) string { return fixed(w.RequestSeconds, 1) }},
			column{"mean conc", func(w aggregate.Worker) string { return fixed(w.MeanConcurrency, 3) }},
			column{"p95 s", func(w aggregate.Worker) string { return fixed(w.P95Seconds, 3) }})
	}
	if requests {
		cs = append(cs, column{"5xx", func(w aggregate.Worker) string { return strconv.FormatInt(w.Status.Class5xx, 10) }})
	}
	if rep.CPUKnown {
		cs = append(cs,
			column{"cpu s", cpuSeconds},
			column{"cpu share", func(w aggregate.Worker) string {
				if w.CPUShare == nil {
					return "-"
				}
				return percent(*w.CPUShare)
			}})
		if requests {
			cs = append(cs, column{"cpu ms/req", func(w aggregate.Worker) string {
				if w.CPUSecondsPerRequest == nil {
					return "-"
				}
				ms := *w.CPUSecondsPerRequest * 1e3
				return fixed(&ms, 2)
			}})
		}
		cs = append(cs,
			column{"cpu rate", cpuRate},
			column{"rss MiB", func(w aggregate.Worker) string {
				if w.RSSPeakBytes == nil {
					return "-"
				}
				mib := float64(*w.RSSPeakBytes) / (1 << 20)
				return fixed(&mib, 1)
			}})
	}
	if anyWorker(rep, func(w aggregate.Worker) bool { return !w.FirstSeen.IsZero() }) {
		cs = append(cs,
			column{"first seen", func(w aggregate.Worker) string { return clock(w.FirstSeen, oneDay) }},
			column{"last seen", func(w aggregate.Worker) string { return clock(w.LastSeen, oneDay) }})
	}
	if anyWorker(rep, func(w aggregate.Worker) bool { return w.ExitReason != nil }) {
		cs = append(cs, column{"exit", func(w aggregate.Worker) string {
			if w.ExitReason == nil {
				return "-"
			}
			return Clean(*w.ExitReason)
		}})
	}
	return cs
}

func anyWorker(rep *aggregate.Report, f func(aggregate.Worker) bool) bool {
	for _, w := range rep.Workers {
		if f(w) {
			return true
		}
	}
	return false
}

func tableHeader(cs []column, rep *aggregate.Report) []string {
	first := "worker"
	if rep.KeyField != "" && rep.KeyField != "pid" {
		first = rep.KeyField
	}
	h := []string{first}
	for _, c := range cs {
		h = append(h, c.head)
	}
	return h
}

func tableRow(cs []column, w aggregate.Worker, key string) []string {
	r := []string{Clean(key)}
	for _, c := range cs {
		r = append(r, c.cell(w))
	}
	return r
}

// errWriter keeps the first write error so that a renderer can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// listShown is how many items of a long list are shown without -v.
const listShown = 3

// someOf joins the items of a list, or, unless all, the first listShown of
// a longer one and how many more there are.
// inputsShown is how many inputs read the inputs block lists without -v.
const inputsShown = 5

func someOf(items []string, all bool) string {
	if all || len(items) <= listShown+1 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more (all with -v)", strings.Join(items[:listShown], ", "), len(items)-listShown)
}

// shortIgnored names why an input was skipped in a few words; the JSON
// report has the full reason.
func shortIgnored(in aggregate.Input) string {
	switch in.Kind {
	case "access":
		switch in.Skip {
		case aggregate.SkipOtherFamily:
			return "other family"
		case aggregate.SkipWorkerUnclear:
			return "worker field unclear"
		}
		return "no worker field"
	case "unknown":
		if in.Skip == aggregate.SkipUnreadable {
			return "unreadable"
		}
		return "not a log"
	}
	return string(in.Kind)
}

// inputLine describes a used input: what it is and what was read of it.
// otherInputs says what a run without access lines read: its snapshot
// files and rows, its error logs and lines.
func otherInputs(rep *aggregate.Report) string {
	var snaps, rows, logs, lines int64
	for _, in := range rep.Inputs {
		switch {
		case in.Ignored != nil:
		case in.Kind == parse.KindSnapshots:
			snaps++
			rows += in.Parsed
		case in.Kind == parse.KindErrorLog:
			logs++
			lines += in.Lines
		}
	}
	var parts []string
	if snaps > 0 {
		parts = append(parts, fmt.Sprintf("%s, %d rows", Plural(snaps, "process snapshot file"), rows))
	}
	if logs > 0 {
		parts = append(parts, fmt.Sprintf("%s, %d lines", Plural(logs, "error log"), lines))
	}
	return strings.Join(parts, "; ")
}

func inputLine(in aggregate.Input) string {
	switch in.Kind {
	case parse.KindSnapshots:
		return fmt.Sprintf("process snapshots, %d rows, %d lines skipped", in.Parsed, in.Rejected)
	case parse.KindErrorLog:
		return fmt.Sprintf("%s error log, %d lines", in.Format, in.Lines)
	}
	return fmt.Sprintf("%s, %d lines, %d parsed, %d rejected", in.Format, in.Lines, in.Parsed, in.Rejected)
}
