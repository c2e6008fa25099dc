package aggregate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// Hand-made records of the window tests. Times are written as time.Time in
// the zone of the example and turned into unix µs here, so that every
// expected window below can be checked against a calendar.

// winDay is 2026-11-25T00:00:00Z, a Wednesday: the day of the corpus.
var winDay = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// winAt is winDay plus a clock time written as "15:04:05".
func winAt(clock string) time.Time {
	c, err := time.Parse("15:04:05", clock)
	if err != nil {
		panic(err)
	}
	return winDay.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second)
}

// winRec is a whole-second access line of worker ending at t, with no
// request time logged.
func winRec(worker string, t time.Time) parse.Record {
	return parse.Record{Time: t.UnixMicro(), HasTime: true, Worker: []byte(worker), Duration: -1, Status: 200}
}

// winRecDur is winRec with a request time of dur.
func winRecDur(worker string, t time.Time, dur time.Duration) parse.Record {
	r := winRec(worker, t)
	r.Duration = int64(dur / time.Microsecond)
	return r
}

// winPartial returns a partial with windows of width (0: automatic) that
// has accounted recs in order.
func winPartial(width time.Duration, recs []parse.Record) *Partial {
	p := NewPartial(nil)
	p.SetWindows(width)
	for i := range recs {
		p.Add(&recs[i])
	}
	return p
}

// winFinish finishes p into a report with windows.
func winFinish(t *testing.T, p *Partial) *Report {
	t.Helper()
	rep := Finish(p, nil, Options{})
	if rep.WindowSeconds == nil {
		t.Fatalf("window_seconds: got null, want a size")
	}
	return rep
}

// winLines writes each window as "start end key:n key:n", the keys of the
// workers alive in it sorted, so that a whole timeline compares as text.
func winLines(ws []Window) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		w.Requests, w.RequestSeconds, w.CPUSeconds = w.Counts()
		keys := make([]string, 0, len(w.Requests))
		for k := range w.Requests {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		line := w.Start.String() + " " + w.End.String()
		for _, k := range keys {
			line += fmt.Sprintf(" %s:%d", k, w.Requests[k])
		}
		out = append(out, line)
	}
	return out
}

