package cmd_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// portsFormat is gunicorn's format with the PID, the duration and the
// client's port: an address and port name a connection.
const portsFormat = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s %({remote_port}e)s`

// portsLog writes a keep-alive run of a minute by hand: conns connections
// from 127.0.0.1, each sending a request every 2 s; connection i is served
// by worker of(i, second). The error log names the worker class.
func portsLog(t *testing.T, conns int, of func(i, s int) int) (dir string, reqs []testutil.ConnRequest) {
	t.Helper()
	dir = t.TempDir()
	var b strings.Builder
	const start = 1795000000 // a minute boundary
	for s := 0; s < 60; s += 2 {
		at := time.Unix(start+int64(s), 0).UTC()
		for i := range conns {
			port := 40001 + i
			pid := of(i, s)
			fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 2 \"-\" \"t\" <%d> 1000 %d\n", at.Format("02/Jan/2006:15:04:05 -0700"), pid, port)
			reqs = append(reqs, testutil.ConnRequest{ID: fmt.Sprintf("127.0.0.1:%d", port), Worker: fmt.Sprint(pid), End: float64(at.Unix())})
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "access.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	el := fmt.Sprintf("[%s] [100] [INFO] Using worker: gevent\n", time.Unix(start, 0).UTC().Format("2006-01-02 15:04:05 -0700"))
	if err := os.WriteFile(filepath.Join(dir, "error.log"), []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, reqs
}

// movedByChance is the test's own expectation of reused connections that
// would move if each request went to a worker at random in proportion to
// the workers' shares: 1 - Σ share^n for a connection of n requests.
func movedByChance(reqs []testutil.ConnRequest) float64 {
	served := map[string]float64{}
	byConn := map[string]int{}
	for _, r := range reqs {
		served[r.Worker]++
		byConn[r.ID]++ // every id here is one connection: its requests are 2 s apart
	}
	e := 0.0
	for _, n := range byConn {
		if n < 2 {
			continue
		}
		stay := 0.0
		for _, k := range served {
			stay += math.Pow(k/float64(len(reqs)), float64(n))
		}
		e += 1 - stay
	}
	return e
}

// TestExplainPortReusedOnKeepAlive: 20 keep-alive connections, 14 on worker
// 101 and 6 on 102, and one client port that the kernel gave a new
// connection half way through, which 102 accepted. One moved port among 20
// reused, where chance would have moved about all 20, does not hide the
// pinning.
func TestExplainPortReusedOnKeepAlive(t *testing.T) {
	dir, reqs := portsLog(t, 20, func(i, s int) int {
		if i < 14 && !(i == 0 && s >= 30) {
			return 101
		}
		return 102
	})
	want := testutil.CountConnections(reqs, 75)
	if want.Reused != 20 || want.Moved != 1 {
		t.Fatalf("the log's own count: %d reused, %d moved; want 20 and 1", want.Reused, want.Moved)
	}
	chance := movedByChance(reqs)
	e := explainJSON(t, "--log-format", portsFormat, "--window", "10s", dir)
	if len(e.Mechanisms) == 0 || e.Mechanisms[0].Name != "keepalive_pinning" || e.Mechanisms[0].Confidence != "proven" {
		t.Fatalf("mechanisms: got %+v, want keepalive_pinning proven (1 of 20 moved, %.1f by chance)", e.Mechanisms, chance)
	}
	ev := strings.Join(e.Mechanisms[0].Evidence, "; ")
	for _, hold := range []string{
		fmt.Sprintf("%d carried more than one request", want.Reused),
		fmt.Sprintf("%d moved between workers (%.0f%% of the reused; by chance %.1f would have", want.Moved, 100.0/20, chance),
	} {
		if !strings.Contains(ev, hold) {
			t.Errorf("evidence %q: want it to hold %q", ev, hold)
		}
	}
}

// TestExplainPortsMoveByChance: the same connections, each request served
// by either worker in turn: ports move as often as chance says, so
// connections do not pin, whatever the skew.
func TestExplainPortsMoveByChance(t *testing.T) {
	dir, reqs := portsLog(t, 20, func(i, s int) int {
		if (i+s/2)%3 == 0 {
			return 102
		}
		return 101
	})
	want := testutil.CountConnections(reqs, 75)
	chance := movedByChance(reqs)
	if float64(want.Moved) < chance/2 {
		t.Fatalf("the log's own count: %d moved, chance %.1f; want at least half of chance", want.Moved, chance)
	}
	e := explainJSON(t, "--log-format", portsFormat, "--window", "10s", dir)
	for _, m := range e.Mechanisms {
		if m.Name == "keepalive_pinning" {
			t.Fatalf("keepalive_pinning %s with %d of %d reused ports moved (chance %.1f): %+v", m.Confidence, want.Moved, want.Reused, chance, e.Mechanisms)
		}
	}
}

// cpuHandLog writes 20 s of a gevent run by hand: worker 101 serves conns
// keep-alive connections, 20 requests a second between them, each logged
// at 50 ms (one request in flight on average: the requests waited on
// their connections, not in the logged time); worker 102 serves one
// request a second on its own connection. The sample file records 101 at
// 950 ms of CPU a second and 102 at none.
func cpuHandLog(t *testing.T, conns int) string {
	t.Helper()
	dir := t.TempDir()
	const start = 1795000000 // a minute boundary
	var b strings.Builder
	line := func(s, pid, us, port int) {
		at := time.Unix(start+int64(s), 0).UTC().Format("02/Jan/2006:15:04:05 -0700")
		fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET /work HTTP/1.1\" 200 2 \"-\" \"t\" <%d> %d %d\n", at, pid, us, port)
	}
	for s := range 20 {
		for i := range 20 {
			line(s, 101, 50000, 40001+i%conns)
		}
		line(s, 102, 1000, 41000)
	}
	var ps strings.Builder
	for s := -1; s <= 21; s++ {
		at := time.Unix(start+int64(s), 0).UTC().Format("2006-01-02T15:04:05.000Z")
		cpu := 950 * (s + 1)
		fmt.Fprintf(&ps, "# skewer-sample v1 %s\n100 1 1000 500 30000 gunicorn: master [app]\n101 100 1010 %d 40000 gunicorn: worker [app]\n102 100 1011 0 40000 gunicorn: worker [app]\n", at, cpu)
	}
	el := fmt.Sprintf("[%s] [100] [INFO] Using worker: gevent\n", time.Unix(start-1, 0).UTC().Format("2006-01-02 15:04:05 -0700"))
	for name, text := range map[string]string{"access.log": b.String(), "sample.log": ps.String(), "error.log": el} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExplainHandMadeCPUHarm: by hand, worker 101 used 0.95 core in every
// 5 s window (950 ms a second) while 102 used none. With its requests on 4
// connections, requests waited on the busy worker while the other idled:
// harmful. With one connection served back to back, nothing waited on
// another client: not harmful, however busy the worker.
func TestExplainHandMadeCPUHarm(t *testing.T) {
	for _, tc := range []struct {
		conns int
		want  string
	}{{4, "harmful"}, {1, "benign"}} {
		t.Run(fmt.Sprintf("%d connections", tc.conns), func(t *testing.T) {
			dir := cpuHandLog(t, tc.conns)
			e := explainJSON(t, "--log-format", portsFormat, "--window", "5s",
				filepath.Join(dir, "access.log"), filepath.Join(dir, "error.log"), "--ps", filepath.Join(dir, "sample.log"))
			if e.Verdict.Harm != tc.want {
				t.Fatalf("verdict: got %q, want %q: %s", e.Verdict.Harm, tc.want, e.Verdict.Summary)
			}
			if len(e.HarmEvidence) == 0 || e.HarmEvidence[0].Signal != "cpu_cores" || e.HarmEvidence[0].Worker != "101" || math.Abs(e.HarmEvidence[0].Value-0.95) > 1e-9 {
				t.Errorf("harm_evidence: got %+v, want 101 at 0.95 core first", e.HarmEvidence)
			}
			if tc.want == "harmful" && !strings.Contains(e.Verdict.Summary, "(100 requests on 4 connections)") {
				t.Errorf("summary %q: want it to name the 100 requests on 4 connections of the window", e.Verdict.Summary)
			}
		})
	}
}
