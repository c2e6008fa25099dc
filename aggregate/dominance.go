package aggregate

import (
	"math"
	"sort"
	"time"
)

// Dominance says which worker was busiest in each window and when that
// changed in a way that lasted.
//
// What a window shows, by the metric (requests by default):
//   - one worker on top: it did at least ClearLead times as much as every
//     other worker there (a lone worker with traffic is on top);
//   - a pair: nobody is on top, and the two busiest together did at least
//     PairShare of the window (two keep-alive connections pinned to two
//     workers);
//   - nobody: a tie or near tie that is not a pair (counting noise: an even
//     load of 17 sync workers has a near tie at the top of every window);
//   - nothing, when the window's total is 0 (no traffic, or nobody alive).
//
// The lead changes when another worker, or another pair, shows in
// HoldWindows windows with traffic in a row; the change is dated at the
// first of them. The first lead of the run is no change. A window with
// nobody on top breaks a run, a window with no traffic neither breaks nor
// counts, and the current lead showing again cancels the run: flapping
// between workers that lead in turn for a window or two is not reported.
// What the change was (Kind), in the order the kinds are checked:
//   - ChangeAfterExit: a worker of the old lead exited (or was told to
//     restart) within one window of the change, by the exits given;
//   - ChangeAfterIdle: between the old lead's last window and the change lay
//     IdleWindows or more windows without traffic in a row;
//   - ChangePair: the new lead is a pair;
//   - ChangeTakeover: anything else.
//
// Nothing depends on map order: ties are broken by key, and equal stretches
// are ordered by start and then key.
type Dominance struct {
	Changes []Takeover `json:"changes"` // changes of the lead, in time order
	Longest []Stretch  `json:"longest"` // per worker that was ever on top, its longest run on top, longest first
	// Stretches are all runs on top, in time order (grouped by host with
	// several), for a chart of who led when; not part of the document.
	Stretches []Stretch `json:"-"`
}

// ChangeKind says what a change of the lead was; see Dominance.
type ChangeKind string

// The kinds of change.
const (
	ChangeTakeover  ChangeKind = "takeover"
	ChangeAfterIdle ChangeKind = "after_idle"
	ChangePair      ChangeKind = "pair"
	ChangeAfterExit ChangeKind = "after_exit"
)

// Takeover is one change of the lead.
type Takeover struct {
	At Stamp `json:"at"` // start of the first window the new lead showed in
	// From is the old lead: its worker, or for a pair the member that is not
	// part of the new lead (the busier one in the pair's last window when
	// neither is), or the member that exited. To is the new lead: its
	// worker, or for a pair the member that was not part of the old lead
	// (the busier one in the first window when neither was); With is the
	// pair's other member, null for one worker.
	From string  `json:"from"`
	To   string  `json:"to"`
	With *string `json:"with"`
	// FromShare is From's share in the last window the old lead showed in
	// before At; ToShare and WithShare are To's and With's shares in the
	// window at At.
	FromShare float64    `json:"from_share"`
	ToShare   float64    `json:"to_share"`
	WithShare *float64   `json:"with_share"`
	Kind      ChangeKind `json:"kind"`
	// IdleSeconds is the longest stretch without traffic between the old
	// lead's last window and At, for ChangeAfterIdle; null otherwise.
	IdleSeconds *float64 `json:"idle_seconds"`
	// ExitReason is why From ended, for ChangeAfterExit ("max_requests",
	// "timeout", ...); null otherwise, or when the reason is not known.
	ExitReason *string `json:"exit_reason"`
	// Host is the host whose workers the change is among, with several
	// hosts (see Report.DominanceOf); null with one.
	Host *string `json:"host"`
}

// Stretch is a run of windows in which one worker was on top. Windows with
// no traffic inside the run count in neither Windows nor as a break, but lie
// between Start and End.
type Stretch struct {
	Key     string `json:"key"`
	Start   Stamp  `json:"start"` // start of the first window of the run
	End     Stamp  `json:"end"`   // end of the last window of the run
	Windows int    `json:"windows"`
	// Host is the worker's host, with several hosts; null with one.
	Host *string `json:"host"`
}

// Exit is when a worker ended and why ("" when not known), for
// ComputeDominance.
type Exit struct {
	At     Stamp
	Reason string
}

// WindowRequests is the default metric of ComputeDominance: requests per
// worker in the window (the workers that served, in a window of Finish).
func WindowRequests(w Window) map[string]float64 {
	if c := w.cells; c != nil {
		m := make(map[string]float64, len(c.served))
		for _, s := range c.served {
			m[c.t.key(s.worker)] = float64(s.requests)
		}
		return m
	}
	m := make(map[string]float64, len(w.Requests))
	for k, n := range w.Requests {
		m[k] = float64(n)
	}
	return m
}

// WindowRequestSeconds is request (busy) seconds per worker in the window.
func WindowRequestSeconds(w Window) map[string]float64 {
	_, secs, _ := w.Counts()
	return secs
}

