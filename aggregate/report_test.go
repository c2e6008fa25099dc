package aggregate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/skewer-dev/skewer/parse"
)

// relNear reports whether got is within rel of want, relatively.
func relNear(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// wantWorker is a worker row with plain values; nil pointers mean null.
type wantWorker struct {
	key           string
	pid           int64
	requests      int64
	share         float64
	seconds       *float64
	meanConc      *float64
	status        [5]int64 // 2xx 3xx 4xx 5xx other
	first, last   string
	peak          *int
	noPercentiles bool
	noPID         bool
}

func checkWorker(t *testing.T, got Worker, want wantWorker) {
	t.Helper()
	if got.Key != want.key {
		t.Fatalf("got worker %q, want %q", got.Key, want.key)
	}
	if want.noPID {
		if got.PID != nil {
			t.Errorf("%s: got pid %d, want null", got.Key, *got.PID)
		}
	} else if got.PID == nil || *got.PID != want.pid {
		t.Errorf("%s: got pid %v, want %d", got.Key, got.PID, want.pid)
	}
	if got.Requests != want.requests {
		t.Errorf("%s: got requests %d, want %d", got.Key, got.Requests, want.requests)
	}
	if !relNear(got.Share, want.share, 1e-12) {
		t.Errorf("%s: got share %v, want %v", got.Key, got.Share, want.share)
	}
	checkFloat(t, got.Key+" request_seconds", got.RequestSeconds, want.seconds)
	checkFloat(t, got.Key+" mean_concurrency", got.MeanConcurrency, want.meanConc)
	switch {
	case got.PeakConcurrency == nil && want.peak != nil:
		t.Errorf("%s: got peak null, want %d", got.Key, *want.peak)
	case got.PeakConcurrency != nil && want.peak == nil:
		t.Errorf("%s: got peak %d, want null", got.Key, *got.PeakConcurrency)
	case got.PeakConcurrency != nil && *got.PeakConcurrency != *want.peak:
		t.Errorf("%s: got peak %d, want %d", got.Key, *got.PeakConcurrency, *want.peak)
	}
	st := [5]int64{got.Status.Class2xx, got.Status.Class3xx, got.Status.Class4xx, got.Status.Class5xx, got.Status.Other}
	if st != want.status {
		t.Errorf("%s: got status %v, want %v", got.Key, got.Status, want.status)
	}
	if s := str(got.FirstSeen); s != want.first {
		t.Errorf("%s: got first_seen %s, want %s", got.Key, s, want.first)
	}
	if s := str(got.LastSeen); s != want.last {
		t.Errorf("%s: got last_seen %s, want %s", got.Key, s, want.last)
	}
	percentiles := got.P50Seconds != nil && got.P95Seconds != nil && got.P99Seconds != nil
	none := got.P50Seconds == nil && got.P95Seconds == nil && got.P99Seconds == nil
	if want.noPercentiles && !none || !want.noPercentiles && !percentiles {
		t.Errorf("%s: got percentiles %v %v %v, want them all %s", got.Key, got.P50Seconds, got.P95Seconds, got.P99Seconds,
			map[bool]string{true: "null", false: "set"}[want.noPercentiles])
	}
}

func checkFloat(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want != nil:
		t.Errorf("%s: got null, want %v", name, *want)
	case got != nil && want == nil:
		t.Errorf("%s: got %v, want null", name, *got)
	case got != nil && !relNear(*got, *want, 1e-12):
		t.Errorf("%s: got %v, want %v", name, *got, *want)
	}
}

// str is a stamp as JSON writes it, unquoted.
func str(s Stamp) string {
	if s.IsZero() {
		return "null"
	}
	return s.String()
}

// stampAt reads an RFC 3339 stamp as a baseline report would.
func stampAt(text string) Stamp {
	var s Stamp
	if err := s.UnmarshalJSON([]byte(`"` + text + `"`)); err != nil {
		panic(err)
	}
	return s
}

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }

