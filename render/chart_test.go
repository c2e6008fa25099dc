package render

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// timeline is a hand-made report of windows: requests per worker per
// window, request seconds as requests × secsPer[worker] and CPU seconds as
// requests × cpuPer[worker] (each map nil when the run has none), with a
// CPU skew where the busiest worker used 10 s or more.
type timeline struct {
	start   string // the first window's start, RFC 3339
	size    time.Duration
	reqs    []map[string]int64
	secsPer map[string]float64
	cpuPer  map[string]float64
}

func (tl timeline) report(t *testing.T) *aggregate.Report {
	t.Helper()
	start, err := time.Parse(time.RFC3339, tl.start)
	if err != nil {
		t.Fatal(err)
	}
	secs := tl.size.Seconds()
	rep := &aggregate.Report{WindowSeconds: &secs, Windows: []aggregate.Window{}, Durations: tl.secsPer != nil}
	totals := map[string]int64{}
	for i, reqs := range tl.reqs {
		win := aggregate.Window{
			Start:          stampOf(start.Add(time.Duration(i) * tl.size)),
			End:            stampOf(start.Add(time.Duration(i+1) * tl.size)),
			Requests:       reqs,
			RequestSeconds: map[string]float64{},
			CPUSeconds:     map[string]float64{},
		}
		var xs []float64
		for k, n := range reqs {
			totals[k] += n
			xs = append(xs, float64(n))
			if f, ok := tl.secsPer[k]; ok {
				win.RequestSeconds[k] = float64(n) * f
			}
			if f, ok := tl.cpuPer[k]; ok {
				win.CPUSeconds[k] = float64(n) * f
			}
		}
		win.Skew = aggregate.ComputeSkew(xs)
		// As with ps TIME: a CPU skew only when the busiest worker used
		// 10 s or more in the window.
		var cs []float64
		busiest := 0.0
		for _, c := range win.CPUSeconds {
			cs, busiest = append(cs, c), max(busiest, c)
		}
		if busiest >= 10 {
			s := aggregate.ComputeSkew(cs)
			win.CPUSkew = &s
		}
		rep.Windows = append(rep.Windows, win)
	}
	for k, n := range totals {
		rep.Workers = append(rep.Workers, aggregate.Worker{Key: k, Requests: n})
	}
	sort.Slice(rep.Workers, func(i, j int) bool {
		a, b := rep.Workers[i], rep.Workers[j]
		if a.Requests != b.Requests {
			return a.Requests > b.Requests
		}
		return a.Key < b.Key
	})
	if n := len(tl.reqs); n > 0 {
		// The span starts and ends inside the first and last windows.
		first := stampOf(start.Add(tl.size / 5))
		last := stampOf(start.Add(time.Duration(n)*tl.size - tl.size/4))
		rep.Span = aggregate.Span{Start: first, End: last}
	}
	return rep
}

// takeover: 26564 carries the load, 15708 takes over in the fifth window,
// 23004 serves a little all along.
var takeover = timeline{
	start: "2026-11-25T17:20:00Z",
	size:  10 * time.Minute,
	reqs: []map[string]int64{
		{"26564": 140, "15708": 5, "23004": 20},
		{"26564": 150, "15708": 10, "23004": 22},
		{"26564": 145, "15708": 8, "23004": 18},
		{"26564": 160, "15708": 12, "23004": 25},
		{"26564": 90, "15708": 70, "23004": 21},
		{"26564": 10, "15708": 150, "23004": 19},
		{"26564": 5, "15708": 160, "23004": 24},
		{"26564": 0, "15708": 155, "23004": 20},
		{"26564": 0, "15708": 170, "23004": 23},
		{"26564": 0, "15708": 165, "23004": 22},
	},
	secsPer: map[string]float64{"26564": 3, "15708": 2.5, "23004": 1},
	cpuPer:  map[string]float64{"26564": 1.2, "15708": 0.9, "23004": 0.5},
}

// crowd: seven workers, so that --top 3 folds four into "others"; a
// worker key carries an escape sequence from the log.
var crowd = timeline{
	start: "2026-11-25T09:00:00Z",
	size:  time.Hour,
	reqs: []map[string]int64{
		{"101": 50, "102": 40, "103": 30, "104": 20, "105": 10, "106": 5, "evil\x1b[31m": 1},
		{"101": 60, "102": 35, "103": 30, "104": 25, "105": 15, "106": 5, "evil\x1b[31m": 2},
		{"101": 55, "102": 30, "103": 35, "104": 20, "105": 10, "106": 10, "evil\x1b[31m": 0},
		{"101": 40, "102": 45, "103": 30, "104": 30, "105": 20, "106": 5, "evil\x1b[31m": 3},
	},
}

