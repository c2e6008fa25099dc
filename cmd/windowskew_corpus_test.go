package cmd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// wsDoc is the part of the report the window-skew tests read.
type wsDoc struct {
	WindowSeconds *float64 `json:"window_seconds"`
	Windows       []any    `json:"windows"`
	WindowSkew    *struct {
		WindowSeconds           float64  `json:"window_seconds"`
		Windows                 int      `json:"windows"`
		Counted                 int      `json:"counted"`
		MedianGini              *float64 `json:"median_gini"`
		MedianTop1Share         *float64 `json:"median_top1_share"`
		BusiestThirdMedianGini  *float64 `json:"busiest_third_median_gini"`
		QuietestThirdMedianGini *float64 `json:"quietest_third_median_gini"`
		NoiseGini               *float64 `json:"noise_gini"`
		TypicalRequests         *int64   `json:"typical_requests"`
		TypicalLiveWorkers      *int     `json:"typical_live_workers"`
	} `json:"window_skew"`
	Skew     struct{ Gini float64 } `json:"skew"`
	RateSkew *struct {
		Workers int     `json:"workers"`
		Gini    float64 `json:"gini"`
	} `json:"rate_skew"`
}

// wsLine is one access line as wsScan gives it: its end second and PID.
type wsLine struct {
	sec int64
	pid string
}

// wsScan is testutil.ReadAccessLog as end seconds and PIDs, the shape
// hosts_dominance_test.go reads.
func wsScan(t *testing.T, path string) []wsLine {
	t.Helper()
	var out []wsLine
	for _, l := range testutil.ReadAccessLog(t, path) {
		out = append(out, wsLine{sec: l.End, pid: l.PID})
	}
	return out
}

// wsWindow is one window's figures as the test computes them.
type wsWindow struct {
	requests   float64
	live       int
	gini, top1 float64
}

// wsWindows splits the lines into windows of width seconds aligned to UTC and
// counts each window over the PIDs alive(pid, start, end) says were alive.
func wsWindows(lines testutil.AccessLog, width int64, alive func(pid string, start, end int64) bool) (all int, counted []wsWindow) {
	lo, hi := lines.Span()
	pids, per := lines.PIDs(), lines.Counts(width)
	for i := lo / width; i <= hi/width; i++ {
		var xs []float64
		var total, top float64
		for _, pid := range pids {
			if alive(pid, i*width, (i+1)*width) {
				x := float64(per[i*width][pid])
				xs = append(xs, x)
				total += x
				top = max(top, x)
			}
		}
		if len(xs) == 0 {
			continue
		}
		all++
		if total >= 10*float64(len(xs)) {
			counted = append(counted, wsWindow{requests: total, live: len(xs), gini: testutil.Gini(xs), top1: top / total})
		}
	}
	return all, counted
}

// wsNoise is the mean Gini of load requests dealt at random to n workers,
// by a fixed-seed simulation, with its standard error.
func wsNoise(load, n int) (mean, se float64) {
	rng := rand.New(rand.NewPCG(7, 11))
	const runs = 3000
	var sum, sq float64
	xs := make([]float64, n)
	for range runs {
		clear(xs)
		for range load {
			xs[rng.IntN(n)]++
		}
		g := testutil.Gini(xs)
		sum += g
		sq += g * g
	}
	mean = sum / runs
	return mean, math.Sqrt((sq/runs - mean*mean) / runs)
}