func TestFinishWorkers(t *testing.T) {
	recs := []parse.Record{
		line("101", 0, 250*ms, 200),
		line("101", 4, 1*sec, 201),
		line("101", 2, 500_001, 304), // out of order: first/last and alive are min/max
		line("33", 1, 1*sec, 200),
		line("202", 5, 100*ms, 0), // no status (gunicorn "socket"): other
		line("101", 9, 2*sec, 404),
		line("33", 1, 1*sec, 200),
		line("202", 6, 100*ms, 100), // 1xx: other
		line("", 8, 5*sec, 200),     // unattributed: outside workers and shares
		line("33", 3, 1*sec, 299),
		line("202", 7, 100*ms, 600), // out of range: other
		line("101", 10, 100*ms, 503),
	}
	p := feed(nil, recs...)
	rep := Finish(p, nil, Options{Family: "gunicorn"})

	// Attributed requests: 101: 5, 33: 3, 202: 3 → 11. Order: by requests,
	// ties by numeric key (33 before 202).
	want := []wantWorker{
		{
			key: "101", pid: 101, requests: 5, share: 5.0 / 11,
			// 250000 + 1000000 + 500001 + 2000000 + 100000 µs = 3850001 µs.
			seconds: f(3.850001),
			// Over the alive interval: from an access log alone, every
			// worker is alive over the run, stamps 0 s to 10 s, + 1 s for
			// whole-second stamps: 11 s.
			meanConc: f(3.850001 / 11),
			status:   [5]int64{2, 1, 1, 1, 0}, // 200 201 | 304 | 404 | 503
			first:    "2026-11-25T17:00:00Z", last: "2026-11-25T17:00:10Z",
		},
		{
			key: "33", pid: 33, requests: 3, share: 3.0 / 11,
			seconds: f(3),
			// Alive over the run too (not 0 to 3 s when it served): 11 s.
			meanConc: f(3.0 / 11),
			status:   [5]int64{3, 0, 0, 0, 0}, // 200 200 299
			first:    "2026-11-25T17:00:01Z", last: "2026-11-25T17:00:03Z",
		},
		{
			key: "202", pid: 202, requests: 3, share: 3.0 / 11,
			// Three 100000 µs: exactly 0.3, where 0.1+0.1+0.1 in floating
			// point is 0.30000000000000004.
			seconds: f(0.3),
			// Alive over the run: 11 s.
			meanConc: f(0.3 / 11),
			status:   [5]int64{0, 0, 0, 0, 3},
			first:    "2026-11-25T17:00:05Z", last: "2026-11-25T17:00:07Z",
		},
	}
	if len(rep.Workers) != len(want) {
		t.Fatalf("got %d workers, want %d", len(rep.Workers), len(want))
	}
	for i := range want {
		checkWorker(t, rep.Workers[i], want[i])
	}
	if *rep.Workers[2].RequestSeconds != 0.3 {
		t.Errorf("got request seconds %v, want exactly 0.3 (an integer µs sum)", *rep.Workers[2].RequestSeconds)
	}
	if rep.Unattributed != 1 || rep.Lines.Parsed != 12 || rep.Lines.Total != 12 {
		t.Errorf("got unattributed %d, lines %+v; want 1 and 12 parsed of 12", rep.Unattributed, rep.Lines)
	}
	// The span covers every parsed line, the unattributed one included.
	if got, want := str(rep.Span.Start)+" "+str(rep.Span.End), "2026-11-25T17:00:00Z 2026-11-25T17:00:10Z"; got != want {
		t.Errorf("got span %s, want %s", got, want)
	}
	// Skew of requests over [5 3 3]: top1 5/11; of seconds over
	// [3.850001 3 0.3]: top1 3.850001/7.150001.
	if s := rep.Skew; s.Workers != 3 || s.ActiveWorkers != 3 || !relNear(s.TopShare["1"], 5.0/11, 1e-12) {
		t.Errorf("got requests skew %+v, want 3 workers, top1 5/11", s)
	}
	if s := rep.RequestSecondsSkew; s == nil || !relNear(s.TopShare["1"], 3.850001/7.150001, 1e-12) {
		t.Errorf("got request seconds skew %+v, want top1 3.850001/7.150001", s)
	}
	if rep.Family != "gunicorn" || rep.Schema != "skewer.report/v1" || rep.IdleSlots != 0 {
		t.Errorf("got family %q schema %q idle %d", rep.Family, rep.Schema, rep.IdleSlots)
	}
}