func TestWindowAlignment(t *testing.T) {
	minus7 := time.FixedZone("-0700", -7*3600)
	plus530 := time.FixedZone("+0530", 5*3600+30*60)
	tests := []struct {
		name  string
		width time.Duration
		recs  []parse.Record
		want  []string
	}{
		{
			// 17:14:54 and 19:59:59 fall in the hours 17, 18 (empty, a alive) and 19.
			name: "1h windows start on the hour", width: time.Hour,
			recs: []parse.Record{winRec("a", winAt("17:14:54")), winRec("a", winAt("19:59:59"))},
			want: []string{
				"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:1",
				"2026-11-25T18:00:00Z 2026-11-25T19:00:00Z a:0",
				"2026-11-25T19:00:00Z 2026-11-25T20:00:00Z a:1",
			},
		},
		{
			// A window is [start, end): 18:00:00 opens the next hour. Both
			// workers are alive from the first to the last line of the
			// run: each is idle in the other's hour.
			name: "a line at the end of a window is in the next one", width: time.Hour,
			recs: []parse.Record{winRec("a", winAt("17:59:59")), winRec("b", winAt("18:00:00"))},
			want: []string{
				"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:1 b:0",
				"2026-11-25T18:00:00Z 2026-11-25T19:00:00Z a:0 b:1",
			},
		},
		{
			name: "10m windows start at :00, :10, ...", width: 10 * time.Minute,
			recs: []parse.Record{winRec("a", winAt("17:14:54"))},
			want: []string{"2026-11-25T17:10:00Z 2026-11-25T17:20:00Z a:1"},
		},
		{
			name: "5s windows start on multiples of 5 s", width: 5 * time.Second,
			recs: []parse.Record{winRec("a", winAt("17:14:54")), winRec("a", winAt("17:14:55"))},
			want: []string{
				"2026-11-25T17:14:50Z 2026-11-25T17:14:55Z a:1",
				"2026-11-25T17:14:55Z 2026-11-25T17:15:00Z a:1",
			},
		},
		{
			name: "1d windows start at UTC midnight", width: 24 * time.Hour,
			recs: []parse.Record{winRec("a", winAt("17:14:54"))},
			want: []string{"2026-11-25T00:00:00Z 2026-11-26T00:00:00Z a:1"},
		},
		{
			// 23:59:59 -0700 on the 25th is 06:59:59Z on the 26th.
			name: "23:59:59 -0700 is in the next UTC day", width: 24 * time.Hour,
			recs: []parse.Record{winRec("a", time.Date(2026, 11, 25, 23, 59, 59, 0, minus7))},
			want: []string{"2026-11-26T00:00:00Z 2026-11-27T00:00:00Z a:1"},
		},
		{
			// 05:29:59 +0530 on the 26th is 23:59:59Z on the 25th.
			name: "05:29:59 +0530 is in the previous UTC day", width: 24 * time.Hour,
			recs: []parse.Record{winRec("a", time.Date(2026, 11, 26, 5, 29, 59, 0, plus530))},
			want: []string{"2026-11-25T00:00:00Z 2026-11-26T00:00:00Z a:1"},
		},
		{
			// Windows are multiples of their size since the unix epoch,
			// 1970-01-01, a Thursday: 7d windows run Thursday to Thursday.
			// Wednesday 2026-11-25 is in the week from Thursday the 19th.
			name: "7d windows start on Thursdays", width: 7 * 24 * time.Hour,
			recs: []parse.Record{winRec("a", winAt("17:14:54"))},
			want: []string{"2026-11-19T00:00:00Z 2026-11-26T00:00:00Z a:1"},
		},
		{
			// A window size that is not one of WindowSizes is aligned the same
			// way: 7 min windows at multiples of 420 s since the epoch.
			// 2026-11-25 is 56 × 365 + 14 leap days + 328 = 20,782 days =
			// 1,795,564,800 s after the epoch; 1,795,564,800 / 420 =
			// 4,275,154.29, so a window starts at 4,275,154 × 420 =
			// 1,795,564,680 s = 23:58:00 on the 24th. 17:14:54 is 62,094 s
			// into the day, 62,214 s after 23:58:00; 62,214 / 420 = 148.1,
			// so its window starts 148 × 420 = 62,160 s after 23:58:00 =
			// 17:14:00 (and ends at 17:21:00).
			name: "7m windows are aligned to the epoch", width: 7 * time.Minute,
			recs: []parse.Record{winRec("a", winAt("17:14:54"))},
			want: []string{"2026-11-25T17:14:00Z 2026-11-25T17:21:00Z a:1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := winFinish(t, winPartial(tt.width, tt.recs))
			if got, want := *rep.WindowSeconds, tt.width.Seconds(); got != want {
				t.Errorf("window_seconds: got %g, want %g", got, want)
			}
			if got := winLines(rep.Windows); !slices.Equal(got, tt.want) {
				t.Errorf("windows:\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestAutoWindowSize(t *testing.T) {
	// The automatic size is the smallest of WindowSizes that gives at most
	// 90 windows (1.5 × the target of 60) over the span; windows are counted
	// from the window of the first line to that of the last, aligned to UTC.
	// The first line is at 2026-11-25T00:00:00Z (on every boundary) unless
	// the case says otherwise.
	tests := []struct {
		name       string
		start      time.Time
		span       time.Duration
		wantSize   time.Duration
		wantWindow int
	}{
		// one line: the finest size, one window
		{name: "one line", start: winDay, span: 0, wantSize: time.Second, wantWindow: 1},
		// 30 s / 1 s + 1 = 31 windows ≤ 90
		{name: "30 seconds", start: winDay, span: 30 * time.Second, wantSize: time.Second, wantWindow: 31},
		// 89 s / 1 s + 1 = 90 ≤ 90: still 1 s
		{name: "89 seconds", start: winDay, span: 89 * time.Second, wantSize: time.Second, wantWindow: 90},
		// 90 s / 1 s + 1 = 91 > 90; 90 / 5 + 1 = 19
		{name: "90 seconds", start: winDay, span: 90 * time.Second, wantSize: 5 * time.Second, wantWindow: 19},
		// 600 s: 1 s → 601, 5 s → 121, 10 s → 61
		{name: "10 minutes", start: winDay, span: 10 * time.Minute, wantSize: 10 * time.Second, wantWindow: 61},
		// 17:14:54 + 10 min = 17:24:54: 10 s windows from 17:14:50 to
		// 17:24:50, 60 steps + 1 = 61
		{name: "10 minutes from 17:14:54", start: winAt("17:14:54"), span: 10 * time.Minute, wantSize: 10 * time.Second, wantWindow: 61},
		// 3600 s: 30 s → 121, 1 m → 61
		{name: "1 hour", start: winDay, span: time.Hour, wantSize: time.Minute, wantWindow: 61},
		// 10,800 s: 1 m → 181, 5 m → 37
		{name: "3 hours", start: winDay, span: 3 * time.Hour, wantSize: 5 * time.Minute, wantWindow: 37},
		// 43,200 s: 5 m → 145, 10 m → 73
		{name: "12 hours", start: winDay, span: 12 * time.Hour, wantSize: 10 * time.Minute, wantWindow: 73},
		// 48 h: 30 m → 97, 1 h → 49
		{name: "2 days", start: winDay, span: 48 * time.Hour, wantSize: time.Hour, wantWindow: 49},
		// 504 h: 3 h → 169, 6 h → 85
		{name: "3 weeks", start: winDay, span: 21 * 24 * time.Hour, wantSize: 6 * time.Hour, wantWindow: 85},
		// 200 days: 12 h → 401; the largest size, 1 d, gives 201 windows
		// (more than 90, but there is nothing coarser)
		{name: "200 days", start: winDay, span: 200 * 24 * time.Hour, wantSize: 24 * time.Hour, wantWindow: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Lines at the start, the end and 7 evenly spaced times between,
			// round robin over 3 workers: 9 lines (1 when span is 0).
			var recs []parse.Record
			n := 9
			if tt.span == 0 {
				n = 1
			}
			for i := range n {
				var off time.Duration
				if n > 1 {
					off = tt.span * time.Duration(i) / time.Duration(n-1)
				}
				recs = append(recs, winRec(fmt.Sprint(i%3+1), tt.start.Add(off)))
			}
			rep := winFinish(t, winPartial(0, recs))
			if got, want := *rep.WindowSeconds, tt.wantSize.Seconds(); got != want {
				t.Errorf("window_seconds: got %g, want %g", got, want)
			}
			if got := len(rep.Windows); got != tt.wantWindow {
				t.Errorf("windows: got %d, want %d", got, tt.wantWindow)
			}
			winContiguous(t, rep.Windows, tt.wantSize)
			if got := winSum(rep.Windows); got != int64(n) {
				t.Errorf("requests summed over windows: got %d, want %d", got, n)
			}
		})
	}
}

// winContiguous checks that windows have the size and follow each other
// without gaps, starting on a multiple of the size.
func winContiguous(t *testing.T, ws []Window, size time.Duration) {
	t.Helper()
	for i, w := range ws {
		start, end := w.Start.Time(), w.End.Time()
		if end.Sub(start) != size {
			t.Errorf("window %d: got %s to %s, want %s long", i, w.Start, w.End, size)
		}
		if start.Unix()%int64(size/time.Second) != 0 {
			t.Errorf("window %d: start %s is not a multiple of %s since the epoch", i, w.Start, size)
		}
		if i > 0 && !ws[i-1].End.Equal(w.Start) {
			t.Errorf("window %d: starts at %s, want the previous end %s", i, w.Start, ws[i-1].End)
		}
	}
}

func winSum(ws []Window) int64 {
	var n int64
	for _, w := range ws {
		req, _, _ := w.Counts()
		for _, c := range req {
			n += c
		}
	}
	return n
}

// winGrowingLog is n lines, 37 s apart from 2026-11-25T00:00:00Z, over 4
// workers with request times of 1 ms to 5 ms: a span that grows with every
// line, so that the automatic size is re-binned several times while reading.
func winGrowingLog(n int) []parse.Record {
	r := rand.New(rand.NewPCG(1, 2))
	recs := make([]parse.Record, n)
	for i := range recs {
		w := fmt.Sprint(r.IntN(4) + 1)
		recs[i] = winRecDur(w, winDay.Add(time.Duration(i)*37*time.Second), time.Duration(1+r.IntN(5))*time.Millisecond)
	}
	return recs
}

func TestRebinWhileReading(t *testing.T) {
	// 3000 lines 37 s apart span 2999 × 37 = 110,963 s (30 h 49 m 23 s).
	// 10 m windows would be 185 + 1 > 90; 30 m windows: 110,963 / 1800 =
	// 61.6 → 62 windows.
	recs := winGrowingLog(3000)
	const wantSize = 30 * time.Minute
	const wantWindows = 62

	p := NewPartial(nil)
	p.SetWindows(0)
	var widths []int64 // the sizes kept while reading
	for i := range recs {
		p.Add(&recs[i])
		if len(widths) == 0 || widths[len(widths)-1] != p.win.width {
			widths = append(widths, p.win.width)
		}
	}
	if len(widths) < 3 {
		t.Errorf("sizes kept while reading: got %v µs, want at least 3 (the test must re-bin)", widths)
	}
	rep := winFinish(t, p)
	if got := *rep.WindowSeconds; got != wantSize.Seconds() {
		t.Fatalf("window_seconds: got %g, want %g", got, wantSize.Seconds())
	}
	if got := len(rep.Windows); got != wantWindows {
		t.Fatalf("windows: got %d, want %d", got, wantWindows)
	}

	// The second method: count every line directly into 30 m windows.
	type cell struct{ n, us int64 }
	direct := map[string]map[string]cell{} // window start → worker → counts
	for _, r := range recs {
		start := time.UnixMicro(r.Time).UTC().Truncate(wantSize).Format(time.RFC3339)
		if direct[start] == nil {
			direct[start] = map[string]cell{}
		}
		c := direct[start][string(r.Worker)]
		c.n++
		c.us += r.Duration
		direct[start][string(r.Worker)] = c
	}
	for _, w := range rep.Windows {
		w.Requests, w.RequestSeconds, w.CPUSeconds = w.Counts()
		for k, n := range w.Requests {
			want := direct[w.Start.String()][k]
			if n != want.n {
				t.Errorf("%s worker %s: got %d requests, want %d", w.Start, k, n, want.n)
			}
			if got := w.RequestSeconds[k]; got != float64(want.us)/1e6 {
				t.Errorf("%s worker %s: got %g request seconds, want %g", w.Start, k, got, float64(want.us)/1e6)
			}
		}
		for k, c := range direct[w.Start.String()] {
			if _, ok := w.Requests[k]; !ok {
				t.Errorf("%s worker %s: missing, want %d requests", w.Start, k, c.n)
			}
		}
		delete(direct, w.Start.String())
	}
	if len(direct) > 0 {
		t.Errorf("windows with lines that the report lacks: %v", direct)
	}

	// The same lines in other orders give the same windows.
	orders := map[string][]parse.Record{"reversed": slices.Clone(recs), "shuffled": slices.Clone(recs)}
	slices.Reverse(orders["reversed"])
	r := rand.New(rand.NewPCG(3, 4))
	r.Shuffle(len(orders["shuffled"]), func(i, j int) {
		orders["shuffled"][i], orders["shuffled"][j] = orders["shuffled"][j], orders["shuffled"][i]
	})
	for name, rs := range orders {
		t.Run(name, func(t *testing.T) {
			got := winFinish(t, winPartial(0, rs))
			if *got.WindowSeconds != *rep.WindowSeconds {
				t.Errorf("window_seconds: got %g, want %g", *got.WindowSeconds, *rep.WindowSeconds)
			}
			if !reflect.DeepEqual(got.Windows, rep.Windows) {
				t.Errorf("windows differ from the time-ordered run:\ngot  %q\nwant %q", winLines(got.Windows), winLines(rep.Windows))
			}
		})
	}
}

func TestMergeWindows(t *testing.T) {
	// long: 1000 lines over 10 h 16 m (37 s apart), re-binned to a coarse
	// size while reading. burst: 40 lines in 20 s, kept at 1 s. Merged, the
	// windows must be those of one partial that read every line.
	long := winGrowingLog(1000)
	burstAt := func(start time.Time) []parse.Record {
		var recs []parse.Record
		for i := range 40 {
			recs = append(recs, winRecDur(fmt.Sprint(5+i%3), start.Add(time.Duration(i/2)*time.Second), 2*time.Millisecond))
		}
		return recs
	}
	tests := []struct {
		name  string
		burst []parse.Record
	}{
		{name: "burst inside the span", burst: burstAt(winAt("03:00:07"))},
		{name: "burst after the span", burst: burstAt(winAt("23:00:00"))},
		{name: "burst before the span", burst: burstAt(winDay.Add(-6 * time.Hour))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := append(slices.Clone(long), tt.burst...)
			want := winFinish(t, winPartial(0, all))

			for _, coarseFirst := range []bool{true, false} {
				coarse, fine := winPartial(0, long), winPartial(0, tt.burst)
				if coarse.win.width <= fine.win.width {
					t.Fatalf("widths before the merge: got %d and %d µs, want the long partial coarser", coarse.win.width, fine.win.width)
				}
				p, q := coarse, fine
				if !coarseFirst {
					p, q = fine, coarse
				}
				p.Merge(q)
				got := winFinish(t, p)
				if *got.WindowSeconds != *want.WindowSeconds {
					t.Errorf("coarse first %v: window_seconds: got %g, want %g", coarseFirst, *got.WindowSeconds, *want.WindowSeconds)
				}
				// As written: the windows' cells point into their
				// partials, whose cells are laid out as lines came.
				if g, w := mustJSON(t, got.Windows), mustJSON(t, want.Windows); g != w {
					t.Errorf("coarse first %v: windows differ from one partial:\ngot  %q\nwant %q", coarseFirst, winLines(got.Windows), winLines(want.Windows))
				}
				if n := winSum(got.Windows); n != int64(len(all)) {
					t.Errorf("coarse first %v: requests summed over windows: got %d, want %d", coarseFirst, n, len(all))
				}
			}
		})
	}
}

func TestEmptyWindows(t *testing.T) {
	tests := []struct {
		name  string
		width time.Duration
		recs  []parse.Record
		want  []string
	}{
		{
			// a served from 17:00:10 to 17:04:30 and b once at 17:00:40:
			// two PIDs overlapping, no more than the slots, so both are
			// alive from the first to the last line of the run, idle in
			// the three minutes without traffic.
			name: "gap with a worker alive", width: time.Minute,
			recs: []parse.Record{
				winRec("a", winAt("17:00:10")), winRec("a", winAt("17:00:20")), winRec("b", winAt("17:00:40")), winRec("a", winAt("17:04:30")),
			},
			want: []string{
				"2026-11-25T17:00:00Z 2026-11-25T17:01:00Z a:2 b:1",
				"2026-11-25T17:01:00Z 2026-11-25T17:02:00Z a:0 b:0",
				"2026-11-25T17:02:00Z 2026-11-25T17:03:00Z a:0 b:0",
				"2026-11-25T17:03:00Z 2026-11-25T17:04:00Z a:0 b:0",
				"2026-11-25T17:04:00Z 2026-11-25T17:05:00Z a:1 b:0",
			},
		},
		{
			// a's only line, then b's: a single line per PID shows no
			// lifetime, so no generations are inferred; both are alive
			// from the first to the last line of the run, idle in the
			// windows without traffic.
			name: "gap with one line each", width: time.Minute,
			recs: []parse.Record{winRec("a", winAt("17:00:10")), winRec("b", winAt("17:03:10"))},
			want: []string{
				"2026-11-25T17:00:00Z 2026-11-25T17:01:00Z a:1 b:0",
				"2026-11-25T17:01:00Z 2026-11-25T17:02:00Z a:0 b:0",
				"2026-11-25T17:02:00Z 2026-11-25T17:03:00Z a:0 b:0",
				"2026-11-25T17:03:00Z 2026-11-25T17:04:00Z a:0 b:1",
			},
		},
		{
			// The automatic size keeps the gap: 17:00:00 to 17:00:50 is
			// 51 windows of 1 s, the 49 between the two lines empty.
			name: "automatic size", width: 0,
			recs: []parse.Record{winRec("a", winAt("17:00:00")), winRec("a", winAt("17:00:50"))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := winFinish(t, winPartial(tt.width, tt.recs))
			got := winLines(rep.Windows)
			if tt.want == nil {
				if len(got) != 51 {
					t.Fatalf("windows: got %d, want 51", len(got))
				}
				for i, l := range got[1:50] {
					if !strings.HasSuffix(l, " a:0") {
						t.Errorf("window %d: got %q, want a:0", i+1, l)
					}
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("windows:\ngot  %q\nwant %q", got, tt.want)
			}
			// Empty windows have the skew of zero traffic: gini and
			// top_share 0, the ratios null.
			for _, w := range rep.Windows {
				if winSum([]Window{w}) > 0 {
					continue
				}
				s := w.Skew
				w.Requests, w.RequestSeconds, w.CPUSeconds = w.Counts()
				if s.Workers != len(w.Requests) || s.ActiveWorkers != 0 || s.Gini != 0 || s.TopShare["1"] != 0 || s.MaxMean != nil || s.Jain != nil {
					t.Errorf("%s skew: got %+v, want %d workers, 0 active, gini 0, top_share 0, max_mean and jain null", w.Start, s, len(w.Requests))
				}
			}
		})
	}
}

func TestSingleWindow(t *testing.T) {
	tests := []struct {
		name     string
		width    time.Duration
		recs     []parse.Record
		wantSize float64
		want     string
	}{
		{
			// 17:00:00 to 17:59:59 is one hour window.
			name: "fixed 1h", width: time.Hour, wantSize: 3600,
			recs: []parse.Record{winRec("a", winAt("17:00:00")), winRec("b", winAt("17:30:00")), winRec("a", winAt("17:59:59"))},
			want: "2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:2 b:1",
		},
		{
			// Every line in the same second: the automatic size is 1 s.
			name: "automatic, one second", width: 0, wantSize: 1,
			recs: []parse.Record{winRec("a", winAt("17:28:53")), winRec("b", winAt("17:28:53")), winRec("a", winAt("17:28:53"))},
			want: "2026-11-25T17:28:53Z 2026-11-25T17:28:54Z a:2 b:1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := winFinish(t, winPartial(tt.width, tt.recs))
			if *rep.WindowSeconds != tt.wantSize {
				t.Errorf("window_seconds: got %g, want %g", *rep.WindowSeconds, tt.wantSize)
			}
			if got := winLines(rep.Windows); len(got) != 1 || got[0] != tt.want {
				t.Fatalf("windows: got %q, want [%q]", got, tt.want)
			}
			// [2, 1]: gini = |2−1|·2 / (2·2²·1.5) = 2/12 = 0.166667; top1 = 2/3
			s := rep.Windows[0].Skew
			if s.Workers != 2 || !winNear(s.Gini, 1.0/6) || !winNear(s.TopShare["1"], 2.0/3) {
				t.Errorf("skew: got %d workers, gini %g, top1 %g; want 2, 0.166667, 0.666667", s.Workers, s.Gini, s.TopShare["1"])
			}
		})
	}
}

func TestOneWorkerWindows(t *testing.T) {
	// One worker, 1 m windows: 3 lines at 17:00, none at 17:01, 1 at 17:02.
	rep := winFinish(t, winPartial(time.Minute, []parse.Record{
		winRec("16483", winAt("17:00:01")), winRec("16483", winAt("17:00:02")), winRec("16483", winAt("17:00:59")), winRec("16483", winAt("17:02:00")),
	}))
	want := []string{
		"2026-11-25T17:00:00Z 2026-11-25T17:01:00Z 16483:3",
		"2026-11-25T17:01:00Z 2026-11-25T17:02:00Z 16483:0",
		"2026-11-25T17:02:00Z 2026-11-25T17:03:00Z 16483:1",
	}
	if got := winLines(rep.Windows); !slices.Equal(got, want) {
		t.Fatalf("windows:\ngot  %q\nwant %q", got, want)
	}
	tests := []struct {
		name     string
		window   int
		top1     float64
		maxMean  *float64
		wantJain *float64
	}{
		// one worker with traffic: gini 0, top1 1, max/mean 1, jain 1
		{name: "17:00", window: 0, top1: 1, maxMean: ptr(1.0), wantJain: ptr(1.0)},
		// no traffic: top1 0, the ratios null
		{name: "17:01", window: 1, top1: 0},
		{name: "17:02", window: 2, top1: 1, maxMean: ptr(1.0), wantJain: ptr(1.0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rep.Windows[tt.window].Skew
			if s.Workers != 1 {
				t.Errorf("workers: got %d, want 1", s.Workers)
			}
			if s.Gini != 0 {
				t.Errorf("gini: got %g, want 0", s.Gini)
			}
			if s.TopShare["1"] != tt.top1 {
				t.Errorf("top_share.1: got %g, want %g", s.TopShare["1"], tt.top1)
			}
			if !winEqPtr(s.MaxMean, tt.maxMean) || !winEqPtr(s.Jain, tt.wantJain) {
				t.Errorf("max_mean, jain: got %s %s, want %s %s", winShowPtr(s.MaxMean), winShowPtr(s.Jain), winShowPtr(tt.maxMean), winShowPtr(tt.wantJain))
			}
		})
	}
}

func winNear(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func winEqPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return winNear(*a, *b)
}

func winShowPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// winGunicornFormat is the access log format of the corpus's
// gunicorn-sync-17 (gunicorn-command.txt).
const winGunicornFormat = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s %(D)s`

// winParsed reads log (winGunicornFormat) through the parser into a
// partial with windows of width and finishes it.
func winParsed(t *testing.T, width time.Duration, log string) *Report {
	t.Helper()
	f, err := parse.CompileGunicorn(winGunicornFormat)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPartial(nil)
	p.SetWindows(width)
	r := parse.NewReader(strings.NewReader(log), f)
	for r.Scan() {
		if r.Reason() != parse.ReasonNone {
			t.Fatalf("line %d: %s", r.Line(), r.Reason())
		}
		p.Add(r.Record())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return winFinish(t, p)
}

func TestMixedOffsetWindows(t *testing.T) {
	// One run with lines stamped +0000 (pid 1), +0530 (pid 2) and -0700
	// (pid 3), as from servers in three zones; line 1 of the corpus's
	// gunicorn-sync-17/access.log with the time and PID changed.
	const tmpl = `127.0.0.1 - - [%s] "GET / HTTP/1.1" 200 3 "-" "python-requests/2.28.1" pid=<%d> 632` + "\n"
	log := func(lines ...any) string {
		var b strings.Builder
		for i := 0; i < len(lines); i += 2 {
			fmt.Fprintf(&b, tmpl, lines[i], lines[i+1])
		}
		return b.String()
	}
	tests := []struct {
		name  string
		width time.Duration
		log   string
		want  []string
	}{
		{
			// 17:59:59 +0000 = 17:59:59Z; 23:29:59 +0530 = 17:59:59Z;
			// 10:59:59 -0700 = 17:59:59Z: hour 17, one each.
			// 23:30:00 +0530 = 18:00:00Z; 11:00:00 -0700 = 18:00:00Z;
			// 18:00:00 +0000: hour 18, one each.
			name: "1h", width: time.Hour,
			log: log(
				"25/Nov/2026:23:29:59 +0530", 2, "25/Nov/2026:11:00:00 -0700", 3, "25/Nov/2026:17:59:59 +0000", 1,
				"25/Nov/2026:10:59:59 -0700", 3, "25/Nov/2026:18:00:00 +0000", 1, "25/Nov/2026:23:30:00 +0530", 2,
			),
			want: []string{
				"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z 1:1 2:1 3:1",
				"2026-11-25T18:00:00Z 2026-11-25T19:00:00Z 1:1 2:1 3:1",
			},
		},
		{
			// 23:59:59 -0700 on the 25th = 06:59:59Z on the 26th;
			// 05:29:59 +0530 on the 26th = 23:59:59Z on the 25th;
			// 00:00:00 +0000 on the 26th is the 26th;
			// 17:00:00 -0700 on the 25th = 00:00:00Z on the 26th;
			// 16:59:59 -0700 on the 25th = 23:59:59Z on the 25th.
			name: "1d", width: 24 * time.Hour,
			log: log(
				"25/Nov/2026:23:59:59 -0700", 3, "26/Nov/2026:05:29:59 +0530", 2, "26/Nov/2026:00:00:00 +0000", 1,
				"25/Nov/2026:17:00:00 -0700", 3, "25/Nov/2026:16:59:59 -0700", 3,
			),
			// pid 2 served on the 25th only, 3 on both days, 1 on the
			// 26th: three PIDs that overlap, so all are alive from the
			// first to the last line of the run, idle where they served
			// nothing.
			want: []string{
				"2026-11-25T00:00:00Z 2026-11-26T00:00:00Z 1:0 2:1 3:1",
				"2026-11-26T00:00:00Z 2026-11-27T00:00:00Z 1:1 2:0 3:2",
			},
		},
		{
			// The same six lines of the 1h case with 1 s windows: all six
			// in two seconds, 17:59:59Z and 18:00:00Z.
			name: "1s", width: time.Second,
			log: log(
				"25/Nov/2026:23:29:59 +0530", 2, "25/Nov/2026:11:00:00 -0700", 3, "25/Nov/2026:17:59:59 +0000", 1,
				"25/Nov/2026:10:59:59 -0700", 3, "25/Nov/2026:18:00:00 +0000", 1, "25/Nov/2026:23:30:00 +0530", 2,
			),
			want: []string{
				"2026-11-25T17:59:59Z 2026-11-25T18:00:00Z 1:1 2:1 3:1",
				"2026-11-25T18:00:00Z 2026-11-25T18:00:01Z 1:1 2:1 3:1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := winParsed(t, tt.width, tt.log)
			if got := winLines(rep.Windows); !slices.Equal(got, tt.want) {
				t.Errorf("windows:\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWindowSkewPopulation(t *testing.T) {
	// 1 m windows. a serves at 17:00:05 and 17:03:05; c serves 3 times in
	// 17:00 and once at 17:01:40; b serves at 17:02:30, 17:02:31, 17:03:10.
	base := []parse.Record{
		winRec("a", winAt("17:00:05")), winRec("a", winAt("17:03:05")),
		winRec("c", winAt("17:00:10")), winRec("c", winAt("17:00:20")), winRec("c", winAt("17:00:30")), winRec("c", winAt("17:01:40")),
		winRec("b", winAt("17:02:30")), winRec("b", winAt("17:02:31")), winRec("b", winAt("17:03:10")),
	}
	type win struct {
		reqs string
		idle int
		gini float64
		top1 float64
	}
	tests := []struct {
		name    string
		recs    []parse.Record
		workers int
		want    []win
	}{
		{
			// 3 PIDs, at most 2 first-to-last intervals at once: not
			// clearly more than the slots, so all 3 are alive from the
			// first to the last line of the run, idle where they serve
			// nothing.
			name: "access log alone: idle, never gone",
			recs: base,
			want: []win{
				// {1,0,3}: Σ|xi−xj| = 2·(1+2+3) = 12; 2·3²·(4/3) = 24; 0.5
				{reqs: "a:1 b:0 c:3", gini: 0.5, top1: 0.75},
				// {0,0,1}: 4/(2·9·1/3) = 2/3
				{reqs: "a:0 b:0 c:1", gini: 2.0 / 3, top1: 1},
				// {0,2,0}: 8/(2·9·2/3) = 2/3
				{reqs: "a:0 b:2 c:0", gini: 2.0 / 3, top1: 1},
				// {1,1,0}: 4/(2·9·2/3) = 1/3
				{reqs: "a:1 b:1 c:0", gini: 1.0 / 3, top1: 0.5},
			},
		},
		{
			// --workers 1: 3 PIDs clearly exceed it, so generations are
			// inferred: a holds one slot; c (last line 17:01:40) is
			// replaced by b, alive from 17:01:40. 17:01 counts both c and
			// b. The slots found (2) exceed --workers: no padding.
			name:    "inferred generations",
			recs:    base,
			workers: 1,
			want: []win{
				// {1,3}: 4/(2·4·2) = 0.25
				{reqs: "a:1 c:3", gini: 0.25, top1: 0.75},
				{reqs: "a:0 b:0 c:1", gini: 2.0 / 3, top1: 1},
				// {0,2}: 4/(2·4·1) = 0.5
				{reqs: "a:0 b:2", gini: 0.5, top1: 1},
				{reqs: "a:1 b:1", gini: 0, top1: 0.5},
			},
		},
		{
			// --workers 4 pads every window to 4 with idle slots.
			name:    "padded to --workers",
			recs:    base,
			workers: 4,
			want: []win{
				// {1,0,3,0}: Σ|xi−xj| = 2·(1+2+1+3+0+3) = 20; 2·16·1 = 32
				{reqs: "a:1 b:0 c:3", idle: 1, gini: 20.0 / 32, top1: 0.75},
				// {0,0,1,0}: 6/(2·16·1/4) = 0.75 = (n−1)/n
				{reqs: "a:0 b:0 c:1", idle: 1, gini: 0.75, top1: 1},
				{reqs: "a:0 b:2 c:0", idle: 1, gini: 0.75, top1: 1},
				// {1,1,0,0}: 8/(2·16·1/2) = 0.5
				{reqs: "a:1 b:1 c:0", idle: 1, gini: 0.5, top1: 0.5},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Finish(winPartial(time.Minute, tt.recs), nil, Options{Workers: tt.workers})
			got := winLines(rep.Windows)
			if len(got) != len(tt.want) {
				t.Fatalf("windows: got %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				reqs := strings.SplitN(got[i], " ", 3)[2]
				if reqs != w.reqs {
					t.Errorf("window %d requests: got %q, want %q", i, reqs, w.reqs)
				}
				s := rep.Windows[i].Skew
				if n := len(strings.Fields(w.reqs)) + w.idle; s.Workers != n || rep.Windows[i].IdleSlots != w.idle {
					t.Errorf("window %d skew.workers, idle_slots: got %d, %d, want %d, %d", i, s.Workers, rep.Windows[i].IdleSlots, n, w.idle)
				}
				if !winNear(s.Gini, w.gini) {
					t.Errorf("window %d gini: got %g, want %g", i, s.Gini, w.gini)
				}
				if !winNear(s.TopShare["1"], w.top1) {
					t.Errorf("window %d top_share.1: got %g, want %g", i, s.TopShare["1"], w.top1)
				}
			}
		})
	}
}

func TestCheckWindows(t *testing.T) {
	tests := []struct {
		name    string
		width   time.Duration // 0: automatic
		first   time.Time
		last    time.Time
		wantErr string
	}{
		// 172,800 s / 1 s + 1 = 172,801 windows; 2 s: 86,401
		{
			name: "1s over 2 days", width: time.Second, first: winDay, last: winDay.Add(48 * time.Hour),
			wantErr: "window size 1s makes more than 100000 windows over the span of 48h0m0s: the smallest size allowed is 2s",
		},
		// 129,600 s: 1 s → 129,601 windows; 2 s → 64,801. (129,600 / 100,000
		// = 1.296 s: rounding to the nearest second would name 1 s, the size
		// that was refused.)
		{
			name: "1s over 36 hours", width: time.Second, first: winDay, last: winDay.Add(36 * time.Hour),
			wantErr: "window size 1s makes more than 100000 windows over the span of 36h0m0s: the smallest size allowed is 2s",
		},
		// 99,999 s / 1 s + 1 = 100,000 windows: allowed
		{name: "1s, exactly 100000 windows", width: time.Second, first: winDay, last: winDay.Add(99999 * time.Second)},
		// 100,000 s → 100,001 windows
		{
			name: "1s, 100001 windows", width: time.Second, first: winDay, last: winDay.Add(100000 * time.Second),
			wantErr: "window size 1s makes more than 100000 windows over the span of 27h46m40s: the smallest size allowed is 2s",
		},
		// From :05, 999,995 s later: 10 s windows from 00:00:00 to the one
		// starting 1,000,000 s later, 100,001 windows although the span
		// divided by 10 s is 99,999.5. 10 s is refused; 11 s gives
		// 999,995 / 11 = 90,908.6 → at most 90,910.
		{
			name: "10s, 100001 windows by alignment", width: 10 * time.Second,
			first: winDay.Add(5 * time.Second), last: winDay.Add(1000000 * time.Second),
			wantErr: "window size 10s makes more than 100000 windows over the span of 277h46m35s: the smallest size allowed is 11s",
		},
		// 30 days = 2,592,000 s: 10 s → 259,201; 25 s → 103,681; 26 s →
		// 99,693 + 1 at most
		{
			name: "10s over 30 days", width: 10 * time.Second, first: winDay, last: winDay.Add(30 * 24 * time.Hour),
			wantErr: "window size 10s makes more than 100000 windows over the span of 720h0m0s: the smallest size allowed is 26s",
		},
		// 200 days = 17,280,000 s: 1 m → 288,001 windows. 172.8 s = 2m53s
		// would do; the size named is rounded up to whole minutes: 3m.
		{
			name: "1m over 200 days", width: time.Minute, first: winDay, last: winDay.Add(200 * 24 * time.Hour),
			wantErr: "window size 1m0s makes more than 100000 windows over the span of 4800h0m0s: the smallest size allowed is 3m0s",
		},
		// The automatic size is never refused.
		{name: "automatic over 200 days", width: 0, first: winDay, last: winDay.Add(200 * 24 * time.Hour)},
		{name: "1d over 200 days", width: 24 * time.Hour, first: winDay, last: winDay.Add(200 * 24 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := winPartial(tt.width, []parse.Record{winRec("a", tt.first), winRec("b", tt.last)})
			err := p.CheckWindows()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error: got %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestSetRange(t *testing.T) {
	since, until := winAt("17:00:00").UnixMicro(), winAt("18:00:00").UnixMicro()
	recs := []parse.Record{
		winRec("a", winAt("16:59:59")),                   // before since: out
		winRec("a", winAt("17:00:00")),                   // at since: in
		winRec("b", winAt("17:30:00")),                   // in
		winRec("a", winAt("17:59:59")),                   // in
		winRec("b", winAt("18:00:00")),                   // at until: out ([since, until))
		winRec("b", winAt("19:00:00")),                   // out
		{Worker: []byte("c"), Duration: -1, Status: 200}, // no time: kept
	}
	tests := []struct {
		name         string
		since, until int64
		wantParsed   int64
		wantOut      int64
		want         []string // 1 h windows
	}{
		// 3 timed lines in [17:00, 18:00) and the untimed one. a and b
		// overlap, and c (no time) is alive through the run: every
		// window counts all three.
		{name: "since and until", since: since, until: until, wantParsed: 4, wantOut: 3, want: []string{
			"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:2 b:1 c:0",
		}},
		// drops 16:59:59 only
		{name: "since only", since: since, wantParsed: 6, wantOut: 1, want: []string{
			"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:2 b:1 c:0",
			"2026-11-25T18:00:00Z 2026-11-25T19:00:00Z a:0 b:1 c:0",
			"2026-11-25T19:00:00Z 2026-11-25T20:00:00Z a:0 b:1 c:0",
		}},
		// drops 18:00:00 and 19:00:00
		{name: "until only", until: until, wantParsed: 5, wantOut: 2, want: []string{
			"2026-11-25T16:00:00Z 2026-11-25T17:00:00Z a:1 b:0 c:0",
			"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:2 b:1 c:0",
		}},
		{name: "open", wantParsed: 7, wantOut: 0, want: []string{
			"2026-11-25T16:00:00Z 2026-11-25T17:00:00Z a:1 b:0 c:0",
			"2026-11-25T17:00:00Z 2026-11-25T18:00:00Z a:2 b:1 c:0",
			"2026-11-25T18:00:00Z 2026-11-25T19:00:00Z a:0 b:1 c:0",
			"2026-11-25T19:00:00Z 2026-11-25T20:00:00Z a:0 b:1 c:0",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPartial(nil)
			p.SetRange(tt.since, tt.until)
			p.SetWindows(time.Hour)
			for i := range recs {
				p.Add(&recs[i])
			}
			if p.Parsed != tt.wantParsed || p.OutOfRange != tt.wantOut {
				t.Errorf("parsed, out of range: got %d, %d; want %d, %d", p.Parsed, p.OutOfRange, tt.wantParsed, tt.wantOut)
			}
			rep := winFinish(t, p)
			if rep.Lines.Total != int64(len(recs)) {
				t.Errorf("lines.total: got %d, want %d", rep.Lines.Total, len(recs))
			}
			if got := winLines(rep.Windows); !slices.Equal(got, tt.want) {
				t.Errorf("windows:\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
