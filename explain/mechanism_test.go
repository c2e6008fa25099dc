package explain

import (
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/aggregate"
)

// typical is a window_skew by hand: median gini g over n live workers in
// counted windows, the busiest and quietest thirds' medians, and what
// chance alone gives.
func typical(g, busy, quiet, noise float64, n, counted int) *aggregate.WindowSkew {
	return &aggregate.WindowSkew{
		WindowSeconds: 5, Windows: counted, Counted: counted,
		MedianGini: f64(g), BusiestThirdMedianGini: f64(busy), QuietestThirdMedianGini: f64(quiet),
		NoiseGini: f64(noise), TypicalLiveWorkers: intp(n),
	}
}

func TestMechanisms(t *testing.T) {
	tests := []struct {
		name string
		rep  aggregate.Report
		ctx  Context
		want []string // name:confidence, in order
		hold string   // a piece of the first mechanism's evidence
	}{
		{
			// 0.045 ≤ chance 0.088 over 69 windows.
			name: "even",
			rep:  aggregate.Report{WindowSkew: typical(0.045, 0.04, 0.05, 0.088, 17, 69), Skew: aggregate.Skew{Gini: 0.05, Workers: 17}},
			want: []string{"even:proven"}, hold: "median gini 0.045 over 17 live workers",
		},
		{
			// Under 5 counted windows even is only likely.
			name: "even over few windows",
			rep:  aggregate.Report{WindowSkew: typical(0.045, 0.04, 0.05, 0.088, 17, 3), Skew: aggregate.Skew{Gini: 0.05, Workers: 17}},
			want: []string{"even:likely"},
		},
		{
			// Span 0.158 ≥ 0.045 + 0.05 and ≥ 1.5 × 0.045; per alive-second
			// 0.05 < 0.158; 17 restarts from the error log: proven.
			name: "restart generations observed",
			rep: aggregate.Report{WindowSkew: typical(0.045, 0.04, 0.05, 0.088, 17, 69),
				Skew: aggregate.Skew{Gini: 0.158, Workers: 34}, RateSkew: &aggregate.Skew{Gini: 0.05}, Restarts: intp(17)},
			want: []string{"even:proven", "restart_generations:proven"},
		},
		{
			// Inferred restarts never prove it.
			name: "restart generations inferred",
			rep: aggregate.Report{WindowSkew: typical(0.045, 0.04, 0.05, 0.088, 17, 69),
				Skew: aggregate.Skew{Gini: 0.158, Workers: 34}, RateSkew: &aggregate.Skew{Gini: 0.05}, InferredRestarts: 17},
			want: []string{"even:proven", "restart_generations:likely"},
		},
		{
			// Span 0.07 < 0.045 + 0.05: no restart generations.
			name: "span near the window",
			rep: aggregate.Report{WindowSkew: typical(0.045, 0.04, 0.05, 0.088, 17, 69),
				Skew: aggregate.Skew{Gini: 0.07, Workers: 34}, Restarts: intp(17)},
			want: []string{"even:proven"},
		},
		{
			// 0.519 in the busiest third > chance 0.076 and ≥ 0.08 (a tenth
			// of the 0.8 ceiling): the skew persists under load.
			name: "pinning with a keep-alive class",
			rep:  aggregate.Report{WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 5, 13)},
			ctx:  Context{WorkerClass: "gevent_pywsgi"},
			want: []string{"keepalive_pinning:likely"}, hold: "busiest third of windows 0.519",
		},
		{
			name: "pinning without a class is possible",
			rep:  aggregate.Report{WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 5, 13)},
			want: []string{"keepalive_pinning:possible"},
		},
		{
			// gunicorn sync closes every connection: it cannot pin.
			name: "sync cannot pin",
			rep:  aggregate.Report{WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 5, 13)},
			ctx:  Context{WorkerClass: "sync"},
			want: []string{"unknown:possible"}, hold: "cannot pin",
		},
		{
			// Window gini falls from 0.6 in the quietest third to 0.05 in the
			// busiest (≤ chance 0.076): idle waiters racing; a fall of 0.55
			// ≥ 0.1 makes it likely.
			name: "accept race",
			rep:  aggregate.Report{WindowSkew: typical(0.3, 0.05, 0.6, 0.076, 5, 13)},
			ctx:  Context{WorkerClass: "gevent"},
			want: []string{"accept_race:likely"}, hold: "vanishes under load",
		},
		{
			// A fall of 0.02 only: possible.
			name: "accept race, a small fall",
			rep:  aggregate.Report{WindowSkew: typical(0.3, 0.07, 0.09, 0.076, 5, 13)},
			want: []string{"accept_race:possible"},
		},
		{
			// 0.235 in the busiest third is above chance 0.159 but under
			// twice it (0.318), and the quietest third is 0.222: neither
			// persisting nor fading (the restart storm of the demo log).
			name: "between chance and twice chance",
			rep:  aggregate.Report{WindowSkew: typical(0.228, 0.235, 0.222, 0.159, 17, 24)},
			want: []string{"unknown:possible"}, hold: "neither persists clearly nor fades",
		},
		{
			name: "no counted window",
			rep:  aggregate.Report{WindowSkew: &aggregate.WindowSkew{}},
			want: []string{"unknown:possible"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := tt.rep
			rep.Family = "gunicorn"
			ms := mechanisms(newSubject(&rep, tt.ctx))
			var got []string
			for _, m := range ms {
				got = append(got, m.Name+":"+m.Confidence)
				if m.Short == "" {
					t.Errorf("%s: no short form", m.Name)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if tt.hold != "" && !strings.Contains(strings.Join(ms[0].Evidence, "; "), tt.hold) {
				t.Errorf("evidence: got %q, want it to hold %q", ms[0].Evidence, tt.hold)
			}
		})
	}
}