// With millisecond stamps the alive time is exact: no second is added, and
// times keep their milliseconds.
func TestFinishSubSecond(t *testing.T) {
	rep := Finish(feed(nil,
		msLine("7", 500, 400),  // [0.100, 0.500)
		msLine("7", 1250, 250), // [1.000, 1.250)
	), nil, Options{})
	checkWorker(t, rep.Workers[0], wantWorker{
		key: "7", pid: 7, requests: 2, share: 1,
		seconds:  f(0.65),
		meanConc: f(0.65 / 0.75), // alive over the run's stamps, 0.500 to 1.250
		status:   [5]int64{2, 0, 0, 0, 0},
		first:    "2026-11-25T17:00:00.500Z", last: "2026-11-25T17:00:01.250Z",
		peak: n(1),
	})
	if got, want := str(rep.Span.Start)+" "+str(rep.Span.End), "2026-11-25T17:00:00.500Z 2026-11-25T17:00:01.250Z"; got != want {
		t.Errorf("got span %s, want %s", got, want)
	}
}

// Without request times every duration-derived value is null, never 0.
func TestFinishNoDurations(t *testing.T) {
	rep := Finish(feed(nil,
		line("101", 0, -1, 200),
		line("101", 30, -1, 500),
		line("web-a", 60, -1, 200), // a key that is not a PID (--by upstream_addr)
	), nil, Options{})
	checkWorker(t, rep.Workers[0], wantWorker{
		key: "101", pid: 101, requests: 2, share: 2.0 / 3,
		status: [5]int64{1, 0, 0, 1, 0}, noPercentiles: true,
		first: "2026-11-25T17:00:00Z", last: "2026-11-25T17:00:30Z",
	})
	checkWorker(t, rep.Workers[1], wantWorker{
		key: "web-a", noPID: true, requests: 1, share: 1.0 / 3,
		status: [5]int64{1, 0, 0, 0, 0}, noPercentiles: true,
		first: "2026-11-25T17:01:00Z", last: "2026-11-25T17:01:00Z",
	})
	if rep.RequestSecondsSkew != nil || rep.Durations {
		t.Errorf("got request seconds skew %v, durations %v; want null and false", rep.RequestSecondsSkew, rep.Durations)
	}
}

// A format without a time field: no span, no first/last seen, and no mean
// concurrency, since how long the worker was alive is unknown.
func TestFinishUntimed(t *testing.T) {
	recs := []parse.Record{line("101", 0, 2*sec, 200), line("102", 0, 1*sec, 200)}
	for i := range recs {
		recs[i].Time, recs[i].HasTime = 0, false
	}
	rep := Finish(feed(nil, recs...), nil, Options{Workers: 3})
	checkWorker(t, rep.Workers[0], wantWorker{
		key: "101", pid: 101, requests: 1, share: 0.5, seconds: f(2),
		status: [5]int64{1, 0, 0, 0, 0}, first: "null", last: "null",
	})
	if !rep.Span.Start.IsZero() || !rep.Span.End.IsZero() {
		t.Errorf("got span %s to %s, want null", str(rep.Span.Start), str(rep.Span.End))
	}
	// Untimed workers count as alive at once: 3 slots − 2 = 1 idle.
	if rep.IdleSlots != 1 {
		t.Errorf("got %d idle slots, want 1", rep.IdleSlots)
	}
}

