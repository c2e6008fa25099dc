// Package cmd wires skewer's commands: flags in, parse → aggregate → render,
// errors mapped to exit codes in one place.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/internal/version"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitCheckFailed = 1
	ExitError       = 2
	ExitInterrupted = 130
	ExitTerminated  = 143
)

// signalGrace is how long a run may take to stop after SIGINT or SIGTERM
// before Main ends the process: a read blocked in the kernel (opening a
// FIFO that has no writer, a pipe whose writer is silent) does not see the
// cancelled context.
const signalGrace = 700 * time.Millisecond

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string {
	if s.sig == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

// code is the exit status for the signal: 128 + its number.
func (s signalled) code() int {
	if s.sig == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

// exitError carries the exit code of an error and says whether Run prints
// it: a failed check (ExitCheckFailed) has printed its verdicts already.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// IO is where commands read and write; tests replace it.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTerminal, OutTerminal and ErrTerminal report whether stdin, stdout
	// and stderr are terminals.
	InTerminal, OutTerminal, ErrTerminal bool
	// NoColor forbids colour even on a terminal: NO_COLOR set and not
	// empty, or TERM=dumb.
	NoColor bool
	// Width is the width of the stdout terminal in columns, 0 if unknown.
	Width int
	// GitHubActions reports a GitHub Actions job (GITHUB_ACTIONS=true);
	// StepSummary is the file its step summary is appended to
	// (GITHUB_STEP_SUMMARY), "" for none.
	GitHubActions bool
	StepSummary   string

	// progressOut is stderr as given, for the progress line, which carries
	// no log content and must not wait in the guard for a line end.
	progressOut io.Writer
	// Verbose (-v) lists long lists whole and shows every rejected line;
	// Quiet (-q) drops notes and the rejected-line samples. Errors always
	// print. The command sets them from its flags.
	Verbose, Quiet bool
}

// streamsIn is what reading the inputs needs of s.
func (s *IO) streamsIn() inputflags.Streams {
	return inputflags.Streams{In: s.In, ErrOut: s.ErrOut, InTerminal: s.InTerminal, Verbose: s.Verbose, Quiet: s.Quiet,
		ProgressOut: s.progressOut, ErrTerminal: s.ErrTerminal}
}

// streams is the IO of a command's options, for runCommand.
func (s *IO) streams() *IO { return s }

// setVerbosity reads -v and -q, persistent flags of the root.
func (s *IO) setVerbosity(c *cobra.Command) error {
	s.Verbose, _ = c.Flags().GetBool("verbose")
	s.Quiet, _ = c.Flags().GetBool("quiet")
	if s.Verbose && s.Quiet {
		return errors.New("--verbose and --quiet: pass one of them")
	}
	return nil
}

// Main runs skewer with os.Args and the process's standard streams and
// returns the exit code.
func Main() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	s := StdIO()
	// skewer sample ends on a signal by finishing its snapshot: it is not
	// cut short.
	force := commandName(os.Args[1:]) != "sample"
	go func() {
		sig := <-sigs
		why := signalled{sig}
		cancel(why)
		if !force {
			return
		}
		time.Sleep(signalGrace)
		fmt.Fprintf(s.ErrOut, "skewer: %s\n", why)
		os.Exit(why.code())
	}()
	return Run(ctx, os.Args[1:], s)
}

// commandName is the first argument that is not a flag.
func commandName(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// Run runs skewer with args and returns the exit code.
func Run(ctx context.Context, args []string, s IO) int {
	// stderr carries log content (rejected lines, file names, the error):
	// no line of it may become a CI workflow command.
	token := ""
	if s.GitHubActions {
		token = render.NewStopToken()
	}
	errOut := render.NewGuard(s.ErrOut, token)
	defer errOut.Close()
	s.progressOut, s.ErrOut = s.ErrOut, errOut
	return run(ctx, args, s)
}

func run(ctx context.Context, args []string, s IO) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		why, ok := context.Cause(ctx).(signalled)
		if !ok {
			why = signalled{os.Interrupt}
		}
		fmt.Fprintf(s.ErrOut, "skewer: %s\n", why)
		return why.code()
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code == ExitCheckFailed {
			return ee.code
		}
		fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(ee.err.Error()))
		return ee.code
	}
	msg := err.Error()
	var unknown *unknownError
	if errors.As(err, &unknown) && unknown.what == "command" {
		msg += " (see 'skewer --help')"
	}
	fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(msg))
	return ExitError
}

func newRootCmd(s IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "skewer",
		Short:         "Which worker did the work, when, and does the imbalance matter?",
		Long:          helpLong("skewer"),
		Example:       helpExample("skewer"),
		Version:       version.Get().String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// skewer completion bash|zsh|fish|powershell works but is not
		// listed among the commands.
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	// --version without a shorthand: -v is --verbose.
	pf := root.PersistentFlags()
	pf.BoolP("verbose", "v", false, "list long lists whole and show every rejected line")
	pf.BoolP("quiet", "q", false, "no notes in text output, no rejected-line samples on stderr, no progress line; errors still print")
	root.Flags().Bool("version", false, "print skewer's version, commit and build date")
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr(c, wordFlagError(c, err))
	})
	// An argument of skewer itself is a mistyped command; with no argument
	// skewer prints its help.
	root.Args = unknownArgs
	root.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	root.SetHelpCommand(newHelpCmd())
	root.SetUsageFunc(cliutil.Usage(flagGroups, usageWidth))
	root.AddCommand(newReportCmd(s, nil), newTimelineCmd(s, nil), newCheckCmd(s, nil), newSampleCmd(s, nil), newExplainCmd(s, nil), newFormatsCmd(s), newVersionCmd(s))
	completeFiles(root)
	return root
}

// usageErr is a usage error: it names the fix (--help).
func usageErr(c *cobra.Command, err error) error {
	return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
}

// Root is skewer's command tree on the streams of s, for programs that
// document it (internal/mangen).
func Root(s IO) *cobra.Command { return newRootCmd(s) }
