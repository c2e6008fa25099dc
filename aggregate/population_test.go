package aggregate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// hostRec is winRec on host h.
func hostRec(h, worker string, t time.Time) parse.Record {
	r := winRec(worker, t)
	r.Host = []byte(h)
	return r
}

// popLines writes each window population as "start host key:n ... +idle".
func popLines(wps []WindowPopulation) []string {
	var out []string
	for _, w := range wps {
		line := w.Start.Format("15:04:05") + " " + w.Host
		for i, k := range w.Keys {
			line += fmt.Sprintf(" %s:%d", k, w.Requests[i])
		}
		out = append(out, fmt.Sprintf("%s +%d", line, w.IdleSlots))
	}
	return out
}

// WindowPopulations works without --window (the automatic accounting), at
// any multiple of the accounted width, per host with each host padded to
// --workers on its own.
func TestWindowPopulations(t *testing.T) {
	// Host a: a1 serves at 17:00:05 and 17:00:55, a2 at 17:00:15 and
	// 17:00:35. Host b: b1 at 17:00:25 and 17:00:45. --workers 3.
	recs := []parse.Record{
		hostRec("a", "1", winAt("17:00:05")), hostRec("a", "2", winAt("17:00:15")), hostRec("b", "1", winAt("17:00:25")),
		hostRec("a", "2", winAt("17:00:35")), hostRec("b", "1", winAt("17:00:45")), hostRec("a", "1", winAt("17:00:55")),
	}
	p := NewPartial(nil) // no SetWindows: no windows[], populations all the same
	for i := range recs {
		p.Add(&recs[i])
	}
	rep := Finish(p, nil, Options{Workers: 3, Hosts: true})
	if len(rep.Windows) != 0 || rep.WindowSeconds != nil {
		t.Errorf("got %d windows, window_seconds %v; want none without --window", len(rep.Windows), rep.WindowSeconds)
	}
	pop := rep.Populations
	if pop.Width() != time.Second || pop.AutoWidth() != time.Second {
		t.Errorf("got width %s, auto %s; want 1s, 1s (51 s of log)", pop.Width(), pop.AutoWidth())
	}
	// 20 s windows from 17:00:00: both hosts in each, alive throughout
	// (an access log alone). Host a: 2 workers + 1 idle slot; b: 1 + 2.
	wps, err := pop.WindowPopulations(20 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"17:00:00 a a/1:1 a/2:1 +1", "17:00:00 b b/1:0 +2",
		"17:00:20 a a/1:0 a/2:1 +1", "17:00:20 b b/1:1 +2",
		"17:00:40 a a/1:1 a/2:0 +1", "17:00:40 b b/1:1 +2",
	}
	if got := popLines(wps); !slices.Equal(got, want) {
		t.Errorf("20s windows:\ngot  %q\nwant %q", got, want)
	}
	// Values: a host's requests then a zero per idle slot.
	if got := wps[1].Values(); !slices.Equal(got, []float64{0, 0, 0}) {
		t.Errorf("values of b in 17:00:00: got %v, want [0 0 0]", got)
	}
	if got := wps[0].Values(); !slices.Equal(got, []float64{1, 1, 0}) {
		t.Errorf("values of a in 17:00:00: got %v, want [1 1 0]", got)
	}
	if _, err := pop.WindowPopulations(1500 * time.Millisecond); err == nil || !strings.Contains(err.Error(), "not a multiple") {
		t.Errorf("1.5s windows: got error %v, want one saying 1.5s is not a multiple of 1s", err)
	}
	// The whole run: per host, 3 − 2 and 3 − 1 idle slots.
	if rep.IdleSlots != 3 || len(rep.HostSkew) != 2 || rep.HostSkew[0].IdleSlots != 1 || rep.HostSkew[1].IdleSlots != 2 {
		t.Errorf("got idle_slots %d, host_skew %+v; want 3, a 1 and b 2", rep.IdleSlots, rep.HostSkew)
	}
	// Host a: [2 2 0]: gini 8/(2·9·4/3) = 1/3; b: [2 0 0]: 8/(2·9·2/3) = 2/3.
	if !winNear(rep.HostSkew[0].Skew.Gini, 1.0/3) || !winNear(rep.HostSkew[1].Skew.Gini, 2.0/3) {
		t.Errorf("host gini: got %v, %v; want 1/3, 2/3", rep.HostSkew[0].Skew.Gini, rep.HostSkew[1].Skew.Gini)
	}
}

// windows[] with several hosts: the window's skew is over every host's
// workers and idle slots; host_skew has each host's own.
func TestWindowsSeveralHosts(t *testing.T) {
	recs := []parse.Record{
		hostRec("a", "1", winAt("17:00:05")), hostRec("a", "2", winAt("17:00:15")), hostRec("b", "1", winAt("17:00:25")),
		hostRec("a", "2", winAt("17:00:35")), hostRec("b", "1", winAt("17:00:45")), hostRec("a", "1", winAt("17:00:55")),
	}
	p := winPartial(20*time.Second, recs)
	rep := Finish(p, nil, Options{Workers: 3, Hosts: true})
	if len(rep.Windows) != 3 {
		t.Fatalf("got %d windows, want 3", len(rep.Windows))
	}
	w := rep.Windows[0] // a: [1 1 0], b: [0 0 0]
	if w.Skew.Workers != 6 || w.IdleSlots != 3 || len(w.HostSkew) != 2 {
		t.Fatalf("17:00:00: got %d workers, %d idle slots, %d hosts; want 6, 3, 2", w.Skew.Workers, w.IdleSlots, len(w.HostSkew))
	}
	// Cross-host [1 1 0 0 0 0]: Σ|xi−xj| = 2·8 = 16; 2·36·(1/3) = 24: 2/3.
	// a [1 1 0]: 4/(2·9·2/3) = 1/3; b: nothing served, 0.
	if !winNear(w.Skew.Gini, 2.0/3) || w.HostSkew[0].Host != "a" || !winNear(w.HostSkew[0].Skew.Gini, 1.0/3) ||
		w.HostSkew[1].Host != "b" || w.HostSkew[1].Skew.Gini != 0 || w.HostSkew[1].IdleSlots != 2 {
		t.Errorf("17:00:00: got gini %v, host_skew %+v; want 2/3, a 1/3, b 0 with 2 idle slots", w.Skew.Gini, w.HostSkew)
	}
}