func TestIdleSlots(t *testing.T) {
	tests := []struct {
		name    string
		recs    []parse.Record
		workers int
		idle    int
	}{
		{
			name:    "not configured",
			recs:    []parse.Record{line("101", 0, sec, 200)},
			workers: 0, idle: 0,
		},
		{
			// 201 alive −1 s..4 s, 202 1 s..3 s: 2 at once; 4 − 2.
			name: "two of four",
			recs: []parse.Record{
				line("201", 0, sec, 200), line("202", 3, 2*sec, 200), line("201", 4, sec, 200),
			},
			workers: 4, idle: 2,
		},
		{
			// 101 logs at 1..10 s, 102 at 21..30 s, 103 at 1..30 s: 3 PIDs
			// for 3 slots do not clearly exceed them, so from an access log
			// alone each is alive from the first to the last line of the
			// run: 3 alive at once, no idle slot (a PID seen in the log is
			// never a missing slot).
			name: "idle stretches are not missing slots",
			recs: []parse.Record{
				line("101", 1, sec, 200), line("103", 1, sec, 200), line("101", 10, sec, 200),
				line("102", 21, sec, 200), line("102", 30, sec, 200), line("103", 30, sec, 200),
			},
			workers: 3, idle: 0,
		},
		{
			// The same with --workers 2: 3 PIDs exceed it, so generations
			// are inferred: 101 then 102 in one slot, 103 in the other.
			name: "restart is a new PID not a slot",
			recs: []parse.Record{
				line("101", 1, sec, 200), line("103", 1, sec, 200), line("101", 10, sec, 200),
				line("102", 21, sec, 200), line("102", 30, sec, 200), line("103", 30, sec, 200),
			},
			workers: 2, idle: 0,
		},
		{
			// One line each, one after another: a single line shows no
			// lifetime, so no generations are inferred although 3 PIDs
			// exceed --workers 2: all alive throughout, no idle slot.
			name: "one line per worker",
			recs: []parse.Record{
				line("101", 1, sec, 200), line("102", 5, sec, 200), line("103", 9, sec, 200),
			},
			workers: 2, idle: 0,
		},
		{
			// Lifetimes one after another exceed --workers 2: inferred as
			// generations of one slot, so 1 alive at once: 1 idle slot.
			name: "sequential workers",
			recs: []parse.Record{
				line("101", 1, sec, 200), line("101", 2, sec, 200), line("102", 5, sec, 200),
				line("102", 6, sec, 200), line("103", 9, sec, 200), line("103", 10, sec, 200),
			},
			workers: 2, idle: 1,
		},
		{
			// More alive than configured: never negative.
			name:    "more alive than configured",
			recs:    []parse.Record{line("101", 1, 2*sec, 200), line("102", 1, 2*sec, 200)},
			workers: 1, idle: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Finish(feed(nil, tt.recs...), nil, Options{Workers: tt.workers})
			if rep.IdleSlots != tt.idle {
				t.Errorf("got %d idle slots, want %d", rep.IdleSlots, tt.idle)
			}
			if rep.Configured != tt.workers {
				t.Errorf("got configured %d, want %d", rep.Configured, tt.workers)
			}
			// The population is every PID seen plus the idle slots, which
			// count as zeros in both skews but get no row.
			pop := len(rep.Workers) + tt.idle
			if rep.Skew.Workers != pop || rep.RequestSecondsSkew.Workers != pop {
				t.Errorf("got skew over %d and %d workers, want %d", rep.Skew.Workers, rep.RequestSecondsSkew.Workers, pop)
			}
			if rep.Skew.ActiveWorkers != len(rep.Workers) {
				t.Errorf("got %d active workers, want %d", rep.Skew.ActiveWorkers, len(rep.Workers))
			}
		})
	}
}

// With --workers 4 and 2 workers alive at once, the request skew is over
// [3 1 0 0]: top1 3/4; jain 4²/(4·10) = 0.4; gini: ordered |diffs| (3,1)
// and (1,3) 4, (3,0) ×4 12, (1,0) ×4 4 → 20, over 2·4²·1 = 32: 0.625.
func TestIdleSlotsInSkew(t *testing.T) {
	rep := Finish(feed(nil,
		line("201", 0, sec, 200), line("202", 3, 2*sec, 200), line("201", 2, sec, 200), line("201", 4, sec, 200),
	), nil, Options{Workers: 4})
	s := rep.Skew
	if s.Workers != 4 || s.ActiveWorkers != 2 || !relNear(s.Gini, 0.625, 1e-12) || !relNear(s.TopShare["1"], 0.75, 1e-12) ||
		s.Jain == nil || !relNear(*s.Jain, 0.4, 1e-12) {
		t.Errorf("got %+v, want 4 workers, 2 active, gini 0.625, top1 0.75, jain 0.4", s)
	}
}

// When nothing is attributed the report still has a well-formed skew.
func TestFinishOnlyUnattributed(t *testing.T) {
	rep := Finish(feed(nil, line("", 0, sec, 200), line("", 1, sec, 200)), nil, Options{Workers: 2})
	if len(rep.Workers) != 0 || rep.Workers == nil || rep.Unattributed != 2 {
		t.Fatalf("got workers %v, unattributed %d; want [] and 2", rep.Workers, rep.Unattributed)
	}
	// Both slots idle: the total is 0, so gini and top shares are 0, the
	// rest null.
	if s := rep.Skew; s.Workers != 2 || s.Gini != 0 || s.TopShare["1"] != 0 || s.Jain != nil {
		t.Errorf("got %+v, want 2 workers, gini 0, top1 0, jain null", s)
	}
}

