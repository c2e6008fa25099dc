package cmd_test

import (
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// popDoc is the part of a skewer.report/v1 document the population tests
// read.
type popDoc struct {
	IdleSlots int `json:"idle_slots"`
	Span      struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"span"`
	Skew    popSkew `json:"skew"`
	Workers []struct {
		Key         string  `json:"key"`
		FirstSeen   string  `json:"first_seen"`
		LastSeen    string  `json:"last_seen"`
		AliveFrom   *string `json:"alive_from"`
		AliveTo     *string `json:"alive_to"`
		AliveSource *string `json:"alive_source"`
	} `json:"workers"`
	Windows []struct {
		Start     string           `json:"start"`
		Requests  map[string]int64 `json:"requests"`
		IdleSlots int              `json:"idle_slots"`
		Skew      popSkew          `json:"skew"`
	} `json:"windows"`
	Warnings []string `json:"warnings"`
}

type popSkew struct {
	Workers  int                `json:"workers"`
	Gini     float64            `json:"gini"`
	TopShare map[string]float64 `json:"top_share"`
}

// runPopulation runs skewer with args and decodes its JSON report.
func runPopulation(t *testing.T, args ...string) popDoc {
	t.Helper()
	var doc popDoc
	runJSON(t, cmd.ExitOK, &doc, args...)
	return doc
}

// TestCorpusWindowPopulationsNginxProxy: the gunicorn side of nginx-proxy has
// 5 workers (--workers 5) logging throughout; in some 5 s windows one of
// them served every request. Each window counts all 5, and its Gini is
// the one worked out here from a raw count of the lines per PID.
func TestCorpusWindowPopulationsNginxProxy(t *testing.T) {
	corpus := testutil.Corpus(t)
	path := filepath.Join(corpus, "nginx-proxy", "gunicorn-access.log")
	raw := testutil.ReadAccessLog(t, path)
	pids := map[string]bool{}
	for _, p := range raw.PIDs() {
		pids[p] = true
	}
	if len(pids) != 5 {
		t.Fatalf("raw count: %d PIDs, want 5", len(pids))
	}
	doc := runPopulation(t, "report", "-o", "json", "--workers", "5", "--window", "5s", path)
	// truth.json: Gini 0.430 over the 5 PIDs; none is a missing slot.
	if doc.IdleSlots != 0 || doc.Skew.Workers != 5 || math.Abs(doc.Skew.Gini-0.430) > 0.0005 {
		t.Errorf("whole run: got idle_slots %d, %d workers, gini %.4f; want 0, 5, 0.430", doc.IdleSlots, doc.Skew.Workers, doc.Skew.Gini)
	}
	// From an access log alone, with no more PIDs than slots, every PID is
	// alive from the first to the last line of the run.
	for _, w := range doc.Workers {
		if deref(w.AliveFrom) != doc.Span.Start || deref(w.AliveTo) != doc.Span.End || deref(w.AliveSource) != "access" {
			t.Errorf("%s: got alive %s to %s (%s), want %s to %s (access)", w.Key, deref(w.AliveFrom), deref(w.AliveTo), deref(w.AliveSource), doc.Span.Start, doc.Span.End)
		}
	}
	counts := raw.PerWindow(5)
	if len(doc.Windows) != raw.WindowCount(5) {
		t.Fatalf("got %d windows, want %d", len(doc.Windows), raw.WindowCount(5))
	}
	alone := 0
	for _, win := range doc.Windows {
		var xs []float64
		var total, top int64
		for p := range pids {
			n := counts[win.Start][p]
			xs = append(xs, float64(n))
			total += n
			top = max(top, n)
		}
		if win.Skew.Workers != 5 || len(win.Requests) != 5 || win.IdleSlots != 0 {
			t.Errorf("%s: got %d workers (%d keys, %d idle slots), want 5 alive", win.Start, win.Skew.Workers, len(win.Requests), win.IdleSlots)
		}
		if want := testutil.Gini(xs); math.Abs(win.Skew.Gini-want) > 1e-9 {
			t.Errorf("%s: got gini %.6f, want %.6f", win.Start, win.Skew.Gini, want)
		}
		if total > 0 && top == total {
			alone++
			if win.Skew.TopShare["1"] != 1 || math.Abs(win.Skew.Gini-0.8) > 1e-9 {
				t.Errorf("%s: one worker served all %d: got top1 %v, gini %v; want 1, 0.8 = (n-1)/n", win.Start, total, win.Skew.TopShare["1"], win.Skew.Gini)
			}
		}
	}
	// The issue counts ten windows of 126-204 requests served by one
	// worker alone; the raw count may find a few more with little traffic.
	if alone < 10 {
		t.Errorf("got %d windows served by one worker alone, want at least 10", alone)
	}
}

// TestCorpusCheckEachWindow: check --each-window now fails the windows where
// one of the 5 live workers served everything (gini 0.8), which it passed
// when a window counted only the workers that served in it.
func TestCorpusCheckEachWindow(t *testing.T) {
	corpus := testutil.Corpus(t)
	path := filepath.Join(corpus, "nginx-proxy", "gunicorn-access.log")
	raw := testutil.ReadAccessLog(t, path)
	counts := raw.PerWindow(5)
	var res struct {
		Verdicts []struct {
			WindowStart string `json:"window_start"`
			Pass        bool   `json:"pass"`
		} `json:"verdicts"`
	}
	runJSON(t, cmd.ExitCheckFailed, &res, "check", "-o", "json", "--workers", "5", "--each-window", "5s", "-t", "gini<0.3", path)
	failed := map[string]bool{}
	for _, v := range res.Verdicts {
		if !v.Pass {
			failed[v.WindowStart] = true
		}
	}
	n := 0
	for start, per := range counts {
		if len(per) == 1 {
			n++
			if !failed[start] {
				t.Errorf("%s: one worker served all; the window passed gini<0.3", start)
			}
		}
	}
	if n < 10 {
		t.Errorf("raw count: %d windows served by one worker alone, want at least 10", n)
	}
}

// TestCorpusInferredGenerations: gunicorn-sync-17's access log alone has 34
// PIDs: 17 sync workers, each restarted once (max_requests). The most
// first-to-last intervals overlapping at once is 18 (a successor's first
// line shares its predecessor's last second), and 34 > 1.5 × 18, so
// skewer infers two generations of 17 slots. The test finds the
// generations itself: the PIDs of the first line's second, and the rest.
func TestCorpusInferredGenerations(t *testing.T) {
	corpus := testutil.Corpus(t)
	path := filepath.Join(corpus, "gunicorn-sync-17", "access.log")
	raw := testutil.ReadAccessLog(t, path)
	first, last := raw.FirstLast()
	runStart, runEnd := raw.Span()
	// The most [first, last+1 s) intervals overlapping at once.
	most := 0
	for t := runStart; t <= runEnd; t++ {
		n := 0
		for p := range first {
			if first[p] <= t && t < last[p]+1 {
				n++
			}
		}
		most = max(most, n)
	}
	gen1 := map[string]bool{}
	for p, f := range first {
		if f == runStart {
			gen1[p] = true
		}
	}
	if len(first) != 34 || len(gen1) != 17 || most != 18 {
		t.Fatalf("raw count: %d PIDs, %d in the first second, %d overlapping at most; want 34, 17, 18", len(first), len(gen1), most)
	}
	// The test's own intervals: the first generation from the start of
	// the run to its last line, the second from its first line to the
	// end of the run.
	from, to := map[string]int64{}, map[string]int64{}
	for p := range first {
		from[p], to[p] = runStart, last[p]
		if !gen1[p] {
			from[p], to[p] = first[p], runEnd
		}
	}

	doc := runPopulation(t, "report", "-o", "json", "--window", "1m", path)
	stamp := testutil.Stamp
	handoffs := map[string]int{}
	for _, w := range doc.Workers {
		if deref(w.AliveSource) != "inferred" {
			t.Errorf("%s: got alive_source %q, want inferred", w.Key, deref(w.AliveSource))
		}
		if gen1[w.Key] {
			if deref(w.AliveFrom) != stamp(runStart) || deref(w.AliveTo) != stamp(last[w.Key]) {
				t.Errorf("%s (first generation): got alive %s to %s, want %s to %s", w.Key, deref(w.AliveFrom), deref(w.AliveTo), stamp(runStart), stamp(last[w.Key]))
			}
			continue
		}
		// A successor is alive to the end, from its predecessor's last
		// line (a first-generation PID's, each taken once), or its own
		// first when that came in the same second.
		from := deref(w.AliveFrom)
		if deref(w.AliveTo) != stamp(runEnd) || from > stamp(first[w.Key]) {
			t.Errorf("%s (second generation): got alive %s to %s, want from at most %s to %s", w.Key, from, deref(w.AliveTo), stamp(first[w.Key]), stamp(runEnd))
		}
		if from != stamp(first[w.Key]) {
			handoffs[from]++
		}
	}
	lasts := map[string]int{}
	for p := range gen1 {
		lasts[stamp(last[p])]++
	}
	for at, n := range handoffs {
		if n > lasts[at] {
			t.Errorf("%d second-generation PIDs alive from %s, but %d first-generation PIDs logged their last line then", n, at, lasts[at])
		}
	}
	if !slices.ContainsFunc(doc.Warnings, func(s string) bool { return strings.Contains(s, "restart generations were inferred, 17 slots") }) {
		t.Errorf("got warnings %q, want the note that 17 slots of generations were inferred", doc.Warnings)
	}
	// Per 1 min window: the PIDs alive by the test's intervals, their
	// counts, and the Gini; the median over the windows is < 0.05.
	counts := raw.PerWindow(60)
	var gotGinis, wantGinis []float64
	for _, win := range doc.Windows {
		start, _ := time.Parse(time.RFC3339, win.Start)
		s := start.Unix()
		var alive []string
		var xs []float64
		for p := range first {
			if from[p] < s+60 && to[p] >= s {
				alive = append(alive, p)
				xs = append(xs, float64(counts[win.Start][p]))
			}
		}
		keys := make([]string, 0, len(win.Requests))
		for k := range win.Requests {
			keys = append(keys, k)
		}
		slices.Sort(alive)
		slices.Sort(keys)
		if !slices.Equal(keys, alive) {
			t.Errorf("%s: got workers %v, want %v", win.Start, keys, alive)
		}
		want := testutil.Gini(xs)
		if math.Abs(win.Skew.Gini-want) > 1e-9 {
			t.Errorf("%s: got gini %.6f, want %.6f", win.Start, win.Skew.Gini, want)
		}
		gotGinis, wantGinis = append(gotGinis, win.Skew.Gini), append(wantGinis, want)
	}
	if m := testutil.Median(wantGinis); m >= 0.05 {
		t.Errorf("independent median window gini %.4f, want < 0.05", m)
	}
	if m := testutil.Median(gotGinis); m >= 0.05 {
		t.Errorf("median window gini %.4f, want < 0.05", m)
	}
	// 17 slots: --workers 17 leaves none idle, --workers 20 three.
	for _, tt := range []struct{ workers, idle int }{{17, 0}, {20, 3}} {
		doc := runPopulation(t, "report", "-o", "json", "--workers", itoa(tt.workers), path)
		if doc.IdleSlots != tt.idle || doc.Skew.Workers != 34+tt.idle {
			t.Errorf("--workers %d: got %d idle slots, %d workers; want %d, %d", tt.workers, doc.IdleSlots, doc.Skew.Workers, tt.idle, 34+tt.idle)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
