package cmd

import (
	"context"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/parse"
	"github.com/spf13/cobra"
)

// execute runs a command built with a runF hook and fails the test when
// the flags are refused.
func execute(t *testing.T, c *cobra.Command, args ...string) {
	t.Helper()
	c.SetArgs(args)
	c.SilenceErrors, c.SilenceUsage = true, true
	if err := c.Execute(); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// TestInputFlags: the input flags of report become the typed options
// ingest.Read takes.
func TestInputFlags(t *testing.T) {
	var got *reportOptions
	c := newReportCmd(IO{}, func(_ context.Context, o *reportOptions) error { got = o; return nil })
	execute(t, c, "--format", "nginx", "--family", "nginx", "--exclude-path", "/healthz", "--strict",
		"--by", "upstream_addr", "--host-field", "host", "--ps", "ps.log", "--ps-columns", "pid,ppid,args",
		"--ps-time", "2026-11-25T17:40:05Z", "--tz", "Europe/Paris", "--master", "7",
		"--window", "1d", "--since", "-2h", "--until", "2026-11-25T18:00:00Z", "--workers", "17", "--top", "3", "-o", "json", "a.log")
	if got == nil {
		t.Fatal("runF not called")
	}
	opt, err := inputflags.Options(got.streamsIn(), got.Paths, &got.Inputs, got.Workers)
	if err != nil {
		t.Fatal(err)
	}
	if opt.FormatFamily != parse.FamilyNginx || opt.Family != parse.FamilyNginx || opt.Format != nil || !opt.Strict ||
		opt.By != "upstream_addr" || opt.HostField != "host" || len(opt.Excludes) != 1 || opt.Excludes[0] != "/healthz" {
		t.Errorf("format and accounting options: got %+v", opt)
	}
	if len(opt.PS) != 1 || opt.PS[0] != "ps.log" || len(opt.PSColumns) != 3 || opt.Master != 7 ||
		opt.PSTime == nil || !opt.PSTime.Equal(time.Date(2026, 11, 25, 17, 40, 5, 0, time.UTC)) || opt.Loc.String() != "Europe/Paris" || opt.ZoneDefault {
		t.Errorf("snapshot options: got PS %q columns %q master %d time %v zone %v (default %v)", opt.PS, opt.PSColumns, opt.Master, opt.PSTime, opt.Loc, opt.ZoneDefault)
	}
	if !opt.Windows || opt.Width != 24*time.Hour || opt.Since != (ingest.Bound{Relative: true, Offset: -2 * time.Hour}) ||
		!opt.Until.Time.Equal(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)) || opt.Until.Relative {
		t.Errorf("window options: got windows %v width %v since %+v until %+v", opt.Windows, opt.Width, opt.Since, opt.Until)
	}
	if got.Workers != 17 || got.Top != 3 || got.Output != "json" || len(got.Paths) != 1 {
		t.Errorf("report options: got workers %d top %d output %q paths %q", got.Workers, got.Top, got.Output, got.Paths)
	}
}

// width is the window width the flags give ingest (0: automatic).
func width(t *testing.T, fl inputflags.Flags) time.Duration {
	t.Helper()
	opt, err := inputflags.Options(inputflags.Streams{}, []string{"a.log"}, &fl, 0)
	if err != nil {
		t.Fatal(err)
	}
	return opt.Width
}

// TestWindowFlagOfEachCommand: timeline always accounts per window
// (automatic size by default); check sets the size with --each-window.
func TestWindowFlagOfEachCommand(t *testing.T) {
	var tl *timelineOptions
	execute(t, newTimelineCmd(IO{}, func(_ context.Context, o *timelineOptions) error { tl = o; return nil }))
	if !tl.Inputs.On || width(t, tl.Inputs) != 0 || tl.Top != 5 || tl.Metric != "requests" {
		t.Errorf("timeline: got windows %v width %v top %d metric %q, want automatic windows, top 5, requests", tl.Inputs.On, width(t, tl.Inputs), tl.Top, tl.Metric)
	}
	var ck *checkOptions
	execute(t, newCheckCmd(IO{}, func(_ context.Context, o *checkOptions) error { ck = o; return nil }),
		"--each-window", "5m", "--min-requests", "200", "-t", "top1_share<0.5")
	if !ck.Inputs.On || width(t, ck.Inputs) != 5*time.Minute || ck.Inputs.Flag != "--each-window" || ck.MinRequests != 200 || len(ck.thresholds) != 1 {
		t.Errorf("check: got windows %v width %v flag %q min requests %d thresholds %d, want 5m windows named --each-window, 200, 1",
			ck.Inputs.On, width(t, ck.Inputs), ck.Inputs.Flag, ck.MinRequests, len(ck.thresholds))
	}
	var rp *reportOptions
	execute(t, newReportCmd(IO{}, func(_ context.Context, o *reportOptions) error { rp = o; return nil }))
	if rp.Inputs.On || rp.Top != 20 || rp.Output != "table" || rp.Inputs.MaxRejectRatio != 1 {
		t.Errorf("report: got windows %v top %d output %q max reject ratio %v, want no windows, 20, table, 1", rp.Inputs.On, rp.Top, rp.Output, rp.Inputs.MaxRejectRatio)
	}
}
