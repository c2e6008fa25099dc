package explain

import (
	"fmt"
	"slices"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// Latency thresholds: the busiest worker of a window is slow when its
// median request time on a path is at least latencyRatio times the other
// workers' on the same path, each side with at least minLatencyRequests
// requests on it in the window (so that the p95 reported beside it is
// not simply the slowest request: the 19th of 20).
const (
	latencyRatio       = 2.0
	minLatencyRequests = 20
)

// latencyJudged says the logged request times of the class show work
// waiting on a busy worker: an async worker serves its requests in one
// loop, so a request's logged time grows while others hold the CPU.
// nginx is left out: a proxied request's $request_time is mostly the
// upstream's, so a slower nginx worker points at the upstream connection
// it kept, not at the nginx worker (its own harm is judged by CPU).
func (s *subject) latencyJudged() bool { return s.async && s.class != "nginx" }

// latencyCmp is one window's comparison of the busiest worker against the
// rest on one path.
type latencyCmp struct {
	at, host, worker, path string
	start                  time.Time
	n, restN               int64
	p50, p95, rp50, rp95   float64 // seconds
}

func (c latencyCmp) ratio() float64 { return c.p50 / c.rp50 }

func (c latencyCmp) evidence() HarmEvidence {
	return HarmEvidence{Signal: "latency", Worker: c.worker, Value: round3(c.ratio()), WindowStart: c.at}
}

func (c latencyCmp) text() string {
	return fmt.Sprintf("on %s the busiest worker %s took a median %s and p95 %s over %d requests against %s and %s over %d requests of the other workers (%.1f×) in the window at %s",
		c.path, c.worker, ms(c.p50), ms(c.p95), c.n, ms(c.rp50), ms(c.rp95), c.restN, c.ratio(), c.at)
}

// ms writes seconds as milliseconds to 3 significant digits: a time is
// known to 1/16 of its bin.
func ms(v float64) string { return fmt.Sprintf("%.3g ms", v*1e3) }

// judgeLatency compares, in each window (each host's part of it), the
// worker that served the most requests with the others on the paths both
// served at least minLatencyRequests times: slow are the comparisons whose
// median is at least latencyRatio times the rest's, one per window (its
// largest ratio); top is the largest ratio of all; compared counts the
// windows with a comparison.
func judgeLatency(rep *aggregate.Report) (slow []latencyCmp, top *latencyCmp, compared int) {
	for _, w := range rep.Windows {
		parts := []aggregate.HostWindow{{Window: w}}
		if hw := rep.HostWindows(w); hw != nil {
			parts = hw
		}
		for _, part := range parts {
			best, ok := latencyIn(part)
			if !ok {
				continue
			}
			compared++
			if top == nil || best.ratio() > top.ratio() {
				top = &best
			}
			if best.ratio() >= latencyRatio {
				slow = append(slow, best)
			}
		}
	}
	return slow, top, compared
}

// latencyIn is the comparison of largest median ratio in one window's
// part, if any path had enough requests on both sides.
func latencyIn(part aggregate.HostWindow) (latencyCmp, bool) {
	ld := aggregate.LoadOf([]aggregate.Window{part.Window})
	if len(ld.Keys) < 2 {
		return latencyCmp{}, false
	}
	i := 0
	for j, n := range ld.Requests {
		if n > ld.Requests[i] {
			i = j
		}
	}
	key := ld.Keys[i]
	var best latencyCmp
	found := false
	for _, sp := range part.Window.SamePaths(key) {
		if sp.Worker.Requests() < minLatencyRequests || sp.Rest.Requests() < minLatencyRequests {
			continue
		}
		c := latencyCmp{at: stamp(part.Window.Start.Time()), host: part.Host, worker: key, path: sp.Path,
			start: part.Window.Start.Time(),
			n:     sp.Worker.Requests(), restN: sp.Rest.Requests(),
			p50: sp.Worker.Quantile(0.5), p95: sp.Worker.Quantile(0.95),
			rp50: sp.Rest.Quantile(0.5), rp95: sp.Rest.Quantile(0.95)}
		if c.rp50 <= 0 {
			continue
		}
		if !found || c.ratio() > best.ratio() {
			best, found = c, true
		}
	}
	return best, found
}

// loggedTimeCaveat says what an async worker's logged time holds.
func (s *subject) loggedTimeCaveat() string {
	if slices.Contains([]string{"gevent", "gevent_pywsgi"}, s.class) {
		return "gevent's logged time includes the time a request's greenlet waited for the worker's CPU while other greenlets ran, though not the wait before its request was read (fact gevent-logged-time)"
	}
	return "an async worker's logged time includes the time a request waited for the worker's CPU while the worker served others"
}

// withLatency adds the latency signal to the async verdict v: a busiest
// worker at least twice as slow as the rest on the same path makes a
// benign or unknown verdict harmful, and adds to a harmful one; otherwise
// the largest ratio is shown beside a benign or unknown verdict.
func withLatency(s *subject, v Verdict, ev []HarmEvidence) (Verdict, []HarmEvidence) {
	if !s.latencyJudged() || !s.rep.Durations {
		return v, ev
	}
	slow, top, compared := judgeLatency(s.rep)
	if compared == 0 {
		return v, ev
	}
	if len(slow) == 0 {
		if v.Harm != Benign && v.Harm != Unknown {
			return v, ev
		}
		v.Summary += fmt.Sprintf("; latency shows no harm: over %d windows compared, the busiest worker's same-path median was at most %.1f× the other workers' (%s)",
			compared, top.ratio(), top.text())
		return v, append(ev, top.evidence())
	}
	var lev []HarmEvidence
	for _, c := range slow[:min(3, len(slow))] {
		lev = append(lev, c.evidence())
	}
	first := slow[0]
	host := ""
	if first.host != "" {
		host = " on host " + first.host
	}
	text := fmt.Sprintf("the busiest worker's median request time was at least %g× the other workers' on the same path in %d of %d windows compared: %s%s; %s",
		latencyRatio, len(slow), compared, first.text(), host, s.loggedTimeCaveat())
	short := fmt.Sprintf("%s %.1f× the others' median on %s at %s", first.worker, first.ratio(), first.path, first.start.UTC().Format("15:04:05"))
	switch v.Harm {
	case Harmful:
		v.Summary += "; and by latency, " + text
		return v, append(ev, lev...)
	case Benign, Unknown:
		return Verdict{Harm: Harmful, Summary: "harmful by latency: " + text, Short: short}, lev
	}
	return v, ev
}
