package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// unknownError is a command, help topic or flag skewer does not have, with
// the names it may have meant.
type unknownError struct {
	what, name string
	meant      []string
}

func (e *unknownError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.what, e.name)
	if e.what == "flag" {
		msg = "unknown flag: " + e.name
	}
	if len(e.meant) > 0 {
		msg += " — did you mean " + strings.Join(e.meant, " or ") + "?"
	}
	return msg
}

// unknownArgs is the root's argument check: an argument is a command
// skewer does not have.
func unknownArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return &unknownError{what: "command", name: args[0], meant: quoted(cliutil.Suggest(args[0], commandNames(c)))}
}

// newHelpCmd is `skewer help [command]`: an unknown topic is an error (exit
// 2), not a usage text.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 && target == c.Root() {
				name := strings.Join(args, " ")
				return &exitError{code: ExitError, err: usageErr(c.Root(), &unknownError{what: "help topic", name: name, meant: quoted(cliutil.Suggest(args[0], commandNames(c.Root())))})}
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}

// commandNames are the commands a user may have meant: listed ones and
// the hidden completion.
func commandNames(root *cobra.Command) []string {
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() || c.Name() == "completion" {
			names = append(names, c.Name())
		}
	}
	return names
}

// wordFlagError adds the flags that a misspelt one may have meant.
func wordFlagError(c *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) || ne.GetSpecifiedShortnames() != "" {
		return err
	}
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	meant := cliutil.Suggest(ne.GetSpecifiedName(), names)
	for i, m := range meant {
		meant[i] = "--" + m
	}
	return &unknownError{what: "flag", name: "--" + ne.GetSpecifiedName(), meant: meant}
}

func quoted(names []string) []string {
	for i, n := range names {
		names[i] = fmt.Sprintf("%q", n)
	}
	return names
}
