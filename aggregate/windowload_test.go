package aggregate

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// denseLoad is LoadOf worked out from every live worker's counts (Counts,
// zeros included), the way explain summed windows before loads were
// sparse: a worker is listed when it served in one of the windows or its
// CPU is known, quiet when it was live and neither.
func denseLoad(ws []Window) (listed []string, req map[string]int64, secs, cpu map[string]float64, quiet []string) {
	req, secs, cpu = map[string]int64{}, map[string]float64{}, map[string]float64{}
	live := map[string]bool{}
	for _, w := range ws {
		r, s, c := w.Counts()
		for k, n := range r {
			live[k] = true
			req[k] += n
		}
		for k, v := range s {
			secs[k] += v
		}
		for k, v := range c {
			cpu[k] += v
		}
	}
	for k := range live {
		if _, known := cpu[k]; req[k] > 0 || known {
			listed = append(listed, k)
		} else {
			quiet = append(quiet, k)
		}
	}
	slices.SortFunc(listed, compareKeys)
	slices.SortFunc(quiet, compareKeys)
	return listed, req, secs, cpu, quiet
}

// LoadOf lists what the windows served and counts the other live workers,
// one window or several, over all hosts or one host's part: the same sums
// as every live worker's counts, without the zeros.
func TestLoadOf(t *testing.T) {
	// Two hosts, --workers 2: host a has 5 PIDs one after another, so
	// their alive intervals are inferred generations and a window has
	// some quiet; host b has 2 PIDs, one of them serving in one window.
	var recs []parse.Record
	for i := range 50 {
		at := winAt("17:00:00").Add(time.Duration(i) * 20 * time.Second)
		r := hostRec("a", fmt.Sprint(100+i/10), at)
		r.Duration = int64(i%7) * 150_000
		recs = append(recs, r)
		if i%5 == 0 {
			recs = append(recs, hostRec("b", "7", at))
		}
	}
	recs = append(recs, hostRec("b", "9", winAt("17:05:00")))
	rep := Finish(winPartial(time.Minute, recs), nil, Options{Workers: 2, Hosts: true})
	if len(rep.Windows) < 10 {
		t.Fatalf("got %d windows, want at least 10", len(rep.Windows))
	}
	check := func(name string, ws []Window) {
		t.Helper()
		l := LoadOf(ws)
		listed, req, secs, cpu, quiet := denseLoad(ws)
		if !slices.Equal(l.Keys, listed) || l.Quiet != len(quiet) {
			t.Errorf("%s: got %q and %d quiet, want %q and %d quiet (%q)", name, l.Keys, l.Quiet, listed, len(quiet), quiet)
			return
		}
		for i, k := range l.Keys {
			_, known := cpu[k]
			if l.Requests[i] != req[k] || l.Seconds[i] != secs[k] || l.CPUKnown[i] != known || l.CPU[i] != cpu[k] {
				t.Errorf("%s: %s got %d requests, %v s, cpu %v (%v); want %d, %v, %v (%v)",
					name, k, l.Requests[i], l.Seconds[i], l.CPU[i], l.CPUKnown[i], req[k], secs[k], cpu[k], known)
			}
		}
		want := ""
		if len(quiet) > 0 {
			want = quiet[0]
		}
		if got := l.FirstQuiet(); got != want {
			t.Errorf("%s: first quiet got %q, want %q", name, got, want)
		}
	}
	quiet := 0
	for k := 1; k <= 3; k++ {
		for i := 0; i+k <= len(rep.Windows); i++ {
			ws := rep.Windows[i : i+k]
			check(fmt.Sprintf("windows %d..%d", i, i+k-1), ws)
			quiet += LoadOf(ws).Quiet
			for h := range rep.Windows[i].HostSkew {
				var part []Window
				for _, w := range ws {
					part = append(part, rep.HostWindows(w)[h].Window)
				}
				check(fmt.Sprintf("windows %d..%d host %d", i, i+k-1, h), part)
			}
		}
	}
	if quiet == 0 {
		t.Error("no window had a quiet worker: the test checks nothing")
	}
}

// Finish with Release makes the same report, and leaves the partial
// without workers.
func TestFinishRelease(t *testing.T) {
	var recs []parse.Record
	for i := range 300 {
		r := hostRec(fmt.Sprint("h", i%2), fmt.Sprint(100+i%13), winAt("17:00:00").Add(time.Duration(i*7)*time.Second))
		r.Duration = int64(i%5) * 90_000
		recs = append(recs, r)
	}
	opt := Options{Workers: 8, Hosts: true}
	want := Finish(winPartial(0, recs), nil, opt)
	p := winPartial(0, recs)
	opt.Release = true
	got := Finish(p, nil, opt)
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("released:\ngot  %s\nwant %s", g, w)
	}
	if n := len(p.Workers()); n != 0 {
		t.Errorf("workers left in the partial: got %d, want 0", n)
	}
}
