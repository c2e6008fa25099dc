package check

import (
	"errors"
	"testing"
)

// TestThresholdErrorChain: a threshold error keeps what the threshold
// needs in its chain, for the command to name the flag that gives it.
func TestThresholdErrorChain(t *testing.T) {
	err := error(&ThresholdError{Source: "gate.txt:2", Text: "cpu_gini<0.3", Err: &NeedError{Need: NeedSnapshots, Metric: "cpu_gini"}})
	var need *NeedError
	if !errors.As(err, &need) || need.Metric != "cpu_gini" {
		t.Fatalf("errors.As: got %v, want the NeedError", need)
	}
	if want := `gate.txt:2: threshold "cpu_gini<0.3": metric "cpu_gini" needs process snapshots`; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
