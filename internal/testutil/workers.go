package testutil

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ServerWait bounds every wait of the real-server tests; the machine may be
// loaded, so it is generous.
const ServerWait = 90 * time.Second

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago. A
// server may still lose it to another program before binding it, so callers
// retry on "address in use".
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// NewClient is the HTTP client of the real-server tests. It keeps no
// connection alive: each request is a new connection, for whichever worker
// wins the accept.
func NewClient() *http.Client {
	return &http.Client{Timeout: ServerWait, Transport: &http.Transport{DisableKeepAlives: true}}
}

// GetWorkerPID requests url from the test apps under testdata/apps, which
// answer with their worker's PID in the X-Worker-PID header and as the body,
// and returns that PID, checking that the two agree. label names the request
// in errors.
func GetWorkerPID(client *http.Client, url, label string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("GET %s: reading the body: %w", label, err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: got status %d, want 200: %q", label, resp.StatusCode, body)
	}
	h := resp.Header.Get("X-Worker-PID")
	pid, err := strconv.Atoi(h)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("GET %s: got X-Worker-PID %q, want a PID", label, h)
	}
	if string(body) != h+"\n" {
		return 0, fmt.Errorf("GET %s: got body %q, want the X-Worker-PID %s", label, body, h)
	}
	return pid, nil
}

// Tally counts the responses a test received, per worker PID as the
// X-Worker-PID header names it: the independent count a report is checked
// against. Work counts the requests that burned CPU.
type Tally struct {
	mu         sync.Mutex
	Total      int
	Work       int
	PerPID     map[int]int
	WorkPerPID map[int]int
}

// NewTally returns an empty Tally.
func NewTally() *Tally {
	return &Tally{PerPID: map[int]int{}, WorkPerPID: map[int]int{}}
}

// Add counts one response from pid; work says it was a CPU-burning request.
// It is safe for concurrent use by the test's clients.
func (c *Tally) Add(pid int, work bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Total++
	c.PerPID[pid]++
	if work {
		c.Work++
		c.WorkPerPID[pid]++
	}
}
