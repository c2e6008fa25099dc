package cmd

import (
	"github.com/spf13/cobra"
)

// fileFlags take a file name: the shells complete paths for them, as for
// PATH arguments.
var fileFlags = []string{"ps", "nginx-conf", "baseline", "thresholds", "junit", "out"}

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