// TestCorpusWindowSkew checks window_skew and rate_skew on the corpus logs
// against this test's own scan, windows and Gini. The automatic size is
// 5 s for both: their spans are 395 s and 396 s, 1 s windows would be about
// 400 (over 60 × 1.5) and 5 s windows are 80; most 5 s windows count, so
// the size does not move up.
func TestCorpusWindowSkew(t *testing.T) {
	corpus := testutil.Corpus(t)
	tests := []struct {
		name string
		log  string
		// alive builds the test's own alive rule from the lines.
		alive func(lines testutil.AccessLog) func(pid string, start, end int64) bool
		check func(t *testing.T, doc wsDoc)
		// words are in the table's headline, with the test's own N and G.
		words []string
	}{
		{
			// 34 PIDs for 17 slots: every PID lived from its first line to
			// its last (gunicorn restarts under --max-requests).
			name: "gunicorn-sync-17/access.log",
			log:  filepath.Join(corpus, "gunicorn-sync-17", "access.log"),
			alive: func(lines testutil.AccessLog) func(string, int64, int64) bool {
				first, last := lines.FirstLast()
				return func(pid string, start, end int64) bool { return first[pid] < end && last[pid] >= start }
			},
			check: func(t *testing.T, doc wsDoc) {
				if g := *doc.WindowSkew.MedianGini; g >= 0.05 {
					t.Errorf("median_gini: got %.4f, want < 0.05 (sync workers share each window evenly)", g)
				}
				// Per alive-second the two generations are alike: far below
				// the span's 0.158.
				if doc.RateSkew == nil || doc.RateSkew.Workers != 34 || doc.RateSkew.Gini >= doc.Skew.Gini/2 {
					t.Errorf("rate_skew: got %+v, want 34 workers and a gini under half the span's %.3f", doc.RateSkew, doc.Skew.Gini)
				}
			},
			// 44,055 lines, 34 PIDs: 0.158 over the span (truth.json).
			words: []string{"load is even in a typical 5 s window: the busiest of 17 live workers served %N", "(median gini %G;", "over the whole 6m35s: gini 0.158 comes from 17 restarts; per alive-second"},
		},
		{
			// 5 workers alive throughout; keep-alive pins most requests on one.
			name: "nginx-proxy/gunicorn-access.log",
			log:  filepath.Join(corpus, "nginx-proxy", "gunicorn-access.log"),
			alive: func(testutil.AccessLog) func(string, int64, int64) bool {
				return func(string, int64, int64) bool { return true }
			},
			check: func(t *testing.T, doc wsDoc) {
				if g := *doc.WindowSkew.MedianGini; g < 0.5 {
					t.Errorf("median_gini: got %.4f, want ≥ 0.5 (one worker serves most of a typical window)", g)
				}
				// Nobody restarted: per alive-second is the span figure.
				if doc.RateSkew == nil || math.Abs(doc.RateSkew.Gini-doc.Skew.Gini) > 1e-9 {
					t.Errorf("rate_skew: got %+v, want the span gini %.6f", doc.RateSkew, doc.Skew.Gini)
				}
			},
			// Gini 0.430 and top 1 53.6% over the span (truth.json).
			words: []string{"load is concentrated on few workers in a typical 5 s window: 1 of 5 live workers served %N", "(median gini %G;", "over the whole 6m36s: gini 0.430, top 1 served 53.6%"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := testutil.ReadAccessLog(t, tt.log)
			all, counted := wsWindows(lines, 5, tt.alive(lines))
			var ginis, top1 []float64
			for _, w := range counted {
				ginis = append(ginis, w.gini)
				top1 = append(top1, w.top1)
			}
			byLoad := append([]wsWindow(nil), counted...)
			sort.SliceStable(byLoad, func(i, j int) bool { return byLoad[i].requests < byLoad[j].requests })
			third := (len(byLoad) + 2) / 3
			thirdMedian := func(ws []wsWindow) float64 {
				var gs []float64
				for _, w := range ws {
					gs = append(gs, w.gini)
				}
				return testutil.Median(gs)
			}
			typical := byLoad[(len(byLoad)-1)/2]

			var doc wsDoc
			runJSON(t, cmd.ExitOK, &doc, "report", "-o", "json", tt.log)
			if doc.WindowSeconds != nil || len(doc.Windows) != 0 {
				t.Errorf("without --window: got window_seconds %v and %d windows, want null and none", doc.WindowSeconds, len(doc.Windows))
			}
			ws := doc.WindowSkew
			if ws == nil {
				t.Fatal("window_skew: got null")
			}
			if ws.WindowSeconds != 5 || ws.Windows != all || ws.Counted != len(counted) {
				t.Errorf("got %v s, %d windows, %d counted; want 5 s, %d, %d", ws.WindowSeconds, ws.Windows, ws.Counted, all, len(counted))
			}
			near(t, "median_gini", *ws.MedianGini, testutil.Median(ginis), 1e-9)
			near(t, "median_top1_share", *ws.MedianTop1Share, testutil.Median(top1), 1e-9)
			near(t, "quietest_third_median_gini", *ws.QuietestThirdMedianGini, thirdMedian(byLoad[:third]), 1e-9)
			near(t, "busiest_third_median_gini", *ws.BusiestThirdMedianGini, thirdMedian(byLoad[len(byLoad)-third:]), 1e-9)
			if *ws.TypicalRequests != int64(typical.requests) || *ws.TypicalLiveWorkers != typical.live {
				t.Errorf("typical window: got %d requests over %d, want %.0f over %d", *ws.TypicalRequests, *ws.TypicalLiveWorkers, typical.requests, typical.live)
			}
			mean, se := wsNoise(int(typical.requests), typical.live)
			if math.Abs(*ws.NoiseGini-mean) > 4*se {
				t.Errorf("noise_gini: got %.5f, simulation %.5f ± %.5f", *ws.NoiseGini, mean, se)
			}
			tt.check(t, doc)

			code, table, stderr := runSkewer(t, "report", tt.log)
			if code != cmd.ExitOK {
				t.Fatalf("table: exit code %d, want 0 (stderr %q)", code, stderr)
			}
			head := wsHeadline(t, table)
			if strings.Contains(table, "windows of ") {
				t.Errorf("table without --window: got a window section")
			}
			code, windowed, stderr := runSkewer(t, "report", "--window", "5s", tt.log)
			if code != cmd.ExitOK {
				t.Fatalf("--window 5s: exit code %d, want 0 (stderr %q)", code, stderr)
			}
			section := fmt.Sprintf("\nwindows of 5 s: %d, %d with at least 10 requests per live worker\n  median gini %.3f", all, len(counted), testutil.Median(ginis))
			if !strings.Contains(windowed, section) {
				t.Errorf("--window 5s: got\n%s\nwant it to contain %q", windowed, section)
			}
			for _, w := range tt.words {
				w = strings.ReplaceAll(w, "%N", fmt.Sprintf("%.1f%%", 100*testutil.Median(top1)))
				w = strings.ReplaceAll(w, "%G", fmt.Sprintf("%.3f", testutil.Median(ginis)))
				if !strings.Contains(head, w) {
					t.Errorf("headline: got %q, want it to contain %q", head, w)
				}
			}
		})
	}
}

// wsHeadline returns the table's headline (the paragraph after the span
// line) joined into one line, and checks that it fits 80 columns.
func wsHeadline(t *testing.T, out string) string {
	t.Helper()
	paras := strings.Split(out, "\n\n")
	if len(paras) < 2 {
		t.Fatalf("table: no headline paragraph in %q", out)
	}
	for _, l := range strings.Split(paras[1], "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("headline line of %d columns, want at most 80: %q", n, l)
		}
	}
	return strings.ReplaceAll(paras[1], "\n", " ")
}
