package aggregate

import (
	"fmt"
	"math"
	"sort"
)

// Dominance says which worker was busiest in each window and when that changed.
//
// The rules, in the order they apply:
//   - A worker is on top in a window when it did at least ClearLead times as
//     much as every other worker there (by the metric: requests by default).
//     A lone worker with traffic is on top. A window without such a worker has
//     no busiest one: a tie or a near tie at the top is counting noise, not a
//     takeover. Without this rule an even load (17 sync workers, each with
//     about 6% of every window) reports a "takeover" in nearly every window.
//   - A window whose total is 0 (no traffic, or no worker alive) neither
//     breaks nor starts a stretch: it is skipped, and the next window is
//     compared with the last window before it that had a worker on top.
//   - A window with traffic but nobody on top ends the running stretch
//     without a takeover; the next worker on top is compared with the last
//     one, so a worker that comes back on top after it is not a change.
//   - A change is reported in the first window where another worker is on
//     top; one window is enough. Flapping between workers that each clearly
//     lead in turn is reported change by change: it is what happened.
//
// Nothing depends on map order: a tie at the top is never on top, and equal
// stretches are ordered by start and then key.
type Dominance struct {
	Changes []Takeover `json:"changes"` // windows where the busiest worker changed, in time order
	Longest []Stretch  `json:"longest"` // per worker that was ever on top, its longest run on top, longest first
}

// Takeover is one change of the busiest worker.
type Takeover struct {
	At   Stamp  `json:"at"` // start of the first window To was on top
	From string `json:"from"`
	To   string `json:"to"`
	// FromShare is From's share in the last window it was on top before At
	// (the window before, unless windows with no traffic or nobody on top lie
	// between); ToShare is To's share in the window at At.
	FromShare float64 `json:"from_share"`
	ToShare   float64 `json:"to_share"`
}

// Stretch is a run of windows in which one worker was on top. Windows with
// no traffic inside the run count in neither Windows nor as a break, but lie
// between Start and End.
type Stretch struct {
	Key     string `json:"key"`
	Start   Stamp  `json:"start"` // start of the first window of the run
	End     Stamp  `json:"end"`   // end of the last window of the run
	Windows int    `json:"windows"`
}

// WindowRequests is the default metric of ComputeDominance: requests per
// worker in the window.
func WindowRequests(w Window) map[string]float64 {
	m := make(map[string]float64, len(w.Requests))
	for k, n := range w.Requests {
		m[k] = float64(n)
	}
	return m
}

// WindowRequestSeconds is request (busy) seconds per worker in the window.
func WindowRequestSeconds(w Window) map[string]float64 { return w.RequestSeconds }

// WindowCPUSeconds is CPU seconds per worker in the window.
func WindowCPUSeconds(w Window) map[string]float64 { return w.CPUSeconds }

// ClearLead is how many times as much as every other worker of a window its
// busiest worker must have done to count as on top: a quarter more. In the
// 5-second windows of an even load of 17 sync workers (the corpus) the
// busiest leads the next by at most 1.21 times; where keep-alive pins load,
// leads of 1.3 to 40 times are common.
const ClearLead = 1.25

// ComputeDominance finds the worker on top in each window of ws (in time
// order) by metric (WindowRequests when nil), the windows where it changed,
// and each top worker's longest stretch on top; see Dominance for the rules.
// Longest is ordered by windows on top, then start, then key. Negative and
// NaN values count as 0. The slices are never nil.
func ComputeDominance(ws []Window, metric func(Window) map[string]float64) Dominance {
	if metric == nil {
		metric = WindowRequests
	}
	d := Dominance{Changes: []Takeover{}, Longest: []Stretch{}}
	best := map[string]Stretch{}
	keep := func(s Stretch) {
		if b, ok := best[s.Key]; !ok || s.Windows > b.Windows {
			best[s.Key] = s
		}
	}
	var cur Stretch       // the running stretch; Windows 0 when none runs
	var last string       // the last worker on top, "" before the first
	var lastShare float64 // its share in the last window it was on top
	for _, w := range ws {
		key, share, traffic := busiest(metric(w))
		if !traffic {
			continue
		}
		if key != cur.Key { // another worker on top, or nobody
			if cur.Windows > 0 {
				keep(cur)
			}
			cur = Stretch{Key: key, Start: w.Start}
		}
		if key == "" {
			continue
		}
		if last != "" && key != last {
			d.Changes = append(d.Changes, Takeover{At: w.Start, From: last, To: key, FromShare: lastShare, ToShare: share})
		}
		cur.End = w.End
		cur.Windows++
		last, lastShare = key, share
	}
	if cur.Windows > 0 {
		keep(cur)
	}
	for _, s := range best {
		d.Longest = append(d.Longest, s)
	}
	sort.Slice(d.Longest, func(i, j int) bool {
		a, b := d.Longest[i], d.Longest[j]
		if a.Windows != b.Windows {
			return a.Windows > b.Windows
		}
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return keyLess(a.Key, b.Key)
	})
	return d
}

// busiest returns the worker on top in m (see Dominance) and its share of
// the total; key is "" when nobody leads clearly, and traffic is false when
// the total is 0.
func busiest(m map[string]float64) (key string, share float64, traffic bool) {
	var total, top, next float64
	for k, v := range m {
		if !(v > 0) { // negative, zero or NaN
			continue
		}
		total += v
		switch {
		case key == "" || v > top || v == top && keyLess(k, key):
			next = max(next, top)
			key, top = k, v
		default:
			next = max(next, v)
		}
	}
	if key == "" {
		return "", 0, false
	}
	if next > 0 && !(top >= ClearLead*next) {
		return "", 0, true
	}
	share = top / total
	if math.IsNaN(share) { // +Inf values
		share = 1
	}
	return key, share, true
}

// KeyLess orders worker keys as reports do: numerically when both keys are
// numbers, bytewise otherwise.
func KeyLess(a, b string) bool { return keyLess(a, b) }

// Sentence says the takeover in words: "15708 took over from 26564 at
// 2026-10-07 03:00, 41% → 63%". The time has seconds when seconds is set
// (windows shorter than a minute) or when At is not on a whole minute.
func (t Takeover) Sentence(seconds bool) string {
	return fmt.Sprintf("%s took over from %s at %s, %.0f%% → %.0f%%",
		t.To, t.From, t.At.Short(seconds), t.FromShare*100, t.ToShare*100)
}

// String is the takeover's Sentence.
func (t Takeover) String() string { return t.Sentence(false) }
