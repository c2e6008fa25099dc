package explain

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// Thresholds of harm: a worker is saturated at 0.8 of a window (sync busy
// fraction, or CPU cores for async) and idle at 0.2.
const (
	saturated = 0.8
	idle      = 0.2
	// minPerWorker is how many requests per live worker make a window
	// counted, as in window_skew.
	minPerWorker = 10
	// cpuWindowsPerResolution is how many units of CPU resolution a window
	// must span for its CPU to judge a core: ps TIME (1 s) needs 30 s.
	cpuWindowsPerResolution = 30
)

// load is one window's figures per worker: the live workers that served
// in it or whose CPU is known (keys), and how many other live workers it
// had (quiet: no requests, no CPU). A window of a run of very many keys
// has most of them quiet; they are counted, never listed.
type load struct {
	host     string // with several hosts, whose part of the window
	start    time.Time
	seconds  float64
	keys     []string
	requests map[string]int64
	busy     map[string]float64 // request seconds
	cpu      map[string]float64 // CPU seconds, workers whose CPU is known
	quiet    int
	idle     int
	of       aggregate.Load // for the quiet worker a finding names
}

func (l load) total() int64 {
	var n int64
	for _, v := range l.requests {
		n += v
	}
	return n
}

// live is how many workers and idle slots the load counts.
func (l load) live() int { return len(l.keys) + l.quiet + l.idle }

func (l load) counted() bool { return l.total() >= minPerWorker*int64(l.live()) }

// loads are the report's windows, merged k at a time. With several hosts
// each host's part of a window is a load of its own: a host's kernel
// balances its own workers only, so an idle worker on another host is no
// sign that work waited.
func loads(rep *aggregate.Report, k int) []load {
	var out []load
	for i := 0; i < len(rep.Windows); i += k {
		byHost := map[string][]aggregate.Window{}
		var hosts []string
		for _, w := range rep.Windows[i:min(i+k, len(rep.Windows))] {
			parts := []aggregate.HostWindow{{Window: w}}
			if hw := rep.HostWindows(w); hw != nil {
				parts = hw
			}
			for _, p := range parts {
				if _, ok := byHost[p.Host]; !ok {
					hosts = append(hosts, p.Host)
				}
				byHost[p.Host] = append(byHost[p.Host], p.Window)
			}
		}
		for _, h := range hosts {
			out = append(out, newLoad(h, byHost[h]))
		}
	}
	return out
}

// newLoad is the load of consecutive windows ws of one host.
func newLoad(host string, ws []aggregate.Window) load {
	l := load{host: host, start: ws[0].Start.Time()}
	for _, w := range ws {
		l.seconds += windowSeconds(w)
		l.idle = max(l.idle, w.IdleSlots)
	}
	l.of = aggregate.LoadOf(ws)
	l.keys, l.quiet = l.of.Keys, l.of.Quiet
	l.requests = make(map[string]int64, len(l.keys))
	l.busy = make(map[string]float64, len(l.keys))
	l.cpu = map[string]float64{}
	for i, k := range l.keys {
		l.requests[k] = l.of.Requests[i]
		l.busy[k] = l.of.Seconds[i]
		if l.of.CPUKnown[i] {
			l.cpu[k] = l.of.CPU[i]
		}
	}
	return l
}

// quietest is the idle worker of the load with the least request
// seconds, the first in key order among equals: of idl (listed workers),
// or a quiet one, whose 0 s no listed worker undercuts.
func (l load) quietest(idl []string) string {
	if l.quiet == 0 {
		return quietest(idl, l.busy)
	}
	q := l.of.FirstQuiet()
	if len(idl) == 0 {
		return q
	}
	if p := quietest(idl, l.busy); l.busy[p] <= 0 && aggregate.KeyLess(p, q) {
		return p
	}
	return q
}

// finding is what one window shows.
type finding struct {
	harm     string
	evidence []HarmEvidence
	text     string
	short    string
}

// onHost names the host a finding is about, with several hosts.
func (f *finding) onHost(host string) {
	if host != "" && f.harm != Benign {
		f.text += " on host " + host
		f.short += " on " + host
	}
}

