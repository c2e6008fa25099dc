package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// validator is a command's options: their flags are checked in one place.
type validator interface {
	validate() error
	streams() *IO
}

// runCommand is the RunE of a command that reads PATH arguments: it stores
// them, validates the options (a failure is a usage error, exit 2), and
// runs runF when a test gives one, else run.
func runCommand[O validator](opts O, paths *[]string, runF, run func(context.Context, O) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		*paths = args
		err := opts.streams().setVerbosity(c)
		if err == nil {
			err = opts.validate()
		}
		if err != nil {
			return &exitError{code: ExitError, err: usageErr(c, err)}
		}
		if runF != nil {
			return runF(c.Context(), opts)
		}
		return run(c.Context(), opts)
	}
}
