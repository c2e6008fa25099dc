package check

import (
	"errors"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/skewer-dev/skewer/aggregate"
)

// mustParse parses conditions given with -t.
func mustParse(t *testing.T, conds ...string) []Threshold {
	t.Helper()
	var ts []Threshold
	for _, c := range conds {
		th, err := Parse(c, "-t")
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, th)
	}
	return ts
}

// baseReport is a baseline run of 4 workers serving 5 3 2 0 (n = 4, total
// 10), without snapshots:
//
//	gini = (−3·0 − 1·2 + 1·3 + 3·5)/(4·10) = 16/40 = 0.4
//	top1_share = 0.5, active_workers = 3
//	effective_workers = 10²/(25+9+4) = 100/38
func baseReport() *aggregate.Report {
	return &aggregate.Report{
		Schema: aggregate.Schema,
		Lines:  aggregate.Lines{Total: 10, Parsed: 10},
		Workers: []aggregate.Worker{
			{Key: "201", Requests: 5}, {Key: "202", Requests: 3},
			{Key: "203", Requests: 2}, {Key: "204", Requests: 0},
		},
		Skew: aggregate.ComputeSkew([]float64{5, 3, 2, 0}),
	}
}

func TestEvaluateOperators(t *testing.T) {
	rep := handReport() // gini 0.6, workers 5 (see handReport)
	tests := []struct {
		cond string
		pass bool
	}{
		{"gini<0.7", true},
		{"gini<0.6", false},
		{"gini<0.5", false},
		{"gini<=0.7", true},
		{"gini<=0.6", true},
		{"gini<=0.5", false},
		{"gini>0.5", true},
		{"gini>0.6", false},
		{"gini>0.7", false},
		{"gini>=0.5", true},
		{"gini>=0.6", true},
		{"gini>=0.7", false},
		{"gini==0.6", true},
		{"gini==0.5", false},
		{"gini!=0.5", true},
		{"gini!=0.6", false},
		{"workers==5", true},
		{"workers>=6", false},
		{"idle_workers==2", true},
		{"requests>=1e1", true},
		{"top2_share<=.9", true},
		{"top10_share<1", false},
		{"cpu_top2_share==0.75", true},
		{"gini>-1", true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			res, err := Evaluate(rep, nil, mustParse(t, tt.cond), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Verdicts) != 1 {
				t.Fatalf("got %d verdicts, want 1", len(res.Verdicts))
			}
			v := res.Verdicts[0]
			if v.Pass != tt.pass || res.Pass != tt.pass {
				t.Errorf("got pass %v (result %v), want %v; observed %s, limit %v", v.Pass, res.Pass, tt.pass, show(v.Observed), v.Limit)
			}
			if v.Baseline != nil || v.Delta != nil || v.Reason != "" {
				t.Errorf("got baseline %s, delta %s, reason %q; want none without a baseline", show(v.Baseline), show(v.Delta), v.Reason)
			}
		})
	}
}

