package cmd

import "github.com/skewer-dev/skewer/internal/cliutil"

// usageWidth is the width help text fits in.
const usageWidth = 80

// flagGroups are the sections of a command's flags in its help, in order;
// a flag in none of them is listed under "Flags".
var flagGroups = []cliutil.FlagGroup{
	{Title: "Input flags", Flags: []string{"format", "log-format", "nginx-conf", "log-format-name", "field", "family",
		"ps", "ps-columns", "ps-time", "tz", "strict", "max-reject-ratio", "progress"}},
	{Title: "Filter flags", Flags: []string{"exclude-path", "since", "until"}},
	{Title: "Worker flags", Flags: []string{"workers", "by", "host-field", "host-from-dir", "master", "match", "max-keys"}},
	{Title: "Condition flags", Flags: []string{"threshold", "thresholds", "baseline", "each-window", "min-requests"}},
	{Title: "Sampling flags", Flags: []string{"interval", "count", "duration", "out"}},
	{Title: "Output flags", Flags: []string{"output", "top", "window", "metric", "width", "wide", "junit", "github"}},
}
