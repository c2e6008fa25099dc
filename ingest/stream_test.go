package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/skewer-dev/skewer/internal/testutil"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
)

// readMode is one way of reading the same log.
type readMode struct {
	name  string
	procs int  // GOMAXPROCS: 1 reads in one pass, more in blocks or chunks
	block int  // blockSize
	stdin bool // the log on standard input, not named
	gz    bool // the log gzipped
}

var readModes = []readMode{
	{name: "one pass", procs: 1, block: 2 << 20},
	{name: "blocks of 700 bytes", procs: 4, block: 700},
	{name: "blocks of 4 KiB", procs: 3, block: 4096},
	{name: "blocks of 2 MiB", procs: 2, block: 2 << 20},
	{name: "stdin in blocks", procs: 4, block: 1500, stdin: true},
	{name: "stdin in one pass", procs: 1, block: 1500, stdin: true},
	{name: "gzip in blocks", procs: 4, block: 3000, gz: true},
	{name: "gzip on stdin in blocks", procs: 2, block: 5000, stdin: true, gz: true},
}

// readAs reads path as mode says and returns the JSON report, with the
// input named path whatever it was read from, and the rejected lines shown,
// without their file names.
func readAs(t *testing.T, path string, mode readMode) (doc []byte, shown []string) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(mode.procs))
	defer func(b int) { blockSize = b }(blockSize)
	blockSize = mode.block
	name := path
	if mode.gz {
		name = gzipped(t, path)
	}
	paths := []string{name}
	var stdin *os.File
	if mode.stdin {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		paths, stdin = []string{"-"}, f
	}
	opt := Options{Windows: true, MaxRejectRatio: -1, Loc: time.UTC, Rejected: func(s string) {
		shown = append(shown, s[strings.LastIndex(s[:strings.Index(s, ": ")], ":")+1:])
	}}
	var run *Run
	var err error
	if stdin != nil {
		run, err = Read(context.Background(), paths, stdin, opt)
	} else {
		run, err = Read(context.Background(), paths, nil, opt)
	}
	if err != nil {
		t.Fatalf("%s: %v", mode.name, err)
	}
	for i := range run.Inputs {
		run.Inputs[i].Path = path
	}
	return reportJSON(t, run), shown
}

// reportJSON is the JSON report of run.
func reportJSON(t *testing.T, run *Run) []byte {
	t.Helper()
	rep, err := run.Report(0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep, render.Options{}); err != nil {
		t.Fatal(err)
	}
	// The pairs of consecutive requests are not in the document; explain
	// reads them per window.
	for _, w := range rep.Windows {
		pairs, same := rep.NextSame("", w.Start.Time())
		fmt.Fprintf(&buf, "next same %s: %d of %d\n", w.Start.Time().Format(time.RFC3339), same, pairs)
	}
	return buf.Bytes()
}

// gzipped writes a gzip copy of path beside it (in a temporary folder).
func gzipped(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path)+".gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameReports checks that every mode reads path into the report of one
// pass, byte for byte, and shows the same rejected lines.
func sameReports(t *testing.T, path string, modes []readMode) []byte {
	t.Helper()
	want, wantShown := readAs(t, path, modes[0])
	for _, m := range modes[1:] {
		got, shown := readAs(t, path, m)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the report differs from one pass:\n%s", m.name, firstDiff(got, want))
		}
		if !slices.Equal(shown, wantShown) {
			t.Errorf("%s: got rejected lines %q, want %q", m.name, shown, wantShown)
		}
	}
	return want
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// TestStreamCorpus: the corpus logs read in blocks, from standard input
// and gzipped give the report of one pass, peak concurrency included.
func TestStreamCorpus(t *testing.T) {
	corpus := testutil.Corpus(t)
	for _, log := range []string{
		"gunicorn-sync-17/access.log",
		"nginx-proxy/access-pid.log",
		"nginx-proxy/gunicorn-access.log",
	} {
		t.Run(log, func(t *testing.T) {
			sameReports(t, filepath.Join(corpus, log), readModes)
		})
	}
	t.Run("nginx-proxy/access.json.log.gz", func(t *testing.T) {
		var modes []readMode
		for _, m := range readModes {
			if !m.gz {
				modes = append(modes, m) // it is gzipped already
			}
		}
		sameReports(t, filepath.Join(corpus, "nginx-proxy/access.json.log.gz"), modes)
	})
}