// days: 6h windows over three UTC days.
var days = timeline{
	start: "2026-10-05T00:00:00Z",
	size:  6 * time.Hour,
	reqs: []map[string]int64{
		{"15708": 900, "26564": 100}, {"15708": 1200, "26564": 80}, {"15708": 1500, "26564": 120}, {"15708": 1100, "26564": 90},
		{"15708": 950, "26564": 150}, {"15708": 1300, "26564": 60}, {"15708": 1400, "26564": 100}, {"15708": 1000, "26564": 900},
		{"15708": 80, "26564": 1200}, {"15708": 100, "26564": 1500}, {"15708": 90, "26564": 1100}, {"15708": 120, "26564": 950},
	},
}

// seconds: 10s windows, so the axis shows seconds.
var seconds = timeline{
	start: "2026-11-25T17:14:00Z",
	size:  10 * time.Second,
	reqs: []map[string]int64{
		{"7": 3, "8": 1}, {"7": 2, "8": 2}, {"7": 0, "8": 4}, {"7": 1, "8": 3}, {"7": 5, "8": 0}, {"7": 2, "8": 2}, {"7": 3, "8": 1},
	},
}

func TestChartsGolden(t *testing.T) {
	single := timeline{start: "2026-11-25T17:30:00Z", size: 10 * time.Minute,
		reqs: []map[string]int64{{"15708": 42, "26564": 17}}}
	one := timeline{start: "2026-11-25T17:00:00Z", size: 5 * time.Minute,
		reqs: []map[string]int64{{"4242": 12}, {"4242": 30}, {"4242": 0}, {"4242": 25}, {"4242": 18}, {"4242": 40}}}
	escape := timeline{start: "2026-11-25T17:00:00Z", size: time.Minute,
		reqs: []map[string]int64{{"evil\x1b[31m": 3, "12": 1}, {"evil\x1b[31m": 2, "12": 2}, {"evil\x1b[31m": 4, "12": 0}}}
	tests := []struct {
		name string
		tl   timeline
		opt  ChartOptions
	}{
		{"takeover", takeover, ChartOptions{}},
		{"busy", takeover, ChartOptions{Metric: "busy"}},
		{"cpu", takeover, ChartOptions{Metric: "cpu"}},
		{"width60", takeover, ChartOptions{Width: 60}},
		{"width100", takeover, ChartOptions{Width: 100}},
		{"single", single, ChartOptions{}},
		{"one_worker", one, ChartOptions{}},
		{"zero", timeline{start: "2026-11-25T17:00:00Z", size: time.Minute}, ChartOptions{}},
		{"others", crowd, ChartOptions{Top: 3}},
		{"days", days, ChartOptions{}},
		{"seconds", seconds, ChartOptions{}},
		{"escape", escape, ChartOptions{}},
		{"narrow", takeover, ChartOptions{Width: 40}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Charts(&b, tt.tl.report(t), tt.opt); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if strings.Contains(got, "\x1b") {
				t.Errorf("got an escape code without colour:\n%q", got)
			}
			width := tt.opt.Width
			if width == 0 {
				width = 80
			}
			for i, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if n := len([]rune(line)); n > width {
					t.Errorf("line %d: got %d columns, want at most %d: %q", i+1, n, width, line)
				}
			}
			// Map order must not show: a second run writes the same bytes.
			var again bytes.Buffer
			if err := Charts(&again, tt.tl.report(t), tt.opt); err != nil {
				t.Fatal(err)
			}
			if again.String() != got {
				t.Errorf("got different output on a second run")
			}
			testutil.Golden(t, "timeline_"+tt.name+".txt", b.Bytes())
		})
	}
}

func TestChartsColor(t *testing.T) {
	var b bytes.Buffer
	if err := Charts(&b, takeover.report(t), ChartOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "\x1b[") {
		t.Errorf("got no escape code with colour:\n%s", got)
	}
	for _, want := range []string{"■\x1b[0m 26564", "■\x1b[0m 15708", "■\x1b[0m 23004", "■\x1b[0m gini", "■\x1b[0m top-1 share"} {
		if !strings.Contains(got, want) {
			t.Errorf("got no legend item %q in:\n%s", want, got)
		}
	}
}

func TestChartsErrors(t *testing.T) {
	tests := []struct {
		name string
		tl   timeline
		opt  ChartOptions
		want string
	}{
		{"busy without durations", crowd, ChartOptions{Metric: "busy"},
			"metric busy: the logs carry no request durations (gunicorn %(D)s or %(L)s, nginx $request_time)"},
		{"cpu without snapshots", takeover.withoutCPU(), ChartOptions{Metric: "cpu"},
			"metric cpu: no CPU data: the run has no process snapshots"},
		{"unknown metric", takeover, ChartOptions{Metric: "rss"},
			`metric "rss": want requests, busy, cpu`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Charts(&b, tt.tl.report(t), tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got error %v, want %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("got output before the error: %q", b.String())
			}
		})
	}
}

