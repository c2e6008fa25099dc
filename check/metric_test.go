package check

import (
	"bytes"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

func fp(x float64) *float64 { return &x }

// near reports whether got is within 1e-12 of want, relatively.
func near(got, want float64) bool {
	return got == want || math.Abs(got-want) <= 1e-12*math.Max(math.Abs(got), math.Abs(want))
}

// handReport is a run of 4 workers and 1 idle slot:
//
//	worker  requests  cpu_seconds
//	101     6         2
//	102     3         1
//	103     1         (unknown)
//	104     0         1
//	(slot)  0         -
//
// with 20 access lines of which 5 were rejected.
func handReport() *aggregate.Report {
	rep := &aggregate.Report{
		Schema: aggregate.Schema,
		Lines:  aggregate.Lines{Total: 20, Parsed: 15, Rejected: 5},
		Workers: []aggregate.Worker{
			{Key: "101", Requests: 6, CPUSeconds: fp(2)},
			{Key: "102", Requests: 3, CPUSeconds: fp(1)},
			{Key: "103", Requests: 1},
			{Key: "104", Requests: 0, CPUSeconds: fp(1)},
		},
		IdleSlots: 1,
	}
	rep.Skew = aggregate.ComputeSkew([]float64{6, 3, 1, 0, 0})
	cpu := aggregate.ComputeSkew([]float64{2, 1, 1})
	rep.CPUSkew = &cpu
	return rep
}

func TestValue(t *testing.T) {
	rep := handReport()
	// Requests over the population 6 3 1 0 0 (n = 5, total 10, mean 2):
	//   gini  = Σ(2i−n−1)x₍ᵢ₎/(n Σx) over 0 0 1 3 6 = (0+0+0+2·3+4·6)/50 = 0.6
	//   top1  = 6/10, top2 = 9/10, top3 = top5 = top10 = 1
	//   max_mean = 6/2 = 3
	//   cv    = √((16+1+1+4+4)/5)/2 = √5.2/2
	//   jain  = 10²/(5·(36+9+1)) = 100/230, effective_workers = 100/46
	// CPU seconds of the workers whose CPU is known, 2 1 1 (n = 3, total 4):
	//   gini  = (−2·1 + 0·1 + 2·2)/(3·4) = 1/6
	//   top1  = 0.5, top2 = 0.75, top3 = top4 = 1
	//   max_mean = 2/(4/3) = 1.5
	//   cv    = √((4/9+1/9+1/9)/3)/(4/3) = √(2/9)·3/4 = √2/4
	//   jain  = 16/(3·6) = 8/9, effective_workers = 16/6 = 8/3
	tests := []struct {
		name string
		want float64
	}{
		{"workers", 5},
		{"active_workers", 3},
		{"gini", 0.6},
		{"top1_share", 0.6},
		{"top2_share", 0.9},
		{"top3_share", 1},
		{"top5_share", 1},
		{"top10_share", 1},
		{"max_mean", 3},
		{"cv", math.Sqrt(5.2) / 2},
		{"jain", 100.0 / 230},
		{"effective_workers", 100.0 / 46},
		{"idle_workers", 2},
		{"rejected_ratio", 0.25},
		{"requests", 10},
		{"cpu_workers", 3},
		{"cpu_active_workers", 3},
		{"cpu_gini", 1.0 / 6},
		{"cpu_top1_share", 0.5},
		{"cpu_top2_share", 0.75},
		{"cpu_top3_share", 1},
		{"cpu_top4_share", 1},
		{"cpu_max_mean", 1.5},
		{"cpu_cv", math.Sqrt2 / 4},
		{"cpu_jain", 8.0 / 9},
		{"cpu_effective_workers", 8.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Value(rep, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !near(*got, tt.want) {
				t.Errorf("got %v, want %v", show(got), tt.want)
			}
		})
	}
}

// show prints a value that may be null.
func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}

