package cmd

import "github.com/skewer-dev/skewer/internal/cliutil"

// usageWidth is the width help text fits in.
const usageWidth = 80

// flagGroups are the sections of a command's flags in its help, in order;
// a flag in none of them is listed under "Flags".
var flagGroups = []cliutil.FlagGroup{
	{"Input flags", []string{"format", "log-format", "nginx-conf", "log-format-name", "field", "family",
		"ps", "ps-columns", "ps-time", "tz", "strict", "max-reject-ratio", "progress"}},
	{"Filter flags", []string{"exclude-path", "since", "until"}},
	{"Worker flags", []string{"workers", "by", "host-field", "host-from-dir", "master", "match", "max-keys"}},
	{"Condition flags", []string{"threshold", "thresholds", "baseline", "each-window", "min-requests"}},
	{"Sampling flags", []string{"interval", "count", "duration", "out"}},
	{"Output flags", []string{"output", "top", "window", "metric", "width", "wide", "junit", "github"}},
}