// judgeHarm is the run's verdict: the worst finding over its counted
// windows.
func judgeHarm(s *subject) (Verdict, []HarmEvidence) {
	rep := s.rep
	if len(rep.Windows) == 0 {
		return Verdict{Unknown, "harm cannot be judged: the inputs have no access lines over time, only " +
			"lifetime averages (CPU rate and memory per worker); record CPU per window with skewer sample and log each request's worker and duration",
			"no access lines over time, only lifetime averages"}, []HarmEvidence{}
	}
	if s.async {
		return judgeAsync(s)
	}
	return judgeSync(s)
}

// judgeSync judges one-request-at-a-time workers by busy fraction:
// request seconds ÷ window.
func judgeSync(s *subject) (Verdict, []HarmEvidence) {
	rep := s.rep
	if !rep.Durations {
		return Verdict{Unknown, "harm cannot be judged: the log has no request durations, so busy time per window is unknown",
			"no request durations, so no busy time per window"}, []HarmEvidence{}
	}
	var worst []finding
	counted, peak, peakKey, peakAt := 0, 0.0, "", time.Time{}
	for _, l := range loads(rep, 1) {
		if !l.counted() {
			continue
		}
		counted++
		f := syncWindow(l)
		f.onHost(l.host)
		for _, k := range l.keys {
			if b := l.busy[k] / l.seconds; b > peak {
				peak, peakKey, peakAt = b, k, l.start
			}
		}
		if f.harm != Benign {
			worst = append(worst, f)
		}
	}
	if counted == 0 {
		return Verdict{Unknown, "harm cannot be judged: no window had 10 requests per live worker", "no window had 10 requests per live worker"}, []HarmEvidence{}
	}
	if v, ev, ok := worstOf(worst, counted); ok {
		return v, ev
	}
	return Verdict{Benign, fmt.Sprintf("no worker was saturated: the busiest was %.2f busy (request seconds ÷ window) in its busiest counted window (%s at %s), over %d counted windows of %s",
			peak, peakKey, stamp(peakAt), counted, secs(rep.Windows[0])),
			fmt.Sprintf("none saturated, busiest %.2f busy (%s; %d counted %ss windows)", peak, peakKey, counted, trim(windowSeconds(rep.Windows[0])))},
		[]HarmEvidence{{Signal: "busy_fraction", Worker: peakKey, Value: round3(peak), WindowStart: stamp(peakAt)}}
}

// syncWindow judges one window of sync workers.
func syncWindow(l load) finding {
	var sat, idl []string
	for _, k := range l.keys {
		b := l.busy[k] / l.seconds
		switch {
		case b >= saturated && l.requests[k] > 1:
			sat = append(sat, k)
		case b <= idle:
			idl = append(idl, k)
		}
	}
	live := l.live()
	idleN := len(idl) + l.quiet + l.idle
	at := stamp(l.start)
	ev := func(k string) HarmEvidence {
		return HarmEvidence{Signal: "busy_fraction", Worker: k, Value: round3(l.busy[k] / l.seconds), WindowStart: at}
	}
	switch {
	case len(sat) > 0 && idleN > 0 && 2*len(sat) <= live:
		f := finding{harm: Harmful}
		top := busiest(sat, l.busy)
		f.evidence = append(f.evidence, ev(top))
		quiet := "an idle slot"
		if len(idl)+l.quiet > 0 {
			q := l.quietest(idl)
			f.evidence = append(f.evidence, ev(q))
			quiet = fmt.Sprintf("%s %.2f", q, l.busy[q]/l.seconds)
		}
		f.text = fmt.Sprintf("%s was %.2f busy over %d requests while %s sat idle in the window at %s",
			top, l.busy[top]/l.seconds, l.requests[top], quiet, at)
		f.short = fmt.Sprintf("%s %.2f busy while %s idle at %s", top, l.busy[top]/l.seconds, quiet, l.start.UTC().Format("15:04:05"))
		return f
	case 2*len(sat) > live:
		f := finding{harm: Capacity}
		for _, k := range sat {
			f.evidence = append(f.evidence, ev(k))
		}
		f.text = fmt.Sprintf("%d of %d live workers were at least %.1f busy in the window at %s", len(sat), live, saturated, at)
		f.short = fmt.Sprintf("%d of %d workers ≥ %.1f busy at %s", len(sat), live, saturated, l.start.UTC().Format("15:04:05"))
		return f
	}
	return finding{harm: Benign}
}

