package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// checkOptions are the flags and streams of `skewer check`.
type checkOptions struct {
	IO
	Paths          []string
	Inputs         inputFlags
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
		Use:   "check [PATH...]",
		Short: "CI gate: fail when load imbalance crosses a threshold or regresses",
		Long: `Evaluate thresholds on the report of the inputs and exit 1 when any fails.
Each -t is a condition that must hold, METRIC OP VALUE, with OP one of
< <= > >= == != and VALUE a number or an expression over the baseline's value
(--baseline, a 'skewer report -o json' document): baseline+0.05, baseline*0.9.

Metrics: workers, active_workers, gini, top1_share, top3_share, top5_share,
topK_share for any K, max_mean, cv, jain, effective_workers, the same over CPU
seconds with a cpu_ prefix (with process snapshots), idle_workers,
rejected_ratio, requests.

--each-window evaluates every window of SIZE; with several hosts
(--host-field, --host-from-dir) each host's window is judged on its own.

Exit status: 0 all thresholds hold, 1 a threshold failed, 2 usage or input
error. With GITHUB_ACTIONS=true (or --github) failures are also written as
::error annotations and a summary is appended to $GITHUB_STEP_SUMMARY.`,
		Example: `  skewer check -t 'gini<0.35' -t 'top1_share<0.25' -t 'active_workers>=12' access.log
  skewer report -o json access.log > baseline.json
  skewer check --baseline baseline.json -t 'gini<=baseline+0.05' -t 'effective_workers>=baseline*0.9' new.log
  skewer check --each-window 5m --min-requests 200 -t 'top1_share<0.5' access.log`,
		RunE: runCommand(opts, &opts.Paths, runF, runCheck),
	}
	addInputFlags(c, &opts.Inputs)
	addRangeFlags(c, &opts.Inputs.windowFlags)
	f := c.Flags()
	f.StringArrayVarP(&opts.Thresholds, "threshold", "t", nil, "a condition that must hold, `METRIC OP VALUE` (e.g. 'gini<0.35'); repeatable")
	f.StringVar(&opts.ThresholdsFile, "thresholds", "", "read conditions from `FILE`, one per line, # comments")
	f.StringVar(&opts.Baseline, "baseline", "", "a skewer.report/v1 JSON `FILE` (skewer report -o json) that baseline refers to")
	f.StringVar(&opts.EachWindow, "each-window", "", "evaluate every time window of `SIZE` (e.g. 5m) instead of the whole run")
	f.Int64Var(&opts.MinRequests, "min-requests", 0, "with --each-window, skip windows with fewer than `N` requests (noise)")
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N` (see skewer report)")
	f.BoolVar(&opts.GitHub, "github", false, "write GitHub Actions annotations and step summary (automatic when GITHUB_ACTIONS=true)")
	f.StringVar(&opts.JUnit, "junit", "", "write a JUnit XML report to `FILE` (one test case per threshold)")
	f.StringVarP(&opts.Output, "output", "o", "text", "output `format`: text or json (schema skewer.check/v1)")
	return c
}

func (o *checkOptions) validate() error {
	if err := o.Inputs.validate(); err != nil {
		return err
	}
	if o.EachWindow != "" {
		o.Inputs.windowFlags.Window = o.EachWindow
	}
	o.Inputs.windowFlags.flag = "--each-window"
	if err := o.Inputs.windowFlags.validate(false); err != nil {
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
		// A thresholds file is a few lines: read it whole, as a regular file
		// only (a FIFO would block, a device never end).
		data, err := parse.ReadRegular(o.ThresholdsFile, parse.MaxConfSize)
		if err != nil {
			return fmt.Errorf("--thresholds: %w", unwrapPath(err))
		}
		ts, err := check.ParseFile(bytes.NewReader(data), o.ThresholdsFile)
		if err != nil {
			return err
		}
		o.thresholds = append(o.thresholds, ts...)
	}
	if len(o.thresholds) == 0 {
		return errors.New("no thresholds: give at least one -t 'METRIC OP VALUE' (e.g. -t 'gini<0.35') or --thresholds FILE")
	}
	if o.Baseline != "" {
		data, err := parse.ReadRegular(o.Baseline, parse.MaxBaselineSize)
		if err != nil {
			return fmt.Errorf("--baseline: %w", unwrapPath(err))
		}
		base, err := check.ReadBaseline(bytes.NewReader(data), o.Baseline)
		if err != nil {
			return err
		}
		o.base = base
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

func runCheck(ctx context.Context, o *checkOptions) (err error) {
	github := o.GitHub || o.GitHubActions
	g := guardOut(&o.IO, o.GitHubActions, machineFormat(o.Output))
	defer closeGuard(g, &err)
	rep, err := readReport(ctx, o.IO, o.Paths, o.Inputs, o.Workers, "--each-window")
	if err != nil {
		return err
	}
	res, err := check.Evaluate(rep, o.base, o.thresholds, check.Options{EachWindow: o.EachWindow != "", MinRequests: o.MinRequests, BaselineName: o.Baseline})
	var none *check.NothingCheckedError
	if errors.As(err, &none) {
		err = &wordedError{fmt.Sprintf("no window of %s has at least %d requests: nothing was checked (lower --min-requests or widen --each-window)", o.EachWindow, none.MinRequests), err}
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
		if err := writeOutput(o.JUnit, x.Bytes()); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	if path := o.StepSummary; github && path != "" {
		var md bytes.Buffer
		if err := render.GitHubSummary(&md, res); err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", unwrapPath(err))
		}
		_, werr := f.Write(md.Bytes())
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", werr)
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

// writeOutput writes an output file named on the command line. Symlinks
// are followed to the file they name. A regular file, or none, is replaced
// whole or not at all (a temporary file renamed onto it); a FIFO or
// character device is written directly, never replaced; anything else (a
// directory, a socket, a block device) is refused.
func writeOutput(path string, data []byte) error {
	target, fi, err := resolveOutput(path)
	if err != nil {
		return err
	}
	switch {
	case fi == nil || fi.Mode().IsRegular():
		return writeFileAtomic(target, path, data)
	case fi.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) != 0:
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", path, pathCause(err))
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("%s: %w", path, pathCause(werr))
		}
		return nil
	case fi.IsDir():
		return fmt.Errorf("%s: is a directory", path)
	}
	return fmt.Errorf("%s: not a regular file, FIFO or character device (%s)", path, fi.Mode().Type())
}

// resolveOutput follows the symlinks of path to the file they name, which
// may not exist yet (fi nil).
func resolveOutput(path string) (target string, fi os.FileInfo, err error) {
	target = path
	for range 40 {
		fi, err = os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil, nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", path, pathCause(err))
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return target, fi, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", path, pathCause(err))
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(target), link)
		}
		target = link
	}
	return "", nil, fmt.Errorf("%s: %w", path, syscall.ELOOP)
}

// writeFileAtomic writes the regular file path whole or not at all; name is
// the path as the user gave it, for messages.
func writeFileAtomic(path, name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		// Name the file asked for, not the temporary one beside it.
		return fmt.Errorf("%s: %w", name, pathCause(err))
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, pathCause(err))
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, pathCause(err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		var le *os.LinkError
		if errors.As(err, &le) {
			return fmt.Errorf("%s: %w", name, le.Err)
		}
		return err
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
	return &wordedError{te.Prefix() + msg, err}
}
