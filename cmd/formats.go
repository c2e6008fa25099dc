package cmd

import (
	"fmt"

	"github.com/skewer-dev/skewer/parse"
	"github.com/spf13/cobra"
)

func newFormatsCmd(s IO) *cobra.Command {
	return &cobra.Command{
		Use:     "formats",
		Short:   "List the log formats skewer reads and the fields each yields",
		Example: helpExample("formats"),
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(s.Out, parse.FormatsHelp())
			return err
		},
	}
}
