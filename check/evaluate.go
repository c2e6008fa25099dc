package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// Options are the choices of an evaluation.
type Options struct {
	// EachWindow evaluates every threshold on every window of the report
	// instead of on the whole run.
	EachWindow bool
	// MinRequests skips windows with fewer requests (noise). Windows
	// without any request are always skipped: nothing was balanced there.
	MinRequests int64
	// BaselineName is the baseline file, for errors and Result.Baseline.
	BaselineName string
}

// Evaluate checks the thresholds ts on rep, against the baseline report
// base when an expression uses it, and returns the verdicts. An error is a
// usage or input problem, never a failed threshold: a metric the input
// cannot provide, an expression over a baseline that was not given or whose
// value is null.
//
// With several hosts, --each-window judges each host's window on its own
// (the kernel balances the workers of one host, never across hosts): one
// verdict per host and window, naming its host, and --min-requests counts
// the host's requests in the window.
//
// A null observed value (max_mean with no requests) fails every operator
// but != and the verdict's Reason says why. With a baseline, every verdict
// carries the baseline's whole-run value and the delta, per-window verdicts
// too: windows of two runs do not line up, so a window is compared with the
// baseline run as a whole.
func Evaluate(rep, base *aggregate.Report, ts []Threshold, opt Options) (Result, error) {
	res := Result{Schema: Schema, Pass: true, Verdicts: []Verdict{}, MinRequests: opt.MinRequests}
	if len(ts) == 0 {
		return Result{}, errors.New("no thresholds to check")
	}
	if base != nil {
		res.Baseline = opt.BaselineName
	}
	// Every threshold is validated before anything is evaluated, so that a
	// bad one is reported even when every window would be skipped.
	bases := make([]*float64, len(ts))
	for i, t := range ts {
		var err error
		if opt.EachWindow {
			_, err = WindowValue(rep, aggregate.Window{}, t.Metric)
		} else {
			_, err = Value(rep, t.Metric)
		}
		if err != nil {
			return Result{}, thresholdError(t, err)
		}
		if bases[i], err = baselineValue(base, t, opt.BaselineName); err != nil {
			return Result{}, thresholdError(t, err)
		}
	}
	if !opt.EachWindow {
		for i, t := range ts {
			obs, _ := Value(rep, t.Metric)
			res.add(unsupported(rep, t, verdict(t, obs, bases[i])))
		}
		res.count()
		return res, nil
	}
	if len(rep.Windows) == 0 {
		return Result{}, errors.New("no windows to evaluate: the log lines carry no time")
	}
	if rep.WindowSeconds != nil {
		res.WindowSeconds = int64(math.Round(*rep.WindowSeconds))
	}
	minReq := max(opt.MinRequests, 1)
	for _, w := range rep.Windows {
		parts := []aggregate.HostWindow{{Window: w}}
		if hw := rep.HostWindows(w); hw != nil {
			parts = hw
			res.Hosts = len(hw)
		}
		for _, part := range parts {
			n := part.Window.RequestTotal()
			if n < minReq {
				res.SkippedWindows++
				continue
			}
			res.Windows++
			for i, t := range ts {
				obs, _ := WindowValue(rep, part.Window, t.Metric)
				v := unsupported(rep, t, verdict(t, obs, bases[i]))
				v.WindowStart, v.WindowEnd, v.Requests, v.Host = w.Start, w.End, n, part.Host
				res.add(v)
			}
		}
	}
	if res.Windows == 0 {
		return Result{}, &NothingCheckedError{MinRequests: minReq}
	}
	res.count()
	return res, nil
}

func (r *Result) add(v Verdict) {
	r.Verdicts = append(r.Verdicts, v)
	if !v.Pass {
		r.Pass = false
	}
}

// count sets Passed and Failed per threshold: a threshold fails when any of
// its verdicts (one per window with --each-window) fails.
func (r *Result) count() {
	failed := map[string]bool{}
	var order []string
	for _, v := range r.Verdicts {
		if _, ok := failed[v.Threshold]; !ok {
			order = append(order, v.Threshold)
		}
		failed[v.Threshold] = failed[v.Threshold] || !v.Pass
	}
	r.Passed, r.Failed = 0, 0
	for _, t := range order {
		if failed[t] {
			r.Failed++
		} else {
			r.Passed++
		}
	}
}

// thresholdError names the threshold, and its file line when it came from
// one, in an evaluation error.
func thresholdError(t Threshold, err error) error {
	return &ThresholdError{Source: t.Source, Text: t.Text, Err: err}
}

