package explain

import (
	"slices"
	"testing"

	"github.com/skewer-dev/skewer/aggregate"
)

func TestReplacedWorkers(t *testing.T) {
	w := func(key, stime string, ppid int64) aggregate.Worker {
		return aggregate.Worker{Key: key, StartText: stime, PPID: ppid}
	}
	tests := []struct {
		name    string
		workers []aggregate.Worker
		want    []string
	}{
		{
			// 900 has the smallest PID but the latest STIME: PIDs wrapped.
			name:    "later STIME, whatever the PID",
			workers: []aggregate.Worker{w("5001", "Oct04", 1), w("5002", "Oct04", 1), w("5003", "Oct04", 1), w("900", "17:44", 1), w("6000", "Oct06", 1)},
			want:    []string{"900", "6000"},
		},
		{
			// All started together: none replaced.
			name:    "one boot",
			workers: []aggregate.Worker{w("1", "Oct04", 1), w("2", "Oct04", 1), w("3", "Oct04", 1)},
		},
		{
			// No STIME group holds most of the workers: the boot is unknown.
			name:    "no majority",
			workers: []aggregate.Worker{w("1", "Oct04", 1), w("2", "Oct05", 1), w("3", "Oct06", 1), w("4", "Oct07", 1)},
		},
		{
			// An earlier STIME than the boot group's is not a replacement.
			name:    "earlier is not replaced",
			workers: []aggregate.Worker{w("1", "Oct04", 1), w("2", "Oct04", 1), w("3", "Oct04", 1), w("4", "2025", 1)},
		},
		{
			// Another master's worker is not this master's sibling.
			name:    "other master",
			workers: []aggregate.Worker{w("1", "Oct04", 1), w("2", "Oct04", 1), w("3", "Oct04", 1), w("4", "Oct09", 2)},
		},
		{
			name:    "no snapshots",
			workers: []aggregate.Worker{{Key: "1"}, {Key: "2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := replacedKeys(&aggregate.Report{Workers: tt.workers})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStimeOrder(t *testing.T) {
	order := []string{"2024", "2025", "Jan02", "Oct04", "Oct06", "Dec31", "00:01", "17:44"}
	for i := 1; i < len(order); i++ {
		a, okA := stimeOrder(order[i-1])
		b, okB := stimeOrder(order[i])
		if !okA || !okB || a >= b {
			t.Errorf("%s (%d %v) before %s (%d %v): want ordered", order[i-1], a, okA, order[i], b, okB)
		}
	}
	if _, ok := stimeOrder("yesterday"); ok {
		t.Errorf("yesterday: got ok, want unknown")
	}
}
