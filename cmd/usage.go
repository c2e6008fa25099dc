package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageWidth is the width help text fits in.
const usageWidth = 80

// flagGroups are the sections of a command's flags in its help, in order;
// a flag in none of them is listed under "Other flags".
var flagGroups = []struct {
	title string
	flags []string
}{
	{"Input flags", []string{"format", "log-format", "nginx-conf", "log-format-name", "field", "family",
		"ps", "ps-columns", "ps-time", "tz", "strict", "max-reject-ratio", "progress"}},
	{"Filter flags", []string{"exclude-path", "since", "until"}},
	{"Worker flags", []string{"workers", "by", "host-field", "host-from-dir", "master", "match", "max-keys"}},
	{"Condition flags", []string{"threshold", "thresholds", "baseline", "each-window", "min-requests"}},
	{"Sampling flags", []string{"interval", "count", "duration", "out"}},
	{"Output flags", []string{"output", "top", "window", "metric", "width", "wide", "junit", "github"}},
}

// usage writes a command's usage: its examples, its commands and its flags
// by group, fitting usageWidth columns.
func usage(c *cobra.Command) error {
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
	for _, g := range flagGroups {
		fs := pflag.NewFlagSet(g.title, pflag.ContinueOnError)
		fs.SortFlags = false
		for _, name := range g.flags {
			if f := local.Lookup(name); f != nil && !f.Hidden {
				fs.AddFlag(f)
				grouped[name] = true
			}
		}
		writeFlags(&b, g.title, fs)
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
	writeFlags(&b, "Flags", other)
	global.AddFlagSet(c.InheritedFlags())
	writeFlags(&b, "Global flags", global)
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nUse \"%s [command] --help\" for more about a command.\n", c.CommandPath())
	}
	_, err := fmt.Fprint(c.OutOrStderr(), b.String())
	return err
}

func writeFlags(b *strings.Builder, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(b, "\n%s:\n%s", title, fs.FlagUsagesWrapped(usageWidth))
}
