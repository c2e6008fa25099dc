package aggregate

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Dominance says which worker was busiest in each window and when that changed.
//
// The rules, in the order they apply:
//   - The busiest worker of a window is the one with the largest metric value
//     (requests by default). A tie goes to the lower key, numerically when
//     both keys are numbers ("9" before "10"), so the answer never depends on
//     map order.
//   - A window whose total is 0 (no traffic, or no worker alive) has no
//     busiest worker. It neither breaks nor starts a stretch: a window is
//     compared with the last window before it that had traffic.
//   - A change is reported in the first window where another worker is on
//     top; one window on top is enough. There is no hysteresis: a window
//     already averages many requests, and a rule that hid short takeovers
//     would hide the very ones a short log has and would make Changes and
//     Longest disagree. Flapping shows as many changes with shares close to
//     each other, which the shares make plain.
type Dominance struct {
	Changes []Takeover `json:"changes"` // windows where the busiest worker changed, in time order
	Longest []Stretch  `json:"longest"` // per worker that was ever on top, its longest run on top, longest first
}

// Takeover is one change of the busiest worker.
type Takeover struct {
	At   string `json:"at"` // start of the first window To was on top
	From string `json:"from"`
	To   string `json:"to"`
	// FromShare is From's share in the last window with traffic before At;
	// ToShare is To's share in the window at At.
	FromShare float64 `json:"from_share"`
	ToShare   float64 `json:"to_share"`
}

// Stretch is a run of windows with traffic in which one worker was on top.
// Windows with no traffic inside the run count in neither Windows nor as a
// break, but lie between Start and End.
type Stretch struct {
	Key     string `json:"key"`
	Start   string `json:"start"` // start of the first window of the run
	End     string `json:"end"`   // end of the last window of the run
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

// ComputeDominance finds the busiest worker of each window of ws (in time
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
	var cur Stretch
	var curShare float64 // the leader's share in the last window with traffic
	for _, w := range ws {
		key, share, ok := busiest(metric(w))
		if !ok {
			continue
		}
		switch {
		case cur.Windows > 0 && cur.Key == key:
			cur.End = w.End
			cur.Windows++
		case cur.Windows > 0:
			d.Changes = append(d.Changes, Takeover{At: w.Start, From: cur.Key, To: key, FromShare: curShare, ToShare: share})
			keep(cur)
			fallthrough
		default:
			cur = Stretch{Key: key, Start: w.Start, End: w.End, Windows: 1}
		}
		curShare = share
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
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return keyLess(a.Key, b.Key)
	})
	return d
}

// busiest returns the worker with the largest value in m, the lower key on
// a tie, and its share of the total; ok is false when the total is 0.
func busiest(m map[string]float64) (key string, share float64, ok bool) {
	var total, top float64
	for k, v := range m {
		if !(v > 0) { // negative, zero or NaN
			continue
		}
		total += v
		if !ok || v > top || v == top && keyLess(k, key) {
			key, top, ok = k, v, true
		}
	}
	if !ok {
		return "", 0, false
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
		t.To, t.From, ShortStamp(t.At, seconds), t.FromShare*100, t.ToShare*100)
}

// String is the takeover's Sentence.
func (t Takeover) String() string { return t.Sentence(false) }

// ShortStamp writes an RFC 3339 UTC stamp as "2006-01-02 15:04", with
// seconds when seconds is set or the stamp is not on a whole minute. A
// string that is not RFC 3339 comes back unchanged.
func ShortStamp(s string, seconds bool) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	t = t.UTC()
	if seconds || t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}
