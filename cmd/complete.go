package cmd

import (
	"github.com/spf13/cobra"
)

// fileFlags take a file name: the shells complete paths for them, as for
// PATH arguments.
var fileFlags = []string{"ps", "nginx-conf", "baseline", "thresholds", "junit", "out"}

// completeValues makes shell completion offer values for a flag.
func completeValues(c *cobra.Command, flag string, values ...string) {
	err := c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	if err != nil {
		panic(err) // a flag the command defines
	}
}

// completeFiles marks the file flags of every command for path completion.
func completeFiles(root *cobra.Command) {
	for _, c := range root.Commands() {
		for _, name := range fileFlags {
			if c.Flags().Lookup(name) != nil {
				_ = c.MarkFlagFilename(name)
			}
		}
	}
}