func TestMemory(t *testing.T) {
	const mb = 1 << 20
	worker := func(key string, cpu float64, rss int64, requests int64) aggregate.Worker {
		w := aggregate.Worker{Key: key, Requests: requests, RSSPeakBytes: i64(rss)}
		if cpu >= 0 {
			w.CPUSeconds = f64(cpu)
		}
		return w
	}
	tests := []struct {
		name    string
		workers []aggregate.Worker
		pattern string
		hold    string
	}{
		{
			// RSS = 50 MiB + 100 MiB per 1000 CPU s exactly: r² 1.
			name: "grows with work",
			workers: []aggregate.Worker{
				worker("1", 0, 50*mb, 0), worker("2", 1000, 150*mb, 0), worker("3", 3000, 350*mb, 0),
			},
			pattern: GrowsWithWork, hold: "RSS = 50 MiB + 100 MiB per 1000 CPU seconds (r² 1.000); the largest, 3, holds 350 MiB",
		},
		{
			// Without CPU, requests: 40 + 10 MiB per 1000 requests.
			name: "grows with requests",
			workers: []aggregate.Worker{
				worker("1", -1, 40*mb, 0), worker("2", -1, 50*mb, 1000), worker("3", -1, 60*mb, 2000),
			},
			pattern: GrowsWithWork, hold: "per 1000 requests",
		},
		{
			// 40 to 44 MiB: within 20%.
			name:    "flat",
			workers: []aggregate.Worker{worker("1", 0, 40*mb, 0), worker("2", 10, 44*mb, 0), worker("3", 5, 42*mb, 0)},
			pattern: Flat, hold: "RSS from 40 MiB to 44 MiB over 3 workers",
		},
		{
			// Large RSS on the worker that did least: no fit.
			name:    "unrelated",
			workers: []aggregate.Worker{worker("1", 0, 400*mb, 0), worker("2", 1000, 40*mb, 0), worker("3", 2000, 400*mb, 0)},
			pattern: Unknown, hold: "does not follow the work",
		},
		{
			name:    "too few",
			workers: []aggregate.Worker{worker("1", 0, 40*mb, 0), worker("2", 10, 400*mb, 0)},
			pattern: Unknown, hold: "fewer than 3 workers",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := memory(newSubject(&aggregate.Report{Workers: tt.workers}, Context{}))
			if m.Pattern != tt.pattern || !strings.Contains(m.Evidence, tt.hold) {
				t.Errorf("got %s %q, want %s holding %q", m.Pattern, m.Evidence, tt.pattern, tt.hold)
			}
		})
	}
}

