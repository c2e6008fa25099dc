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
)

// Table writes the report for a terminal: inputs, span, the plain-words
// summary, one row per worker, the skew metrics and footnotes.
func Table(w io.Writer, rep *aggregate.Report, opt Options) error {
	ew := &errWriter{w: w}
	writeInputs(ew, rep)
	ew.printf("\n%s\n\n", Summary(rep))
	if err := workerTable(ew, rep, opt); err != nil {
		return err
	}
	ew.printf("\nrequests:         %s\n", skewLine(rep.Skew))
	if rep.RequestSecondsSkew != nil {
		ew.printf("request seconds:  %s\n", skewLine(*rep.RequestSecondsSkew))
	}
	if notes := Footnotes(rep); len(notes) > 0 {
		ew.printf("\n")
		for _, n := range notes {
			ew.printf("note: %s\n", n)
		}
	}
	return ew.err
}

func writeInputs(ew *errWriter, rep *aggregate.Report) {
	l := rep.Lines
	ew.printf("inputs: %d lines, %d parsed, %d rejected", l.Total, l.Parsed, l.Rejected)
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
		ew.printf("  %s: %s, %d lines, %d parsed, %d rejected", Clean(in.Path), in.Format, in.Lines, in.Parsed, in.Rejected)
		if in.Note != "" {
			ew.printf(" (%s)", Clean(in.Note))
		}
		ew.printf("\n")
	}
	if len(skipped) > 0 {
		ew.printf("  skipped %d: %s\n", len(skipped), strings.Join(skipped, ", "))
	}
	if rep.Span.Start != nil {
		ew.printf("span: %s to %s (%s)\n", *rep.Span.Start, *rep.Span.End, spanDuration(rep))
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
	t.Header(tableHeader())
	oneDay := spanOneDay(rep)
	shown, others, folded := rows(rep, opt.Top)
	for _, w := range shown {
		if err := t.Append(tableRow(w, w.Key, oneDay)); err != nil {
			return err
		}
	}
	if others != nil {
		if err := t.Append(tableRow(*others, fmt.Sprintf("others (%d)", folded), oneDay)); err != nil {
			return err
		}
	}
	return t.Render()
}

func tableHeader() []string {
	return []string{"worker", "requests", "share", "req s", "mean conc", "p95 s", "5xx", "first seen", "last seen"}
}

func tableRow(w aggregate.Worker, key string, oneDay bool) []string {
	conc := fixed(w.MeanConcurrency, 3)
	return []string{
		Clean(key),
		strconv.FormatInt(w.Requests, 10),
		percent(w.Share),
		fixed(w.RequestSeconds, 1),
		conc,
		fixed(w.P95Seconds, 3),
		strconv.FormatInt(w.Status["5xx"], 10),
		clock(w.FirstSeen, oneDay),
		clock(w.LastSeen, oneDay),
	}
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

// shortIgnored names why an input was skipped in a few words; the JSON
// report has the full reason.
func shortIgnored(in aggregate.Input) string {
	switch in.Kind {
	case "access":
		if strings.Contains(*in.Ignored, "--family") {
			return "other family"
		}
		if strings.Contains(*in.Ignored, "cannot tell") {
			return "worker field unclear"
		}
		return "no worker field"
	case "unknown":
		return "not a log"
	}
	return in.Kind
}