// request is one generated request: its worker, end and duration (ms).
type request struct {
	pid     int
	endMS   int64
	durMS   int64
	bad     bool // a line that does not parse
	tooLong bool // a line longer than parse.MaxLine
}

// genRequests makes n requests of 7 workers that overlap in time, in order
// of their end, with bad lines at the given line numbers (from 1).
func genRequests(n int, seed uint64, bad ...int) []request {
	rng := rand.New(rand.NewPCG(seed, 1))
	end := int64(1795629056866)
	var out []request
	for i := 1; i <= n; i++ {
		end += rng.Int64N(40)
		out = append(out, request{pid: 2100 + rng.IntN(7), endMS: end, durMS: 1 + rng.Int64N(600)})
		if slices.Contains(bad, i) {
			out[i-1].bad = true
		}
	}
	return out
}

// nginxLog writes requests as nginx lines with $msec (sub-second) or
// without it (whole seconds).
func nginxLog(reqs []request, subSecond bool) string {
	var b strings.Builder
	for _, r := range reqs {
		switch {
		case r.bad:
			b.WriteString("this is not a log line\n")
			continue
		case r.tooLong:
			b.WriteString(strings.Repeat("x", 1<<20+10) + "\n")
			continue
		}
		ts := time.UnixMilli(r.endMS).UTC().Format("02/Jan/2006:15:04:05 -0700")
		fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET /x HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" pid=%d rt=%d.%03d urt=0.001 uaddr=127.0.0.1:18100", ts, r.pid, r.durMS/1000, r.durMS%1000)
		if subSecond {
			fmt.Fprintf(&b, " msec=%d.%03d", r.endMS/1000, r.endMS%1000)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// peaksByHand is each worker's peak concurrency: the most requests
// [start, end) in flight at the start of one of them, counted pair by pair.
func peaksByHand(reqs []request) map[int]int {
	peaks := map[int]int{}
	for _, a := range reqs {
		if a.bad || a.tooLong {
			continue
		}
		at, n := a.endMS-a.durMS, 0
		for _, b := range reqs {
			if !b.bad && !b.tooLong && b.pid == a.pid && b.endMS-b.durMS <= at && at < b.endMS {
				n++
			}
		}
		peaks[a.pid] = max(peaks[a.pid], n)
	}
	return peaks
}

// TestStreamGenerated: a generated sub-second log read every way gives one
// report, whose peak concurrency is the one counted by hand, and rejected
// lines are numbered in the file across blocks.
func TestStreamGenerated(t *testing.T) {
	bad := []int{1, 9, 10, 11, 57, 300}
	reqs := genRequests(2000, 7, bad...)
	path := write(t, filepath.Join(t.TempDir(), "sub.log"), nginxLog(reqs, true))
	doc := sameReports(t, path, readModes)

	_, shown := readAs(t, path, readModes[1])
	var want []string
	for _, n := range bad[:maxShownRejections] {
		want = append(want, fmt.Sprintf("%d: %s", n, parse.ReasonNoMatch))
	}
	if !slices.Equal(shown, want) {
		t.Errorf("got rejected lines %q, want %q", shown, want)
	}

	got := peaksOf(t, doc)
	wantPeaks := peaksByHand(reqs)
	if len(got) != len(wantPeaks) {
		t.Fatalf("got peaks of %d workers, want %d", len(got), len(wantPeaks))
	}
	most := 0
	for pid, p := range wantPeaks {
		most = max(most, p)
		if got[strconv.Itoa(pid)] != p {
			t.Errorf("worker %d: got peak concurrency %d, want %d", pid, got[strconv.Itoa(pid)], p)
		}
	}
	if most < 3 {
		t.Fatalf("the generated log peaks at %d requests in flight: too few to test", most)
	}
}

// TestStreamWholeSecondsAndLongLines: whole-second stamps, and a line
// longer than a reader's buffer, which is one rejected line however the
// log is cut.
func TestStreamWholeSecondsAndLongLines(t *testing.T) {
	reqs := genRequests(600, 11, 5)
	reqs[200].tooLong = true
	reqs[201].tooLong = true
	for _, sub := range []bool{false, true} {
		t.Run(fmt.Sprintf("sub-second %v", sub), func(t *testing.T) {
			path := write(t, filepath.Join(t.TempDir(), "log"), nginxLog(reqs, sub))
			sameReports(t, path, readModes)
			_, shown := readAs(t, path, readModes[2])
			want := []string{"5: " + string(parse.ReasonNoMatch), "201: " + string(parse.ReasonTooLong), "202: " + string(parse.ReasonTooLong)}
			if !slices.Equal(shown, want) {
				t.Errorf("got rejected lines %q, want %q", shown, want)
			}
		})
	}
}

// TestStreamChunked: a log large enough to be cut into chunks reads as in
// one pass, with whole seconds (chunks) and sub-second stamps (blocks).
func TestStreamChunked(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2 logs of over 32 MiB")
	}
	reqs := genRequests(280_000, 3, 77, 150_000)
	for _, sub := range []bool{false, true} {
		t.Run(fmt.Sprintf("sub-second %v", sub), func(t *testing.T) {
			path := write(t, filepath.Join(t.TempDir(), "big.log"), nginxLog(reqs, sub))
			if info, err := os.Stat(path); err != nil || info.Size() < 33<<20 {
				t.Fatalf("the log is too small to be cut: %v %v", info.Size(), err)
			}
			sameReports(t, path, []readMode{readModes[0], {name: "2 cores", procs: 2, block: 2 << 20}, {name: "stdin", procs: 2, block: 1 << 20, stdin: true}})
		})
	}
}

// peaksOf reads each worker's peak concurrency from a JSON report.
func peaksOf(t *testing.T, doc []byte) map[string]int {
	t.Helper()
	var rep struct {
		Workers []struct {
			Key  string `json:"key"`
			Peak *int   `json:"peak_concurrency"`
		} `json:"workers"`
	}
	if err := json.NewDecoder(bytes.NewReader(doc)).Decode(&rep); err != nil { // the document, not the lines after it
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, w := range rep.Workers {
		if w.Peak != nil {
			out[w.Key] = *w.Peak
		}
	}
	return out
}

// TestStreamSideBySide: a log and a gzipped log read side by side, each in
// blocks, give the report of one pass over each.
func TestStreamSideBySide(t *testing.T) {
	dir := t.TempDir()
	a := genRequests(1500, 5, 3, 700)
	b := genRequests(1500, 6, 1200)
	for i := range b {
		b[i].endMS += 86_400_000 // the next day: not the same traffic
	}
	pa := write(t, filepath.Join(dir, "a.log"), nginxLog(a, true))
	pb := gzipped(t, write(t, filepath.Join(dir, "b.log"), nginxLog(b, true)))
	report := func(procs, block int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		defer func(b int) { blockSize = b }(blockSize)
		blockSize = block
		run, err := Read(context.Background(), []string{pa, pb}, nil, Options{Windows: true, MaxRejectRatio: -1, Loc: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		return reportJSON(t, run)
	}
	want := report(1, 2<<20)
	for _, procs := range []int{2, 3, 8} {
		if got := report(procs, 2000); !bytes.Equal(got, want) {
			t.Errorf("%d cores: the report differs from one pass:\n%s", procs, firstDiff(got, want))
		}
	}
}

// BenchmarkReadStream reads a sub-second log (peak concurrency tracked) from
// standard input in one pass and in blocks on every core.
func BenchmarkReadStream(b *testing.B) {
	const lines = 200_000
	data := []byte(nginxLog(genRequests(lines, 1), true))
	for _, procs := range slices.Compact([]int{1, runtime.NumCPU()}) {
		b.Run(fmt.Sprintf("cores=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				opt := Options{Windows: true, MaxRejectRatio: -1, Loc: time.UTC}
				if _, err := Read(context.Background(), []string{"-"}, bytes.NewReader(data), opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
