package check

import "fmt"

// ThresholdError is an error in evaluating one threshold: it names the
// threshold, and its file and line when it came from a file.
type ThresholdError struct {
	Source string // a file:line, or "" (or "-t") for the command line
	Text   string
	Err    error
}

func (e *ThresholdError) Error() string { return e.Prefix() + e.Err.Error() }

// Prefix is what the error says before its cause: `threshold "gini<0.3": `.
func (e *ThresholdError) Prefix() string {
	if e.Source != "" && e.Source != "-t" {
		return fmt.Sprintf("%s: threshold %q: ", e.Source, e.Text)
	}
	return fmt.Sprintf("threshold %q: ", e.Text)
}

func (e *ThresholdError) Unwrap() error { return e.Err }

// Need is an input a threshold needs and the run lacks.
type Need uint8

// What a threshold may need.
const (
	NeedSnapshots   Need = iota // a cpu_ metric needs process snapshots
	NeedBaseline                // a limit over baseline needs a baseline report
	NeedBaselineCPU             // a cpu_ limit over baseline needs a baseline made with snapshots
)

// NeedError is a threshold that needs an input the run lacks.
type NeedError struct {
	Need   Need
	Metric string // NeedSnapshots
	In     string // NeedBaselineCPU: "the baseline NAME"
}

func (e *NeedError) Error() string {
	switch e.Need {
	case NeedBaseline:
		return "the limit uses baseline, but no baseline report was given"
	case NeedBaselineCPU:
		return fmt.Sprintf("%s has no cpu_skew (it was made without process snapshots)", e.In)
	}
	return fmt.Sprintf("metric %q needs process snapshots", e.Metric)
}

// NothingCheckedError is a per-window evaluation in which no window had
// MinRequests requests: a gate that judged nothing must not pass.
type NothingCheckedError struct {
	MinRequests int64
}

func (e *NothingCheckedError) Error() string {
	return fmt.Sprintf("no window has at least %d requests: nothing was checked", e.MinRequests)
}
