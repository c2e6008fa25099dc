package cmd_test

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// hostsDir is the hand-made two-host run: web-a balances its 4 slots
// evenly and restarts two of them half-way (PIDs 101 and 102 stop at
// 17:00:12, 105 and 106 start at 17:00:13); web-b sends most of every
// window to one worker. See testdata/logs/hosts/README.md.
var hostsDir = filepath.Join("..", "testdata", "logs", "hosts")

// hostsSlots is the run's --workers: 4 slots per host.
const hostsSlots = 4

// hostsAlive is this test's own alive rule for an access log alone, as
// the README states it: with at least two PIDs more than --workers,
// restart generations are inferred. In order of their first line, a PID
// takes the slot of the one whose lines stopped most recently before it
// started, and is alive from that one's last line to its own last line; the
// first of a slot from the start of the run, the last to its end. Without
// generations every PID is alive the whole run. Times are seconds.
func hostsAlive(lines testutil.AccessLog, start, end int64) map[string][2]int64 {
	first, last := lines.FirstLast()
	pids := make([]string, 0, len(first))
	for p := range first {
		pids = append(pids, p)
	}
	sort.Slice(pids, func(i, j int) bool {
		if first[pids[i]] != first[pids[j]] {
			return first[pids[i]] < first[pids[j]]
		}
		return pids[i] < pids[j]
	})
	alive := map[string][2]int64{}
	if len(pids) < hostsSlots+2 {
		for _, p := range pids {
			alive[p] = [2]int64{start, end}
		}
		return alive
	}
	var slots [][]string // each slot's PIDs in order
	for _, p := range pids {
		best := -1
		for i, s := range slots {
			prev := s[len(s)-1]
			if last[prev] < first[p] && (best < 0 || last[prev] > last[slots[best][len(slots[best])-1]]) {
				best = i
			}
		}
		if best < 0 {
			slots = append(slots, []string{p})
		} else {
			slots[best] = append(slots[best], p)
		}
	}
	for _, s := range slots {
		for i, p := range s {
			a := [2]int64{start, end}
			if i > 0 {
				a[0] = last[s[i-1]]
			}
			if i < len(s)-1 {
				a[1] = last[p]
			}
			alive[p] = a
		}
	}
	return alive
}

// hostWindow is one host's window as this test counts it.
type hostWindow struct {
	start      int64
	requests   float64
	live       int
	gini, top1 float64
}

// hostWindows counts each window of width seconds over the PIDs alive for
// any part of it (from < window end, to >= window start), zeros included.
func hostWindows(lines testutil.AccessLog, alive map[string][2]int64, start, end, width int64) []hostWindow {
	per := lines.Counts(width)
	var out []hostWindow
	for i := start / width; i <= end/width; i++ {
		var xs []float64
		w := hostWindow{start: i * width}
		for pid, a := range alive {
			if a[0] < (i+1)*width && a[1] >= i*width {
				x := float64(per[i*width][pid])
				xs = append(xs, x)
				w.requests += x
				w.top1 = max(w.top1, x)
			}
		}
		for len(xs) < hostsSlots {
			xs = append(xs, 0)
		}
		w.live, w.gini = len(xs), testutil.Gini(xs)
		if w.requests > 0 {
			w.top1 /= w.requests
		}
		out = append(out, w)
	}
	return out
}

// hostsDoc is the part of the report this test reads.
type hostsDoc struct {
	HostSkew []struct {
		Host       string `json:"host"`
		WindowSkew *struct {
			WindowSeconds   float64  `json:"window_seconds"`
			Windows         int      `json:"windows"`
			Counted         int      `json:"counted"`
			MedianGini      *float64 `json:"median_gini"`
			MedianTop1Share *float64 `json:"median_top1_share"`
		} `json:"window_skew"`
		RateSkew *struct {
			Workers int     `json:"workers"`
			Gini    float64 `json:"gini"`
		} `json:"rate_skew"`
	} `json:"host_skew"`
}

