package explain

import (
	"math"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/aggregate"
)

// t0 is 2026-11-25T17:00:00Z in Unix seconds.
const t0 = 1795626000

// win is a hand-made window of secs seconds from t0+at: requests and
// request seconds per live worker, and CPU seconds when cpu is not nil.
func win(at, secs int64, req map[string]int64, busy, cpu map[string]float64) aggregate.Window {
	if cpu == nil {
		cpu = map[string]float64{}
	}
	return aggregate.Window{
		Start:          aggregate.StampMicros((t0+at)*1e6, false),
		End:            aggregate.StampMicros((t0+at+secs)*1e6, false),
		Requests:       req,
		RequestSeconds: busy,
		CPUSeconds:     cpu,
	}
}

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }
func intp(v int) *int        { return &v }
func str(v string) *string   { return &v }

func TestJudgeSync(t *testing.T) {
	// Every window is 10 s: busy fraction = request seconds / 10.
	tests := []struct {
		name    string
		windows []aggregate.Window
		harm    string
		worker  string  // the first evidence's worker
		value   float64 // and its value, by hand
		inShort string
	}{
		{
			// a: 9 s of 10 = 0.9 over 20 requests; b: 1 s = 0.1 ≤ 0.2.
			name:    "busy beside idle is harmful",
			windows: []aggregate.Window{win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 9, "b": 1}, nil)},
			harm:    Harmful, worker: "a", value: 0.9, inShort: "1 of 1 windows, e.g. a 0.90 busy while b 0.10 idle at 17:00:00",
		},
		{
			// b at 0.3 is not idle (> 0.2): nobody waited beside an idle worker.
			name:    "busy beside a half-busy worker is benign",
			windows: []aggregate.Window{win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 9, "b": 3}, nil)},
			harm:    Benign, worker: "a", value: 0.9,
		},
		{
			// a is 0.9 busy with one request: one request served alone
			// is not work waiting.
			name:    "one long request is benign",
			windows: []aggregate.Window{win(0, 10, map[string]int64{"a": 1, "b": 29}, map[string]float64{"a": 9, "b": 1}, nil)},
			harm:    Benign, worker: "a", value: 0.9,
		},
		{
			// a 0.9 and b 0.85 saturated, 2 of 3 live: most are.
			name:    "most saturated is capacity",
			windows: []aggregate.Window{win(0, 10, map[string]int64{"a": 20, "b": 20, "c": 20}, map[string]float64{"a": 9, "b": 8.5, "c": 1}, nil)},
			harm:    Capacity, worker: "a", value: 0.9, inShort: "2 of 3 workers ≥ 0.8 busy",
		},
		{
			// Harmful in the second window outranks capacity in the first.
			name: "harmful outranks capacity",
			windows: []aggregate.Window{
				win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 9, "b": 9}, nil),
				win(10, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 8, "b": 0.5}, nil),
			},
			harm: Harmful, worker: "a", value: 0.8, inShort: "1 of 2 windows",
		},
		{
			// 15 requests over 2 live workers: under 10 per worker.
			name:    "no counted window is unknown",
			windows: []aggregate.Window{win(0, 10, map[string]int64{"a": 10, "b": 5}, map[string]float64{"a": 9, "b": 0}, nil)},
			harm:    Unknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &aggregate.Report{Family: "gunicorn", Durations: true, Windows: tt.windows}
			v, ev := judgeHarm(newSubject(rep, Context{WorkerClass: "sync"}))
			if v.Harm != tt.harm {
				t.Fatalf("harm: got %q, want %q (%s)", v.Harm, tt.harm, v.Summary)
			}
			if tt.worker != "" {
				if len(ev) == 0 || ev[0].Worker != tt.worker || math.Abs(ev[0].Value-tt.value) > 1e-9 || ev[0].Signal != "busy_fraction" {
					t.Errorf("evidence: got %+v, want busy_fraction of %s %g first", ev, tt.worker, tt.value)
				}
			}
			if !strings.Contains(v.Short, tt.inShort) {
				t.Errorf("short: got %q, want it to hold %q", v.Short, tt.inShort)
			}
		})
	}
}

func TestJudgeSyncNeedsDurations(t *testing.T) {
	rep := &aggregate.Report{Family: "gunicorn", Windows: []aggregate.Window{
		win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{}, nil)}}
	if v, _ := judgeHarm(newSubject(rep, Context{WorkerClass: "sync"})); v.Harm != Unknown {
		t.Errorf("got %q, want unknown without durations", v.Harm)
	}
}