// With several hosts each host_skew entry has its own window skew (at the
// run's window_skew size) and skew per alive-second; the report's
// window_skew and rate_skew stay the figures over every host.
func TestHostWindowAndRateSkew(t *testing.T) {
	// 10 s windows. Host a serves 10 and 10 in both windows; host b 20 and
	// 0, then 19 and 1. Every worker is alive from 17:00:00 to 17:00:19
	// (an access log alone), so rates are requests over one length.
	var recs []parse.Record
	add := func(h, w string, n int, at string) {
		for range n {
			recs = append(recs, hostRec(h, w, winAt(at)))
		}
	}
	add("a", "1", 10, "17:00:00")
	add("a", "2", 10, "17:00:05")
	add("b", "1", 20, "17:00:05")
	add("a", "1", 10, "17:00:12")
	add("a", "2", 10, "17:00:15")
	add("b", "1", 19, "17:00:15")
	add("b", "2", 1, "17:00:19")
	rep := Finish(winPartial(10*time.Second, recs), nil, Options{Hosts: true})
	if len(rep.HostSkew) != 2 {
		t.Fatalf("got %d host_skew entries, want 2", len(rep.HostSkew))
	}
	a, b := rep.HostSkew[0], rep.HostSkew[1]
	if a.WindowSkew == nil || b.WindowSkew == nil || a.RateSkew == nil || b.RateSkew == nil {
		t.Fatalf("got host_skew %+v; want window_skew and rate_skew on both", rep.HostSkew)
	}
	// a: [10 10] twice, gini 0. b: [20 0] is 40/(2·4·10) = 0.5, [19 1] is
	// 36/80 = 0.45: median 0.475, top1 (1.0+0.95)/2.
	if a.WindowSkew.Counted != 2 || !winEqPtr(a.WindowSkew.MedianGini, ptr(0.0)) {
		t.Errorf("a: got %d counted, median gini %v; want 2, 0", a.WindowSkew.Counted, *a.WindowSkew.MedianGini)
	}
	if b.WindowSkew.WindowSeconds != 10 || b.WindowSkew.Counted != 2 || !winEqPtr(b.WindowSkew.MedianGini, ptr(0.475)) ||
		!winEqPtr(b.WindowSkew.MedianTop1Share, ptr(0.975)) {
		t.Errorf("b: got %+v; want 10 s, 2 counted, median gini 0.475, top1 0.975", *b.WindowSkew)
	}
	// Rates over one alive length: a [20 20] is 0; b [39 1] is 76/160.
	if !winNear(a.RateSkew.Gini, 0) || !winNear(b.RateSkew.Gini, 0.475) {
		t.Errorf("rate gini: got a %v, b %v; want 0, 0.475", a.RateSkew.Gini, b.RateSkew.Gini)
	}
	// Over every host: four windows with ginis 0, 0, 0.5, 0.45 (median
	// 0.225), and rates [20 20 39 1]: Σ|xi−xj| = 2·(19+19+0+19+19+38) = 228
	// over 2·16·20 = 640.
	if rep.WindowSkew == nil || rep.WindowSkew.Counted != 4 || !winEqPtr(rep.WindowSkew.MedianGini, ptr(0.225)) {
		t.Errorf("window_skew: got %+v; want 4 counted, median gini 0.225", rep.WindowSkew)
	}
	if rep.RateSkew == nil || !winNear(rep.RateSkew.Gini, 228.0/640) {
		t.Errorf("rate_skew: got %+v; want gini %v", rep.RateSkew, 228.0/640)
	}
	// A window's host_skew has no summary of its own.
	if w := rep.Windows[0]; len(w.HostSkew) != 2 || w.HostSkew[0].WindowSkew != nil || w.HostSkew[0].RateSkew != nil {
		t.Errorf("windows[0].host_skew: got %+v; want two entries without window_skew or rate_skew", w.HostSkew)
	}
}

// The automatic window_skew size stops moving up once the span is one
// window of time, however many hosts share it: 17:00:01 to 17:00:15 with
// too few requests to count is one window at 30 s (two at 10 s).
func TestWindowSkewSizeSeveralHosts(t *testing.T) {
	recs := []parse.Record{
		hostRec("a", "1", winAt("17:00:01")), hostRec("a", "2", winAt("17:00:15")),
		hostRec("b", "1", winAt("17:00:03")), hostRec("b", "2", winAt("17:00:14")),
	}
	rep := Finish(winPartial(0, recs), nil, Options{Hosts: true})
	if ws := rep.WindowSkew; ws == nil || ws.WindowSeconds != 30 || ws.Windows != 2 || ws.Counted != 0 {
		t.Errorf("got window_skew %+v; want 30 s, 2 windows (one per host), 0 counted", ws)
	}
	for _, h := range rep.HostSkew {
		if ws := h.WindowSkew; ws == nil || ws.WindowSeconds != 30 || ws.Windows != 1 {
			t.Errorf("%s: got window_skew %+v; want 30 s, 1 window", h.Host, ws)
		}
	}
}
