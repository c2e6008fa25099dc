package cmd_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// latencyFormat is gunicorn's format with the PID and the duration in µs.
const latencyFormat = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s`

// latLine is one line of a hand-made latency log.
type latLine struct {
	s    int // seconds from the start
	pid  int
	path string
	us   int64
}

// latencyLog writes a minute of a gevent run by hand: each second, the
// lines of at(s) (the error log names the class).
func latencyLog(t *testing.T, at func(s int) []latLine) (dir string, lines []latLine) {
	t.Helper()
	dir = t.TempDir()
	const start = 1795000000 // a minute boundary
	var b strings.Builder
	for s := range 60 {
		for _, l := range at(s) {
			stamp := time.Unix(start+int64(l.s), 0).UTC().Format("02/Jan/2006:15:04:05 -0700")
			fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET %s?q=%d HTTP/1.1\" 200 2 \"-\" \"t\" <%d> %d\n", stamp, l.path, l.us, l.pid, l.us)
			lines = append(lines, l)
		}
	}
	el := fmt.Sprintf("[%s] [100] [INFO] Using worker: gevent\n", time.Unix(start, 0).UTC().Format("2006-01-02 15:04:05 -0700"))
	for name, text := range map[string]string{"access.log": b.String(), "error.log": el} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, lines
}

// nearestRank is the ⌈q·n⌉-th smallest of xs.
func nearestRank(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[int(math.Ceil(q*float64(len(s))))-1]
}

// windowMedians is the test's own scan of the lines, per 10 s window: the
// PID that served the most requests, and its median request time over the
// others' on path (or on every path when path is "").
func windowMedians(lines []latLine, path string) (busiest []int, ratio []float64) {
	for w := range 6 {
		count := map[int]int{}
		for _, l := range lines {
			if l.s/10 == w {
				count[l.pid]++
			}
		}
		top := 0
		for pid, n := range count {
			if top == 0 || n > count[top] || n == count[top] && pid < top {
				top = pid
			}
		}
		var mine, rest []float64
		for _, l := range lines {
			if l.s/10 != w || path != "" && l.path != path {
				continue
			}
			if l.pid == top {
				mine = append(mine, float64(l.us))
			} else {
				rest = append(rest, float64(l.us))
			}
		}
		busiest = append(busiest, top)
		ratio = append(ratio, nearestRank(mine, 0.5)/nearestRank(rest, 0.5))
	}
	return busiest, ratio
}

// TestExplainLatencyHarmful: worker 101 serves 6 requests a second on /api
// at 150 to 250 ms, 102 and 103 serve 3 a second each on the same path at
// 50 to 80 ms. The busiest worker is about 3× slower on the same path in
// every window: harmful, by latency.
func TestExplainLatencyHarmful(t *testing.T) {
	dir, lines := latencyLog(t, func(s int) []latLine {
		var out []latLine
		for k := range 6 {
			out = append(out, latLine{s, 101, "/api", int64(150_000 + ((s*6+k)%11)*10_000)})
		}
		for k := range 3 {
			out = append(out, latLine{s, 102, "/api", int64(50_000 + ((s*3+k)%7)*5_000)})
			out = append(out, latLine{s, 103, "/api", int64(50_000 + ((s*3+k+2)%7)*5_000)})
		}
		return out
	})
	busiest, ratio := windowMedians(lines, "/api")
	for w := range ratio {
		if busiest[w] != 101 || ratio[w] < 2.4 {
			t.Fatalf("the log's own scan: window %d busiest %d at %.2f×; want 101 well over 2×", w, busiest[w], ratio[w])
		}
	}
	e := explainJSON(t, "--log-format", latencyFormat, "--window", "10s", dir)
	t.Log(e.Verdict.Summary)
	if e.Verdict.Harm != "harmful" {
		t.Fatalf("harm: got %q (%s), want harmful by latency", e.Verdict.Harm, e.Verdict.Summary)
	}
	if len(e.HarmEvidence) != 3 {
		t.Fatalf("evidence: got %+v, want the first 3 of 6 windows", e.HarmEvidence)
	}
	for w, ev := range e.HarmEvidence {
		at := time.Unix(1795000000+int64(10*w), 0).UTC().Format(time.RFC3339)
		// Each median within 1/16 of the exact one: the ratio within 15%.
		if ev.Signal != "latency" || ev.Worker != "101" || ev.WindowStart != at || math.Abs(ev.Value-ratio[w]) > 0.15*ratio[w] {
			t.Errorf("evidence %d: got %+v, want latency of 101 at %s near %.2f", w, ev, at, ratio[w])
		}
	}
	for _, hold := range []string{"in 6 of 6 windows compared", "on /api the busiest worker 101 took a median",
		"fact gevent-logged-time", "includes the time a request's greenlet waited for the worker's CPU"} {
		if !strings.Contains(e.Verdict.Summary, hold) {
			t.Errorf("summary %q: want it to hold %q", e.Verdict.Summary, hold)
		}
	}
}

// TestExplainLatencyOtherPaths: worker 101 serves 4 requests a second on
// /report at 200 ms and 2 on /api at 60 ms; 102 and 103 serve 2 a second
// each on /api at 60 ms. Over all its requests 101's median is 3× the
// others', but on the same path it is as fast: the path mix explains it,
// and latency shows no harm.
func TestExplainLatencyOtherPaths(t *testing.T) {
	dir, lines := latencyLog(t, func(s int) []latLine {
		var out []latLine
		for k := range 4 {
			out = append(out, latLine{s, 101, "/report", int64(190_000 + ((s+k)%3)*10_000)})
		}
		for k := range 2 {
			out = append(out, latLine{s, 101, "/api", int64(55_000 + ((s+k)%3)*5_000)})
			out = append(out, latLine{s, 102, "/api", int64(55_000 + ((s+k+1)%3)*5_000)})
			out = append(out, latLine{s, 103, "/api", int64(55_000 + ((s+k+2)%3)*5_000)})
		}
		return out
	})
	_, all := windowMedians(lines, "")
	_, same := windowMedians(lines, "/api")
	if all[0] < 2 || slices.Max(same) > 1.2 {
		t.Fatalf("the log's own scan: %.2f× over all paths, at most %.2f× on /api; want ≥ 2 and about 1", all[0], slices.Max(same))
	}
	e := explainJSON(t, "--log-format", latencyFormat, "--window", "10s", dir)
	t.Log(e.Verdict.Summary)
	if e.Verdict.Harm == "harmful" {
		t.Fatalf("harm: got harmful (%s), want the path mix to explain the slower worker", e.Verdict.Summary)
	}
	var lat []float64
	for _, ev := range e.HarmEvidence {
		if ev.Signal == "latency" {
			lat = append(lat, ev.Value)
		}
	}
	if len(lat) != 1 || math.Abs(lat[0]-slices.Max(same)) > 0.15*slices.Max(same) {
		t.Errorf("latency evidence: got %v, want one near %.2f", lat, slices.Max(same))
	}
	if !strings.Contains(e.Verdict.Summary, "latency shows no harm: over 6 windows compared") {
		t.Errorf("summary %q: want the latency comparison", e.Verdict.Summary)
	}
}
