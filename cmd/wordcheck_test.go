package cmd

import (
	"errors"
	"testing"

	"github.com/skewer-dev/skewer/check"
)

// TestWordCheck: what a threshold needs is named with the flag that gives it.
func TestWordCheck(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&check.ThresholdError{Text: "cpu_gini<0.3", Err: &check.NeedError{Need: check.NeedSnapshots, Metric: "cpu_gini"}},
			`threshold "cpu_gini<0.3": metric "cpu_gini" needs process snapshots (--ps FILE)`},
		{&check.ThresholdError{Source: "gate.txt:9", Text: "gini<=baseline", Err: &check.NeedError{Need: check.NeedBaseline}},
			`gate.txt:9: threshold "gini<=baseline": the limit uses baseline, but no baseline report was given (--baseline FILE)`},
		{&check.ThresholdError{Source: "-t", Text: "cpu_gini<=baseline", Err: &check.NeedError{Need: check.NeedBaselineCPU, In: "the baseline base.json"}},
			`threshold "cpu_gini<=baseline": the baseline base.json has no cpu_skew (it was made without process snapshots, --ps FILE)`},
	}
	for _, tt := range tests {
		got := wordCheck(tt.err)
		if got.Error() != tt.want || !errors.Is(got, tt.err) {
			t.Errorf("got  %v\nwant %s", got, tt.want)
		}
	}
}
