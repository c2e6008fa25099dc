package render

import (
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }

// typicalReport is a report whose typical window and span are given; the
// numbers are made up for the wording, not computed.
func typicalReport(median, top1, noise float64, live int, span aggregate.Skew, rate *aggregate.Skew, restarts int) *aggregate.Report {
	start, end := "2026-11-25T17:00:00Z", "2026-11-25T17:06:36Z"
	req := int64(500)
	return &aggregate.Report{
		Span:    aggregate.Span{Start: stamp(start), End: stamp(end)},
		Workers: []aggregate.Worker{{Key: "1", Requests: 100}}, Attributed: 100,
		Skew: span,
		WindowSkew: &aggregate.WindowSkew{WindowSeconds: 5, Windows: 80, Counted: 69,
			MedianGini: f(median), MedianTop1Share: f(top1), NoiseGini: f(noise),
			BusiestThirdMedianGini: f(median), QuietestThirdMedianGini: f(median),
			TypicalRequests: &req, TypicalLiveWorkers: n(live)},
		RateSkew:         rate,
		InferredRestarts: restarts,
	}
}

func TestHeadline(t *testing.T) {
	uneven := aggregate.Skew{Workers: 34, Gini: 0.158, TopShare: map[string]float64{"1": 0.04}}
	tests := []struct {
		name string
		rep  *aggregate.Report
		want string
	}{
		{
			name: "concentrated",
			rep:  typicalReport(0.627, 0.592, 0.076, 5, aggregate.Skew{Workers: 5, Gini: 0.430, TopShare: map[string]float64{"1": 0.536}}, nil, 0),
			want: "load is concentrated on few workers in a typical 5 s window: 1 of 5 live workers served 59.2% (median gini 0.627; chance alone 0.076); over the whole 6m36s: gini 0.430, top 1 served 53.6%",
		},
		{
			// 0.045 / (16/17) = 0.048: even by the ranges, and under chance.
			name: "even window, span from restarts",
			rep:  typicalReport(0.045, 0.068, 0.088, 17, uneven, &aggregate.Skew{Gini: 0.055}, 17),
			want: "load is even in a typical 5 s window: the busiest of 17 live workers served 6.8%, a fair share is 5.9% (median gini 0.045; chance alone 0.088); over the whole 6m36s: gini 0.158 comes from 17 restarts; per alive-second 0.055",
		},
		{
			// 0.2 over 17 is 0.2125 of its ceiling: mildly uneven, but no more
			// than chance gives at this load, so even.
			name: "within chance",
			rep:  typicalReport(0.2, 0.1, 0.21, 17, aggregate.Skew{Workers: 17, Gini: 0.02, TopShare: map[string]float64{"1": 0.07}}, nil, 0),
			want: "load is even in a typical 5 s window: the busiest of 17 live workers served 10.0%, a fair share is 5.9% (median gini 0.200; chance alone 0.210); over the whole 6m36s: gini 0.020, top 1 served 7.0%",
		},
		{
			name: "even window, span uneven without restarts",
			rep:  typicalReport(0.03, 0.07, 0.09, 17, uneven, &aggregate.Skew{Gini: 0.158}, 0),
			want: "load is even in a typical 5 s window: the busiest of 17 live workers served 7.0%, a fair share is 5.9% (median gini 0.030; chance alone 0.090); over the whole 6m36s: gini 0.158, top 1 served 4.0% (uneven over time, not within a typical window)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summary(tt.rep); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc dddd e", 7, "  ")
	want := "aaa bbb\n  ccc\n  dddd\n  e"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := wrap(strings.Repeat("x", 12)+" y", 5, ""); got != strings.Repeat("x", 12)+"\ny" {
		t.Errorf("long word: got %q", got)
	}
}

func TestWindowSize(t *testing.T) {
	for secs, want := range map[float64]string{5: "5 s", 30: "30 s", 60: "1 min", 600: "10 min", 3600: "1 h", 86400: "24 h", 90: "1m30s"} {
		if got := windowSize(secs); got != want {
			t.Errorf("windowSize(%v): got %q, want %q", secs, got, want)
		}
	}
}

func TestWindowLines(t *testing.T) {
	rep := typicalReport(0.627, 0.592, 0.076, 5, aggregate.Skew{Workers: 5}, nil, 0)
	if got := windowLines(rep); got != nil {
		t.Errorf("without --window: got %q, want nothing", got)
	}
	secs := 5.0
	rep.WindowSeconds = &secs
	at := time.Date(2026, 11, 25, 17, 50, 55, 0, time.UTC)
	later := at.Add(time.Minute)
	rep.WindowSkew.MostSkewed = []aggregate.SkewedWindow{
		{Start: at, End: at.Add(5 * time.Second), Requests: 126, LiveWorkers: 5, Gini: 0.8, Top1Share: 1},
		{Start: later, End: later.Add(5 * time.Second), Requests: 1761, LiveWorkers: 17, Gini: 0.032, Top1Share: 0.064},
	}
	// Counts are right-aligned so that the columns line up; every line fits
	// 80 columns.
	want := []string{
		"windows of 5 s: 80, 69 with at least 10 requests per live worker",
		"  median gini 0.627, median top1 59.2%, chance alone 0.076",
		"  median gini of the busiest third 0.627, of the quietest third 0.627",
		"  most skewed:",
		"    17:50:55 to 17:51:00   126 requests   5 live  gini 0.800  top1 100.0%",
		"    17:51:55 to 17:52:00  1761 requests  17 live  gini 0.032  top1 6.4%",
	}
	if got := windowLines(rep); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWindowSpan(t *testing.T) {
	at := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		start  time.Time
		end    time.Time
		oneDay bool
		want   string
	}{
		{"one day", at, at.Add(time.Hour / 2), true, "23:00:00 to 23:30:00"},
		{"same date of a longer span", at, at.Add(time.Hour / 2), false, "2026-11-25T23:00:00Z to 23:30:00Z"},
		{"across midnight", at, at.Add(time.Hour), false, "2026-11-25T23:00:00Z to 2026-11-26T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := windowSpan(aggregate.SkewedWindow{Start: tt.start, End: tt.end}, tt.oneDay)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