func TestValueNull(t *testing.T) {
	// Two workers that served nothing, and no lines at all: gini and the
	// top shares are 0, the ratios over the mean are null.
	rep := &aggregate.Report{
		Workers: []aggregate.Worker{{Key: "1"}, {Key: "2"}},
		Skew:    aggregate.ComputeSkew([]float64{0, 0}),
	}
	tests := []struct {
		name string
		want *float64
	}{
		{"max_mean", nil},
		{"cv", nil},
		{"jain", nil},
		{"effective_workers", nil},
		{"rejected_ratio", nil},
		{"gini", fp(0)},
		{"top1_share", fp(0)},
		{"top2_share", fp(0)},
		{"workers", fp(2)},
		{"active_workers", fp(0)},
		{"idle_workers", fp(2)},
		{"requests", fp(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Value(rep, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("got %s, want %s", show(got), show(tt.want))
			}
		})
	}
}

func TestValueErrors(t *testing.T) {
	rep := handReport()
	rep.CPUSkew = nil // no snapshots
	tests := []struct {
		name string
		want string
	}{
		{"cpu_gini", `metric "cpu_gini" needs process snapshots`},
		{"cpu_top2_share", `metric "cpu_top2_share" needs process snapshots`},
		{"cpu_workers", `metric "cpu_workers" needs process snapshots`},
		{"gnii", `unknown metric "gnii"`},
		{"top0_share", `unknown metric "top0_share"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Value(rep, tt.name)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %s, error %v, want error %s", show(v), err, tt.want)
			}
			v, err = WindowValue(rep, aggregate.Window{}, tt.name)
			if err == nil || err.Error() != tt.want {
				t.Errorf("window: got %s, error %v, want error %s", show(v), err, tt.want)
			}
		})
	}
}

// handWindow has 3 workers alive: 101 served 4, 102 nothing, 103 one; 101
// and 102 used 1.5 and 0.5 CPU seconds.
func handWindow() aggregate.Window {
	return aggregate.Window{
		Start:      stamp("2026-11-25T17:00:00Z"),
		End:        stamp("2026-11-25T17:01:00Z"),
		Requests:   map[string]int64{"101": 4, "102": 0, "103": 1},
		CPUSeconds: map[string]float64{"101": 1.5, "102": 0.5},
		Skew:       aggregate.ComputeSkew([]float64{4, 0, 1}),
	}
}

func TestWindowValue(t *testing.T) {
	rep := handReport()
	w := handWindow()
	// Requests 4 0 1 (n = 3, total 5): gini over 0 1 4 = (0+0+2·4)/(3·5) =
	// 8/15; top1 = 0.8, top2 = top4 = 1; max_mean = 4/(5/3) = 2.4.
	// CPU 1.5 0.5 (n = 2, total 2): gini = (−0.5+1.5)/(2·2) = 0.25; top1 =
	// 0.75; max_mean = 1.5/1 = 1.5; jain = 4/(2·2.5) = 0.8.
	tests := []struct {
		name string
		want *float64
	}{
		{"workers", fp(3)},
		{"active_workers", fp(2)},
		{"gini", fp(8.0 / 15)},
		{"top1_share", fp(0.8)},
		{"top2_share", fp(1)},
		{"top4_share", fp(1)},
		{"max_mean", fp(2.4)},
		{"idle_workers", fp(1)},
		{"requests", fp(5)},
		{"cpu_workers", fp(2)},
		{"cpu_gini", fp(0.25)},
		{"cpu_top1_share", fp(0.75)},
		{"cpu_top2_share", fp(1)},
		{"cpu_max_mean", fp(1.5)},
		{"cpu_jain", fp(0.8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WindowValue(rep, w, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !near(*got, *tt.want) {
				t.Errorf("got %s, want %s", show(got), show(tt.want))
			}
		})
	}
	t.Run("rejected_ratio", func(t *testing.T) {
		const want = `metric "rejected_ratio" is not available per window: rejected lines are counted over the whole run`
		if _, err := WindowValue(rep, w, "rejected_ratio"); err == nil || err.Error() != want {
			t.Errorf("got error %v, want %s", err, want)
		}
	})
	t.Run("window without cpu", func(t *testing.T) {
		// The run had snapshots, this window no CPU: 0 workers, null ratios.
		w := handWindow()
		w.CPUSeconds = map[string]float64{}
		n, err := WindowValue(rep, w, "cpu_workers")
		if err != nil || n == nil || *n != 0 {
			t.Errorf("cpu_workers: got %s, %v, want 0", show(n), err)
		}
		mm, err := WindowValue(rep, w, "cpu_max_mean")
		if err != nil || mm != nil {
			t.Errorf("cpu_max_mean: got %s, %v, want null", show(mm), err)
		}
	})
}

// demoLog is the real gunicorn log cut of the repository (28 PIDs over 35 s).
var demoLog = filepath.Join("..", "testdata", "logs", "demo", "gunicorn-sync-17", "access.log")

// demoReport accounts the demo log as skewer report does, in 10 s windows.
func demoReport(t *testing.T) *aggregate.Report {
	t.Helper()
	data, err := os.ReadFile(demoLog)
	if err != nil {
		t.Fatal(err)
	}
	d := parse.Detect(data, true)
	if d.Format == nil {
		t.Fatalf("%s: detected %s (%s), want an access log", demoLog, d.Kind, d.Why)
	}
	p := aggregate.NewPartial(nil)
	p.SetWindows(10 * time.Second)
	r := parse.NewReader(bytes.NewReader(data), d.Format)
	for r.Scan() {
		if reason := r.Reason(); reason != parse.ReasonNone {
			p.Reject(reason)
			continue
		}
		p.Add(r.Record())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return aggregate.Finish(p, nil, aggregate.Options{Family: "gunicorn"})
}

// demoCounts counts the demo log's requests per PID, over the whole log and
// per 10 s window (keyed by the window's start), with string operations
// only: the PID between "pid=<" and ">", the time between "[" and " +0000]".
func demoCounts(t *testing.T) (all map[string]int64, windows map[string]map[string]int64) {
	t.Helper()
	data, err := os.ReadFile(demoLog)
	if err != nil {
		t.Fatal(err)
	}
	all, windows = map[string]int64{}, map[string]map[string]int64{}
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		_, rest, ok := strings.Cut(l, "pid=<")
		pid, _, ok2 := strings.Cut(rest, ">")
		_, stamp, ok3 := strings.Cut(l, "[")
		stamp, _, ok4 := strings.Cut(stamp, " +0000]")
		if !ok || !ok2 || !ok3 || !ok4 {
			t.Fatalf("line %q: no pid or time", l)
		}
		all[pid]++
		// 25/Nov/2026:17:32:57 → window 2026-11-25T17:32:50Z
		hms := stamp[len("25/Nov/2026:"):]
		start := "2026-11-25T" + hms[:len("17:32:5")] + "0Z"
		if windows[start] == nil {
			windows[start] = map[string]int64{}
		}
		windows[start][pid]++
	}
	return all, windows
}

// sortedDesc is the counts, largest first.
func sortedDesc(m map[string]int64) []float64 {
	var xs []float64
	for _, n := range m {
		xs = append(xs, float64(n))
	}
	slices.Sort(xs)
	slices.Reverse(xs)
	return xs
}

// topShare is the share of the k largest of xs (sorted descending).
func topShare(xs []float64, k int) float64 {
	var top, total float64
	for i, x := range xs {
		if i < k {
			top += x
		}
		total += x
	}
	return top / total
}

// pairwiseGini is the defining double sum Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean),
// a second method beside the sorted formula of aggregate.
func pairwiseGini(xs []float64) float64 {
	var num, total float64
	for _, a := range xs {
		total += a
		for _, b := range xs {
			num += math.Abs(a - b)
		}
	}
	n := float64(len(xs))
	return num / (2 * n * n * (total / n))
}

func TestValueDemoLog(t *testing.T) {
	all, _ := demoCounts(t)
	xs := sortedDesc(all)
	var total float64
	for _, x := range xs {
		total += x
	}
	want := map[string]float64{
		"workers":        float64(len(all)),
		"active_workers": float64(len(all)),
		"idle_workers":   0,
		"requests":       total,
		"rejected_ratio": 0,
		"gini":           pairwiseGini(xs),
		"top1_share":     topShare(xs, 1),
		"top2_share":     topShare(xs, 2),
		"top5_share":     topShare(xs, 5),
		"top10_share":    topShare(xs, 10),
		"top100_share":   1,
		"max_mean":       xs[0] / (total / float64(len(xs))),
	}
	// The README of the demo logs: 28 PIDs, Gini 0.34.
	if len(all) != 28 || math.Abs(want["gini"]-0.34) > 0.005 {
		t.Fatalf("hand count: got %d PIDs, gini %v; want 28 PIDs, gini 0.34", len(all), want["gini"])
	}
	baseline, err := ReadBaseline(openTestdata(t, "baseline-sync17.json"), "baseline-sync17.json")
	if err != nil {
		t.Fatal(err)
	}
	reports := []struct {
		name string
		rep  *aggregate.Report
	}{
		{"accounted", demoReport(t)},
		// skewer report -o json of the same log.
		{"baseline document", baseline},
	}
	for _, r := range reports {
		for _, name := range slices.Sorted(maps.Keys(want)) {
			t.Run(r.name+"/"+name, func(t *testing.T) {
				got, err := Value(r.rep, name)
				if err != nil {
					t.Fatal(err)
				}
				if got == nil || math.Abs(*got-want[name]) > 1e-9*math.Max(1, want[name]) {
					t.Errorf("got %s, want %v", show(got), want[name])
				}
			})
		}
		t.Run(r.name+"/cpu_gini", func(t *testing.T) {
			const msg = `metric "cpu_gini" needs process snapshots`
			if _, err := Value(r.rep, "cpu_gini"); err == nil || err.Error() != msg {
				t.Errorf("got error %v, want %s", err, msg)
			}
		})
	}
}

func TestWindowValueDemoLog(t *testing.T) {
	rep := demoReport(t)
	_, windows := demoCounts(t)
	// 17:32:50 to 17:33:24 in 10 s windows: 50, 00, 10, 20.
	if len(rep.Windows) != 4 || len(windows) != 4 {
		t.Fatalf("got %d windows, %d counted by hand, want 4", len(rep.Windows), len(windows))
	}
	for _, w := range rep.Windows {
		counts := windows[w.Start.String()]
		if counts == nil {
			t.Fatalf("window %s: not in the hand count", w.Start)
		}
		xs := sortedDesc(counts)
		var total float64
		for _, x := range xs {
			total += x
		}
		// Workers alive but idle in a window count in its skew and not in
		// the hand count; top shares and totals do not depend on them.
		want := map[string]float64{
			"requests":       total,
			"top1_share":     topShare(xs, 1),
			"top2_share":     topShare(xs, 2),
			"top3_share":     topShare(xs, 3),
			"top50_share":    1,
			"active_workers": float64(len(counts)),
		}
		for _, name := range slices.Sorted(maps.Keys(want)) {
			t.Run(w.Start.String()+"/"+name, func(t *testing.T) {
				got, err := WindowValue(rep, w, name)
				if err != nil {
					t.Fatal(err)
				}
				if got == nil || math.Abs(*got-want[name]) > 1e-9*math.Max(1, want[name]) {
					t.Errorf("got %s, want %v", show(got), want[name])
				}
			})
		}
	}
}
