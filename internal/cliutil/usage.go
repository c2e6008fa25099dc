package cliutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagGroup is a section of a command's flags in its usage.
type FlagGroup struct {
	Title string
	Flags []string // names, in the order listed
}

// Usage returns a usage function for cobra (SetUsageFunc): the command's
// examples, its commands, and its flags by group, then the flags of no
// group, then -h and the root's persistent flags as global, each wrapped
// to width columns.
func Usage(groups []FlagGroup, width int) func(*cobra.Command) error {
	return func(c *cobra.Command) error { return usage(c, groups, width) }
}

func usage(c *cobra.Command, groups []FlagGroup, width int) error {
	var b strings.Builder
	b.WriteString("Usage:\n")
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "  %s [command]\n", c.CommandPath())
	} else {
		fmt.Fprintf(&b, "  %s\n", c.UseLine())
	}
	if c.HasExample() {
		fmt.Fprintf(&b, "\nExamples:\n%s\n", c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\nCommands:\n")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "  %-*s %s\n", sub.NamePadding(), sub.Name(), sub.Short)
			}
		}
	}
	local := c.LocalFlags()
	grouped := map[string]bool{"help": true}
	for _, g := range groups {
		fs := pflag.NewFlagSet(g.Title, pflag.ContinueOnError)
		fs.SortFlags = false
		for _, name := range g.Flags {
			if f := local.Lookup(name); f != nil && !f.Hidden {
				fs.AddFlag(f)
				grouped[name] = true
			}
		}
		writeFlags(&b, g.Title, fs, width)
	}
	// Global: -h and the root's persistent flags, wherever they are.
	other := pflag.NewFlagSet("other", pflag.ContinueOnError)
	global := pflag.NewFlagSet("global", pflag.ContinueOnError)
	local.VisitAll(func(f *pflag.Flag) {
		switch {
		case f.Name == "help" || c.PersistentFlags().Lookup(f.Name) != nil:
			global.AddFlag(f)
		case !grouped[f.Name]:
			other.AddFlag(f)
		}
	})
	writeFlags(&b, "Flags", other, width)
	global.AddFlagSet(c.InheritedFlags())
	writeFlags(&b, "Global flags", global, width)
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nUse \"%s [command] --help\" for more about a command.\n", c.CommandPath())
	}
	_, err := fmt.Fprint(c.OutOrStderr(), b.String())
	return err
}

func writeFlags(b *strings.Builder, title string, fs *pflag.FlagSet, width int) {
	if !fs.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(b, "\n%s:\n%s", title, fs.FlagUsagesWrapped(width))
}

// CompleteValues makes shell completion offer values for a flag of c.
func CompleteValues(c *cobra.Command, flag string, values ...string) {
	err := c.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	if err != nil {
		panic(err) // a flag the command defines
	}
}