// TestSeveralHosts checks each host's window skew, rate skew and
// check --each-window on the hand-made two-host run against this test's
// own scan, alive intervals, windows and Gini. The window size is 5 s: at
// the automatic 1 s (30 windows over 29 s) no host has the 10 requests per
// live worker a window needs to count, so it moves up one size, where most
// windows count.
func TestSeveralHosts(t *testing.T) {
	hosts := []string{"web-a", "web-b"}
	lines := map[string]testutil.AccessLog{}
	start, end := int64(math.MaxInt64), int64(math.MinInt64)
	for _, h := range hosts {
		lines[h] = testutil.ReadAccessLog(t, filepath.Join(hostsDir, h, "access.log"))
		lo, hi := lines[h].Span()
		start, end = min(start, lo), max(end, hi)
	}
	type want struct {
		windows    []hostWindow
		counted    []float64 // ginis of the counted windows
		top1       []float64
		rateGini   float64
		rateN      int
		failedFrom []int64 // window starts where gini >= 0.3
	}
	wants := map[string]want{}
	for _, h := range hosts {
		alive := hostsAlive(lines[h], start, end)
		var w want
		w.windows = hostWindows(lines[h], alive, start, end, 5)
		for _, win := range w.windows {
			if win.requests >= 10*float64(win.live) {
				w.counted = append(w.counted, win.gini)
				w.top1 = append(w.top1, win.top1)
			}
			if win.requests > 0 && win.gini >= 0.3 {
				w.failedFrom = append(w.failedFrom, win.start)
			}
		}
		var rates []float64
		for pid, a := range alive {
			n := 0.0
			for _, l := range lines[h] {
				if l.PID == pid {
					n++
				}
			}
			rates = append(rates, n/float64(a[1]-a[0]))
		}
		w.rateGini, w.rateN = testutil.Gini(rates), len(rates)
		wants[h] = w
	}
	// The run is what it was made to be: web-a even in every window (its
	// restart window too), web-b concentrated in every one.
	if a, b := wants["web-a"], wants["web-b"]; len(a.failedFrom) != 0 || len(b.failedFrom) != len(b.windows) || len(b.windows) != 6 {
		t.Fatalf("hand-made run: web-a fails %d windows, web-b %d of %d; want 0 and 6 of 6", len(a.failedFrom), len(b.failedFrom), len(b.windows))
	}

	args := []string{"--workers", "4", "--host-from-dir", hostsDir}
	var doc hostsDoc
	runJSON(t, cmd.ExitOK, &doc, append([]string{"report", "-o", "json"}, args...)...)
	if len(doc.HostSkew) != len(hosts) {
		t.Fatalf("got %d host_skew entries, want %d", len(doc.HostSkew), len(hosts))
	}
	for i, h := range hosts {
		got, w := doc.HostSkew[i], wants[h]
		if got.Host != h || got.WindowSkew == nil || got.RateSkew == nil {
			t.Fatalf("host_skew[%d]: got %+v; want %s with window_skew and rate_skew", i, got, h)
		}
		ws := got.WindowSkew
		if ws.WindowSeconds != 5 || ws.Windows != len(w.windows) || ws.Counted != len(w.counted) {
			t.Errorf("%s: got %v s, %d windows, %d counted; want 5 s, %d, %d", h, ws.WindowSeconds, ws.Windows, ws.Counted, len(w.windows), len(w.counted))
		}
		if ws.MedianGini == nil || math.Abs(*ws.MedianGini-testutil.Median(w.counted)) > 1e-9 ||
			ws.MedianTop1Share == nil || math.Abs(*ws.MedianTop1Share-testutil.Median(w.top1)) > 1e-9 {
			t.Errorf("%s: got median gini %v, top1 %v; want %.6f, %.6f", h, ws.MedianGini, ws.MedianTop1Share, testutil.Median(w.counted), testutil.Median(w.top1))
		}
		if got.RateSkew.Workers != w.rateN || math.Abs(got.RateSkew.Gini-w.rateGini) > 1e-9 {
			t.Errorf("%s: got rate_skew %d workers, gini %.6f; want %d, %.6f", h, got.RateSkew.Workers, got.RateSkew.Gini, w.rateN, w.rateGini)
		}
	}

	// check --each-window fails exactly web-b's windows, with the test's
	// own Gini in each verdict.
	var res struct {
		Windows  int `json:"windows"`
		Hosts    int `json:"hosts"`
		Verdicts []struct {
			Host        string   `json:"host"`
			WindowStart string   `json:"window_start"`
			Observed    *float64 `json:"observed"`
			Pass        bool     `json:"pass"`
		} `json:"verdicts"`
	}
	runJSON(t, cmd.ExitCheckFailed, &res, append([]string{"check", "-o", "json", "--each-window", "5s", "-t", "gini<0.3"}, args...)...)
	if res.Hosts != 2 || res.Windows != 12 || len(res.Verdicts) != 12 {
		t.Fatalf("check: got %d hosts, %d windows, %d verdicts; want 2, 12, 12", res.Hosts, res.Windows, len(res.Verdicts))
	}
	for i, v := range res.Verdicts {
		h := hosts[i%2] // by window, then host
		w := wants[h].windows[i/2]
		at := fmt.Sprintf("2026-11-25T17:00:%02dZ", w.start%60)
		wantPass := w.gini < 0.3
		if v.Host != h || v.WindowStart != at || v.Observed == nil || math.Abs(*v.Observed-w.gini) > 1e-9 || v.Pass != wantPass {
			t.Errorf("verdict %d: got %s %s gini %v pass %v; want %s %s gini %.6f pass %v", i, v.Host, v.WindowStart, v.Observed, v.Pass, h, at, w.gini, wantPass)
		}
		if v.Pass == (h == "web-b") {
			t.Errorf("verdict %d: %s %s pass %v; want only web-b's windows to fail", i, v.Host, v.WindowStart, v.Pass)
		}
	}

	// The table lists each host's typical window within 80 columns.
	code, table, stderr := runSkewer(t, append([]string{"report"}, args...)...)
	if code != cmd.ExitOK {
		t.Fatalf("report: exit code %d, want 0 (stderr %q)", code, stderr)
	}
	for _, h := range hosts {
		w := wants[h]
		prefix := fmt.Sprintf("  %s  ", h)
		var line string
		for _, l := range strings.Split(table, "\n") {
			if strings.HasPrefix(l, prefix) {
				line = l
			}
		}
		fields := strings.Fields(line)
		gini := fmt.Sprintf("%.3f", testutil.Median(w.counted))
		if len(fields) != 8 || fields[2] != gini || fields[6] != fmt.Sprintf("%d/%d", len(w.counted), len(w.windows)) ||
			fields[7] != fmt.Sprintf("%.3f", w.rateGini) || len([]rune(line)) > 80 {
			t.Errorf("table line of %s: got %q; want median gini %s, counted %d/%d, per alive-s %.3f, at most 80 columns",
				h, line, gini, len(w.counted), len(w.windows), w.rateGini)
		}
	}
}