func TestEvaluateBaseline(t *testing.T) {
	rep, base := handReport(), baseReport()
	// Observed (handReport): gini 0.6, top1_share 0.6, active_workers 3,
	// effective_workers 100/46 ≈ 2.174, cpu_gini 1/6.
	// Baseline (baseReport): gini 0.4, top1_share 0.5, active_workers 3,
	// effective_workers 100/38 ≈ 2.632, no cpu_skew.
	tests := []struct {
		cond      string
		limit     float64
		baseline  *float64
		delta     *float64
		pass      bool
		observed  float64
		tolerance bool // the limit is off by a rounding of the float sum
	}{
		{cond: "gini<=baseline", limit: 0.4, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: false},
		{cond: "gini<=baseline+0.25", limit: 0.65, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true},
		{cond: "gini<=0.25+baseline", limit: 0.65, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true},
		{cond: "gini>=baseline-0.1", limit: 0.3, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true},
		{cond: "gini<baseline*2", limit: 0.8, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true},
		{cond: "gini<=1.25*baseline", limit: 0.5, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: false},
		{cond: "gini<baseline/0.5", limit: 0.8, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true},
		// 0.4+0.2 and 0.4*1.5 are 0.6000000000000001 in float64: equal to
		// 0.6 within the tolerance, so <= and >= hold and < does not.
		{cond: "gini<=baseline+0.2", limit: 0.6, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true, tolerance: true},
		{cond: "gini>=baseline+0.2", limit: 0.6, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true, tolerance: true},
		{cond: "gini<baseline*1.5", limit: 0.6, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: false, tolerance: true},
		{cond: "gini==baseline*1.5", limit: 0.6, baseline: fp(0.4), delta: fp(0.2), observed: 0.6, pass: true, tolerance: true},
		// 100/38·0.9 ≈ 2.368 > 100/46 ≈ 2.174; delta 100/46 − 100/38.
		{cond: "effective_workers>=baseline*0.9", limit: 100.0 / 38 * 0.9, baseline: fp(100.0 / 38), delta: fp(100.0/46 - 100.0/38), observed: 100.0 / 46, pass: false},
		{cond: "active_workers>=baseline-1", limit: 2, baseline: fp(3), delta: fp(0), observed: 3, pass: true},
		{cond: "active_workers!=baseline", limit: 3, baseline: fp(3), delta: fp(0), observed: 3, pass: false},
		// A plain limit with a baseline given: the baseline and delta are
		// shown all the same.
		{cond: "top1_share<0.7", limit: 0.7, baseline: fp(0.5), delta: fp(0.1), observed: 0.6, pass: true},
		// The baseline has no CPU: nothing to show, nothing needed.
		{cond: "cpu_gini<0.3", limit: 0.3, observed: 1.0 / 6, pass: true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			res, err := Evaluate(rep, base, mustParse(t, tt.cond), Options{BaselineName: "base.json"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Baseline != "base.json" {
				t.Errorf("got result baseline %q, want base.json", res.Baseline)
			}
			v := res.Verdicts[0]
			if v.Pass != tt.pass {
				t.Errorf("got pass %v, want %v (observed %s, limit %v)", v.Pass, tt.pass, show(v.Observed), v.Limit)
			}
			if !near(v.Limit, tt.limit) && !(tt.tolerance && math.Abs(v.Limit-tt.limit) < 1e-15) {
				t.Errorf("got limit %v, want %v", v.Limit, tt.limit)
			}
			if v.Observed == nil || math.Abs(*v.Observed-tt.observed) > 1e-15 {
				t.Errorf("got observed %s, want %v", show(v.Observed), tt.observed)
			}
			checkOptional(t, "baseline", v.Baseline, tt.baseline)
			checkOptional(t, "delta", v.Delta, tt.delta)
		})
	}
}

// checkOptional compares a nullable value within 1e-12.
func checkOptional(t *testing.T, what string, got, want *float64) {
	t.Helper()
	if (got == nil) != (want == nil) || got != nil && math.Abs(*got-*want) > 1e-12 {
		t.Errorf("got %s %s, want %s", what, show(got), show(want))
	}
}

func TestEvaluateNullObserved(t *testing.T) {
	// Nothing served: max_mean is null. A null fails every operator but !=.
	rep := &aggregate.Report{
		Workers: []aggregate.Worker{{Key: "1"}, {Key: "2"}},
		Skew:    aggregate.ComputeSkew([]float64{0, 0}),
	}
	ts := mustParse(t, "max_mean<3", "max_mean>=1", "max_mean==3", "max_mean!=3", "rejected_ratio<0.1", "gini<0.35")
	res, err := Evaluate(rep, nil, ts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		pass   bool
		reason string
	}{
		{false, "max_mean is null: no requests were served"},
		{false, "max_mean is null: no requests were served"},
		{false, "max_mean is null: no requests were served"},
		{true, "max_mean is null: no requests were served"},
		{false, "rejected_ratio is null: no lines were read"},
		{true, ""}, // gini is 0 when nothing was served
	}
	for i, w := range want {
		v := res.Verdicts[i]
		if v.Pass != w.pass || v.Reason != w.reason {
			t.Errorf("%s: got pass %v, reason %q; want %v, %q", v.Threshold, v.Pass, v.Reason, w.pass, w.reason)
		}
		if i < 5 && (v.Observed != nil || v.Delta != nil) {
			t.Errorf("%s: got observed %s, delta %s; want null", v.Threshold, show(v.Observed), show(v.Delta))
		}
	}
	if res.Pass || res.Passed != 2 || res.Failed != 4 {
		t.Errorf("got pass %v, %d passed, %d failed; want false, 2, 4", res.Pass, res.Passed, res.Failed)
	}
}

func TestEvaluateResult(t *testing.T) {
	rep := handReport()
	res, err := Evaluate(rep, nil, mustParse(t, "gini<0.35", "top1_share<0.7", "active_workers>=3"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// gini 0.6 fails, top1_share 0.6 and active_workers 3 hold.
	if res.Schema != Schema || res.Pass || res.Passed != 2 || res.Failed != 1 || len(res.Verdicts) != 3 {
		t.Errorf("got schema %q, pass %v, %d passed, %d failed, %d verdicts; want %q, false, 2, 1, 3",
			res.Schema, res.Pass, res.Passed, res.Failed, len(res.Verdicts), Schema)
	}
	if res.Windows != 0 || res.SkippedWindows != 0 || res.Baseline != "" {
		t.Errorf("got windows %d, skipped %d, baseline %q; want none", res.Windows, res.SkippedWindows, res.Baseline)
	}
	v := res.Verdicts[0]
	if v.Threshold != "gini<0.35" || v.Metric != "gini" || v.Op != "<" || v.Limit != 0.35 || !v.WindowStart.IsZero() || v.Requests != 0 {
		t.Errorf("got verdict %+v", v)
	}
	res, err = Evaluate(rep, nil, mustParse(t, "gini<0.7"), Options{})
	if err != nil || !res.Pass || res.Passed != 1 || res.Failed != 0 {
		t.Errorf("got %+v, %v; want a pass", res, err)
	}
}

// windowedReport is handReport with 60 s windows:
//
//	window  requests        total  top1_share
//	17:00   101:4 102:0 103:1   5  0.8
//	17:01   101:1 102:1         2  0.5
//	17:02   (none alive)        0  -
//	17:03   101:5 102:5 103:5  15  1/3
//	17:04   101:9 102:1        10  0.9
func windowedReport() *aggregate.Report {
	rep := handReport()
	w := func(minute string, reqs map[string]int64) aggregate.Window {
		var xs []float64
		for _, n := range reqs {
			xs = append(xs, float64(n))
		}
		return aggregate.Window{
			Start: stamp("2026-11-25T17:0" + minute + ":00Z"), End: stamp("2026-11-25T17:0" + string(minute[0]+1) + ":00Z"),
			Requests: reqs, CPUSeconds: map[string]float64{}, Skew: aggregate.ComputeSkew(xs),
		}
	}
	rep.Windows = []aggregate.Window{
		w("0", map[string]int64{"101": 4, "102": 0, "103": 1}),
		w("1", map[string]int64{"101": 1, "102": 1}),
		w("2", map[string]int64{}),
		w("3", map[string]int64{"101": 5, "102": 5, "103": 5}),
		w("4", map[string]int64{"101": 9, "102": 1}),
	}
	rep.WindowSeconds = fp(60)
	return rep
}

func TestEvaluateEachWindow(t *testing.T) {
	type row struct {
		start    string
		cond     string
		requests int64
		observed float64
		pass     bool
	}
	tests := []struct {
		name    string
		minReq  int64
		windows int
		skipped int
		failed  int // failing verdicts (threshold × window)
		// thresholds that failed in some window and that held in all
		failedT, passedT int
		rows             []row
	}{
		{
			// 17:01 (2 requests) and 17:02 (none) are below 3.
			// top1_share fails at 17:00 and 17:04; requests>=5 holds.
			name: "min 3", minReq: 3, windows: 3, skipped: 2, failed: 2, failedT: 1, passedT: 1,
			rows: []row{
				{"17:00", "top1_share<0.5", 5, 0.8, false},
				{"17:00", "requests>=5", 5, 5, true},
				{"17:03", "top1_share<0.5", 15, 1.0 / 3, true},
				{"17:03", "requests>=5", 15, 15, true},
				{"17:04", "top1_share<0.5", 10, 0.9, false},
				{"17:04", "requests>=5", 10, 10, true},
			},
		},
		{
			// A window without requests is skipped whatever the minimum.
			// both thresholds fail somewhere (requests>=5 at 17:01).
			name: "min 0", minReq: 0, windows: 4, skipped: 1, failed: 4, failedT: 2, passedT: 0,
			rows: []row{
				{"17:00", "top1_share<0.5", 5, 0.8, false},
				{"17:00", "requests>=5", 5, 5, true},
				{"17:01", "top1_share<0.5", 2, 0.5, false},
				{"17:01", "requests>=5", 2, 2, false},
				{"17:03", "top1_share<0.5", 15, 1.0 / 3, true},
				{"17:03", "requests>=5", 15, 15, true},
				{"17:04", "top1_share<0.5", 10, 0.9, false},
				{"17:04", "requests>=5", 10, 10, true},
			},
		},
	}
	// A gate that judged no window does not pass: it is an error.
	t.Run("min above all", func(t *testing.T) {
		_, err := Evaluate(windowedReport(), nil, mustParse(t, "top1_share<0.5", "requests>=5"), Options{EachWindow: true, MinRequests: 100})
		var none *NothingCheckedError
		if !errors.As(err, &none) || none.MinRequests != 100 {
			t.Fatalf("got %v, want a NothingCheckedError of 100 requests", err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Evaluate(windowedReport(), nil, mustParse(t, "top1_share<0.5", "requests>=5"), Options{EachWindow: true, MinRequests: tt.minReq})
			if err != nil {
				t.Fatal(err)
			}
			failing := 0
			for _, v := range res.Verdicts {
				if !v.Pass {
					failing++
				}
			}
			if res.Windows != tt.windows || res.SkippedWindows != tt.skipped || failing != tt.failed ||
				res.Failed != tt.failedT || res.Passed != tt.passedT || res.Pass != (tt.failed == 0) || res.WindowSeconds != 60 {
				t.Errorf("got %d windows, %d skipped, %d failing verdicts, %d/%d thresholds failed/passed, pass %v, %d s; want %d, %d, %d, %d/%d, %v, 60 s",
					res.Windows, res.SkippedWindows, failing, res.Failed, res.Passed, res.Pass, res.WindowSeconds,
					tt.windows, tt.skipped, tt.failed, tt.failedT, tt.passedT, tt.failed == 0)
			}
			if len(res.Verdicts) != len(tt.rows) {
				t.Fatalf("got %d verdicts, want %d", len(res.Verdicts), len(tt.rows))
			}
			for i, r := range tt.rows {
				v := res.Verdicts[i]
				start := "2026-11-25T" + r.start + ":00Z"
				if v.WindowStart.String() != start || v.Threshold != r.cond || v.Requests != r.requests || v.Pass != r.pass ||
					v.Observed == nil || !near(*v.Observed, r.observed) {
					t.Errorf("verdict %d: got %s %s requests %d observed %s pass %v; want %s %s requests %d observed %v pass %v",
						i, v.WindowStart, v.Threshold, v.Requests, show(v.Observed), v.Pass, start, r.cond, r.requests, r.observed, r.pass)
				}
			}
		})
	}
}

func TestEvaluateEachWindowBaseline(t *testing.T) {
	// Each window is compared with the baseline run as a whole: top1_share
	// 0.5, so the limit is 0.6 and the delta the window's value − 0.5.
	res, err := Evaluate(windowedReport(), baseReport(), mustParse(t, "top1_share<=baseline+0.1"), Options{EachWindow: true, MinRequests: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		delta float64
		pass  bool
	}{{0.3, false}, {1.0/3 - 0.5, true}, {0.4, false}}
	if len(res.Verdicts) != len(want) {
		t.Fatalf("got %d verdicts, want %d", len(res.Verdicts), len(want))
	}
	for i, w := range want {
		v := res.Verdicts[i]
		if v.Pass != w.pass || v.Delta == nil || !near(*v.Delta, w.delta) || v.Baseline == nil || *v.Baseline != 0.5 || !near(v.Limit, 0.6) {
			t.Errorf("%s: got pass %v, delta %s, baseline %s, limit %v; want %v, %v, 0.5, 0.6",
				v.WindowStart, v.Pass, show(v.Delta), show(v.Baseline), v.Limit, w.pass, w.delta)
		}
	}
}

func TestEvaluateEachWindowDemoLog(t *testing.T) {
	// Requests per 10 s window of the demo log (uniq -c over the time
	// field): 17:32:50 1597, 17:33:00 1827, 17:33:10 1862, 17:33:20 870.
	// With --min-requests 1000 the last window is skipped; requests>=1800
	// fails in the first.
	res, err := Evaluate(demoReport(t), nil, mustParse(t, "requests>=1800"), Options{EachWindow: true, MinRequests: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// One threshold, failing in one window: 1 failed, 0 passed.
	if res.Windows != 3 || res.SkippedWindows != 1 || res.Failed != 1 || res.Passed != 0 || res.Pass || res.WindowSeconds != 10 {
		t.Errorf("got %d windows, %d skipped, %d failed, %d passed, pass %v, %d s; want 3, 1, 1, 0, false, 10 s",
			res.Windows, res.SkippedWindows, res.Failed, res.Passed, res.Pass, res.WindowSeconds)
	}
	want := []struct {
		start string
		n     int64
		pass  bool
	}{{"2026-11-25T17:32:50Z", 1597, false}, {"2026-11-25T17:33:00Z", 1827, true}, {"2026-11-25T17:33:10Z", 1862, true}}
	for i, w := range want {
		if i >= len(res.Verdicts) {
			break
		}
		v := res.Verdicts[i]
		if v.WindowStart.String() != w.start || v.Requests != w.n || v.Observed == nil || *v.Observed != float64(w.n) || v.Pass != w.pass {
			t.Errorf("verdict %d: got %s requests %d observed %s pass %v; want %s %d %v", i, v.WindowStart, v.Requests, show(v.Observed), v.Pass, w.start, w.n, w.pass)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	noCPU := handReport()
	noCPU.CPUSkew = nil
	emptyBase := &aggregate.Report{Workers: []aggregate.Worker{{Key: "1"}}, Skew: aggregate.ComputeSkew([]float64{0})}
	cpuBase := baseReport()
	cpu := aggregate.ComputeSkew([]float64{1, 1})
	cpuBase.CPUSkew = &cpu
	fileThreshold := func(cond, src string) []Threshold {
		th, err := Parse(cond, src)
		if err != nil {
			t.Fatal(err)
		}
		return []Threshold{th}
	}
	tests := []struct {
		name string
		rep  *aggregate.Report
		base *aggregate.Report
		ts   []Threshold
		opt  Options
		want string
	}{
		{
			name: "baseline not given", rep: handReport(), ts: mustParse(t, "gini<0.9", "gini<=baseline+0.05"),
			want: `threshold "gini<=baseline+0.05": the limit uses baseline, but no baseline report was given`,
		},
		{
			name: "baseline not given, from a file", rep: handReport(), ts: fileThreshold("gini <= baseline + 0.05", "gate.txt:9"),
			want: `gate.txt:9: threshold "gini<=baseline+0.05": the limit uses baseline, but no baseline report was given`,
		},
		{
			name: "cpu without snapshots", rep: noCPU, ts: mustParse(t, "gini<0.9", "cpu_gini<0.3"),
			want: `threshold "cpu_gini<0.3": metric "cpu_gini" needs process snapshots`,
		},
		{
			name: "cpu topK without snapshots", rep: noCPU, ts: mustParse(t, "cpu_top2_share<0.9"),
			want: `threshold "cpu_top2_share<0.9": metric "cpu_top2_share" needs process snapshots`,
		},
		{
			name: "cpu without snapshots per window", rep: noCPU, ts: mustParse(t, "cpu_gini<0.3"), opt: Options{EachWindow: true},
			want: `threshold "cpu_gini<0.3": metric "cpu_gini" needs process snapshots`,
		},
		{
			name: "baseline without snapshots", rep: handReport(), base: baseReport(), ts: mustParse(t, "cpu_gini<=baseline"),
			opt:  Options{BaselineName: "base.json"},
			want: `threshold "cpu_gini<=baseline": the baseline base.json has no cpu_skew (it was made without process snapshots)`,
		},
		{
			name: "baseline value null", rep: handReport(), base: emptyBase, ts: mustParse(t, "max_mean<=baseline*1.1"),
			opt:  Options{BaselineName: "base.json"},
			want: `threshold "max_mean<=baseline*1.1": max_mean of the baseline base.json is null (no requests were served), so there is no limit to compare with`,
		},
		{
			name: "baseline cpu value null", rep: handReport(), base: func() *aggregate.Report {
				b := baseReport()
				s := aggregate.ComputeSkew([]float64{0, 0})
				b.CPUSkew = &s
				return b
			}(), ts: mustParse(t, "cpu_jain>=baseline"),
			want: `threshold "cpu_jain>=baseline": cpu_jain of the baseline is null (no CPU time was used), so there is no limit to compare with`,
		},
		{
			name: "rejected_ratio per window", rep: windowedReport(), ts: mustParse(t, "rejected_ratio<0.1"), opt: Options{EachWindow: true, MinRequests: 1e6},
			want: `threshold "rejected_ratio<0.1": metric "rejected_ratio" is not available per window: rejected lines are counted over the whole run`,
		},
		{
			name: "no windows", rep: handReport(), ts: mustParse(t, "gini<0.3"), opt: Options{EachWindow: true},
			want: `no windows to evaluate: the log lines carry no time`,
		},
		{name: "no thresholds", rep: handReport(), want: `no thresholds to check`},
		{
			name: "unknown metric built by hand", rep: handReport(), ts: []Threshold{{Text: "gnii<1", Metric: "gnii", Op: "<", Value: Expr{Num: 1}}},
			want: `threshold "gnii<1": unknown metric "gnii"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Evaluate(tt.rep, tt.base, tt.ts, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %+v, error\n\t%v\nwant\n\t%s", res, err, tt.want)
			}
		})
	}
	t.Run("baseline with cpu", func(t *testing.T) {
		// cpuBase's CPU 1 1: cpu_gini 0; observed 1/6, delta 1/6.
		res, err := Evaluate(handReport(), cpuBase, mustParse(t, "cpu_gini<=baseline+0.1"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := res.Verdicts[0]
		if v.Pass || v.Delta == nil || !near(*v.Delta, 1.0/6) {
			t.Errorf("got pass %v, delta %s; want false, 1/6", v.Pass, show(v.Delta))
		}
	})
}

func TestReadBaseline(t *testing.T) {
	// testdata/baseline-sync17.json: skewer report -o json over the demo
	// log, 28 workers.
	rep, err := ReadBaseline(openTestdata(t, "baseline-sync17.json"), "baseline-sync17.json")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Schema != aggregate.Schema || rep.Skew.Workers != 28 || len(rep.Workers) != 28 || rep.Lines.Total != 6156 {
		t.Errorf("got schema %q, %d workers in skew, %d rows, %d lines; want %s, 28, 28, 6156",
			rep.Schema, rep.Skew.Workers, len(rep.Workers), rep.Lines.Total, aggregate.Schema)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	const how = "make one with: skewer report -o json"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", `base.json: empty file, not a skewer.report/v1 document (` + how + `)`},
		{"blank", " \n\t\n", `base.json: empty file, not a skewer.report/v1 document (` + how + `)`},
		{"text", "gini 0.3\n", `base.json: not JSON: invalid character 'g' looking for beginning of value (a baseline is a skewer.report/v1 document; ` + how + `)`},
		{"truncated", `{"schema": "skewer.report/v1", "skew": {`, `base.json: not JSON: unexpected end of JSON input (a baseline is a skewer.report/v1 document; ` + how + `)`},
		{"two documents", `{"schema":"skewer.report/v1","skew":{}} {}`, `base.json: not JSON: invalid character '{' after top-level value (a baseline is a skewer.report/v1 document; ` + how + `)`},
		{"array", `[{"schema":"skewer.report/v1"}]`, `base.json: not a skewer.report/v1 document: the JSON is not an object (` + how + `)`},
		{"string", `"skewer.report/v1"`, `base.json: not a skewer.report/v1 document: the JSON is not an object (` + how + `)`},
		{"schema a number", `{"schema": 1}`, `base.json: not a skewer.report/v1 document: json: cannot unmarshal number into Go struct field .schema of type string (` + how + `)`},
		{"no schema", `{"skew": {"workers": 3}}`, `base.json: no "schema" field: not a skewer.report/v1 document (` + how + `)`},
		{"check document", `{"schema": "skewer.check/v1", "pass": true, "verdicts": []}`, `base.json: schema "skewer.check/v1" is the output of skewer check, not a report: a baseline is a skewer.report/v1 document (` + how + `)`},
		{"later check", `{"schema": "skewer.check/v2"}`, `base.json: schema "skewer.check/v2" is the output of skewer check, not a report: a baseline is a skewer.report/v1 document (` + how + `)`},
		{"report v2", `{"schema": "skewer.report/v2", "skew": {}}`, `base.json: schema "skewer.report/v2" is not supported: this skewer reads skewer.report/v1 (` + how + `)`},
		{"other schema", `{"schema": "k6.summary/v1"}`, `base.json: schema "k6.summary/v1" is not a skewer report: a baseline is a skewer.report/v1 document (` + how + `)`},
		{"no skew", `{"schema": "skewer.report/v1", "workers": []}`, `base.json: skewer.report/v1 document without "skew"`},
		{"null skew", `{"schema": "skewer.report/v1", "skew": null}`, `base.json: skewer.report/v1 document without "skew"`},
		{"bad field", `{"schema": "skewer.report/v1", "skew": {"gini": "high"}}`, `base.json: bad skewer.report/v1 document: json: cannot unmarshal string into Go struct field Skew.skew.gini of type float64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadBaseline(strings.NewReader(tt.in), "base.json")
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, error\n\t%v\nwant\n\t%s", rep, err, tt.want)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := ReadBaseline(iotest.ErrReader(boom), "base.json")
		if !errors.Is(err, boom) || err.Error() != "base.json: boom" {
			t.Errorf("got error %v, want base.json: boom", err)
		}
	})
}

// With several hosts --each-window judges each host's window on its own:
// one verdict per host and window, naming the host, its requests, and its
// skew (not the cross-host one); --min-requests counts the host's requests.
func TestEvaluateEachWindowHosts(t *testing.T) {
	host := func(h string) *string { return &h }
	rep := &aggregate.Report{Workers: []aggregate.Worker{
		{Key: "a/1", Host: host("a")}, {Key: "a/2", Host: host("a")},
		{Key: "b/1", Host: host("b")}, {Key: "b/2", Host: host("b")},
	}}
	skew := func(xs ...float64) aggregate.Skew { return aggregate.ComputeSkew(xs) }
	reqs := map[string]int64{"a/1": 5, "a/2": 5, "b/1": 9, "b/2": 0}
	rep.Windows = []aggregate.Window{{
		Start: stamp("2026-11-25T17:00:00Z"), End: stamp("2026-11-25T17:01:00Z"),
		Requests: reqs, Skew: skew(5, 5, 9, 0, 0),
		HostSkew: []aggregate.HostSkew{
			{Host: "a", Skew: skew(5, 5)},
			{Host: "b", IdleSlots: 1, Skew: skew(9, 0, 0)},
		},
	}}
	rep.WindowSeconds = fp(60)
	res, err := Evaluate(rep, nil, mustParse(t, "gini<0.3", "idle_workers<=1"), Options{EachWindow: true})
	if err != nil {
		t.Fatal(err)
	}
	// a [5 5]: gini 0, nobody idle. b [9 0 0]: Σ|xi−xj| = 36 over 2·9·3 =
	// 54, 2/3; b/2 and the idle slot are idle.
	want := []struct {
		host     string
		cond     string
		requests int64
		observed float64
		pass     bool
	}{
		{"a", "gini<0.3", 10, 0, true},
		{"a", "idle_workers<=1", 10, 0, true},
		{"b", "gini<0.3", 9, 2.0 / 3, false},
		{"b", "idle_workers<=1", 9, 2, false},
	}
	if len(res.Verdicts) != len(want) || res.Windows != 2 || res.Hosts != 2 {
		t.Fatalf("got %d verdicts, %d windows, %d hosts; want %d, 2, 2", len(res.Verdicts), res.Windows, res.Hosts, len(want))
	}
	for i, w := range want {
		v, obs := res.Verdicts[i], math.NaN()
		if v.Observed != nil {
			obs = *v.Observed
		}
		if v.Host != w.host || v.Threshold != w.cond || v.Requests != w.requests || !(math.Abs(obs-w.observed) <= 1e-9) || v.Pass != w.pass {
			t.Errorf("verdict %d: got %s %s %d requests, observed %v, pass %v; want %s %s %d, %v, %v",
				i, v.Host, v.Threshold, v.Requests, obs, v.Pass, w.host, w.cond, w.requests, w.observed, w.pass)
		}
	}
	// Host b's 9 requests are below --min-requests 10; a's 10 are not.
	res, err = Evaluate(rep, nil, mustParse(t, "gini<0.3"), Options{EachWindow: true, MinRequests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Pass || res.Windows != 1 || res.SkippedWindows != 1 || res.Verdicts[0].Host != "a" {
		t.Errorf("--min-requests 10: got pass %v, %d windows, %d skipped, %+v; want true, 1, 1, host a", res.Pass, res.Windows, res.SkippedWindows, res.Verdicts)
	}
}