// baselineValue is the baseline's whole-run value of t's metric: nil
// without a baseline or when the baseline cannot provide it, an error when
// t's limit needs it then.
func baselineValue(base *aggregate.Report, t Threshold, name string) (*float64, error) {
	in := "the baseline"
	if name != "" {
		in = "the baseline " + name
	}
	if base == nil {
		if t.Value.Baseline {
			return nil, &NeedError{Need: NeedBaseline}
		}
		return nil, nil
	}
	v, err := Value(base, t.Metric)
	if err != nil && t.Value.Baseline {
		if base.CPUSkew == nil && strings.HasPrefix(t.Metric, "cpu_") {
			return nil, &NeedError{Need: NeedBaselineCPU, In: in}
		}
		return nil, fmt.Errorf("%s: %w", in, err)
	}
	if v == nil && t.Value.Baseline {
		return nil, fmt.Errorf("%s of %s is null (%s), so there is no limit to compare with", t.Metric, in, nullReason(t.Metric))
	}
	return v, nil
}

// unsupported fails a threshold on a metric whose inputs cannot support a
// comparison (cpu_skew null: CPU below the snapshots' resolution), whatever
// its operator, and says why.
func unsupported(rep *aggregate.Report, t Threshold, v Verdict) Verdict {
	if m, _ := lookup(t.Metric); m.cpu && rep.CPUNull != "" {
		v.Pass, v.Observed = false, nil
		v.Reason = fmt.Sprintf("%s is null: %s", t.Metric, rep.CPUNull)
	}
	return v
}

// verdict compares an observed value with t's limit.
func verdict(t Threshold, obs, base *float64) Verdict {
	v := Verdict{Threshold: t.Text, Metric: t.Metric, Op: t.Op, Observed: obs, Baseline: base}
	v.Limit = t.Value.Num
	if t.Value.Baseline {
		v.Limit = limit(*base, t.Value)
	}
	if obs != nil && base != nil {
		v.Delta = num(*obs - *base)
	}
	if obs == nil {
		v.Pass = t.Op.HoldsForNull()
		v.Reason = fmt.Sprintf("%s is null: %s", t.Metric, nullReason(t.Metric))
		return v
	}
	v.Pass = t.Op.Holds(*obs, v.Limit)
	return v
}

// limit works out a baseline expression.
func limit(b float64, e Expr) float64 {
	switch e.Op {
	case '+':
		return b + e.Num
	case '-':
		return b - e.Num
	case '*':
		return b * e.Num
	case '/':
		return b / e.Num
	}
	return b
}

// ReadBaseline decodes a skewer.report/v1 document (skewer report -o json)
// from r; name is the file, for errors. Another schema or version, or a
// document that is not JSON, is an error that names the file and says how
// to make a baseline.
func ReadBaseline(r io.Reader, name string) (*aggregate.Report, error) {
	const how = "make one with: skewer report -o json"
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a %s document (%s)", name, aggregate.Schema, how)
	}
	var head struct {
		Schema *string         `json:"schema"`
		Skew   json.RawMessage `json:"skew"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: not JSON: %w (a baseline is a %s document; %s)", name, err, aggregate.Schema, how)
		}
		if data := bytes.TrimSpace(data); data[0] != '{' {
			return nil, fmt.Errorf("%s: not a %s document: the JSON is not an object (%s)", name, aggregate.Schema, how)
		}
		return nil, fmt.Errorf("%s: not a %s document: %w (%s)", name, aggregate.Schema, err, how)
	}
	if head.Schema == nil {
		return nil, fmt.Errorf("%s: no \"schema\" field: not a %s document (%s)", name, aggregate.Schema, how)
	}
	if s := *head.Schema; s != aggregate.Schema {
		switch {
		case s == Schema || strings.HasPrefix(s, "skewer.check/"):
			return nil, fmt.Errorf("%s: schema %q is the output of skewer check, not a report: a baseline is a %s document (%s)", name, s, aggregate.Schema, how)
		case strings.HasPrefix(s, "skewer.report/"):
			return nil, fmt.Errorf("%s: schema %q is not supported: this skewer reads %s (%s)", name, s, aggregate.Schema, how)
		}
		return nil, fmt.Errorf("%s: schema %q is not a skewer report: a baseline is a %s document (%s)", name, s, aggregate.Schema, how)
	}
	if head.Skew == nil || string(head.Skew) == "null" {
		return nil, fmt.Errorf("%s: %s document without \"skew\"", name, aggregate.Schema)
	}
	var rep aggregate.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%s: bad %s document: %w", name, aggregate.Schema, err)
	}
	return &rep, nil
}
