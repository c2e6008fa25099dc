//go:build linux

package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// gunicornPath is Debian's gunicorn (package gunicorn), which runs under
// /usr/bin/python3; the python3 on PATH may be another interpreter without
// Debian's packages, so the script is run directly.
const gunicornPath = "/usr/bin/gunicorn"

const (
	e2eWorkers = 4
	e2eClients = 8  // concurrent connections, twice the workers, so all get work
	e2ePerConn = 50 // requests per client: 400 in all
	e2eBurnMS  = 20 // CPU milliseconds each /work request burns
	e2eBurnOne = 4  // every 4th request of a client is a /work request
	// e2eTick is the resolution of cpu_ms in seconds: /proc counts CPU in
	// 10 ms ticks.
	e2eTick = 0.010
	// e2eWait bounds every wait; the machine may be loaded, so it is generous.
	e2eWait = testutil.ServerWait
)

// e2eAccessFormat is gunicorn's combined format with the worker PID
// (%(p)s, printed as <12345>) and the duration in microseconds (%(D)s).
const e2eAccessFormat = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s`

// TestGunicornEndToEnd runs a real gunicorn with 4 sync workers, records it
// with `skewer sample` while sending it a known number of requests, and
// checks `skewer report` against two independent counts (the access log read
// here, and the X-Worker-PID header of every response) and the workers
// listed in /proc.
func TestGunicornEndToEnd(t *testing.T) {
	testutil.RequireServer(t, gunicornPath)
	root := testutil.ModuleRoot(t)
	dir := t.TempDir()
	psLog := filepath.Join(dir, "ps.log")
	began := time.Now()

	g := startGunicorn(t, root, dir)
	workers := g.waitWorkers(t)
	t.Logf("gunicorn master %d, workers %v, answering after %s", g.PID, workers, time.Since(began).Round(time.Millisecond))

	s := startSampler(t, g.PID, psLog)
	s.waitSnapshots(t, 1) // the CPU baseline comes before any load

	loadStart := time.Now()
	tally := g.sendLoad(t)
	t.Logf("%d requests answered (%d to /work?ms=%d, 1 readiness probe) in %s",
		tally.Total, tally.Work, e2eBurnMS, time.Since(loadStart).Round(time.Millisecond))

	// A snapshot started after the last response holds all the CPU burned:
	// the one in progress now may have started before it, the next one not.
	s.waitSnapshots(t, countSnapshots(t, psLog)+2)
	s.stop(t)
	snaps := checkSnapshots(t, psLog, g.PID, workers)
	if now := testutil.Children(t, g.PID); !slices.Equal(now, workers) {
		t.Fatalf("gunicorn's workers changed during the test (a restart?): got %v, want %v\nerror log:\n%s", now, workers, g.errorLog())
	}
	g.stop(t)

	run := e2eRun{master: g.PID, workers: workers, tally: tally, first: snaps[0], last: snaps[len(snaps)-1]}
	run.logCounts, run.logLines = countAccessLog(t, g.accessLog)
	rep := reportJSON(t, g.accessLog, psLog, g.errLog)
	t.Logf("%d snapshots; %s in all", len(snaps), time.Since(began).Round(time.Millisecond))

	run.checkTotals(t, rep)
	run.checkWorkers(t, rep)
	run.checkMaster(t, rep)
	if t.Failed() {
		t.Logf("access log counts %v; X-Worker-PID counts %v; /work requests %v", run.logCounts, tally.PerPID, tally.WorkPerPID)
	}
}

// e2eRun is what the test knows from its own sources: the workers in
// /proc, the answers it received, the access log it counted, and the first
// and last snapshots it read.
type e2eRun struct {
	master      int
	workers     []int
	tally       *testutil.Tally
	logCounts   map[int]int
	logLines    int
	first, last e2eSnapshot
}

// checkTotals compares the three counts of requests (sent and answered,
// logged, reported) and the report's line accounting.
func (r *e2eRun) checkTotals(t *testing.T, rep e2eReport) {
	t.Helper()
	if sent := e2eClients*e2ePerConn + 1; r.tally.Total != sent {
		t.Errorf("answers: got %d, want %d (the load and one readiness probe)", r.tally.Total, sent)
	}
	if r.logLines != r.tally.Total {
		t.Errorf("access log: got %d lines, want %d (the requests answered)", r.logLines, r.tally.Total)
	}
	if rep.Lines.Total != int64(r.logLines) || rep.Lines.Parsed != int64(r.logLines) || rep.Lines.Rejected != 0 {
		t.Errorf("report lines: got total %d, parsed %d, rejected %d; want %d, %d, 0",
			rep.Lines.Total, rep.Lines.Parsed, rep.Lines.Rejected, r.logLines, r.logLines)
	}
	if rep.Schema != "skewer.report/v1" || rep.Family != "gunicorn" {
		t.Errorf("report: got schema %q, family %q; want skewer.report/v1, gunicorn", rep.Schema, rep.Family)
	}
	if rep.Unattributed != 0 {
		t.Errorf("report unattributed: got %d, want 0", rep.Unattributed)
	}
	if rep.Restarts == nil || *rep.Restarts != 0 {
		t.Errorf("report restarts: got %s, want 0 (no worker restarted)", e2eFmt(rep.Restarts))
	}
	var sum int64
	for _, w := range rep.Workers {
		sum += w.Requests
	}
	if sum != int64(r.tally.Total) {
		t.Errorf("report: got %d requests in all, want %d (the requests answered)", sum, r.tally.Total)
	}
	for pid, n := range r.logCounts {
		if !slices.Contains(r.workers, pid) {
			t.Errorf("access log: PID %d served %d requests but is not one of the workers %v", pid, n, r.workers)
		}
	}
}

// checkWorkers checks the population (exactly the workers in /proc, idle
// ones included) and each worker's requests and CPU.
func (r *e2eRun) checkWorkers(t *testing.T, rep e2eReport) {
	t.Helper()
	byPID := map[int]e2eWorker{}
	for _, w := range rep.Workers {
		if w.PID == nil {
			t.Errorf("report worker %q: got pid null, want a PID", w.Key)
			continue
		}
		pid := int(*w.PID)
		if w.Key != strconv.Itoa(pid) {
			t.Errorf("report worker %d: got key %q, want %q", pid, w.Key, strconv.Itoa(pid))
		}
		byPID[pid] = w
	}
	if got := slices.Sorted(maps.Keys(byPID)); !slices.Equal(got, r.workers) {
		t.Errorf("report workers: got PIDs %v, want %v (gunicorn's children in /proc)", got, r.workers)
	}
	for _, pid := range r.workers {
		w, ok := byPID[pid]
		if !ok {
			continue
		}
		if w.Requests != int64(r.logCounts[pid]) || w.Requests != int64(r.tally.PerPID[pid]) {
			t.Errorf("worker %d: got %d requests, want %d (access log) and %d (X-Worker-PID headers)",
				pid, w.Requests, r.logCounts[pid], r.tally.PerPID[pid])
		}
		if w.Exited == nil {
			t.Errorf("worker %d: got exited null, want the time of the shutdown (its 'Worker exiting' line)", pid)
		}
		r.checkCPU(t, pid, w.CPUSeconds)
	}
	if rep.CPUSkew == nil {
		t.Errorf("report: got no cpu_skew, want one (snapshots were given)")
	}
}

// checkCPU compares a worker's cpu_seconds with the snapshots and with the
// CPU its /work requests burned.
func (r *e2eRun) checkCPU(t *testing.T, pid int, got *float64) {
	t.Helper()
	// Every worker is in every snapshot (checkSnapshots): its CPU is the
	// last snapshot's cumulative cpu_ms minus the first's, however many
	// snapshots share a whole-second time stamp.
	first, last := r.first.cpuMS[pid], r.last.cpuMS[pid]
	if got == nil || math.Round(*got*1000) != float64(last-first) {
		t.Errorf("worker %d: got cpu_seconds %s, want %.3f (ps.log: the last snapshot's cpu_ms %d minus the first's %d)",
			pid, e2eFmt(got), float64(last-first)/1000, last, first)
	}
	// Each /work request burns e2eBurnMS of the worker's CPU time (not wall
	// time) between the first snapshot and the last, so this holds however
	// loaded the machine is; cpu_ms counts 10 ms ticks.
	n := r.tally.WorkPerPID[pid]
	if n == 0 {
		return
	}
	least := float64(n)*e2eBurnMS/1000 - e2eTick
	if got == nil || *got <= 0 || *got < least {
		t.Errorf("worker %d: got cpu_seconds %s, want at least %.3f (%d /work requests of %d ms CPU each)",
			pid, e2eFmt(got), least, n, e2eBurnMS)
	}
}

// checkMaster checks that the master is reported as the master, never as a
// worker.
func (r *e2eRun) checkMaster(t *testing.T, rep e2eReport) {
	t.Helper()
	for _, w := range rep.Workers {
		if w.PID != nil && *w.PID == int64(r.master) {
			t.Errorf("report: master %d is listed as a worker", r.master)
		}
	}
	var masters []string
	found := false
	for _, m := range rep.Masters {
		masters = append(masters, fmt.Sprintf("%d (%s)", m.PID, m.Family))
		found = found || (m.PID == int64(r.master) && m.Family == "gunicorn")
	}
	if !found || len(masters) != 1 {
		t.Errorf("report masters: got %v, want only %d (gunicorn)", masters, r.master)
	}
}

// e2eReport is the part of the skewer.report/v1 document the test checks,
// decoded by the documented field names.
type e2eReport struct {
	Schema string `json:"schema"`
	Lines  struct {
		Total    int64 `json:"total"`
		Parsed   int64 `json:"parsed"`
		Rejected int64 `json:"rejected"`
	} `json:"lines"`
	Family       string          `json:"family"`
	Restarts     *int            `json:"restarts"`
	Unattributed int64           `json:"unattributed"`
	Workers      []e2eWorker     `json:"workers"`
	CPUSkew      json.RawMessage `json:"cpu_skew"`
	Masters      []struct {
		PID    int64  `json:"pid"`
		Family string `json:"family"`
	} `json:"masters"`
}

// e2eWorker is one row of the report's workers[].
type e2eWorker struct {
	Key        string   `json:"key"`
	PID        *int64   `json:"pid"`
	Requests   int64    `json:"requests"`
	Exited     *string  `json:"exited"`
	CPUSeconds *float64 `json:"cpu_seconds"`
}

// e2eFmt prints a nullable JSON value as the report has it.
func e2eFmt[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// reportJSON runs `skewer report -o json` in process and decodes its output.
func reportJSON(t *testing.T, access, ps, errLog string) e2eReport {
	t.Helper()
	var out, errOut bytes.Buffer
	args := []string{"report", "-o", "json", access, "--ps", ps, errLog}
	code := Run(t.Context(), args, IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != ExitOK {
		t.Fatalf("skewer %s: got exit %d, want 0\nstderr:\n%s", strings.Join(args, " "), code, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Logf("skewer report stderr:\n%s", errOut.String())
	}
	var rep e2eReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("skewer report -o json: %v\n%s", err, out.String())
	}
	return rep
}

// countAccessLog counts the lines of a gunicorn access log per worker PID,
// taking the one <pid> token of each line.
func countAccessLog(t *testing.T, path string) (perPID map[int]int, lines int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	perPID = map[int]int{}
	text := strings.TrimSuffix(string(data), "\n")
	if text == "" {
		return perPID, 0
	}
	for i, line := range strings.Split(text, "\n") {
		pid := 0
		for _, f := range strings.Fields(line) {
			inner, open := strings.CutPrefix(f, "<")
			inner, closed := strings.CutSuffix(inner, ">")
			n, err := strconv.Atoi(inner)
			if !open || !closed || err != nil || n <= 0 {
				continue
			}
			if pid != 0 {
				t.Fatalf("%s:%d: two <pid> tokens: %q", path, i+1, line)
			}
			pid = n
		}
		if pid == 0 {
			t.Fatalf("%s:%d: no <pid> token: %q", path, i+1, line)
		}
		perPID[pid]++
		lines++
	}
	return perPID, lines
}

// e2eGunicorn is a gunicorn started by the test, in its own process group.
type e2eGunicorn struct {
	*testutil.Proc
	url                    string
	accessLog, errLog, out string
	client                 *http.Client
	tally                  *testutil.Tally // responses from this gunicorn, probes included
}

// startGunicorn starts gunicorn on a free port of 127.0.0.1 and waits until
// it answers. A port taken between choosing it and binding it gets another
// try on a new port.
func startGunicorn(t *testing.T, root, dir string) *e2eGunicorn {
	t.Helper()
	for attempt := 1; ; attempt++ {
		g := launchGunicorn(t, root, dir)
		err := g.waitReady(t)
		if err == nil {
			return g
		}
		log := g.errorLog()
		if attempt < 3 && g.HasExited() && strings.Contains(log, "Connection in use") {
			t.Logf("gunicorn could not bind %s (taken meanwhile); trying another port", g.url)
			continue
		}
		g.Kill()
		t.Fatalf("gunicorn did not answer on %s: %v\nerror log:\n%s\noutput:\n%s", g.url, err, log, g.output())
	}
}

func launchGunicorn(t *testing.T, root, dir string) *e2eGunicorn {
	t.Helper()
	port := testutil.FreePort(t)
	g := &e2eGunicorn{
		url:       fmt.Sprintf("http://127.0.0.1:%d", port),
		accessLog: filepath.Join(dir, "access.log"),
		errLog:    filepath.Join(dir, "error.log"),
		out:       filepath.Join(dir, "gunicorn.out"), // StartProc's output file
		client:    testutil.NewClient(),
		tally:     testutil.NewTally(),
	}
	for _, f := range []string{g.accessLog, g.errLog, g.out} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	g.Proc = testutil.StartProc(t, dir, "gunicorn", testutil.PythonEnv(), []string{g.errLog}, gunicornPath,
		"--workers", strconv.Itoa(e2eWorkers),
		"--worker-class", "sync",
		// The default 30 s heartbeat timeout could kill a starved worker
		// on a loaded machine; a restart would change the population.
		"--timeout", "300",
		"--bind", fmt.Sprintf("127.0.0.1:%d", port),
		"--access-logfile", g.accessLog,
		"--access-logformat", e2eAccessFormat,
		"--error-logfile", g.errLog,
		"--chdir", filepath.Join(root, "testdata", "apps"),
		"workerapp:app")
	return g
}

func (g *e2eGunicorn) errorLog() string { return testutil.FileText(g.errLog) }
func (g *e2eGunicorn) output() string   { return testutil.FileText(g.out) }

// waitReady polls until a worker of this gunicorn answers. An answer from
// another server (the port taken meanwhile) does not count, nor is it
// tallied; an answer from this gunicorn is logged by it, so it is tallied.
func (g *e2eGunicorn) waitReady(t *testing.T) error {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	var last error
	for time.Now().Before(deadline) {
		if g.HasExited() {
			return fmt.Errorf("gunicorn exited: %v", g.WaitErr)
		}
		pid, err := g.get("/ready")
		if err == nil {
			if ppid, perr := testutil.Parent(pid); perr == nil && ppid == g.PID {
				g.tally.Add(pid, false)
				return nil
			}
			err = fmt.Errorf("answered by PID %d, not a worker of gunicorn %d", pid, g.PID)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no answer within %s; last: %v", e2eWait, last)
}

// get requests path and returns the PID that answered, checking that the
// body and the X-Worker-PID header agree.
func (g *e2eGunicorn) get(path string) (int, error) {
	return testutil.GetWorkerPID(g.client, g.url+path, path)
}

// waitWorkers waits until the master has all its workers and returns
// their PIDs, sorted.
func (g *e2eGunicorn) waitWorkers(t *testing.T) []int {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		kids := testutil.Children(t, g.PID)
		if len(kids) == e2eWorkers {
			return kids
		}
		if g.HasExited() || time.Now().After(deadline) {
			t.Fatalf("gunicorn %d: got workers %v, want %d\nerror log:\n%s", g.PID, kids, e2eWorkers, g.errorLog())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sendLoad sends e2eClients × e2ePerConn requests, each on a new
// connection, every e2eBurnOne-th to /work, and tallies the answers.
func (g *e2eGunicorn) sendLoad(t *testing.T) *testutil.Tally {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, e2eClients)
	for c := range e2eClients {
		wg.Go(func() {
			for i := range e2ePerConn {
				path, work := "/", i%e2eBurnOne == 0
				if work {
					path = fmt.Sprintf("/work?ms=%d", e2eBurnMS)
				}
				pid, err := g.get(path)
				if err != nil {
					errs[c] = fmt.Errorf("client %d, request %d: %w", c, i+1, err)
					return
				}
				g.tally.Add(pid, work)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%v\nerror log:\n%s", err, g.errorLog())
	}
	return g.tally
}

// stop sends SIGTERM and waits: gunicorn stops its workers gracefully and
// its access log is complete once the master has exited.
func (g *e2eGunicorn) stop(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(g.PID, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to gunicorn %d: %v", g.PID, err)
	}
	select {
	case <-g.Exited:
	case <-time.After(e2eWait):
		t.Fatalf("gunicorn %d still running %s after SIGTERM\nerror log:\n%s", g.PID, e2eWait, g.errorLog())
	}
	if g.WaitErr != nil {
		t.Fatalf("gunicorn %d after SIGTERM: %v\nerror log:\n%s\noutput:\n%s", g.PID, g.WaitErr, g.errorLog(), g.output())
	}
}

// e2eSampler is `skewer sample` running in process until cancelled.
type e2eSampler struct {
	path        string
	cancel      context.CancelFunc
	done        chan struct{}
	code        int
	out, errOut bytes.Buffer
}

func startSampler(t *testing.T, master int, path string) *e2eSampler {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &e2eSampler{path: path, cancel: cancel, done: make(chan struct{})}
	args := []string{"sample", "--master", strconv.Itoa(master), "--interval", "200ms", "--out", path}
	go func() {
		defer close(s.done)
		s.code = Run(ctx, args, IO{In: strings.NewReader(""), Out: &s.out, ErrOut: &s.errOut})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(e2eWait):
			t.Errorf("skewer sample still running %s after its context was cancelled", e2eWait)
		}
	})
	return s
}

// waitSnapshots waits until the file holds n snapshot headers.
func (s *e2eSampler) waitSnapshots(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for countSnapshots(t, s.path) < n {
		select {
		case <-s.done:
			t.Fatalf("skewer sample exited %d before writing %d snapshots\nstderr:\n%s", s.code, n, s.errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("skewer sample: fewer than %d snapshots in %s after %s", n, s.path, e2eWait)
		}
	}
}

// stop cancels the sampler's context, as Ctrl-C does: exit 130 (DESIGN.md).
func (s *e2eSampler) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(e2eWait):
		t.Fatalf("skewer sample still running %s after its context was cancelled", e2eWait)
	}
	// A signal is sampling's normal end.
	if s.code != ExitOK || s.errOut.String() != "" || s.out.Len() != 0 {
		t.Fatalf("skewer sample cancelled: got exit %d, stdout %q, stderr %q; want exit 0, no stdout, no stderr",
			s.code, s.out.String(), s.errOut.String())
	}
}

// e2eSnapshotHeader starts each snapshot of the skewer-sample v1 layout.
const e2eSnapshotHeader = "# skewer-sample v1 "

func countSnapshots(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(b), "\n"+e2eSnapshotHeader)
	if strings.HasPrefix(string(b), e2eSnapshotHeader) {
		n++
	}
	return n
}

// e2eSnapshot is one snapshot as read by the test: cumulative cpu_ms by PID.
type e2eSnapshot struct {
	at    time.Time
	cpuMS map[int]int
}

// checkSnapshots checks that the file holds only whole snapshots in the
// documented layout, each with the master and every worker (none exited
// while it was recorded), and returns them.
func checkSnapshots(t *testing.T, path string, master int, workers []int) []e2eSnapshot {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("%s: the last line is cut: %q", path, text[max(0, len(text)-200):])
	}
	want := slices.Sorted(slices.Values(append([]int{master}, workers...)))
	var (
		snaps []e2eSnapshot
		pids  []int
		head  string
	)
	endSnapshot := func() {
		if head != "" && !slices.Equal(pids, want) {
			t.Errorf("%s: snapshot %q: got PIDs %v, want %v", path, head, pids, want)
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if stamp, ok := strings.CutPrefix(line, e2eSnapshotHeader); ok {
			endSnapshot()
			at, err := time.Parse(time.RFC3339, stamp)
			if err != nil {
				t.Errorf("%s:%d: header time: %v", path, i+1, err)
			}
			snaps = append(snaps, e2eSnapshot{at: at, cpuMS: map[int]int{}})
			head, pids = line, nil
			continue
		}
		if head == "" {
			t.Fatalf("%s:%d: a row before any snapshot header: %q", path, i+1, line)
		}
		f := strings.SplitN(line, " ", 6)
		if len(f) < 6 || f[5] == "" {
			t.Fatalf("%s:%d: got %q, want pid ppid start_ticks cpu_ms rss_kib args", path, i+1, line)
		}
		var n [5]int
		for j := range n {
			if n[j], err = strconv.Atoi(f[j]); err != nil || n[j] < 0 {
				t.Fatalf("%s:%d: field %d: got %q, want a count: %q", path, i+1, j+1, f[j], line)
			}
		}
		if pid, ppid := n[0], n[1]; pid != master && ppid != master {
			t.Errorf("%s:%d: PID %d has parent %d, want a child of the master %d", path, i+1, pid, ppid, master)
		}
		pids = append(pids, n[0])
		snaps[len(snaps)-1].cpuMS[n[0]] = n[3]
	}
	endSnapshot()
	if len(snaps) < 3 {
		t.Errorf("%s: got %d snapshots, want at least 3", path, len(snaps))
	}
	return snaps
}
