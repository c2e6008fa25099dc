package cmd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seqLog writes two workers' requests in the order given, a window of
// 10 s at a time: in each window, the sequence of PIDs its requests were
// served by, spread over its seconds. With class, an error log names the
// worker class.
func seqLog(t *testing.T, windows [][]int, class string) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	const start = 1795000000 // a minute boundary
	for w, seq := range windows {
		for i, pid := range seq {
			at := time.Unix(start+int64(10*w+10*i/len(seq)), 0).UTC()
			fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 2 \"-\" \"t\" pid=<%d> 1000\n", at.Format("02/Jan/2006:15:04:05 -0700"), pid)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "access.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if class != "" {
		el := fmt.Sprintf("[%s] [100] [INFO] Using worker: %s\n", time.Unix(start, 0).UTC().Format("2006-01-02 15:04:05 -0700"), class)
		if err := os.WriteFile(filepath.Join(dir, "error.log"), []byte(el), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// seqExpect is the test's own count over windows in log order: pairs of
// consecutive requests (a pair belongs to its second request's window),
// how many had one PID, and chance, the pairs times the sum of the squared
// shares of each window's requests, as the evidence line words them.
func seqExpect(windows [][]int) string {
	var pairs, same int
	chance := 0.0
	prev := 0
	for _, seq := range windows {
		count := map[int]int{}
		for _, pid := range seq {
			count[pid]++
		}
		c := 0.0
		for _, n := range count {
			c += float64(n*n) / float64(len(seq)*len(seq))
		}
		for _, pid := range seq {
			if prev != 0 {
				pairs++
				chance += c
				if pid == prev {
					same++
				}
			}
			prev = pid
		}
	}
	return fmt.Sprintf("the next request went to the same worker %d of %d times (%.0f%%) in %d windows, chance from the windows' shares %.0f%%",
		same, pairs, 100*float64(same)/float64(pairs), len(windows), 100*chance/float64(pairs))
}

// fadingWindows are 12 windows of 10 s: six quiet ones of 20 requests, 15
// to PID 1 and 5 to PID 2 (gini 0.25), alternating with six busy ones of
// 200, 100 each (gini 0): skew that vanishes under load. quiet and busy
// give each window's order.
func fadingWindows(quiet, busy func(i int) int) [][]int {
	var ws [][]int
	for w := range 12 {
		n, of := 20, quiet
		if w%2 == 1 {
			n, of = 200, busy
		}
		seq := make([]int, n)
		for i := range seq {
			seq[i] = of(i)
		}
		ws = append(ws, seq)
	}
	return ws
}

// TestExplainNextSameSticky: the same counts, but each window's requests
// come in runs, one worker after the other, as one connection at a time
// gives. The next request lands on the same worker far more often than
// the windows' shares give by chance: not a race. With a class that keeps
// connections open it is pinning, likely; from the access log alone it
// stays unknown, naming both pinning and a freed sync worker taking the
// next waiting connection.
func TestExplainNextSameSticky(t *testing.T) {
	ws := fadingWindows(func(i int) int { return 1 + i/15 }, func(i int) int { return 1 + i/100 })
	want := seqExpect(ws)
	// Without the class, the statistic cannot tell a kept connection from a
	// sync worker taking the next waiting connection as it finishes: the
	// mechanism stays unknown and says both.
	for _, tc := range []struct{ class, name, confidence, also string }{
		{"", "unknown", "possible", "a worker that takes the next waiting connection as it finishes"},
		{"gevent", "keepalive_pinning", "likely", ""},
	} {
		t.Run("class "+tc.class, func(t *testing.T) {
			e := explainJSON(t, "--window", "10s", seqLog(t, ws, tc.class))
			if len(e.Mechanisms) == 0 || e.Mechanisms[0].Name != tc.name || e.Mechanisms[0].Confidence != tc.confidence {
				t.Fatalf("mechanisms: got %+v, want %s %s", e.Mechanisms, tc.name, tc.confidence)
			}
			ev := strings.Join(e.Mechanisms[0].Evidence, "; ")
			if !strings.Contains(ev, want+" (1/live 50%): far more often than chance") {
				t.Errorf("evidence %q: want it to hold %q", ev, want)
			}
			if !strings.Contains(ev, tc.also) {
				t.Errorf("evidence %q: want it to hold %q", ev, tc.also)
			}
		})
	}
}

// TestExplainNextSameChance: the same counts in turns (1 1 1 2 while quiet,
// 1 2 while busy): the next request goes to the same worker less often
// than chance. With skew that vanishes under load, that is the accept
// race, likely.
func TestExplainNextSameChance(t *testing.T) {
	ws := fadingWindows(func(i int) int {
		if i%4 == 3 {
			return 2
		}
		return 1
	}, func(i int) int { return 1 + i%2 })
	want := seqExpect(ws)
	e := explainJSON(t, "--window", "10s", seqLog(t, ws, "gevent"))
	if len(e.Mechanisms) == 0 || e.Mechanisms[0].Name != "accept_race" || e.Mechanisms[0].Confidence != "likely" {
		t.Fatalf("mechanisms: got %+v, want accept_race likely", e.Mechanisms)
	}
	if ev := strings.Join(e.Mechanisms[0].Evidence, "; "); !strings.Contains(ev, want+" (1/live 50%): at chance or below") {
		t.Errorf("evidence %q: want it to hold %q", ev, want)
	}
}

// TestExplainNextSameNoReuse: the sticky windows of a keep-alive class, but
// the log names each request's client port and no port carries a second
// request: every request came on a new connection (Connection: close), so
// the next request following its predecessor's worker is a freed worker
// taking the next new connection, not pinning.
func TestExplainNextSameNoReuse(t *testing.T) {
	ws := fadingWindows(func(i int) int { return 1 + i/15 }, func(i int) int { return 1 + i/100 })
	dir := seqLog(t, ws, "gevent_pywsgi")
	path := filepath.Join(dir, "access.log")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for i, line := range strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n") {
		fmt.Fprintf(&out, "%s %d\n", strings.TrimSuffix(line, "\n"), 32768+i) // a port of its own
	}
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	e := explainJSON(t, "--window", "10s", "--log-format", `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s %(D)s %({remote_port}e)s`, dir)
	for _, m := range e.Mechanisms {
		if m.Name == "keepalive_pinning" {
			t.Errorf("keepalive_pinning %s: want none, no connection carried a second request: %+v", m.Confidence, e.Mechanisms)
		}
	}
	if len(e.Mechanisms) == 0 {
		t.Errorf("no mechanism")
	}
}