func (tl timeline) withoutCPU() timeline {
	tl.cpuPer = nil
	return tl
}

// TestChartsTopOrder checks the series order: by the metric over the whole
// run, not by requests, so that --metric busy ranks by request seconds.
func TestChartsTopOrder(t *testing.T) {
	tl := timeline{
		start:   "2026-11-25T17:00:00Z",
		size:    time.Minute,
		reqs:    []map[string]int64{{"1": 10, "2": 5, "3": 1}, {"1": 10, "2": 5, "3": 1}},
		secsPer: map[string]float64{"1": 0.1, "2": 1, "3": 30},
	}
	tests := []struct {
		metric string
		want   string
	}{
		{"requests", "* 1  + 2  o 3"},
		{"busy", "* 3  + 2  o 1"},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			var b bytes.Buffer
			if err := Charts(&b, tl.report(t), ChartOptions{Metric: tt.metric}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("got no legend %q in:\n%s", tt.want, b.String())
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		name    string
		top     float64
		integer bool
		upper   float64
		rows    int
	}{
		{"zero", 0, true, 1, 1},
		{"counts", 170, true, 180, 12},
		{"few counts", 3, true, 3, 3},
		{"fraction", 0.7, false, 0.7, 14},
		{"cores", 0.333, false, 0.35, 14},
		{"exact", 140, true, 140, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			upper, rows := niceScale(tt.top, 14, tt.integer)
			if upper != tt.upper || rows != tt.rows {
				t.Errorf("got %g in %d rows, want %g in %d rows", upper, rows, tt.upper, tt.rows)
			}
		})
	}
}

// TestChartsShapes draws odd shapes: tiny and huge widths, more windows
// than columns, idle windows, NaN and negative values from a bad report.
// None may panic or write an escape code.
func TestChartsShapes(t *testing.T) {
	nan := 0.0
	nan /= nan
	for _, windows := range []int{1, 2, 3, 61, 500} {
		for _, width := range []int{-1, 1, 5, 20, 40, 80, 300} {
			for _, metric := range ChartMetrics {
				tl := timeline{start: "2026-11-25T00:00:00Z", size: 30 * time.Second,
					secsPer: map[string]float64{"1": 0.5, "2": nan, "3": -1}, cpuPer: map[string]float64{"1": 0, "2": 0, "3": 0}}
				for i := range windows {
					tl.reqs = append(tl.reqs, map[string]int64{"1": int64(i % 7), "2": int64(i % 3), "3": 0})
				}
				rep := tl.report(t)
				var b bytes.Buffer
				if err := Charts(&b, rep, ChartOptions{Width: width, Metric: metric, Top: 1}); err != nil {
					t.Fatalf("%d windows, width %d, %s: %v", windows, width, metric, err)
				}
				if strings.Contains(b.String(), "\x1b") || strings.Contains(b.String(), "NaN") {
					t.Errorf("%d windows, width %d, %s: got\n%s", windows, width, metric, b.String())
				}
			}
		}
	}
}

// TestChartsEveryTop draws every --top value against every worker count
// around the number of series characters: 13 workers with --top 12 used to
// index past the last character.
func TestChartsEveryTop(t *testing.T) {
	for workers := 0; workers <= len(chartChars)+3; workers++ {
		reqs := make([]map[string]int64, 3)
		for i := range reqs {
			reqs[i] = map[string]int64{}
			for w := 0; w < workers; w++ {
				reqs[i][fmt.Sprint(1000+w)] = int64(w + i + 1)
			}
		}
		rep := timeline{start: "2026-11-25T17:20:00Z", size: time.Minute, reqs: reqs}.report(t)
		for top := -1; top <= len(chartChars)+3; top++ {
			for _, color := range []bool{false, true} {
				t.Run(fmt.Sprintf("workers=%d/top=%d/color=%v", workers, top, color), func(t *testing.T) {
					var b bytes.Buffer
					if err := Charts(&b, rep, ChartOptions{Top: top, Color: color}); err != nil {
						t.Fatalf("got error %v, want none", err)
					}
					want := min(workers, len(chartChars))
					if top > 0 {
						want = min(want, top)
					} else {
						want = min(want, 5)
					}
					if workers == want+1 && workers <= len(chartChars) {
						want = workers // a lone other worker is drawn as itself
					}
					if !color {
						for w := 0; w < workers; w++ {
							k := fmt.Sprint(1000 + w)
							if strings.Contains(b.String(), " "+k) != (w >= workers-want) {
								t.Fatalf("worker %s in legend: got %v, want %v\n%s", k, !(w >= workers-want), w >= workers-want, b.String())
							}
						}
					}
				})
			}
		}
	}
}