// The percentiles come from a sketch with 1% relative accuracy. The exact
// values are the nearest-rank percentiles of the sorted durations, picked
// so that the sketch's rank q·(n−1) falls in the same run of equal values.
func TestQuantiles(t *testing.T) {
	// 40 distinct durations 1 ms·1.2^k, k = 0..39, each 5 times: n = 200.
	var durs []int64
	for k := range 40 {
		d := int64(math.Round(1000 * math.Pow(1.2, float64(k))))
		for range 5 {
			durs = append(durs, d)
		}
	}
	sorted := slices.Clone(durs)
	slices.Sort(sorted)
	exact := func(q float64) float64 { // nearest rank: the ⌈q·n⌉-th value
		return float64(sorted[int(math.Ceil(q*float64(len(sorted))))-1]) / 1e6
	}
	// p50: the 100th value, k = 19 (values 96..100 are k = 19); p95: 190th,
	// k = 37; p99: 198th, k = 39.
	for _, c := range []struct {
		q float64
		k int
	}{{0.50, 19}, {0.95, 37}, {0.99, 39}} {
		if want := math.Round(1000*math.Pow(1.2, float64(c.k))) / 1e6; exact(c.q) != want {
			t.Fatalf("p%v: exact %v, want %v: the test data is wrong", c.q*100, exact(c.q), want)
		}
	}

	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(durs), func(i, j int) { durs[i], durs[j] = durs[j], durs[i] })
	// Spread over three partials, merged: the sketch must merge exactly.
	parts := []*Partial{NewPartial(nil), NewPartial(nil), NewPartial(nil)}
	for i, d := range durs {
		r := line("101", int64(i), d, 200)
		parts[i%3].Add(&r)
	}
	parts[0].Merge(parts[1])
	parts[0].Merge(parts[2])
	w := Finish(parts[0], nil, Options{}).Workers[0]
	for _, c := range []struct {
		name string
		got  *float64
		q    float64
	}{{"p50", w.P50Seconds, 0.50}, {"p95", w.P95Seconds, 0.95}, {"p99", w.P99Seconds, 0.99}} {
		if c.got == nil {
			t.Errorf("%s: got null", c.name)
			continue
		}
		if want := exact(c.q); !relNear(*c.got, want, sketchAccuracy) {
			t.Errorf("%s: got %v, want %v within %v", c.name, *c.got, want, sketchAccuracy)
		}
	}
}

// TestFinishHostKeys checks that workers keyed by host keep host and key
// apart: the same PID on two hosts is two workers, a worker value with a
// slash is not read as a host, and the line's host wins over the
// partial's.
func TestFinishHostKeys(t *testing.T) {
	withHost := func(r parse.Record, host string) parse.Record {
		r.Host = []byte(host)
		return r
	}
	p := NewPartial(nil)
	p.SetHost("web1")
	recs := []parse.Record{
		line("101", 0, sec, 200),
		line("101", 1, sec, 200),
		withHost(line("101", 2, sec, 200), "web2"),
		line("unix:/run/app.sock", 3, sec, 200),
		withHost(line("101", 4, sec, 200), "web2"),
		line("101", 5, sec, 200),
	}
	for i := range recs {
		p.Add(&recs[i])
	}
	rep := Finish(p, nil, Options{Hosts: true})
	type row struct {
		key, host, pid string
		requests       int64
	}
	var got []row
	for _, w := range rep.Workers {
		r := row{key: w.Key, host: "null", pid: "null", requests: w.Requests}
		if w.Host != nil {
			r.host = *w.Host
		}
		if w.PID != nil {
			r.pid = fmt.Sprint(*w.PID)
		}
		if w.ID.String() != w.Key {
			t.Errorf("%s: ID %+v writes %q", w.Key, w.ID, w.ID.String())
		}
		got = append(got, r)
	}
	want := []row{
		{"web1/101", "web1", "101", 3},
		{"web2/101", "web2", "101", 2},
		{"web1/unix:/run/app.sock", "web1", "null", 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
