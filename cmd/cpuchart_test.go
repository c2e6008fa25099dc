package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// sampleDir is a real recording: gunicorn (gthread, 4 workers) under three
// keep-alive clients, sampled by `skewer sample` every 500 ms. See
// testdata/logs/sample/README.md.
var sampleDir = filepath.Join("..", "testdata", "logs", "sample")

// sampleWidth is the window the tests chart the recording at.
const sampleWidth = 5 * time.Second

// sampleArgs are the timeline arguments over the recording.
func sampleArgs(extra ...string) []string {
	args := []string{"timeline", "--metric", "cpu", "--window", "5s",
		"--ps", filepath.Join(sampleDir, "ps.log"),
		filepath.Join(sampleDir, "access.log"), filepath.Join(sampleDir, "error.log")}
	return append(args, extra...)
}

// sampleCPU is this test's own reading of ps.log: the snapshots' cumulative
// cpu_ms (fourth column) per worker (a row whose parent is the master, the
// row whose own parent is not in the file), each delta between two
// snapshots spread over the windows it overlaps in proportion to the
// overlap. It returns CPU seconds by window start (unix seconds) and PID.
func sampleCPU(t *testing.T) map[int64]map[string]float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sampleDir, "ps.log"))
	if err != nil {
		t.Fatal(err)
	}
	type snap struct {
		at   time.Time
		cpu  map[string]int64
		ppid map[string]string
	}
	var snaps []snap
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if stamp, ok := strings.CutPrefix(line, "# skewer-sample v1 "); ok {
			at, err := time.Parse(time.RFC3339Nano, stamp)
			if err != nil {
				t.Fatal(err)
			}
			snaps = append(snaps, snap{at: at, cpu: map[string]int64{}, ppid: map[string]string{}})
			continue
		}
		f := strings.Fields(line)
		ms, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			t.Fatalf("ps.log: cpu_ms %q: %v", f[3], err)
		}
		s := &snaps[len(snaps)-1]
		s.cpu[f[0]], s.ppid[f[0]] = ms, f[1]
	}
	worker := func(s snap, pid string) bool {
		_, parentListed := s.ppid[s.ppid[pid]]
		_, ownParentListed := s.ppid[pid]
		return ownParentListed && parentListed
	}
	width := sampleWidth.Microseconds()
	out := map[int64]map[string]float64{}
	for i := 1; i < len(snaps); i++ {
		a, b := snaps[i-1], snaps[i]
		from, to := a.at.UnixMicro(), b.at.UnixMicro()
		for pid, c1 := range b.cpu {
			c0, ok := a.cpu[pid]
			if !ok || !worker(b, pid) {
				continue
			}
			secs := float64(c1-c0) / 1e3
			for w := from / width * width; w < to; w += width {
				overlap := min(to, w+width) - max(from, w)
				if overlap <= 0 {
					continue
				}
				if out[w/1e6] == nil {
					out[w/1e6] = map[string]float64{}
				}
				out[w/1e6][pid] += secs * float64(overlap) / float64(to-from)
			}
		}
	}
	return out
}

// pairGini is Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean), straight from the definition.
func pairGini(xs []float64) float64 {
	var sum, diff float64
	for _, x := range xs {
		sum += x
		for _, y := range xs {
			diff += math.Abs(x - y)
		}
	}
	n := float64(len(xs))
	return diff / (2 * n * n * (sum / n))
}

