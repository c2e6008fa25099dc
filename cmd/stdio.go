package cmd

import (
	"os"

	"golang.org/x/term"
)

// StdIO returns the process's standard streams and what the environment
// says about them.
func StdIO() IO {
	s := IO{
		In:            os.Stdin,
		Out:           os.Stdout,
		ErrOut:        os.Stderr,
		InTerminal:    term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal:   term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal:   term.IsTerminal(int(os.Stderr.Fd())),
		NoColor:       os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb",
		GitHubActions: os.Getenv("GITHUB_ACTIONS") == "true",
		StepSummary:   os.Getenv("GITHUB_STEP_SUMMARY"),
	}
	if s.OutTerminal {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}

// colorAllowed reports whether ANSI colour may be written to stdout.
func colorAllowed(s IO) bool {
	return s.OutTerminal && !s.NoColor
}
