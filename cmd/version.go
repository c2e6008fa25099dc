package cmd

import (
	"fmt"

	"github.com/skewer-dev/skewer/internal/version"
	"github.com/spf13/cobra"
)

func newVersionCmd(s IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print skewer's version, commit and build date",
		Example: helpExample("version"),
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(s.Out, version.Get())
			return err
		},
	}
}
