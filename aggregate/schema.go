package aggregate

import (
	"encoding/json"

	"github.com/skewer-dev/skewer/parse"
)

// Schema is the JSON report's schema name and version.
const Schema = "skewer.report/v1"

// Report is the finished accounting of a run: what render writes. Its JSON
// encoding is the skewer.report/v1 document; unknown values are null.
type Report struct {
	Schema             string   `json:"schema"`
	Inputs             []Input  `json:"inputs"`
	Lines              Lines    `json:"lines"`
	Span               Span     `json:"span"`
	WindowSeconds      *float64 `json:"window_seconds"`
	Family             string   `json:"family"`
	Restarts           *int     `json:"restarts"`
	Unattributed       int64    `json:"unattributed"`
	Excluded           int64    `json:"excluded"`
	Workers            []Worker `json:"workers"`
	Skew               Skew     `json:"skew"`
	RequestSecondsSkew *Skew    `json:"request_seconds_skew"`
	CPUSkew            *Skew    `json:"cpu_skew,omitempty"`
	Windows            []Window `json:"windows"`
	// WindowSkew is the typical window: the per-window skews summarised,
	// computed whether or not --window was given; null without times.
	WindowSkew *WindowSkew `json:"window_skew"`
	// RateSkew is the skew of requests per alive-second over the workers
	// whose alive time is known: restart generations do not count as skew.
	RateSkew *Skew    `json:"rate_skew"`
	Warnings []string `json:"warnings"`
	// Dominance is who was busiest per window (by requests) and when that
	// changed; set whenever windows are.
	Dominance *Dominance `json:"dominance,omitempty"`
	// Masters are the master processes found in snapshots, not workers.
	Masters []Master `json:"masters,omitempty"`
	// Connections is what the log tells of connections (nginx $connection,
	// or the client's address and port): absent when it identifies none.
	Connections *Connections `json:"connections,omitempty"`
	// KeyField names what workers are keyed by: "pid", or the --by field.
	KeyField string `json:"key_field"`

	// IdleSlots is how many --workers slots were never filled: per host,
	// --workers minus the most workers alive at once. They count in the
	// skew as workers with nothing done.
	IdleSlots int `json:"idle_slots"`
	// HostSkew is each host's own skew (its workers and idle slots), window
	// skew and rate skew when inputs come from several hosts; Skew,
	// WindowSkew and RateSkew are the cross-host figures.
	HostSkew []HostSkew `json:"host_skew,omitempty"`
	// Populations is who was alive when and what each served per window,
	// for per-window figures at any width.
	Populations *Populations `json:"-"`
	// InferredRestarts is how many restarts the restart generations inferred
	// from an access log alone imply (workers beyond the slots); 0 when none
	// were inferred. Restarts is what an error log or snapshots observed.
	InferredRestarts int `json:"-"`
	// Configured is the --workers value, 0 when not given.
	Configured int `json:"-"`
	// Durations reports whether the logs carried request times.
	Durations bool `json:"-"`
	// OutOfRange is the part of Excluded outside --since/--until.
	OutOfRange int64 `json:"-"`
	// Attributed is how many requests had a worker key: the sum of the
	// rows' requests.
	Attributed int64 `json:"-"`
	// MostRequests is how few workers served 90% of the attributed
	// requests.
	MostRequests Concentration `json:"-"`
	// MostCPU is how few workers used 90% of the CPU time, over the
	// workers whose CPU time is known; nil when none is.
	MostCPU *Concentration `json:"-"`
	// CPUKnown says some worker's CPU seconds are known (snapshots).
	CPUKnown bool `json:"-"`
	// CPUNull says why cpu_skew is null although CPU seconds are known:
	// the busiest worker's CPU is under 10× its source's resolution.
	CPUNull string `json:"-"`
	// RequestSecondsNull says why request_seconds_skew is null although
	// the log has durations: every one of them is zero.
	RequestSecondsNull string `json:"-"`
	// CPUAges is set when the workers' ages differ by more than 2×: the
	// CPU headline ranks by rate.
	CPUAges *CPUAges `json:"-"`
	// nextSame is each host's pairs of consecutive requests per window
	// (NextSame).
	nextSame nextSame
}

