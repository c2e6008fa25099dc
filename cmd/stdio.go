package cmd

import (
	"os"

	"golang.org/x/term"
)

// StdIO returns the process's standard streams.
func StdIO() IO {
	return IO{
		In:          os.Stdin,
		Out:         os.Stdout,
		ErrOut:      os.Stderr,
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
	}
}

// colorAllowed reports whether ANSI colour may be written to stdout.
func colorAllowed(s IO) bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return s.OutTerminal && !noColor
}
