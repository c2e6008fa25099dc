package procfs

import (
	"testing"
	"time"
)

// TestOnTime: a duration D takes the snapshots due at 0, interval, ... up to
// D, whatever the delay in delivering a tick.
func TestOnTime(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name               string
		age, interval, dur time.Duration
		want               bool
	}{
		{"first tick", 5*s + 3*time.Millisecond, 5 * s, time.Hour, true},
		{"last tick, early", time.Hour - time.Millisecond, 5 * s, time.Hour, true},
		{"last tick, late", time.Hour + 2*s, 5 * s, time.Hour, true},
		{"tick after the last", time.Hour + 5*s, 5 * s, time.Hour, false},
		{"duration not a multiple", 15 * s, 5 * s, 13 * s, false},
		{"duration not a multiple, last", 10 * s, 5 * s, 13 * s, true},
		{"duration shorter than the interval", 5 * s, 5 * s, 2 * s, false},
		{"missed ticks are skipped", 3*time.Hour + 100*time.Millisecond, 5 * s, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := onTime(tt.age, tt.interval, tt.dur); got != tt.want {
				t.Errorf("onTime(%v, %v, %v): got %v, want %v", tt.age, tt.interval, tt.dur, got, tt.want)
			}
		})
	}
}
