package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/explain"
	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/internal/outfile"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// reportOptions are the flags and streams of `skewer report`.
type reportOptions struct {
	IO
	Paths   []string
	Inputs  inputFlags
	Workers int
	Top     int
	Output  string
	Wide    bool
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
	addInputFlags(c, &opts.Inputs)
	addWindowFlags(c, &opts.Inputs.windowFlags, "account per time window of `SIZE` (30s, 10m, 1h, 1d, or auto): windows[] in -o json, a section of the window skew and the most skewed windows in table and markdown output")
	f := c.Flags()
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N`: slots that never appear in the log count as idle workers")
	f.IntVar(&opts.Top, "top", 20, "show the `K` busiest workers in table and markdown output; the rest fold into one 'others' row (0: all; json and csv list every worker)")
	f.StringVarP(&opts.Output, "output", "o", "table", "output `FORMAT`: "+strings.Join(render.Formats, ", "))
	f.BoolVar(&opts.Wide, "wide", false, "on a terminal, show every column of the worker table and leave long lines whole (piped output is never cut)")
	completeValues(c, "output", render.Formats...)
	return c
}

func addInputFlags(c *cobra.Command, fl *inputFlags) {
	f := c.Flags()
	f.StringVar(&fl.LogFormat, "log-format", "", "the server's access log format `FORMAT`, gunicorn style (%(h)s ... %(p)s %(D)s) or nginx style ($remote_addr ... $pid $request_time)")
	f.StringVar(&fl.Format, "format", "auto", "input format `NAME`: auto (detected per file), gunicorn, nginx, combined, common, json, uwsgi, apache, phpfpm; with --log-format, the string's syntax")
	f.StringVar(&fl.NginxConf, "nginx-conf", "", "read the log_format from this nginx configuration `FILE` (the one its access_log names for each log)")
	f.StringVar(&fl.LogFormatName, "log-format-name", "", "with --nginx-conf, the log_format `NAME` to use for every log")
	f.StringArrayVar(&fl.Fields, "field", nil, "JSON logs: map a `ROLE=NAME` (worker, time, duration, status, path, host, connection, connection_requests, client, client_port); repeatable")
	completeValues(c, "format", ingest.FormatNames...)
	f.StringVar(&fl.Family, "family", "", "server family `NAME` to account when the inputs hold several: gunicorn, nginx, uwsgi, apache, phpfpm")
	completeValues(c, "family", parse.FamilyNames()...)
	f.StringArrayVar(&fl.Excludes, "exclude-path", nil, "drop requests whose path matches `GLOB` (e.g. /healthz); repeatable")
	f.BoolVar(&fl.Strict, "strict", false, "exit 2 when any line is rejected")
	f.StringVar(&fl.By, "by", "", "key workers by this `FIELD` of the format instead of the PID (e.g. upstream_addr, upstream_http_x_worker_pid)")
	f.StringVar(&fl.HostField, "host-field", "", "read each line's host from this `FIELD`; workers are keyed host/pid")
	f.BoolVar(&fl.HostFromDir, "host-from-dir", false, "logs are in per-host folders (hosts/web1/access.log): key workers host/pid")
	addProcFlags(c, &fl.procFlags)
	f.Float64Var(&fl.MaxRejectRatio, "max-reject-ratio", 1, "exit 2 when more than this `RATIO` of lines is rejected")
	f.IntVar(&fl.MaxKeys, "max-keys", aggregate.DefaultMaxKeys, fmt.Sprintf("exit 2 past `N` distinct worker keys (at most %d); also the most --workers", maxKeysCeiling))
}

func (o *reportOptions) validate() error {
	if err := o.Inputs.validate(); err != nil {
		return err
	}
	if err := o.Inputs.windowFlags.validate(false); err != nil {
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
	return nil
}

func (fl *inputFlags) validate() error {
	if err := fl.procFlags.validate(); err != nil {
		return err
	}
	if fl.MaxKeys < 1 || fl.MaxKeys > maxKeysCeiling {
		return fmt.Errorf("--max-keys %d: want 1 to %d", fl.MaxKeys, maxKeysCeiling)
	}
	if !slices.Contains(ingest.FormatNames, fl.Format) {
		return fmt.Errorf("--format %q: want one of %s", fl.Format, strings.Join(ingest.FormatNames, ", "))
	}
	if fl.Family != "" && !parse.Family(fl.Family).Known() {
		return fmt.Errorf("--family %q: want one of %s", fl.Family, strings.Join(parse.FamilyNames(), ", "))
	}
	if fl.LogFormatName != "" && fl.NginxConf == "" {
		return fmt.Errorf("--log-format-name needs --nginx-conf")
	}
	if fl.NginxConf != "" && fl.LogFormat != "" {
		return fmt.Errorf("--nginx-conf and --log-format: pass one of them")
	}
	if !(fl.MaxRejectRatio >= 0 && fl.MaxRejectRatio <= 1) { // NaN too
		return fmt.Errorf("--max-reject-ratio %g: want a ratio from 0 to 1", fl.MaxRejectRatio)
	}
	for _, g := range fl.Excludes {
		if _, err := pathMatch(g); err != nil {
			return fmt.Errorf("--exclude-path %q: %w", g, err)
		}
	}
	return nil
}

func runReport(ctx context.Context, o *reportOptions) (err error) {
	g := guardOut(&o.IO, o.GitHubActions, machineFormat(o.Output))
	defer closeGuard(g, &err)
	why := o.Output == "table" || o.Output == "markdown" || o.Output == "html"
	fl := o.Inputs
	// The why block judges per window: read the windows even when the
	// report does not show them.
	fl.on = fl.on || why
	run, rep, err := readRun(ctx, o.IO, o.Paths, fl, o.Workers, "--window")
	if err != nil {
		return err
	}
	opt := render.Options{Top: o.Top, Color: colorAllowed(o.IO), Quiet: o.Quiet, Verbose: o.Verbose, Width: o.fitWidth()}
	if why {
		opt.Why = explain.Explain(rep, explainContext(run, false))
		if !o.Inputs.on && o.Output != "html" { // the page charts the windows
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
