package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/internal/outfile"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// checkOptions are the flags and streams of `skewer check`.
type checkOptions struct {
	IO
	Paths          []string
	Inputs         inputflags.Flags
	Workers        int
	Thresholds     []string
	ThresholdsFile string
	Baseline       string
	EachWindow     string
	MinRequests    int64
	GitHub         bool
	JUnit          string
	Output         string

	thresholds []check.Threshold
	base       *aggregate.Report
}

func newCheckCmd(s IO, runF func(context.Context, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: s}
	c := &cobra.Command{
		Use:     "check [PATH...]",
		Short:   "CI gate: fail when load imbalance crosses a threshold or regresses",
		Long:    helpLong("check"),
		Example: helpExample("check"),
		RunE:    runCommand(opts, &opts.Paths, runF, runCheck),
	}
	inputflags.Add(c, &opts.Inputs)
	inputflags.AddRange(c, &opts.Inputs.Windows)
	f := c.Flags()
	f.StringArrayVarP(&opts.Thresholds, "threshold", "t", nil, "a condition that must hold, `METRIC OP VALUE` (e.g. 'gini<0.35'); repeatable")
	f.StringVar(&opts.ThresholdsFile, "thresholds", "", "read conditions from `FILE`, one per line, # comments")
	f.StringVar(&opts.Baseline, "baseline", "", "a skewer.report/v1 JSON `FILE` (skewer report -o json) that baseline refers to")
	f.StringVar(&opts.EachWindow, "each-window", "", "evaluate every time window of `SIZE` (e.g. 5m) instead of the whole run")
	f.Int64Var(&opts.MinRequests, "min-requests", 0, "with --each-window, skip windows with fewer than `N` requests (noise)")
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N` (see skewer report)")
	f.BoolVar(&opts.GitHub, "github", false, "write GitHub Actions annotations and step summary (automatic when GITHUB_ACTIONS=true)")
	f.StringVar(&opts.JUnit, "junit", "", "write a JUnit XML report to `FILE` (one test case per threshold)")
	f.StringVarP(&opts.Output, "output", "o", "text", "output `FORMAT`: text or json (schema skewer.check/v1)")
	cliutil.CompleteValues(c, "output", "text", "json")
	return c
}

func (o *checkOptions) validate() error {
	if err := o.Inputs.Validate(); err != nil {
		return err
	}
	if o.EachWindow != "" {
		o.Inputs.Windows.Window = o.EachWindow
	}
	o.Inputs.Windows.Flag = "--each-window"
	if err := o.Inputs.Windows.Validate(false); err != nil {
		return err
	}
	if o.EachWindow == "auto" {
		return fmt.Errorf("--each-window: want a window size such as 5m")
	}
	if o.MinRequests < 0 {
		return fmt.Errorf("--min-requests %d: must be 0 or more", o.MinRequests)
	}
	if o.MinRequests > 0 && o.EachWindow == "" {
		return fmt.Errorf("--min-requests needs --each-window")
	}
	if o.Output != "text" && o.Output != "json" {
		return fmt.Errorf("--output %q: want text or json", o.Output)
	}
	if o.Workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 or more", o.Workers)
	}
	for _, t := range o.Thresholds {
		th, err := check.Parse(t, "-t")
		if err != nil {
			return err
		}
		o.thresholds = append(o.thresholds, th)
	}
	if o.ThresholdsFile != "" {
		ts, err := check.LoadFile(o.ThresholdsFile)
		if err != nil {
			return flagOpen("--thresholds", err)
		}
		o.thresholds = append(o.thresholds, ts...)
	}
	if len(o.thresholds) == 0 {
		return errors.New("no thresholds: give at least one -t 'METRIC OP VALUE' (e.g. -t 'gini<0.35') or --thresholds FILE")
	}
	if o.Baseline != "" {
		base, err := check.LoadBaseline(o.Baseline)
		if err != nil {
			return flagOpen("--baseline", err)
		}
		o.base = base
	}
	return nil
}

// flagOpen names the flag of a file check could not read.
func flagOpen(flag string, err error) error {
	if _, ok := err.(*check.OpenError); ok {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return err
}

func runCheck(ctx context.Context, o *checkOptions) (err error) {
	github := o.GitHub || o.GitHubActions
	g := guardOut(&o.IO, o.GitHubActions, machineFormat(o.Output))
	defer closeGuard(g, &err)
	rep, err := inputflags.ReadReport(ctx, o.streamsIn(), o.Paths, o.Inputs, o.Workers, "--each-window")
	if err != nil {
		return err
	}
	res, err := check.Evaluate(rep, o.base, o.thresholds, check.Options{EachWindow: o.EachWindow != "", MinRequests: o.MinRequests, BaselineName: o.Baseline})
	var none *check.NothingCheckedError
	if errors.As(err, &none) {
		err = inputflags.Worded(fmt.Sprintf("no window of %s has at least %d requests: nothing was checked (lower --min-requests or widen --each-window)", o.EachWindow, none.MinRequests), err)
	}
	if err != nil {
		return &exitError{code: ExitError, err: wordCheck(err)}
	}
	var out bytes.Buffer
	if o.Output == "json" {
		err = render.CheckJSON(&out, res)
	} else {
		err = render.CheckText(&out, res, colorAllowed(o.IO))
	}
	if err != nil {
		return err
	}
	var annotations bytes.Buffer
	if github && o.Output != "json" {
		if err := render.GitHubAnnotations(&annotations, res, 10); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.JUnit != "" {
		var x bytes.Buffer
		if err := render.JUnit(&x, res); err != nil {
			return err
		}
		if err := outfile.Write(o.JUnit, x.Bytes()); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	if path := o.StepSummary; github && path != "" {
		var md bytes.Buffer
		if err := render.GitHubSummary(&md, res); err != nil {
			return err
		}
		if err := outfile.Append(path, md.Bytes()); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	if _, err := o.Out.Write(out.Bytes()); err != nil {
		return err
	}
	// skewer's own annotations, outside the fence around log content.
	if err := g.Commands(annotations.Bytes()); err != nil {
		return err
	}
	if !res.Pass {
		return &exitError{code: ExitCheckFailed, err: errors.New("a threshold failed")}
	}
	return nil
}

// wordCheck names the flag that gives what a threshold needs.
func wordCheck(err error) error {
	var te *check.ThresholdError
	if !errors.As(err, &te) {
		return err
	}
	need, ok := te.Err.(*check.NeedError)
	if !ok {
		return err
	}
	var msg string
	switch need.Need {
	case check.NeedBaseline:
		msg = "the limit uses baseline, but no baseline report was given (--baseline FILE)"
	case check.NeedBaselineCPU:
		msg = need.In + " has no cpu_skew (it was made without process snapshots, --ps FILE)"
	default:
		msg = fmt.Sprintf("metric %q needs process snapshots (--ps FILE)", need.Metric)
	}
	return inputflags.Worded(te.Prefix()+msg, err)
}
