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

// reportOptions are the flags and streams of `skewer report`.
type reportOptions struct {
	IO
	Paths   []string
	Inputs  inputflags.Flags
	Workers int
	Top     int
	Output  string
	Wide    bool
	// Thresholds are check conditions the html skew charts draw.
	Thresholds []string
	thresholds []check.Threshold
}

func newReportCmd(s IO, runF func(context.Context, *reportOptions) error) *cobra.Command {
	opts := &reportOptions{IO: s}
	c := &cobra.Command{
		Use:     "report [PATH...]",
		Short:   "Per-worker table and skew summary",
		Long:    helpLong("report"),
		Example: helpExample("report"),
		RunE:    runCommand(opts, &opts.Paths, runF, runReport),
	}
	inputflags.Add(c, &opts.Inputs)
	inputflags.AddWindow(c, &opts.Inputs.Windows, "account per time window of `SIZE` (30s, 10m, 1h, 1d, or auto): windows[] in -o json, a section of the window skew and the most skewed windows in table and markdown output")
	f := c.Flags()
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N`: slots that never appear in the log count as idle workers")
	f.IntVar(&opts.Top, "top", 20, "show the `K` busiest workers in table and markdown output; the rest fold into one 'others' row (0: all; json and csv list every worker)")
	f.StringVarP(&opts.Output, "output", "o", "table", "output `FORMAT`: "+strings.Join(render.Formats, ", "))
	addDrawnThresholds(c, &opts.Thresholds)
	f.BoolVar(&opts.Wide, "wide", false, "on a terminal, show every column of the worker table and leave long lines whole (piped output is never cut)")
	cliutil.CompleteValues(c, "output", render.Formats...)
	return c
}

func (o *reportOptions) validate() error {
	if err := o.Inputs.Validate(); err != nil {
		return err
	}
	if err := o.Inputs.Windows.Validate(false); err != nil {
		return err
	}
	if o.Workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 or more", o.Workers)
	}
	if o.Top < 0 {
		return fmt.Errorf("--top %d: must be 0 or more", o.Top)
	}
	if !slices.Contains(render.Formats, o.Output) {
		return fmt.Errorf("--output %q: want one of %s", o.Output, strings.Join(render.Formats, ", "))
	}
	var err error
	o.thresholds, err = drawnThresholds(o.Thresholds, o.Output)
	return err
}

func runReport(ctx context.Context, o *reportOptions) (err error) {
	g := guardOut(&o.IO, o.GitHubActions, machineFormat(o.Output))
	defer closeGuard(g, &err)
	why := o.Output == "table" || o.Output == "markdown" || o.Output == "html"
	fl := o.Inputs
	// The why block judges per window: read the windows even when the
	// report does not show them.
	fl.On = fl.On || why
	run, rep, err := inputflags.ReadRun(ctx, o.streamsIn(), o.Paths, fl, o.Workers, "--window")
	if err != nil {
		return err
	}
	opt := render.Options{Top: o.Top, Color: colorAllowed(o.IO), Quiet: o.Quiet, Verbose: o.Verbose, Width: o.fitWidth(), Thresholds: o.thresholds}
	if why {
		opt.Why = explain.Explain(rep, explainContext(run, false))
		if !o.Inputs.On && o.Output != "html" { // the page charts the windows
			shown := *rep
			shown.Windows, shown.WindowSeconds, shown.Dominance = []aggregate.Window{}, nil, nil
			rep = &shown
		}
	}
	// Render to memory first (up to outfile.SpillAt): an interrupted or failed run
	// writes nothing.
	out := outfile.NewSpill(ctx, o.Out)
	if err := render.Write(out, o.Output, rep, opt); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.Output == "csv" && !o.Quiet {
		// CSV holds rows only: its notes go to stderr.
		for _, n := range render.Footnotes(rep) {
			fmt.Fprintf(o.ErrOut, "skewer: note: %s\n", n)
		}
	}
	return out.Close()
}

// fitWidth is the width table output fits: the terminal's, unless --wide
// or stdout is not a terminal (0: nothing is cut).
func (o *reportOptions) fitWidth() int {
	if o.Wide || !o.OutTerminal {
		return 0
	}
	return o.IO.Width
}
