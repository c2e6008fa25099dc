package aggregate

import (
	"math"
	"testing"
)

func TestWindowCPUSkew(t *testing.T) {
	tests := []struct {
		name     string
		cpu      map[string]float64
		idle     int
		res      map[string]float64
		wantNil  bool
		wantGini float64
	}{
		// ps TIME: 1 s against 0 s is within the resolution.
		{name: "ps under 10 s", cpu: map[string]float64{"1": 3, "2": 0}, res: map[string]float64{"1": 1, "2": 1}, wantNil: true},
		// Σ|xi−xj| = 2·(10+10+0) = 40 over 2·3²·(20/3) = 120: 1/3.
		{name: "ps at 10 s", cpu: map[string]float64{"1": 10, "2": 10, "3": 0}, res: map[string]float64{"1": 1, "2": 1, "3": 1}, wantGini: 1.0 / 3},
		// skewer sample: 0.1 s is 10 ticks; an idle slot pads: [0.1 0] gives 0.5.
		{name: "sample with idle slot", cpu: map[string]float64{"1": 0.1}, idle: 1, res: map[string]float64{"1": 0.01}, wantGini: 0.5},
		{name: "sample under 0.1 s", cpu: map[string]float64{"1": 0.09, "2": 0}, res: map[string]float64{"1": 0.01}, wantNil: true},
		{name: "no CPU", cpu: map[string]float64{}, wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Window{CPUSeconds: tt.cpu, IdleSlots: tt.idle}
			got := windowCPUSkew(w, tt.res)
			if tt.wantNil {
				if got != nil {
					t.Errorf("got gini %v, want null", got.Gini)
				}
				if m := WindowComparableCPU(Window{CPUSeconds: tt.cpu, CPUSkew: got}); m != nil {
					t.Errorf("got metric %v, want none (a window without traffic)", m)
				}
				return
			}
			if got == nil || math.Abs(got.Gini-tt.wantGini) > 1e-12 {
				t.Errorf("got %+v, want gini %v", got, tt.wantGini)
			}
		})
	}
}
