package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/explain"
	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/internal/outfile"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// timelineOptions are the flags and streams of `skewer timeline`.
type timelineOptions struct {
	IO
	Paths   []string
	Inputs  inputflags.Flags
	Workers int
	Top     int
	Metric  string
	Width   int
	Output  string
	// Thresholds are check conditions the html skew charts draw.
	Thresholds []string
	thresholds []check.Threshold
}

// timelineOutputs are the output formats of skewer timeline.
var timelineOutputs = []string{"table", "json", "csv", "markdown", "html"}

func newTimelineCmd(s IO, runF func(context.Context, *timelineOptions) error) *cobra.Command {
	opts := &timelineOptions{IO: s}
	c := &cobra.Command{
		Use:     "timeline [PATH...]",
		Short:   "Load per worker over time: charts, skew and the busiest per window",
		Long:    helpLong("timeline"),
		Example: helpExample("timeline"),
		RunE:    runCommand(opts, &opts.Paths, runF, runTimeline),
	}
	inputflags.Add(c, &opts.Inputs)
	inputflags.AddWindow(c, &opts.Inputs.Windows, "window `SIZE` (30s, 10m, 1h, 1d; default: automatic, about 60 windows)")
	f := c.Flags()
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N` (see skewer report)")
	f.IntVar(&opts.Top, "top", 5, "chart the `K` busiest workers; the rest are one 'others' series")
	f.StringVar(&opts.Metric, "metric", "requests", "the `METRIC` to chart per window: requests, busy (request seconds per second) or cpu (needs snapshots)")
	f.IntVar(&opts.Width, "width", 0, "chart width in `COLUMNS` (default: the terminal's, 80 elsewhere)")
	f.StringVarP(&opts.Output, "output", "o", "table", "output `FORMAT`: "+strings.Join(timelineOutputs, ", "))
	addDrawnThresholds(c, &opts.Thresholds)
	cliutil.CompleteValues(c, "output", timelineOutputs...)
	cliutil.CompleteValues(c, "metric", "requests", "busy", "cpu")
	return c
}

func (o *timelineOptions) validate() error {
	if err := o.Inputs.Validate(); err != nil {
		return err
	}
	if err := o.Inputs.Windows.Validate(true); err != nil {
		return err
	}
	if o.Top < 1 {
		return fmt.Errorf("--top %d: want 1 or more", o.Top)
	}
	if o.Width < 0 || o.Width > 0 && o.Width < 40 {
		return fmt.Errorf("--width %d: want at least 40 columns", o.Width)
	}
	switch o.Metric {
	case "requests", "busy", "cpu":
	default:
		return fmt.Errorf("--metric %q: want requests, busy or cpu", o.Metric)
	}
	if !slices.Contains(timelineOutputs, o.Output) {
		return fmt.Errorf("--output %q: want one of %s", o.Output, strings.Join(timelineOutputs, ", "))
	}
	var err error
	o.thresholds, err = drawnThresholds(o.Thresholds, o.Output)
	return err
}

// addDrawnThresholds adds -t/--threshold to report and timeline: check
// conditions the skew charts of -o html draw.
func addDrawnThresholds(c *cobra.Command, p *[]string) {
	c.Flags().StringArrayVarP(p, "threshold", "t", nil, "with -o html, draw this check condition on the skew chart, `METRIC OP VALUE` on gini or top1_share (cpu_ too), e.g. 'gini<0.35'; repeatable")
}

// drawnThresholds parses -t as skewer check does; it is refused with
// outputs other than html.
func drawnThresholds(ts []string, output string) ([]check.Threshold, error) {
	if len(ts) > 0 && output != "html" {
		return nil, fmt.Errorf("--threshold: drawn on -o html only")
	}
	var out []check.Threshold
	for _, t := range ts {
		th, err := check.Parse(t, "-t")
		if err != nil {
			return nil, err
		}
		out = append(out, th)
	}
	return out, nil
}

func runTimeline(ctx context.Context, o *timelineOptions) (err error) {
	g := guardOut(&o.IO, o.GitHubActions, machineFormat(o.Output))
	defer closeGuard(g, &err)
	run, rep, err := inputflags.ReadRun(ctx, o.streamsIn(), o.Paths, o.Inputs, o.Workers, "--window")
	if err != nil {
		return err
	}
	var why *explain.Explanation
	if o.Output == "html" { // judged as skewer explain does, before --metric changes the lead
		why = explain.Explain(rep, explainContext(run, false))
	}
	if o.Metric == "cpu" && rep.CPUNull != "" {
		return &exitError{code: ExitError, err: fmt.Errorf("--metric cpu: %s", rep.CPUNull)}
	}
	if o.Metric == "cpu" && rep.CPUSkew == nil {
		return &exitError{code: ExitError, err: fmt.Errorf("--metric cpu needs process snapshots with times (--ps FILE, e.g. from skewer sample)")}
	}
	if o.Metric == "busy" && !rep.Durations {
		return &exitError{code: ExitError, err: fmt.Errorf("--metric busy needs request times in the log (gunicorn %%(D)s or %%(L)s, nginx $request_time)")}
	}
	switch o.Metric {
	case "busy":
		d := rep.DominanceOf(aggregate.WindowRequestSeconds)
		rep.Dominance = &d
	case "cpu":
		d := rep.DominanceOf(aggregate.WindowComparableCPU)
		rep.Dominance = &d
	}
	buf := outfile.NewSpill(ctx, o.Out)
	color := colorAllowed(o.IO)
	switch o.Output {
	case "json":
		err = render.JSON(buf, rep, render.Options{})
	case "csv":
		err = render.WindowsCSV(buf, rep)
	case "markdown":
		err = render.TimelineMarkdown(buf, rep, o.Top)
	case "html":
		err = render.HTML(buf, []render.HTMLPart{{Report: rep, Why: why}}, render.HTMLOptions{Title: "skewer timeline", Top: 20, Series: o.Top, Metric: o.Metric, Thresholds: o.thresholds})
	default:
		err = render.Timeline(buf, rep, render.ChartOptions{Top: o.Top, Metric: o.Metric, Width: o.chartWidth(), Color: color, Quiet: o.Quiet, Wrap: o.wrapWidth()})
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return buf.Close()
}

// chartWidth is --width, else the terminal's width, else 80 columns.
func (o *timelineOptions) chartWidth() int {
	if o.Width == 0 && o.OutTerminal && o.IO.Width >= 40 {
		return o.IO.Width
	}
	if o.Width == 0 {
		return 80
	}
	return o.Width
}

// wrapWidth is the terminal's width, 0 when stdout is not a terminal.
func (o *timelineOptions) wrapWidth() int {
	if !o.OutTerminal {
		return 0
	}
	return o.IO.Width
}
