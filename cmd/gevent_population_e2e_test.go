//go:build linux

package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

const (
	geventWorkers = 6               // --workers, well above the connections
	geventConns   = 2               // keep-alive client connections
	geventLoad    = 3 * time.Second // how long the clients send
)

// TestGeventKeepAlivePopulations runs a real gunicorn with 6 gevent_pywsgi
// workers and 2 keep-alive clients: each connection stays on the worker
// that accepted it, so at most 2 workers serve and the others sit idle.
// Every 1 s window of `skewer report --workers 6 --window 1s` must count 6
// workers, and its Gini must be the one worked out here from the captured
// access log: each PID's lines in the window, zeros for the PIDs that
// served elsewhere in the run (alive, from an access log alone, from the
// first to the last line), and zeros up to 6.
func TestGeventKeepAlivePopulations(t *testing.T) {
	testutil.RequireServer(t, gunicornPath)
	if out, err := exec.Command("/usr/bin/python3", "-c", "import gevent").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("/usr/bin/python3 cannot import gevent (%v: %s): install python3-gevent", err, bytes.TrimSpace(out))
		if os.Getenv("SKEWER_REQUIRE_SERVERS") == "1" {
			t.Fatalf("%s; SKEWER_REQUIRE_SERVERS=1", msg)
		}
		t.Skipf("%s; skipping the real-server test (CI sets SKEWER_REQUIRE_SERVERS=1)", msg)
	}
	root := testutil.ModuleRoot(t)
	dir := t.TempDir()
	access := filepath.Join(dir, "access.log")
	url, stop := startGevent(t, root, dir, access)
	sent := keepAliveLoad(t, url)
	stop()

	lines := testutil.ReadAccessLog(t, access)
	if len(lines) != sent {
		t.Fatalf("access log: %d lines, want the %d requests answered", len(lines), sent)
	}
	pids := lines.PIDs()
	if len(pids) > geventWorkers {
		t.Fatalf("access log: %d PIDs, more than the %d workers (a restart?)", len(pids), geventWorkers)
	}
	t.Logf("%d requests over %d keep-alive connections, served by PIDs %v", sent, geventConns, pids)

	var stdout, stderr bytes.Buffer
	args := []string{"report", "-o", "json", "--workers", strconv.Itoa(geventWorkers), "--window", "1s", access}
	if code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr}); code != ExitOK {
		t.Fatalf("skewer %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
	var rep struct {
		IdleSlots int `json:"idle_slots"`
		Windows   []struct {
			Start     string           `json:"start"`
			Requests  map[string]int64 `json:"requests"`
			IdleSlots int              `json:"idle_slots"`
			Skew      struct {
				Workers int     `json:"workers"`
				Gini    float64 `json:"gini"`
			} `json:"skew"`
		} `json:"windows"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if want := geventWorkers - len(pids); rep.IdleSlots != want {
		t.Errorf("idle_slots: got %d, want %d (%d workers, %d PIDs in the log)", rep.IdleSlots, want, geventWorkers, len(pids))
	}
	if want := lines.WindowCount(1); len(rep.Windows) != want {
		t.Fatalf("got %d windows, want %d (1 s windows from the first line to the last)", len(rep.Windows), want)
	}
	first, _ := lines.Span()
	perWindow := lines.PerWindow(1)
	for i, win := range rep.Windows {
		if want := testutil.Stamp(first + int64(i)); win.Start != want {
			t.Fatalf("window %d: got start %s, want %s", i, win.Start, want)
		}
		counts := perWindow[win.Start]
		xs := make([]float64, geventWorkers)
		for j, pid := range pids {
			xs[j] = float64(counts[pid])
			if got := win.Requests[pid]; got != counts[pid] {
				t.Errorf("%s: PID %s got %d requests, want %d", win.Start, pid, got, counts[pid])
			}
		}
		if win.Skew.Workers != geventWorkers || len(win.Requests) != len(pids) || win.IdleSlots != geventWorkers-len(pids) {
			t.Errorf("%s: got %d workers (%d alive, %d idle slots), want %d (%d alive)", win.Start, win.Skew.Workers, len(win.Requests), win.IdleSlots, geventWorkers, len(pids))
		}
		if g := testutil.Gini(xs); math.Abs(win.Skew.Gini-g) > 1e-9 {
			t.Errorf("%s: got gini %.6f, want %.6f", win.Start, win.Skew.Gini, g)
		}
	}
}

// startGevent starts gunicorn with gevent_pywsgi workers logging the PID
// and whole-second times, and returns its URL and a function that stops
// it and waits for it (so the access log is complete).
func startGevent(t *testing.T, root, dir, access string) (string, func()) {
	t.Helper()
	port := testutil.FreePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	errLog := filepath.Join(dir, "error.log")
	c := exec.Command(gunicornPath,
		"--workers", strconv.Itoa(geventWorkers),
		"--worker-class", "gevent_pywsgi",
		"--timeout", "300",
		"--bind", fmt.Sprintf("127.0.0.1:%d", port),
		"--access-logfile", access,
		"--access-logformat", e2eAccessFormat,
		"--error-logfile", errLog,
		"--chdir", filepath.Join(root, "testdata", "apps"),
		"workerapp:app")
	c.Env = testutil.PythonEnv()
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		t.Fatalf("starting %s: %v", gunicornPath, err)
	}
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = syscall.Kill(c.Process.Pid, syscall.SIGTERM) // a graceful stop flushes the log
			select {
			case <-done:
			case <-time.After(e2eWait):
				_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
	}
	t.Cleanup(stop)
	// Ready when all workers run: a probe before that could pin a
	// connection on the first worker up. The probe uses its own
	// connection, closed, and is logged like any request.
	deadline := time.Now().Add(e2eWait)
	for len(testutil.Children(t, c.Process.Pid)) < geventWorkers {
		select {
		case <-done:
			t.Fatalf("gunicorn exited:\n%s", testutil.FileText(errLog))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("gunicorn: workers did not start within %s:\n%s", e2eWait, testutil.FileText(errLog))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		resp, err := (&http.Client{Timeout: e2eWait, Transport: &http.Transport{DisableKeepAlives: true}}).Get(url + "/ready")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gunicorn does not answer on %s: %v\n%s", url, err, testutil.FileText(errLog))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return url, stop
}

// keepAliveLoad sends requests back to back on geventConns keep-alive
// connections for geventLoad, and returns how many were answered (the
// readiness probe included).
func keepAliveLoad(t *testing.T, url string) int {
	t.Helper()
	var mu sync.Mutex
	answered := 1 // the readiness probe
	var wg sync.WaitGroup
	end := time.Now().Add(geventLoad)
	for range geventConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One connection per client, kept alive between requests.
			client := &http.Client{Timeout: e2eWait, Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			for time.Now().Before(end) {
				resp, err := client.Get(url + "/")
				if err != nil {
					t.Errorf("GET /: %v", err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				answered++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return answered
}