func TestCause(t *testing.T) {
	tests := []struct {
		name  string
		class string
		c     aggregate.Takeover
		want  string
	}{
		{"exit with reason", "", aggregate.Takeover{From: "1", To: "2", Kind: aggregate.ChangeAfterExit, ExitReason: str("max_requests")},
			"1 exited (max_requests) within a window of the change"},
		{"exit without reason", "", aggregate.Takeover{From: "1", To: "2", Kind: aggregate.ChangeAfterExit},
			"1 exited (reason not logged) within a window of the change"},
		{"idle gap, keep-alive class", "gevent", aggregate.Takeover{From: "1", To: "2", Kind: aggregate.ChangeAfterIdle, IdleSeconds: f64(75)},
			"a new set of connections after an idle gap of 75 s"},
		{"idle gap, sync", "sync", aggregate.Takeover{From: "1", To: "2", Kind: aggregate.ChangeAfterIdle, IdleSeconds: f64(7.5)},
			"traffic resumed after an idle gap of 7.5 s"},
		{"pair", "", aggregate.Takeover{From: "1", To: "2", With: str("3"), Kind: aggregate.ChangePair, ToShare: 0.46},
			"2 with 3 took the lead as a pair (2 served 46% of the window)"},
		{"takeover", "", aggregate.Takeover{From: "1", To: "2", Kind: aggregate.ChangeTakeover, FromShare: 0.3, ToShare: 0.6},
			"2 took over from 1 (60% of the window, from 30%) with no exit or idle gap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSubject(&aggregate.Report{Family: "gunicorn"}, Context{WorkerClass: tt.class})
			if got := cause(s, tt.c); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPinningFromConnections(t *testing.T) {
	conns := func(seen, reused, moved int64) *aggregate.Connections {
		return &aggregate.Connections{Source: "connection", Seen: seen, Reused: reused, Moved: moved,
			RequestsPerConnectionMedian: 1, RequestsPerConnectionP95: 98, RequestsPerConnectionMax: 1000}
	}
	tests := []struct {
		name  string
		class string
		c     *aggregate.Connections
		want  string
		hold  string
	}{
		{"reused and never moved: proven", "nginx", conns(1063, 66, 0), "keepalive_pinning:proven",
			"1063 connections (nginx $connection): 66 carried more than one request (median 1, p95 98, max 1000 requests), 0 moved"},
		{"proven whatever the class", "", conns(10, 3, 0), "keepalive_pinning:proven", "3 carried more than one request"},
		{"moved: not pinning", "nginx", conns(100, 50, 7), "unknown:possible", "7 moved between workers"},
		{"sync still cannot pin", "sync", conns(10, 3, 0), "unknown:possible", "cannot pin"},
		{"without identity: statistics only", "nginx", nil, "keepalive_pinning:likely", "not proven"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := aggregate.Report{Family: "nginx", WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 5, 13), Connections: tt.c}
			ms := mechanisms(newSubject(&rep, Context{WorkerClass: tt.class}))
			got := ms[0].Name + ":" + ms[0].Confidence
			if got != tt.want || !strings.Contains(strings.Join(ms[0].Evidence, "; "), tt.hold) {
				t.Errorf("got %s %q, want %s holding %q", got, ms[0].Evidence, tt.want, tt.hold)
			}
		})
	}
}

func TestNoReuseIsNotPinning(t *testing.T) {
	c := &aggregate.Connections{Source: "client_port", Seen: 301, RequestsPerConnectionMedian: 1, RequestsPerConnectionMax: 1}
	rep := aggregate.Report{Family: "gunicorn", WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 3, 13), Connections: c}
	ms := mechanisms(newSubject(&rep, Context{WorkerClass: "gevent_pywsgi"}))
	if has(ms, MechPinning) || ms[0].Name != MechUnknown || !strings.Contains(ms[0].Evidence[0], "301 connections (client address and port): 0 carried more than one request") {
		t.Errorf("got %+v, want unknown: no connection reused", ms)
	}
}