// WindowCPUSeconds is CPU seconds per worker in the window.
func WindowCPUSeconds(w Window) map[string]float64 {
	_, _, cpu := w.Counts()
	return cpu
}

// abovePositive is m without its values that are not above 0 (NaN included).
func abovePositive(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

// ClearLead is how many times as much as every other worker of a window its
// busiest worker must have done to count as on top: a quarter more. In the
// 5-second windows of an even load of 17 sync workers (the corpus) the
// busiest leads the next by at most 1.21 times; where keep-alive pins load,
// leads of 1.3 to 40 times are common.
const ClearLead = 1.25

// PairShare is the least share of a window two workers must have done
// together, neither on top, to share the lead as a pair.
const PairShare = 0.9

// HoldWindows is in how many windows with traffic in a row a new lead must
// show to count as a change: one or two windows on top between other
// leaders' windows is how two pinned workers swap in 5-second windows.
const HoldWindows = 3

// IdleWindows is how many windows without traffic in a row make an idle
// gap: after one, whoever serves first is a matter of who was woken, not of
// load.
const IdleWindows = 2

// ComputeDominance finds the lead in each window of ws (in time order) by
// metric (WindowRequests when nil), the changes of the lead, each top
// worker's longest stretch on top and every stretch; see Dominance for the
// rules. exits (by
// worker key, may be nil) say when workers ended, for ChangeAfterExit.
// Longest is ordered by windows on top, then start, then key. Negative and
// NaN values count as 0. The slices are never nil.
func ComputeDominance(ws []Window, metric func(Window) map[string]float64, exits map[string]Exit) Dominance {
	if metric == nil {
		metric = WindowRequests
	}
	ms := make([]map[string]float64, len(ws))
	leads := make([]lead, len(ws))
	for i, w := range ws {
		// Only what is above 0 counts (see leadOf and shareOf): a window
		// keeps its workers that did something, not its idle ones.
		ms[i] = abovePositive(metric(w))
		leads[i] = leadOf(ms[i])
	}
	long, all := stretches(ws, leads)
	return Dominance{Changes: changes(ws, ms, leads, exits), Longest: long, Stretches: all}
}

// lead is who led one window: key alone, or key and with as a pair (key
// the busier). traffic is false when the window's total was 0; key is ""
// when nobody led.
type lead struct {
	key, with   string
	share, wshr float64 // their shares of the window
	traffic     bool
}

// has reports whether k is one of l's workers.
func (l lead) has(k string) bool { return k != "" && (l.key == k || l.with == k) }

// same reports whether l and m are the same worker or the same pair.
func (l lead) same(m lead) bool {
	if l.key == "" || m.key == "" || (l.with == "") != (m.with == "") {
		return false
	}
	return m.has(l.key) && (l.with == "" || m.has(l.with))
}

// leadOf is who led a window with values m; see Dominance.
func leadOf(m map[string]float64) lead {
	var k1, k2 string
	var v1, v2, total float64
	for k, v := range m {
		if !(v > 0) { // negative, zero or NaN
			continue
		}
		total += v
		switch {
		case k1 == "" || v > v1 || v == v1 && keyLess(k, k1):
			k2, v2 = k1, v1
			k1, v1 = k, v
		case k2 == "" || v > v2 || v == v2 && keyLess(k, k2):
			k2, v2 = k, v
		}
	}
	if k1 == "" {
		return lead{}
	}
	share := func(v float64) float64 {
		s := v / total
		if math.IsNaN(s) { // +Inf values
			return 1
		}
		return s
	}
	l := lead{traffic: true}
	switch {
	case v2 == 0 || v1 >= ClearLead*v2:
		l.key, l.share = k1, share(v1)
	case share(v1)+share(v2) >= PairShare:
		l.key, l.with, l.share, l.wshr = k1, k2, share(v1), share(v2)
	}
	return l
}

// changes walks the windows' leads and reports the changes that held.
func changes(ws []Window, ms []map[string]float64, leads []lead, exits map[string]Exit) []Takeover {
	out := []Takeover{}
	var cur, cand lead
	last, first, n := -1, -1, 0 // cur's last window; cand's first window and count
	for i, l := range leads {
		switch {
		case !l.traffic:
			continue
		case l.key == "":
			n = 0
			continue
		case l.same(cur):
			last, n = i, 0
			continue
		case n > 0 && l.same(cand):
			n++
		default:
			cand, first, n = l, i, 1
		}
		if n < HoldWindows {
			continue
		}
		if last >= 0 {
			out = append(out, change(ws, ms, leads, last, first, exits))
		}
		cur, last, n = cand, i, 0
	}
	return out
}

// change is the change from the lead of window last to the lead of window
// first; see Dominance for its kind.
func change(ws []Window, ms []map[string]float64, leads []lead, last, first int, exits map[string]Exit) Takeover {
	old, neu := leads[last], leads[first]
	t := Takeover{At: ws[first].Start, Kind: ChangeTakeover}
	t.To, t.ToShare = neu.key, neu.share
	if neu.with != "" {
		with, wshare := neu.with, neu.wshr
		if old.has(t.To) && !old.has(with) {
			t.To, t.ToShare, with, wshare = with, wshare, t.To, t.ToShare
		}
		t.With, t.WithShare = &with, &wshare
		t.Kind = ChangePair
	}
	t.From = old.key
	if old.with != "" && neu.has(old.key) && !neu.has(old.with) {
		t.From = old.with
	}
	if k, e, ok := exitNear(old, ws[first], exits); ok {
		t.From, t.Kind = k, ChangeAfterExit
		if e.Reason != "" {
			r := e.Reason
			t.ExitReason = &r
		}
	} else if idle := idleGap(ws, leads, last, first); idle > 0 {
		t.Kind, t.IdleSeconds = ChangeAfterIdle, &idle
	}
	t.FromShare = shareOf(ms[last], t.From)
	return t
}

// exitNear is the worker of lead l that exited within one window of the
// start of w, and its exit.
func exitNear(l lead, w Window, exits map[string]Exit) (string, Exit, bool) {
	width := w.End.Time().Sub(w.Start.Time())
	at := w.Start.Time()
	for _, k := range []string{l.key, l.with} {
		e, ok := exits[k]
		if k == "" || !ok || e.At.IsZero() {
			continue
		}
		if d := e.At.Time().Sub(at); d >= -width && d <= width {
			return k, e, true
		}
	}
	return "", Exit{}, false
}

// idleGap is the longest run of windows without traffic strictly between
// windows last and first, in seconds, when it is IdleWindows or more
// windows long; 0 otherwise.
func idleGap(ws []Window, leads []lead, last, first int) float64 {
	var best time.Duration
	for i := last + 1; i < first; {
		if leads[i].traffic {
			i++
			continue
		}
		j := i
		for j < first && !leads[j].traffic {
			j++
		}
		if j-i >= IdleWindows {
			best = max(best, ws[j-1].End.Time().Sub(ws[i].Start.Time()))
		}
		i = j
	}
	return best.Seconds()
}

// shareOf is k's share of the window's total m.
func shareOf(m map[string]float64, k string) float64 {
	var total float64
	for _, v := range m {
		if v > 0 {
			total += v
		}
	}
	v := m[k]
	if !(v > 0) || total == 0 {
		return 0
	}
	if s := v / total; !math.IsNaN(s) {
		return s
	}
	return 1
}

// stretches are the runs of windows with one worker on top alone, each
// worker's longest (ordered as Dominance.Longest) and all of them in time
// order: windows with no traffic neither break nor count, any other window
// without that worker on top alone ends the run.
func stretches(ws []Window, leads []lead) (longest, all []Stretch) {
	best := map[string]Stretch{}
	all = []Stretch{}
	keep := func(s Stretch) {
		if s.Windows > 0 {
			all = append(all, s)
		}
		if b, ok := best[s.Key]; s.Windows > 0 && (!ok || s.Windows > b.Windows) {
			best[s.Key] = s
		}
	}
	var cur Stretch // the running stretch; Windows 0 when none runs
	for i, l := range leads {
		if !l.traffic {
			continue
		}
		key := l.key
		if l.with != "" {
			key = ""
		}
		if key != cur.Key {
			keep(cur)
			cur = Stretch{Key: key, Start: ws[i].Start}
		}
		if key == "" {
			continue
		}
		cur.End = ws[i].End
		cur.Windows++
	}
	keep(cur)
	out := make([]Stretch, 0, len(best))
	for _, s := range best {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Windows != b.Windows {
			return a.Windows > b.Windows
		}
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return keyLess(a.Key, b.Key)
	})
	return out, all
}

// KeyLess orders worker keys as reports do: numerically when both keys are
// numbers, bytewise otherwise.
func KeyLess(a, b string) bool { return keyLess(a, b) }

// Exits are the known ends of the report's workers, by key, for
// ComputeDominance: the exit the error log or snapshots give a row (with its
// reason), or else the end of an alive interval that snapshots or the error
// log bound before the last one of the run (no reason). Ends known from the
// access log alone are not exits.
func (rep *Report) Exits() map[string]Exit {
	exits := map[string]Exit{}
	var end Stamp
	for _, w := range rep.Workers {
		if w.AliveTo.After(end) {
			end = w.AliveTo
		}
	}
	for _, w := range rep.Workers {
		var e Exit
		switch {
		case !w.Exited.IsZero():
			e.At = w.Exited
			if w.ExitReason != nil {
				e.Reason = *w.ExitReason
			}
		case w.AliveSource != nil && (*w.AliveSource == string(AliveSnapshots) || *w.AliveSource == string(AliveErrorLog)) &&
			!w.AliveTo.IsZero() && w.AliveTo.Before(end):
			e.At = w.AliveTo
		default:
			continue
		}
		exits[w.Key] = e
	}
	return exits
}
