package parse

import (
	"fmt"
	"reflect"
	"testing"
)

// TestReaderDurationCeiling checks that a request time over a day is a
// counted rejection with its own reason, in every unit, and that a day
// itself is read.
func TestReaderDurationCeiling(t *testing.T) {
	const line = `127.0.0.1 [25/Nov/2026:17:28:53 +0000] 200 3 pid=<16480> %s`
	t2853 := at(2026, 11, 25, 17, 28, 53, 0)
	const day = int64(86_400_000_000)
	tests := []struct {
		name, spec, dur string
		want            got
	}{
		{"a day in µs", "%(D)s", "86400000000", ok("16480", 200, day, t2853, "")},
		{"a day and 1 µs", "%(D)s", "86400000001", rejected(ReasonLongDur)},
		{"largest accepted µs before", "%(D)s", "999999999999999", rejected(ReasonLongDur)},
		{"a day in ms", "%(M)s", "86400000", ok("16480", 200, day, t2853, "")},
		{"15-digit ms", "%(M)s", "999999999999999", rejected(ReasonLongDur)},
		{"a day in s", "%(L)s", "86400.000000", ok("16480", 200, day, t2853, "")},
		{"a year in s", "%(T)s", "31536000", rejected(ReasonLongDur)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustGunicorn(t, `%(h)s %(t)s %(s)s %(b)s pid=%(p)s `+tt.spec)
			if g := scanOne(t, f, fmt.Sprintf(line, tt.dur)); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got  %+v\nwant %+v", g, tt.want)
			}
		})
	}
}
