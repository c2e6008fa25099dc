package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"time"

	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/internal/outfile"
	"github.com/skewer-dev/skewer/procfs"
	"github.com/spf13/cobra"
)

// sampleOptions are the flags and streams of `skewer sample`.
type sampleOptions struct {
	IO
	Interval time.Duration
	Count    int
	Duration time.Duration
	OutFile  string
	Match    string
	Master   int

	countSet, durationSet bool
	match                 *regexp.Regexp

	// Proc, Self, Now and OS are the machine; tests replace them with a
	// fake tree, a PID in it, a fixed clock and another system.
	Proc procfs.FS
	Self int
	Now  func() time.Time
	OS   string // runtime.GOOS
}

// newSampleCmd runs runF once the flags are valid, when a test gives one,
// else runSample.
func newSampleCmd(s IO, runF func(context.Context, *sampleOptions) error) *cobra.Command {
	run := runSample
	if runF != nil {
		run = runF
	}
	opts := &sampleOptions{IO: s, Proc: procfs.New(procfs.DefaultRoot), Self: os.Getpid(), Now: time.Now, OS: runtime.GOOS}
	c := &cobra.Command{
		Use:     "sample --master PID | --match REGEX",
		Short:   "Record timestamped process snapshots from /proc for CPU accounting",
		Long:    helpLong("sample"),
		Example: helpExample("sample"),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &exitError{code: ExitError, err: usageErr(c, fmt.Errorf("unexpected argument %q: skewer sample takes only flags", args[0]))}
			}
			opts.countSet = c.Flags().Changed("count")
			opts.durationSet = c.Flags().Changed("duration")
			err := opts.setVerbosity(c)
			if err == nil {
				err = opts.validate()
			}
			if err != nil {
				return &exitError{code: ExitError, err: usageErr(c, err)}
			}
			return run(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.DurationVar(&opts.Interval, "interval", 5*time.Second, "`TIME` between snapshots (e.g. 500ms, 5s, 1m)")
	f.IntVar(&opts.Count, "count", 0, "stop after `N` snapshots, the first included (default: until interrupted)")
	f.DurationVar(&opts.Duration, "duration", 0, "stop after `D`: snapshots at 0, interval, ... up to D (default: until interrupted)")
	f.StringVar(&opts.OutFile, "out", "", "append snapshots to `FILE` (default: standard output)")
	f.StringVar(&opts.Match, "match", "", "record processes whose command line matches `REGEX` (Go syntax), and their descendants")
	f.IntVar(&opts.Master, "master", 0, "record process `PID` and its descendants")
	return c
}

func (o *sampleOptions) validate() error {
	switch {
	case o.Match == "" && o.Master == 0:
		return errors.New("pass --master PID or --match REGEX to choose the processes to record; skewer sample never records every process")
	case o.Match != "" && o.Master != 0:
		return errors.New("--master and --match: pass one, not both")
	case o.Master < 0:
		return fmt.Errorf("--master %d: want a process ID, 1 or more", o.Master)
	case o.Interval <= 0:
		return fmt.Errorf("--interval %s: must be more than 0", o.Interval)
	case o.countSet && o.durationSet:
		return errors.New("--count and --duration: pass one, not both")
	case o.countSet && o.Count < 1:
		return fmt.Errorf("--count %d: must be 1 or more", o.Count)
	case o.durationSet && o.Duration <= 0:
		return fmt.Errorf("--duration %s: must be more than 0", o.Duration)
	}
	if o.Match != "" {
		re, err := regexp.Compile(o.Match)
		if err != nil {
			return fmt.Errorf("--match %q: %w", o.Match, err)
		}
		o.match = re
	}
	return nil
}

// runSample records snapshots into --out or stdout until --count or
// --duration is reached or ctx is done.
func runSample(ctx context.Context, o *sampleOptions) error {
	if o.OS != "linux" {
		return fmt.Errorf("skewer sample needs Linux /proc, and this is %s: run it on the Linux host of the server", o.OS)
	}
	var (
		out *outfile.Stream
		sw  procfs.SampleWriter
	)
	defer func() {
		if out != nil {
			out.Close()
		}
	}()
	rec := procfs.Recording{
		FS:       o.Proc,
		Select:   procfs.Selector{Master: o.Master, Match: o.match, Self: o.Self},
		Interval: o.Interval,
		Now:      o.Now,
		Start: func(procs []procfs.Proc, denied int) (err error) {
			if out, err = outfile.OpenAppend(o.OutFile, o.Out, "standard output"); err != nil {
				return err
			}
			sw.W = out.W
			o.noteFirst(procs, denied)
			return nil
		},
		Write: func(at time.Time, procs []procfs.Proc) error {
			if err := sw.Write(at, procs); err != nil {
				return fmt.Errorf("writing %s: %w", out.Name, outfile.Cause(err))
			}
			return nil
		},
	}
	if o.countSet {
		rec.Count = o.Count
	}
	if o.durationSet {
		rec.Duration = o.Duration
	}
	if err := procfs.Record(ctx, rec); err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// A signal is how sampling ends: every snapshot is whole.
			if out == nil {
				return nil
			}
			return out.Close()
		}
		return wordMaster(err)
	}
	return out.Close()
}

// wordMaster says a problem with the --master process.
func wordMaster(err error) error {
	var me *procfs.MasterError
	if !errors.As(err, &me) {
		return err
	}
	switch me.Problem {
	case procfs.MasterMissing:
		return inputflags.Worded(fmt.Sprintf("--master %d: no such process", me.PID), err)
	case procfs.MasterIsSelf:
		return inputflags.Worded(fmt.Sprintf("--master %d: that is skewer itself or one of its parents, which are never recorded", me.PID), err)
	case procfs.MasterExited:
		return inputflags.Worded(fmt.Sprintf("--master %d exited (or its PID now names another process): sampling stopped", me.PID), err)
	}
	return fmt.Errorf("--master %d: %w", me.PID, me.Err)
}

// noteFirst says on stderr, once, what would otherwise go unnoticed.
func (o *sampleOptions) noteFirst(procs []procfs.Proc, denied int) {
	if o.Quiet {
		return
	}
	if denied > 0 {
		fmt.Fprintf(o.ErrOut, "skewer: note: %d processes could not be read (permission denied; is %s mounted with hidepid?) and are left out\n", denied, o.Proc.Root)
	}
	if o.match != nil && len(procfs.Selector{Match: o.match, Self: o.Self}.Select(procs)) == 0 {
		fmt.Fprintf(o.ErrOut, "skewer: note: --match %q matches no process yet\n", o.Match)
	}
}
