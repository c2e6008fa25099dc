package render

import (
	"fmt"
	"io"
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
	writeInputs(ew, rep, opt.Verbose)
	ew.printf("\n%s\n\n", wrap(Summary(rep), headlineWidth, ""))
	if lines := hostLines(rep); len(lines) > 0 {
		for _, l := range lines {
			ew.printf("%s\n", l)
		}
		ew.printf("\n")
	}
	if err := workerTable(ew, rep, opt); err != nil {
		return err
	}
	ew.printf("\n")
	if rep.Lines.Total > 0 {
		ew.printf("requests:         %s\n", skewLine(rep.Skew))
	}
	switch {
	case rep.RequestSecondsSkew != nil:
		ew.printf("request seconds:  %s\n", skewLine(*rep.RequestSecondsSkew))
	case rep.RequestSecondsNull != "":
		ew.printf("request seconds:  null (every request took 0 s)\n")
	}
	switch {
	case rep.CPUSkew != nil:
		ew.printf("cpu seconds:      %s\n", skewLine(*rep.CPUSkew))
	case rep.CPUNull != "":
		ew.printf("cpu seconds:      null (below the resolution of the snapshots)\n")
	}
	if lines := windowLines(rep); len(lines) > 0 {
		ew.printf("\n")
		for _, l := range lines {
			ew.printf("%s\n", l)
		}
	}
	if notes := Footnotes(rep); len(notes) > 0 && !opt.Quiet {
		ew.printf("\n")
		for _, n := range notes {
			ew.printf("note: %s\n", n)
		}
	}
	if opt.Why != nil {
		ew.printf("\n")
		for _, l := range WhyLines(opt.Why) {
			ew.printf("%s\n", wrap(l, headlineWidth, "    "))
		}
	}
	return ew.err
}

func writeInputs(ew *errWriter, rep *aggregate.Report, verbose bool) {
	l := rep.Lines
	ew.printf("inputs:")
	if l.Total > 0 {
		ew.printf(" %d access lines, %d parsed, %d rejected", l.Total, l.Parsed, l.Rejected)
	} else if other := otherInputs(rep); other != "" {
		ew.printf(" %s", other)
	}
	if rep.Excluded > 0 {
		ew.printf(", %d excluded", rep.Excluded)
	}
	if rep.Family != "" {
		ew.printf(" (%s)", rep.Family)
	}
	ew.printf("\n")
	var skipped []string
	for _, in := range rep.Inputs {
		if in.Ignored != nil {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", Clean(in.Path), shortIgnored(in)))
			continue
		}
		ew.printf("  %s: %s", Clean(in.Path), inputLine(in))
		if in.Note != "" {
			ew.printf(" (%s)", Clean(in.Note))
		}
		ew.printf("\n")
	}
	if len(skipped) > 0 {
		ew.printf("  skipped %d: %s\n", len(skipped), someOf(skipped, verbose))
	}
	if !rep.Span.Start.IsZero() {
		ew.printf("span: %s to %s (%s)\n", rep.Span.Start, rep.Span.End, spanDuration(rep))
	}
}

func workerTable(ew *errWriter, rep *aggregate.Report, opt Options) error {
	t := tablewriter.NewTable(ew,
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
	cs := columns(rep)
	t.Header(tableHeader(cs, rep))
	shown, others, folded := rep.Fold(opt.Top)
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