// Input describes one input file of the run.
type Input struct {
	Path     string     `json:"path"`
	Kind     parse.Kind `json:"kind"`
	Format   string     `json:"format"`
	Note     string     `json:"note,omitempty"`
	Lines    int64      `json:"lines"`
	Parsed   int64      `json:"parsed"`
	Rejected int64      `json:"rejected"`
	Ignored  *string    `json:"ignored"`
	Skip     Skip       `json:"-"` // why it was ignored, as a code
}

// Lines counts the lines of the access logs of a run.
type Lines struct {
	Total            int64            `json:"total"`
	Parsed           int64            `json:"parsed"`
	Rejected         int64            `json:"rejected"`
	RejectedByReason map[string]int64 `json:"rejected_by_reason"`
}

// Span is the time covered by the parsed lines; null without times.
type Span struct {
	Start Stamp `json:"start"`
	End   Stamp `json:"end"`
}

// Worker is one worker's row.
type Worker struct {
	// ID is the worker's identity; Key is its text.
	ID              WorkerKey    `json:"-"`
	Key             string       `json:"key"`
	Host            *string      `json:"host"`
	PID             *int64       `json:"pid"`
	Requests        int64        `json:"requests"`
	Share           float64      `json:"share"`
	RequestSeconds  *float64     `json:"request_seconds"`
	MeanConcurrency *float64     `json:"mean_concurrency"`
	PeakConcurrency *int         `json:"peak_concurrency"`
	P50Seconds      *float64     `json:"p50_seconds"`
	P95Seconds      *float64     `json:"p95_seconds"`
	P99Seconds      *float64     `json:"p99_seconds"`
	Status          StatusCounts `json:"status"`
	FirstSeen       Stamp        `json:"first_seen"`
	LastSeen        Stamp        `json:"last_seen"`
	Born            Stamp        `json:"born"`
	Exited          Stamp        `json:"exited"`
	ExitReason      *string      `json:"exit_reason"`
	CPUSeconds      *float64     `json:"cpu_seconds"`
	CPUShare        *float64     `json:"cpu_share"`
	CPURate         *float64     `json:"cpu_rate"`
	RSSPeakBytes    *int64       `json:"rss_peak_bytes"`
	RSSLastBytes    *int64       `json:"rss_last_bytes"`
	// CPUSecondsPerRequest is CPU seconds / requests.
	CPUSecondsPerRequest *float64 `json:"cpu_seconds_per_request"`
	// AliveFrom and AliveTo are when the worker was alive, from the
	// strongest source (AliveSource); null when the run has no times.
	AliveFrom   Stamp   `json:"alive_from"`
	AliveTo     Stamp   `json:"alive_to"`
	AliveSource *string `json:"alive_source"`
	// PeakWindowBusy is the highest request seconds ÷ window length over
	// the windows of the automatic width (or --window): the busiest window
	// of a sync worker is 1 when it served all of it.
	PeakWindowBusy *float64 `json:"peak_window_busy"`
	// CPUResolutionSeconds is the resolution of cpu_seconds: 1 for ps
	// TIME, 0.01 for skewer sample; null without snapshots.
	CPUResolutionSeconds *float64 `json:"cpu_resolution_seconds"`
	// CPURateLow and CPURateHigh bound cpu_rate: ps TIME is truncated to
	// the second, STIME to the minute or the day, ps C to a whole percent.
	// High is null when unbounded (ps C stops at 99).
	CPURateLow  *float64 `json:"cpu_rate_low"`
	CPURateHigh *float64 `json:"cpu_rate_high"`
	// CPURateFrom says where cpu_rate comes from: "snapshots" (CPU between
	// snapshots over their time), "start" (cumulative CPU over the time
	// since the process started: ELAPSED, lstart or STIME) or "ps_percent"
	// (ps's own lifetime C or %CPU, the snapshot having no time).
	CPURateFrom *string `json:"cpu_rate_from"`
	// BornPrecisionSeconds is how wide the interval starting at born is:
	// 1 from ps ELAPSED or lstart, 60 or 86400 from STIME; null when born
	// is exact or unknown.
	BornPrecisionSeconds *float64 `json:"born_precision_seconds"`
	// Rate is the CPU rate with its ages, for the headline.
	Rate *CPURate `json:"-"`
	// StartText is the start as ps printed it (STIME), and PPID the
	// parent, from snapshots: "" and 0 without.
	StartText string `json:"-"`
	PPID      int64  `json:"-"`
}