// judgeAsync judges workers that serve many requests at once by CPU per
// window, over windows long enough for the CPU's resolution, and by the
// busiest worker's latency against the others' on the same paths
// (latency.go).
func judgeAsync(s *subject) (Verdict, []HarmEvidence) {
	v, ev := judgeAsyncCPU(s)
	return withLatency(s, v, ev)
}

// judgeAsyncCPU judges async workers by CPU per window, or rules a core
// out by their request seconds.
func judgeAsyncCPU(s *subject) (Verdict, []HarmEvidence) {
	rep := s.rep
	res := 0.0
	for _, w := range rep.Workers {
		if w.CPUResolutionSeconds != nil {
			res = max(res, *w.CPUResolutionSeconds)
		}
	}
	width := windowSeconds(rep.Windows[0])
	if res > 0 && rep.CPUKnown {
		k := max(1, int(math.Ceil(cpuWindowsPerResolution*res/width)))
		return judgeCPU(s, loads(rep, k), res)
	}
	// Without CPU, request seconds bound it from above: a request's CPU
	// is spent inside its logged time.
	if rep.Durations {
		peak, peakKey, peakAt, counted := 0.0, "", time.Time{}, 0
		for _, l := range loads(rep, 1) {
			if !l.counted() {
				continue
			}
			counted++
			for _, k := range l.keys {
				if b := l.busy[k] / l.seconds; b > peak {
					peak, peakKey, peakAt = b, k, l.start
				}
			}
		}
		if counted > 0 && peak < saturated {
			return Verdict{Benign, fmt.Sprintf("no worker came near a core: the most request seconds per second of any worker was %.2f (%s at %s), and a request's CPU is spent within its logged time",
					peak, peakKey, stamp(peakAt)),
					fmt.Sprintf("none near a core, at most %.2f request s/s (%s)", peak, peakKey)},
				[]HarmEvidence{{Signal: "request_seconds_per_second", Worker: peakKey, Value: round3(peak), WindowStart: stamp(peakAt)}}
		}
	}
	return Verdict{Unknown, "harm cannot be judged: async workers need CPU per worker per window (skewer sample), and the logged durations do not rule saturation out",
		"async workers need CPU per window (skewer sample)"}, []HarmEvidence{}
}

