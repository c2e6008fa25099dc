package aggregate

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// TestDurationSumsSaturate merges partials whose request-time sums are each
// a quarter of what an int64 holds (about 53 million lines of a day each):
// the sums stop at the largest value instead of wrapping to negative
// request seconds, in the worker rows and in the windows.
func TestDurationSumsSaturate(t *testing.T) {
	merged := NewPartial(nil)
	merged.SetWindows(time.Hour)
	for i := range 5 {
		p := NewPartial(nil)
		p.SetWindows(time.Hour)
		rec := line("7", int64(i), parse.MaxDuration, 200)
		p.Add(&rec)
		for _, w := range p.workers {
			w.durSum = 1 << 61
			w.win.each(func(_ int64, c *winCell) {
				c.durSum = 1 << 61
			})
		}
		merged.Merge(p)
	}
	rep := Finish(merged, nil, Options{})
	if len(rep.Workers) != 1 {
		t.Fatalf("got %d workers, want 1", len(rep.Workers))
	}
	want := float64(math.MaxInt64) / 1e6
	if got := rep.Workers[0].RequestSeconds; got == nil || *got != want {
		t.Errorf("request_seconds: got %v, want %v", got, want)
	}
	for _, win := range rep.Windows {
		_, secs, _ := win.Counts()
		for k, s := range secs {
			if s < 0 {
				t.Errorf("window %s worker %s: got %v request seconds, want no negative sum", win.Start, k, s)
			}
		}
	}
	if len(rep.Windows) == 0 {
		t.Errorf("got no windows, want one")
	}
}

// TestSpanTooLong checks that a run whose lines span more than MaxSpan is an
// error, not a report without windows: its windows would overflow a
// time.Duration.
func TestSpanTooLong(t *testing.T) {
	for _, tt := range []struct {
		name    string
		years   int64
		publish bool
		wantErr bool
	}{
		{"auto, 250 years", 250, false, false},
		{"auto, 300 years", 300, false, true},
		{"timeline, 300 years", 300, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPartial(nil)
			if tt.publish {
				p.SetWindows(0)
			}
			for _, s := range []int64{0, tt.years * 365 * 86400} {
				rec := line("7", s, 0, 200)
				p.Add(&rec)
			}
			err := p.CheckWindows()
			var long *SpanTooLongError
			if got := errors.As(err, &long); got != tt.wantErr {
				t.Fatalf("got error %v, want a SpanTooLongError: %v", err, tt.wantErr)
			}
			if !tt.wantErr && len(Finish(p, nil, Options{}).Workers) != 1 {
				t.Errorf("got no worker row, want one")
			}
		})
	}
}
