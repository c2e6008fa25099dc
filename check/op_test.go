package check

import "testing"

func TestOpHolds(t *testing.T) {
	const third = 0.1 + 0.2 // 0.30000000000000004: equal to 0.3 within Tolerance
	tests := []struct {
		a, b float64
		want map[Op]bool
	}{
		{a: 0.2, b: 0.3, want: map[Op]bool{Less: true, LessEqual: true, Greater: false, GreaterEqual: false, Equal: false, NotEqual: true}},
		{a: 0.4, b: 0.3, want: map[Op]bool{Less: false, LessEqual: false, Greater: true, GreaterEqual: true, Equal: false, NotEqual: true}},
		{a: 0.3, b: 0.3, want: map[Op]bool{Less: false, LessEqual: true, Greater: false, GreaterEqual: true, Equal: true, NotEqual: false}},
		{a: 0.3, b: third, want: map[Op]bool{Less: false, LessEqual: true, Greater: false, GreaterEqual: true, Equal: true, NotEqual: false}},
		{a: 0, b: 0, want: map[Op]bool{Less: false, LessEqual: true, Greater: false, GreaterEqual: true, Equal: true, NotEqual: false}},
	}
	for _, tt := range tests {
		for _, op := range Ops {
			if got := op.Holds(tt.a, tt.b); got != tt.want[op] {
				t.Errorf("%v %s %v: got %v, want %v", tt.a, op, tt.b, got, tt.want[op])
			}
		}
	}
	if Op("=").Valid() || Op("=").Holds(1, 1) {
		t.Errorf(`"=" is valid or holds, want neither`)
	}
	if !NotEqual.HoldsForNull() || LessEqual.HoldsForNull() {
		t.Errorf("got != %v and <= %v for a null value, want true and false", NotEqual.HoldsForNull(), LessEqual.HoldsForNull())
	}
}