// judgeCPU judges async windows by CPU cores: a worker is saturated when
// its CPU is at least 0.8 of the window even at the low bound, and idle
// when at most 0.2 even at the high bound (CPU + resolution).
func judgeCPU(s *subject, ls []load, res float64) (Verdict, []HarmEvidence) {
	var worst []finding
	counted, peak, peakKey, peakAt := 0, -1.0, "", time.Time{}
	for _, l := range ls {
		if !l.counted() || len(l.cpu) == 0 {
			continue
		}
		counted++
		var sat, idl []string
		for _, k := range l.keys {
			c, ok := l.cpu[k]
			if !ok {
				continue
			}
			if c/l.seconds > peak {
				peak, peakKey, peakAt = c/l.seconds, k, l.start
			}
			inFlight := l.requests[k] > 1
			if s.rep.Durations {
				inFlight = l.busy[k] > l.seconds
			}
			// Requests queued on a worker's other connections wait
			// unseen by the logged durations (a CPU-bound async worker
			// serves them one after another): connections in flight
			// show them.
			inFlight = inFlight || connsIn(s.rep, l, k) > 1
			switch {
			case c/l.seconds >= saturated && inFlight:
				sat = append(sat, k)
			case (c+res)/l.seconds <= idle:
				idl = append(idl, k)
			}
		}
		at := stamp(l.start)
		ev := func(k string) HarmEvidence {
			return HarmEvidence{Signal: "cpu_cores", Worker: k, Value: round3(l.cpu[k] / l.seconds), WindowStart: at}
		}
		live := l.live()
		switch {
		case len(sat) > 0 && len(idl)+l.idle > 0 && 2*len(sat) <= live:
			top := busiest(sat, l.cpu)
			f := finding{harm: Harmful, evidence: []HarmEvidence{ev(top)}}
			quiet := "an idle slot"
			if len(idl) > 0 {
				q := quietest(idl, l.cpu)
				f.evidence = append(f.evidence, ev(q))
				quiet = fmt.Sprintf("%s at %.2f core", q, l.cpu[q]/l.seconds)
			}
			conns := ""
			if n := connsIn(s.rep, l, top); n > 0 {
				conns = fmt.Sprintf(" on %d connections", n)
			}
			f.text = fmt.Sprintf("%s used %.2f core with %.1f requests in flight on average (%d requests%s) while %s in the window at %s",
				top, l.cpu[top]/l.seconds, l.busy[top]/l.seconds, l.requests[top], conns, quiet, at)
			f.short = fmt.Sprintf("%s %.2f core while %s at %s", top, l.cpu[top]/l.seconds, quiet, l.start.UTC().Format("15:04:05"))
			f.onHost(l.host)
			worst = append(worst, f)
		case 2*len(sat) > live:
			f := finding{harm: Capacity}
			for _, k := range sat {
				f.evidence = append(f.evidence, ev(k))
			}
			f.text = fmt.Sprintf("%d of %d live workers used at least %.1f core in the window at %s", len(sat), live, saturated, at)
			f.short = fmt.Sprintf("%d of %d workers ≥ %.1f core at %s", len(sat), live, saturated, l.start.UTC().Format("15:04:05"))
			f.onHost(l.host)
			worst = append(worst, f)
		}
	}
	if counted == 0 {
		return Verdict{Unknown, "harm cannot be judged: no window long enough for the CPU's resolution had 10 requests per live worker",
			"no CPU window had 10 requests per live worker"}, []HarmEvidence{}
	}
	if v, ev, ok := worstOf(worst, counted); ok {
		return v, ev
	}
	return Verdict{Benign, fmt.Sprintf("no worker came near a core: the busiest used %.2f core (%s at %s) over %d counted windows of %s s",
			peak, peakKey, stamp(peakAt), counted, trim(ls[0].seconds)),
			fmt.Sprintf("none near a core, busiest %.2f core (%s; %d counted %ss windows)", peak, peakKey, counted, trim(ls[0].seconds))},
		[]HarmEvidence{{Signal: "cpu_cores", Worker: peakKey, Value: round3(peak), WindowStart: stamp(peakAt)}}
}

// connsIn is how many connections worker k served requests on during the
// load's window (first to last request overlapping it); 0 when the log
// identifies no connections.
func connsIn(rep *aggregate.Report, l load, k string) int {
	if rep.Connections == nil {
		return 0
	}
	wk := aggregate.WorkerKey{Key: k}
	if l.host != "" {
		wk = aggregate.WorkerKey{Host: l.host, Key: strings.TrimPrefix(k, l.host+"/")}
	}
	return rep.Connections.Distinct(wk, l.start, l.start.Add(time.Duration(l.seconds*float64(time.Second))))
}

// worstOf is the verdict of the worst findings: harmful before capacity;
// the first such window is named, and how many there were.
func worstOf(fs []finding, counted int) (Verdict, []HarmEvidence, bool) {
	for _, h := range []string{Harmful, Capacity} {
		var hit []finding
		for _, f := range fs {
			if f.harm == h {
				hit = append(hit, f)
			}
		}
		if len(hit) == 0 {
			continue
		}
		var ev []HarmEvidence
		for _, f := range hit[:min(3, len(hit))] {
			ev = append(ev, f.evidence...)
		}
		return Verdict{h, fmt.Sprintf("%s in %d of %d counted windows: %s", h, len(hit), counted, hit[0].text),
			fmt.Sprintf("%d of %d windows, e.g. %s", len(hit), counted, hit[0].short)}, ev, true
	}
	return Verdict{}, nil, false
}

func busiest(keys []string, m map[string]float64) string {
	top := keys[0]
	for _, k := range keys[1:] {
		if m[k] > m[top] {
			top = k
		}
	}
	return top
}

func quietest(keys []string, m map[string]float64) string {
	q := keys[0]
	for _, k := range keys[1:] {
		if m[k] < m[q] {
			q = k
		}
	}
	return q
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func secs(w aggregate.Window) string { return trim(windowSeconds(w)) + " s" }

// trim writes seconds without trailing zeros.
func trim(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}
