package cmd_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// connsJSON is the connections block of a report.
type connsJSON struct {
	Source            string           `json:"source"`
	Seen              int              `json:"seen"`
	Reused            int              `json:"reused"`
	Moved             int              `json:"moved"`
	Requests          int              `json:"requests"`
	UntrackedRequests int              `json:"untracked_requests"`
	Median            float64          `json:"requests_per_connection_median"`
	Max               int              `json:"requests_per_connection_max"`
	IDRestarts        int              `json:"id_restarts"`
	SplitGapSeconds   float64          `json:"split_gap_seconds"`
	ByWorker          map[string]int   `json:"by_worker"`
	MovedExamples     []map[string]any `json:"moved_examples"`
}

// checkConns compares skewer's connections with the test's own count.
func checkConns(t *testing.T, got *connsJSON, want testutil.ConnCount) {
	t.Helper()
	if got == nil {
		t.Fatal("connections: got none, want a block")
	}
	if got.Seen != want.Seen || got.Reused != want.Reused || got.Moved != want.Moved || got.Requests != want.Requests {
		t.Errorf("connections seen/reused/moved/requests: got %d/%d/%d/%d, want %d/%d/%d/%d",
			got.Seen, got.Reused, got.Moved, got.Requests, want.Seen, want.Reused, want.Moved, want.Requests)
	}
	if got.Median != want.Median {
		t.Errorf("requests_per_connection_median: got %v, want %v", got.Median, want.Median)
	}
	if len(got.ByWorker) != len(want.ByWorker) {
		t.Errorf("by_worker: got %v, want %v", got.ByWorker, want.ByWorker)
	}
	for w, n := range want.ByWorker {
		if got.ByWorker[w] != n {
			t.Errorf("by_worker[%s]: got %d, want %d", w, got.ByWorker[w], n)
		}
	}
}

// TestConnectionsNginxJSON counts the connections of the corpus's nginx
// JSON log by its own reading of "connection" and "pid": each connection
// is served by the one nginx worker that accepted it.
func TestConnectionsNginxJSON(t *testing.T) {
	path := filepath.Join(testutil.Corpus(t), "nginx-proxy", "access.json.log.gz")
	want := testutil.CountConnections(nginxJSONConns(t, path), 75)
	if want.Moved != 0 {
		t.Fatalf("the test's own count: %d connections moved between nginx workers, want 0", want.Moved)
	}
	var rep struct {
		Connections *connsJSON `json:"connections"`
	}
	runJSON(t, 0, &rep, "report", "-o", "json", "--family", "nginx", path)
	checkConns(t, rep.Connections, want)
	if c := rep.Connections; c.Source != "connection" || c.IDRestarts != 0 || c.SplitGapSeconds != 75 {
		t.Errorf("source, id_restarts, split_gap_seconds: got %q, %d, %v, want connection, 0, 75", c.Source, c.IDRestarts, c.SplitGapSeconds)
	}
}

// nginxJSONConns reads each request's connection, pid and end time from an
// nginx JSON log by itself.
func nginxJSONConns(t *testing.T, path string) []testutil.ConnRequest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []testutil.ConnRequest
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			PID        int     `json:"pid"`
			Msec       float64 `json:"msec"`
			Connection int64   `json:"connection"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, testutil.ConnRequest{ID: strconv.FormatInt(line.Connection, 10), Worker: strconv.Itoa(line.PID), End: line.Msec})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return reqs
}
