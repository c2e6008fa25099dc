package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"time"

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

	// Proc, Self and Now are the machine; tests replace them with a fake
	// tree, a PID in it and a fixed clock.
	Proc procfs.FS
	Self int
	Now  func() time.Time
}

// newSampleCmd runs runF once the flags are valid, when a test gives one,
// else runSample.
func newSampleCmd(s IO, runF func(context.Context, *sampleOptions) error) *cobra.Command {
	run := runSample
	if runF != nil {
		run = runF
	}
	opts := &sampleOptions{IO: s, Proc: procfs.New(procfs.DefaultRoot), Self: os.Getpid(), Now: time.Now}
	c := &cobra.Command{
		Use:   "sample --master PID | --match REGEX",
		Short: "Record timestamped process snapshots from /proc for CPU accounting",
		Long: `Record snapshots of a server's processes from /proc, for 'skewer report --ps':
CPU time in milliseconds (ps prints whole seconds, too coarse to tell light
workers apart), resident memory, start time and command line.

Choose the processes with --master PID (that process and all its descendants)
or --match REGEX (every process whose command line, as in the args column,
matches, and all their descendants, so that workers are recorded with their
master even when their titles do not match). skewer sample itself and its
parent processes are never recorded, nor do they pull in their children: the
shell running 'skewer sample --match gunicorn' does not match.

The first snapshot is taken at once, then one every --interval. --count N stops
after N snapshots (the first included); --duration D stops once D has passed
(D/interval + 1 snapshots); with neither, sampling runs until interrupted.
Ctrl-C or SIGTERM is its normal end (a service manager stops it that way): it
finishes the snapshot in progress and exits 0. When the --master process
exits, sampling stops with exit status 2. Either way every snapshot written
is complete: each is written with a single write.

Output layout, skewer-sample v1 (appended to --out FILE, or written to
standard output): a header line per snapshot, then one row per process,
sorted by pid, fields separated by one space, no column header:

  # skewer-sample v1 2026-11-25T17:40:05.000Z
  26468 1 4263321 15230 52164 gunicorn: master [app]
  26471 26468 4263390 981270 140332 gunicorn: worker [app]

  header       "# skewer-sample v1 " and the snapshot's time, RFC 3339 UTC, milliseconds
  pid          process ID
  ppid         parent process ID
  start_ticks  start time in clock ticks since boot (/proc/PID/stat field 22);
               with pid it tells a reused PID apart
  cpu_ms       user + system CPU time in milliseconds, cumulative
  rss_kib      resident set size in KiB
  args         the command line, arguments joined by spaces, control characters
               shown as ?; [comm] for a process without one (kernel thread, zombie)

Clock ticks are USER_HZ, which Linux fixes at 100 per second for user space
(sysconf(_SC_CLK_TCK)), so cpu_ms has a resolution of 10 ms. A process that
exits while it is being read is left out of that snapshot.`,
		Example: `  skewer sample --match '^gunicorn' --interval 5s --duration 1h --out ps.log
  skewer sample --master 26468 --count 720 >> ps.log
  skewer report --ps ps.log access.log`,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &exitError{code: ExitError, err: usageErr(c, fmt.Errorf("unexpected argument %q: skewer sample takes only flags", args[0]))}
			}
			opts.countSet = c.Flags().Changed("count")
			opts.durationSet = c.Flags().Changed("duration")
			if err := opts.validate(); err != nil {
				return &exitError{code: ExitError, err: usageErr(c, err)}
			}
			return run(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.DurationVar(&opts.Interval, "interval", 5*time.Second, "`time` between snapshots (e.g. 500ms, 5s, 1m)")
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
	var (
		out *sampleOut
		sw  procfs.SampleWriter
	)
	defer func() {
		if out != nil {
			out.close()
		}
	}()
	rec := procfs.Recording{
		FS:       o.Proc,
		Select:   procfs.Selector{Master: o.Master, Match: o.match, Self: o.Self},
		Interval: o.Interval,
		Now:      o.Now,
		Start: func(procs []procfs.Proc, denied int) (err error) {
			if out, err = o.openOut(); err != nil {
				return err
			}
			sw.W = out.w
			o.noteFirst(procs, denied)
			return nil
		},
		Write: func(at time.Time, procs []procfs.Proc) error {
			if err := sw.Write(at, procs); err != nil {
				return fmt.Errorf("writing %s: %w", out.name, pathCause(err))
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
			return out.close()
		}
		return wordMaster(err)
	}
	return out.close()
}

// wordMaster says a problem with the --master process.
func wordMaster(err error) error {
	var me *procfs.MasterError
	if !errors.As(err, &me) {
		return err
	}
	switch me.Problem {
	case procfs.MasterMissing:
		return &wordedError{fmt.Sprintf("--master %d: no such process", me.PID), err}
	case procfs.MasterIsSelf:
		return &wordedError{fmt.Sprintf("--master %d: that is skewer itself or one of its parents, which are never recorded", me.PID), err}
	case procfs.MasterExited:
		return &wordedError{fmt.Sprintf("--master %d exited (or its PID now names another process): sampling stopped", me.PID), err}
	}
	return fmt.Errorf("--master %d: %w", me.PID, me.Err)
}

// noteFirst says on stderr, once, what would otherwise go unnoticed.
func (o *sampleOptions) noteFirst(procs []procfs.Proc, denied int) {
	if denied > 0 {
		fmt.Fprintf(o.ErrOut, "skewer: note: %d processes could not be read (permission denied; is %s mounted with hidepid?) and are left out\n", denied, o.Proc.Root)
	}
	if o.match != nil && len(procfs.Selector{Match: o.match, Self: o.Self}.Select(procs)) == 0 {
		fmt.Fprintf(o.ErrOut, "skewer: note: --match %q matches no process yet\n", o.Match)
	}
}

// sampleOut is where snapshots go: --out opened for appending, or stdout.
type sampleOut struct {
	w    io.Writer
	name string
	file *os.File // nil for stdout
}

func (o *sampleOptions) openOut() (*sampleOut, error) {
	if o.OutFile == "" {
		return &sampleOut{w: o.Out, name: "standard output"}, nil
	}
	f, err := os.OpenFile(o.OutFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.OutFile, pathCause(err))
	}
	return &sampleOut{w: f, name: o.OutFile, file: f}, nil
}

func (s *sampleOut) close() error {
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", s.name, pathCause(err))
	}
	return nil
}

// pathCause drops the "open NAME" of an *fs.PathError, whose name the
// message already gives.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