// StatusCounts are a worker's requests by HTTP status class. A struct, not
// a map: a map costs a few hundred bytes per row, and a run may have
// millions of rows. Its JSON is the map's (the same keys, in the same order).
type StatusCounts struct {
	Class2xx int64 `json:"2xx"`
	Class3xx int64 `json:"3xx"`
	Class4xx int64 `json:"4xx"`
	Class5xx int64 `json:"5xx"`
	Other    int64 `json:"other"`
}

// Add adds o's counts to s.
func (s *StatusCounts) Add(o StatusCounts) {
	s.Class2xx += o.Class2xx
	s.Class3xx += o.Class3xx
	s.Class4xx += o.Class4xx
	s.Class5xx += o.Class5xx
	s.Other += o.Other
}

// Window is one time window of a timeline.
//
// Requests, RequestSeconds and CPUSeconds have an entry per live worker
// (zeros included) in a window read back from JSON or made by hand; in a
// window that Finish made they are nil and the window holds only the
// workers that served in it, its live idle workers implied by their alive
// intervals: read all three with Counts, which works for both.
type Window struct {
	Start          Stamp              `json:"start"`
	End            Stamp              `json:"end"`
	Requests       map[string]int64   `json:"requests"`
	RequestSeconds map[string]float64 `json:"request_seconds"`
	CPUSeconds     map[string]float64 `json:"cpu_seconds"`
	// Skew is over the workers alive for any part of the window (zeros
	// included) and its idle slots.
	Skew Skew `json:"skew"`
	// CPUSkew is the skew of CPU seconds over the same workers (those whose
	// CPU time is known) and idle slots; null without snapshots, and when
	// the window's busiest worker used under 10× the resolution of its CPU
	// time (ps TIME: 10 s; skewer sample: 0.1 s).
	CPUSkew *Skew `json:"cpu_skew"`
	// IdleSlots is how many zeros were added so that each host counts at
	// least --workers.
	IdleSlots int `json:"idle_slots"`
	// HostSkew is each host's skew in the window, with several hosts.
	HostSkew []HostSkew `json:"host_skew,omitempty"`

	cells *windowCells
}

// HostSkew is the skew of one host's workers: the kernel balances the
// workers of a host, never across hosts.
type HostSkew struct {
	Host      string `json:"host"`
	IdleSlots int    `json:"idle_slots"`
	Skew      Skew   `json:"skew"`
	// WindowSkew summarises the host's own windows, at the size of the
	// report's window_skew; RateSkew is the skew of requests per
	// alive-second over the host's workers and idle slots. Both are on the
	// report's host_skew[] only (not a window's), and left out when
	// unknown: without times, or without a known alive interval.
	WindowSkew *WindowSkew `json:"window_skew,omitempty"`
	RateSkew   *Skew       `json:"rate_skew,omitempty"`
}

// MarshalJSON writes the skewer.report/v1 document: cpu_skew is left out
// without snapshots, and null when they cannot support a comparison.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	if r.CPUNull == "" {
		return json.Marshal((*plain)(r))
	}
	return json.Marshal(struct {
		*plain
		CPUSkew *Skew `json:"cpu_skew"`
	}{plain: (*plain)(r)})
}