// TestPortReuseIsNotPinning: under Connection: close (or sync workers) a
// client port can come back for a new connection within seconds; ports
// that carried 2 requests at most prove nothing, moved or not.
func TestPortReuseIsNotPinning(t *testing.T) {
	c := &aggregate.Connections{Source: "client_port", Seen: 416, Reused: 15, Moved: 0,
		RequestsPerConnectionMedian: 1, RequestsPerConnectionP95: 1, RequestsPerConnectionMax: 2}
	rep := aggregate.Report{Family: "gunicorn", WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 3, 13), Connections: c}
	ms := mechanisms(newSubject(&rep, Context{WorkerClass: "gevent_pywsgi"}))
	if has(ms, MechPinning) || !strings.Contains(ms[0].Evidence[0], "port reused for a new connection") {
		t.Errorf("got %+v, want no pinning: ports used twice at most", ms)
	}
}

// TestClientPortsAgainstChance: moved client ports are weighed against
// the moves chance would give (MovedByChance).
func TestClientPortsAgainstChance(t *testing.T) {
	ports := func(reused, moved int64, chance float64) *aggregate.Connections {
		return &aggregate.Connections{Source: "client_port", Seen: reused + 10, Reused: reused, Moved: moved, MovedByChance: chance,
			RequestsPerConnectionMedian: 30, RequestsPerConnectionP95: 30, RequestsPerConnectionMax: 30, StayedRequestsMedian: 30, MovedRequestsMedian: 2}
	}
	tests := []struct {
		name string
		c    *aggregate.Connections
		want string
		hold string
	}{
		// 1 of 20 moved (5% ≤ 10%), chance 20 ≥ 4 × 1: proven.
		{"one port reused", ports(20, 1, 20), "keepalive_pinning:proven", "1 moved between workers (5% of the reused; by chance 20.0 would have, 100%)"},
		// 4 of 20 (20%), chance 18 ≥ 4 × 4: likely.
		{"a few ports reused", ports(20, 4, 18), "keepalive_pinning:likely", "so requests follow connections"},
		// 10 moved, chance 18: at least half of chance, not pinning.
		{"moves like chance", ports(20, 10, 18), "unknown:possible", "connections move between workers"},
		// 6 moved, chance 18: between a quarter and a half; the class
		// decides, at lower confidence.
		{"between", ports(20, 6, 18), "keepalive_pinning:likely", "too close to chance to tell"},
		// Chance under 5 moves, 1 moved: too few to weigh; the class
		// decides.
		{"too few to weigh", ports(4, 1, 4), "keepalive_pinning:likely", "too few to weigh against chance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := aggregate.Report{Family: "gunicorn", WindowSkew: typical(0.6, 0.519, 0.692, 0.076, 5, 13), Connections: tt.c}
			ms := mechanisms(newSubject(&rep, Context{WorkerClass: "gevent"}))
			got := ms[0].Name + ":" + ms[0].Confidence
			if got != tt.want || !strings.Contains(strings.Join(ms[0].Evidence, "; "), tt.hold) {
				t.Errorf("got %s %q, want %s holding %q", got, ms[0].Evidence, tt.want, tt.hold)
			}
		})
	}
}