func TestJudgeAsync(t *testing.T) {
	res := 0.1 // skewer sample: 30 × 0.1 s fits in one 10 s window
	workers := []aggregate.Worker{{Key: "a", CPUResolutionSeconds: &res}, {Key: "b", CPUResolutionSeconds: &res}}
	tests := []struct {
		name   string
		win    aggregate.Window
		cpu    bool
		harm   string
		signal string
		value  float64
	}{
		{
			// a: 9 CPU s of 10 = 0.9 core with 25 request seconds in 10 s
			// (2.5 in flight); b: (0.5 + 0.1) / 10 = 0.06 ≤ 0.2.
			name: "a core beside an idle worker is harmful", cpu: true,
			win:  win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 25, "b": 1}, map[string]float64{"a": 9, "b": 0.5}),
			harm: Harmful, signal: "cpu_cores", value: 0.9,
		},
		{
			// a at 0.9 core but 8 request seconds in 10 s: under one
			// request in flight on average, so nothing queued behind it.
			name: "a core with one request at a time is benign", cpu: true,
			win:  win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 8, "b": 1}, map[string]float64{"a": 9, "b": 0.5}),
			harm: Benign, signal: "cpu_cores", value: 0.9,
		},
		{
			// Without CPU, 3 request seconds in 10 s bound a's CPU to 0.3.
			name: "request seconds rule a core out",
			win:  win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 3, "b": 1}, nil),
			harm: Benign, signal: "request_seconds_per_second", value: 0.3,
		},
		{
			// 9 request seconds in 10 s could be 0.9 core: unknown.
			name: "request seconds cannot rule a core out",
			win:  win(0, 10, map[string]int64{"a": 20, "b": 20}, map[string]float64{"a": 9, "b": 1}, nil),
			harm: Unknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &aggregate.Report{Family: "gunicorn", Durations: true, CPUKnown: tt.cpu, Workers: workers, Windows: []aggregate.Window{tt.win}}
			v, ev := judgeHarm(newSubject(rep, Context{WorkerClass: "gevent"}))
			if v.Harm != tt.harm {
				t.Fatalf("harm: got %q, want %q (%s)", v.Harm, tt.harm, v.Summary)
			}
			if tt.signal != "" && (len(ev) == 0 || ev[0].Signal != tt.signal || ev[0].Worker != "a" || math.Abs(ev[0].Value-tt.value) > 1e-9) {
				t.Errorf("evidence: got %+v, want %s of a %g first", ev, tt.signal, tt.value)
			}
		})
	}
}

func TestJudgeNoWindows(t *testing.T) {
	v, ev := judgeHarm(newSubject(&aggregate.Report{Family: "gunicorn"}, Context{}))
	if v.Harm != Unknown || len(ev) != 0 {
		t.Errorf("got %q %+v, want unknown without evidence", v.Harm, ev)
	}
}

// TestJudgeHosts judges each host's part of a window by itself: a/1 is
// 0.9 busy (9 s of 10, 20 requests) and the only worker of host a, while
// b/1 on host b is 0.1 busy. Pooled, a/1 would be saturated beside an idle
// worker (harmful); but b/1 is behind another kernel's accept queue, so
// host a is one saturated worker of one (capacity) and host b is benign.
func TestJudgeHosts(t *testing.T) {
	a, b := "a", "b"
	w := win(0, 10, map[string]int64{"a/1": 20, "b/1": 20}, map[string]float64{"a/1": 9, "b/1": 1}, nil)
	w.HostSkew = []aggregate.HostSkew{{Host: "a"}, {Host: "b"}}
	rep := &aggregate.Report{Family: "gunicorn", Durations: true, Windows: []aggregate.Window{w},
		Workers: []aggregate.Worker{{Key: "a/1", Host: &a}, {Key: "b/1", Host: &b}}}
	v, ev := judgeHarm(newSubject(rep, Context{WorkerClass: "sync"}))
	if v.Harm != Capacity {
		t.Fatalf("harm: got %q, want capacity per host (%s)", v.Harm, v.Summary)
	}
	if len(ev) != 1 || ev[0].Worker != "a/1" || math.Abs(ev[0].Value-0.9) > 1e-9 {
		t.Errorf("evidence: got %+v, want a/1 at 0.9 only", ev)
	}
	if want := "capacity in 1 of 2 counted windows: 1 of 1 live workers were at least 0.8 busy in the window at 2026-11-25T17:00:00Z on host a"; v.Summary != want {
		t.Errorf("summary: got %q, want %q", v.Summary, want)
	}
}

// TestLatencyJudged: gunicorn's async classes are judged by latency; sync
// workers by busy fraction, and nginx (whose $request_time is mostly the
// upstream's) by CPU only.
func TestLatencyJudged(t *testing.T) {
	for class, want := range map[string]bool{"gevent": true, "gevent_pywsgi": true, "gthread": true,
		"eventlet": true, "tornado": true, "sync": false, "nginx": false} {
		if got := newSubject(&aggregate.Report{Family: "gunicorn"}, Context{WorkerClass: class}).latencyJudged(); got != want {
			t.Errorf("%s: got %v, want %v", class, got, want)
		}
	}
}
