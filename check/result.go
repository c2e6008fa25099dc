// Package check evaluates thresholds on a skewer report: conditions such as
// gini<0.35 or effective_workers>=baseline*0.9, over the whole run or per
// time window, for a CI gate.
package check

import "github.com/skewer-dev/skewer/aggregate"

// Schema is the JSON verdict document's schema name and version.
const Schema = "skewer.check/v1"

// Threshold is one parsed condition, METRIC OP VALUE.
type Threshold struct {
	// Text is the condition as written, spaces removed.
	Text   string `json:"threshold"`
	Metric string `json:"metric"`
	Op     Op     `json:"op"` // < <= > >= == !=
	// Value is the right side: a number, or an expression over the
	// baseline's value of the same metric: baseline, baseline+c,
	// baseline-c, baseline*c, baseline/c.
	Value Expr `json:"-"`
	// Source is where the threshold came from: "-t" or "FILE:LINE".
	Source string `json:"source,omitempty"`
}

// Expr is a threshold's right side.
type Expr struct {
	Baseline bool    // refers to the baseline's value
	Op       byte    // 0 (just the number or baseline), '+', '-', '*', '/'
	Num      float64 // the number
}

// Verdict is the outcome of one threshold on the run or on one window.
type Verdict struct {
	Threshold string `json:"threshold"`
	Metric    string `json:"metric"`
	Op        Op     `json:"op"`
	// Limit is the value compared with (the baseline expression worked out).
	Limit    float64  `json:"limit"`
	Observed *float64 `json:"observed"` // nil when the metric is undefined for the input (e.g. max_mean with no requests)
	Baseline *float64 `json:"baseline"` // the baseline's value, with --baseline
	Delta    *float64 `json:"delta"`    // observed − baseline
	Pass     bool     `json:"pass"`
	// Reason says why Observed is null ("max_mean is null: no requests
	// were served"); empty otherwise.
	Reason string `json:"reason,omitempty"`
	// Window is set for --each-window verdicts: the window's start and end.
	WindowStart aggregate.Stamp `json:"window_start,omitzero"`
	WindowEnd   aggregate.Stamp `json:"window_end,omitzero"`
	Requests    int64           `json:"requests,omitempty"` // requests in the window
	// Host is the host whose window this is, when inputs come from several
	// hosts: each host's window is judged on its own.
	Host string `json:"host,omitempty"`
}

// Result is the verdict document (-o json).
type Result struct {
	Schema string `json:"schema"`
	Pass   bool   `json:"pass"`
	// Passed and Failed count thresholds; with --each-window a threshold
	// fails when it fails in any window.
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
	Verdicts []Verdict `json:"verdicts"`
	// Windows and SkippedWindows count the windows evaluated and those
	// below --min-requests, with --each-window; with several hosts, each
	// host's window counts as one.
	Windows int `json:"windows,omitempty"`
	// Hosts is how many hosts the windows were judged on, with
	// --each-window and several hosts.
	Hosts          int    `json:"hosts,omitempty"`
	SkippedWindows int    `json:"skipped_windows,omitempty"`
	MinRequests    int64  `json:"min_requests,omitempty"`
	WindowSeconds  int64  `json:"window_seconds,omitempty"`
	Baseline       string `json:"baseline,omitempty"` // the baseline file
}