// TestTimelineCPUSkewFromSample checks windows[].cpu_skew on the recording
// against this test's own CPU per window: every worker was alive in every
// window (booted 06:08:28, exited 06:08:59), so each window's skew is over
// the 4 workers; null where the busiest used under 10 × 0.01 s.
func TestTimelineCPUSkewFromSample(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cmd.Run(context.Background(), sampleArgs("-o", "json"), cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != cmd.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep struct {
		Windows []struct {
			Start   time.Time `json:"start"`
			CPUSkew *struct {
				Gini     float64            `json:"gini"`
				TopShare map[string]float64 `json:"top_share"`
			} `json:"cpu_skew"`
			Skew struct {
				Workers int `json:"workers"`
			} `json:"skew"`
		} `json:"windows"`
		Dominance struct {
			Changes []struct {
				At        time.Time `json:"at"`
				From      string    `json:"from"`
				To        string    `json:"to"`
				Kind      string    `json:"kind"`
				FromShare float64   `json:"from_share"`
				ToShare   float64   `json:"to_share"`
			} `json:"changes"`
		} `json:"dominance"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	cpu := sampleCPU(t)
	if len(rep.Windows) != 6 {
		t.Fatalf("got %d windows, want 6 (06:08:30 to 06:09:00)", len(rep.Windows))
	}
	for _, w := range rep.Windows {
		per := cpu[w.Start.Unix()]
		var xs []float64
		var busiest, total float64
		for _, pid := range []string{"5080", "5081", "5082", "5084"} {
			xs = append(xs, per[pid])
			busiest, total = max(busiest, per[pid]), total+per[pid]
		}
		if w.Skew.Workers != 4 {
			t.Errorf("%s: got skew over %d workers, want 4", w.Start, w.Skew.Workers)
		}
		if busiest < 0.1 {
			if w.CPUSkew != nil {
				t.Errorf("%s: got cpu_skew gini %v, want null (busiest %.3f s < 0.1 s)", w.Start, w.CPUSkew.Gini, busiest)
			}
			continue
		}
		if w.CPUSkew == nil {
			t.Errorf("%s: got cpu_skew null, want gini %.4f", w.Start, pairGini(xs))
			continue
		}
		if got, want := w.CPUSkew.Gini, pairGini(xs); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: got cpu_skew gini %v, want %v (CPU %v)", w.Start, got, want, xs)
		}
		if got, want := w.CPUSkew.TopShare["1"], busiest/total; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: got cpu_skew top 1 %v, want %v", w.Start, got, want)
		}
	}
	// The lead by CPU, from this test's CPU per window (seconds; 5081
	// used none):
	//   06:08:30  5084 1.234, 5082 0.258, 5080 0.029  5084 (4.8× the next)
	//   06:08:35  5084 2.106, 5082 0.350, 5080 0.031  5084
	//   06:08:40  5084 3.500, 5082 0.520, 5080 0.421  5084
	//   06:08:45  5080 4.276, 5082 0.521, 5084 0      5080 (the heavy client reconnected)
	//   06:08:50  5080 4.410, 5082 0.539              5080
	//   06:08:55  5080 1.323, 5082 0.133              5080 (1.323 ≥ 0.1: counted)
	// 5080 holds 3 windows from 06:08:45: one change, 5084 → 5080. 5084
	// exited at 06:08:59, 14 s after it, more than a window: a takeover.
	// Before: 5084's share of 06:08:40; after: 5080's of 06:08:45. By
	// requests nobody leads (the light clients' requests even it out).
	share := func(at int64, pid string) float64 {
		var total float64
		for _, c := range cpu[at] {
			total += c
		}
		return cpu[at][pid] / total
	}
	at := time.Date(2026, 12, 2, 6, 8, 45, 0, time.UTC)
	want := []string{at.Format(time.RFC3339) + " 5084 → 5080 takeover " +
		strconv.FormatFloat(share(at.Unix()-5, "5084"), 'f', 4, 64) + " " + strconv.FormatFloat(share(at.Unix(), "5080"), 'f', 4, 64)}
	var got []string
	for _, c := range rep.Dominance.Changes {
		got = append(got, c.At.Format(time.RFC3339)+" "+c.From+" → "+c.To+" "+c.Kind+" "+
			strconv.FormatFloat(c.FromShare, 'f', 4, 64)+" "+strconv.FormatFloat(c.ToShare, 'f', 4, 64))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTimelineCPUChartGolden pins the text of timeline --metric cpu on the
// recording: the skew panel charts CPU seconds.
func TestTimelineCPUChartGolden(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cmd.Run(context.Background(), sampleArgs("--width", "80"), cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != cmd.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	testutil.Golden(t, "timeline_cpu_sample.txt", out.Bytes())
}
