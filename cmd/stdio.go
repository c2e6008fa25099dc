package cmd

import (
	"os"

	"github.com/skewer-dev/skewer/render"

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

// guardOut routes the stdout of a command whose output carries log content
// through render.Guard, so that no line of it is read as a CI workflow
// command, fenced by stop-commands in a GitHub Actions job (fence). A
// machine-readable stdout (JSON, CSV) is not fenced: fence lines would break
// the document for the program or file that reads it, and its encoding
// already keeps every line from being a command. Run guards stderr. The
// caller closes the guard before returning.
func guardOut(s *IO, fence, machine bool) *render.Guard {
	token := ""
	if fence && !machine {
		token = render.NewStopToken()
	}
	g := render.NewGuard(s.Out, token)
	s.Out = g
	return g
}

// machineFormat reports whether an output format is read by programs (or
// is a page, which a fence would break).
func machineFormat(output string) bool {
	return output == "json" || output == "csv" || output == "html"
}

// closeGuard closes g; a write error becomes *err when it has none.
func closeGuard(g *render.Guard, err *error) {
	if cerr := g.Close(); *err == nil {
		*err = cerr
	}
}
