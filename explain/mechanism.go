package explain

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// mechanisms names why the load has its pattern, most important first,
// from the typical window, the busiest and quietest thirds of the windows,
// the span and rate skews, the restarts and the worker class.
func mechanisms(s *subject) []Mechanism {
	var hosts []aggregate.HostSkew
	for _, h := range s.rep.HostSkew {
		if h.WindowSkew != nil {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) < 2 {
		return hostMechanisms(s)
	}
	// With several hosts each host's kernel balances its own workers: the
	// mechanisms are found per host, from its own windows, and merged by
	// name, each evidence naming its host.
	var out []Mechanism
	at := map[string]int{}
	for _, h := range hosts {
		rep := *s.rep
		rep.WindowSkew, rep.RateSkew, rep.Skew, rep.HostSkew = h.WindowSkew, h.RateSkew, h.Skew, nil
		hs := *s
		hs.rep, hs.host = &rep, h.Host
		for _, m := range hostMechanisms(&hs) {
			for i := range m.Evidence {
				m.Evidence[i] = "host " + h.Host + ": " + m.Evidence[i]
			}
			i, ok := at[m.Name]
			if !ok {
				at[m.Name] = len(out)
				m.Short = "host " + h.Host + ": " + m.Short
				out = append(out, m)
				continue
			}
			o := &out[i]
			o.Evidence = append(o.Evidence, m.Evidence...)
			if rank(m.Confidence) < rank(o.Confidence) {
				o.Confidence = m.Confidence
			}
		}
	}
	for i := range out {
		if n := hostsIn(out[i].Evidence); n > 1 {
			out[i].Short += fmt.Sprintf(" (%d hosts)", n)
		}
	}
	return out
}

// rank orders confidences, proven first.
func rank(c string) int { return slices.Index([]string{Proven, Likely, Possible}, c) }

// hostsIn counts the hosts evidence lines name.
func hostsIn(ev []string) int {
	seen := map[string]bool{}
	for _, e := range ev {
		h, _, _ := strings.Cut(e, ":")
		seen[h] = true
	}
	return len(seen)
}

// hostMechanisms finds the mechanisms of one host's windows.
func hostMechanisms(s *subject) []Mechanism {
	rep := s.rep
	ws := rep.WindowSkew
	var out []Mechanism
	if ws == nil || ws.Counted == 0 || ws.MedianGini == nil || ws.TypicalLiveWorkers == nil {
		m := Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: []string{
			"no window had 10 requests per live worker: the pattern cannot be judged per window; log each request's worker, time and duration over a busier span"},
			Short: "no window had 10 requests per live worker"}
		if keys, r := replaced(rep); r != "" {
			m.Evidence = append(m.Evidence, r)
			m.Short += fmt.Sprintf("; %d workers replaced since the boot (%s)", len(keys), strings.Join(keys, ", "))
		}
		return []Mechanism{m}
	}
	n := *ws.TypicalLiveWorkers
	g := *ws.MedianGini
	noise := "-"
	if ws.NoiseGini != nil {
		noise = fmt.Sprintf("%.3f", *ws.NoiseGini)
	}
	typical := fmt.Sprintf("median gini %.3f over %d live workers in %d counted windows of %s s (chance alone %s, ceiling %.3f)",
		g, n, ws.Counted, trim(ws.WindowSeconds), noise, ceiling(n))
	short := fmt.Sprintf("window gini %.3f over %d live (chance %s)", g, n, noise)
	even := evenGini(g, ws.NoiseGini, n)
	if even {
		conf := Proven
		if ws.Counted < 5 {
			conf = Likely
		}
		out = append(out, Mechanism{Name: MechEven, Confidence: conf, Evidence: []string{"typical window near-even: " + typical}, Short: short})
	}
	if m, ok := restartGenerations(s, g); ok {
		out = append(out, m)
	}
	if even {
		return out
	}
	busy, quiet := *ws.BusiestThirdMedianGini, *ws.QuietestThirdMedianGini
	thirds := fmt.Sprintf("median gini of the busiest third of windows %.3f, of the quietest third %.3f", busy, quiet)
	short = fmt.Sprintf("busiest-third gini %.3f, quietest %.3f", busy, quiet)
	persists := clearlyAbove(busy, ws.NoiseGini, n)
	conns, connLine := connFinding(rep.Connections)
	seq := nextSame(s)
	seqV, seqLine := seq.verdict(), seq.line()
	// withSeq adds the statistic to evidence, when there are pairs.
	withSeq := func(ev []string) []string {
		if seqLine == "" {
			return ev
		}
		return append(ev, seqLine)
	}
	sticky := seqV == seqSticky && s.class != "sync"
	switch {
	case persists && s.class == "sync":
		out = append(out, Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: []string{
			"skew persists under load (" + thirds + ") but the sync worker closes every connection, so it cannot pin: " + typical}, Short: short})
	case conns == connsPinned:
		out = append(out, Mechanism{Name: MechPinning, Confidence: Proven, Evidence: withSeq([]string{
			"no connection moved between workers: " + connLine,
			"skew " + persistsWord(persists) + ": " + thirds,
			"typical window: " + typical}),
			Short: fmt.Sprintf("%d reused connections, none moved; %s", rep.Connections.Reused, short)})
	case conns == connsFollow:
		c := rep.Connections
		conf := Likely
		if float64(c.Moved) <= followProvenShare*float64(c.Reused) {
			conf = Proven
		}
		out = append(out, Mechanism{Name: MechPinning, Confidence: conf, Evidence: withSeq([]string{
			"reused client ports stayed on one worker far more than chance: " + connLine,
			"skew " + persistsWord(persists) + ": " + thirds,
			"typical window: " + typical}),
			Short: fmt.Sprintf("%d of %d reused ports moved, %.1f by chance; %s", c.Moved, c.Reused, c.MovedByChance, short)})
	case persists && conns == connsNoReuse:
		out = append(out, Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: []string{
			"skew persists under load (" + thirds + ") but no connection carried a second request, so it is not pinning: " + connLine,
			"typical window: " + typical}, Short: fmt.Sprintf("no connection reused (%d seen); %s", rep.Connections.Seen, short)})
	case persists && conns == connsMoved:
		out = append(out, Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: []string{
			"skew persists under load (" + thirds + ") but connections move between workers, so it is not pinning: " + connLine,
			"typical window: " + typical}, Short: fmt.Sprintf("%d connections moved between workers; %s", rep.Connections.Moved, short)})
	case persists && s.keepAlive():
		out = append(out, Mechanism{Name: MechPinning, Confidence: Likely, Evidence: withSeq([]string{
			"skew persists in the busiest windows: " + thirds,
			"typical window: " + typical,
			"the worker class " + s.class + " keeps connections open between requests (from " + s.classFrom + ")",
			notProven(connLine)}), Short: short})
	case persists && sticky:
		// The access log's own statistics, with nothing naming the class.
		out = append(out, Mechanism{Name: MechPinning, Confidence: Likely, Evidence: []string{
			"skew persists in the busiest windows: " + thirds,
			seqLine,
			"typical window: " + typical,
			"no input names the worker class; " + notProven(connLine)}, Short: short + "; " + seq.short()})
	case persists:
		out = append(out, Mechanism{Name: MechPinning, Confidence: Possible, Evidence: withSeq([]string{
			"skew persists in the busiest windows: " + thirds,
			"typical window: " + typical,
			"no input names the worker class, so whether it keeps connections open is not known; " + notProven(connLine)}), Short: short})
	case sticky && s.keepAlive() && conns != connsNoReuse && conns != connsMoved:
		// Skew that fades under load, but each request follows the one
		// before to its worker: a few connections held while traffic is
		// light, spread once there are many. Not a race. Unless the
		// connections show none carried a second request, or that they
		// move: then a freed worker taking the next new connection gave
		// the statistic, not pinning.
		out = append(out, Mechanism{Name: MechPinning, Confidence: Likely, Evidence: []string{
			seqLine,
			"skew " + persistsWord(false) + ": " + thirds,
			"typical window: " + typical,
			notProven(connLine)}, Short: seq.short() + "; " + short})
	case sticky && s.class == "":
		// Without the class, a request following its predecessor's
		// worker does not tell pinning from a worker that takes the next
		// waiting connection as it finishes (gunicorn's sync worker does,
		// fact gunicorn-sync-accept); with skew fading under load, neither
		// is shown.
		out = append(out, Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: []string{
			seqLine,
			"skew " + persistsWord(false) + ": " + thirds,
			"a connection kept open (keep-alive pinning) and a worker that takes the next waiting connection as it finishes (gunicorn's sync worker, fact " + fact("gunicorn-sync-accept").ID + ") both give this; the worker class or connection identity would tell",
			"typical window: " + typical,
			notProven(connLine)}, Short: seq.short() + ", pinning or a freed worker taking the next connection; " + short})
	case evenGini(busy, ws.NoiseGini, n):
		conf := Possible
		if quiet-busy >= 0.1 || seqV == seqChance {
			conf = Likely
		}
		out = append(out, Mechanism{Name: MechRace, Confidence: conf, Evidence: withSeq([]string{
			"skew while idle that vanishes under load: " + thirds,
			"typical window: " + typical}), Short: short})
	default:
		// Above chance, but neither clearly persisting nor gone in the
		// busiest windows: restarts inside windows, a race and pinning all
		// fit; only connection identity or the worker class would tell.
		out = append(out, Mechanism{Name: MechUnknown, Confidence: Possible, Evidence: withSeq([]string{
			"skew above chance that neither persists clearly nor fades in the busiest windows: " + thirds,
			"typical window: " + typical}),
			Short: fmt.Sprintf("window gini %.3f, chance %s: no clear pattern", g, noise)})
	}
	return out
}

// restartGenerations finds span skew that comes from replaced workers: the
// span's Gini well above the typical window's, and the skew per
// alive-second back near it.
func restartGenerations(s *subject, typical float64) (Mechanism, bool) {
	rep := s.rep
	span := rep.Skew.Gini
	if s.restarts == 0 || span < typical+0.05 || span < 1.5*typical {
		return Mechanism{}, false
	}
	ev := []string{fmt.Sprintf("span gini %.3f over %d workers against %.3f in the typical window", span, rep.Skew.Workers, typical)}
	short := fmt.Sprintf("span gini %.3f over %d workers vs %.3f per window, %d restarts", span, rep.Skew.Workers, typical, s.restarts)
	conf := Possible
	if r := rep.RateSkew; r != nil && r.Gini < span {
		ev = append(ev, fmt.Sprintf("per alive-second the gini falls back to %.3f", r.Gini))
		conf = Likely
	}
	if s.observed {
		ev = append(ev, fmt.Sprintf("%d restarts observed%s", s.restarts, exitReasons(rep)))
		if conf == Likely {
			conf = Proven
		}
	} else {
		ev = append(ev, fmt.Sprintf("%d restarts inferred from more PIDs than slots (no error log)", s.restarts))
	}
	return Mechanism{Name: MechRestarts, Confidence: conf, Evidence: ev, Short: short}, true
}

// exitReasons counts the workers' exit reasons: " (17 max_requests)".
func exitReasons(rep *aggregate.Report) string {
	counts := map[string]int{}
	for _, w := range rep.Workers {
		if w.ExitReason != nil {
			counts[*w.ExitReason]++
		}
	}
	if len(counts) == 0 {
		return ""
	}
	names := make([]string, 0, len(counts))
	for r := range counts {
		names = append(names, r)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, r := range names {
		parts[i] = fmt.Sprintf("%d %s", counts[r], r)
	}
	return ", workers ended by " + strings.Join(parts, ", ")
}

// notProven says why statistics are all pinning rests on: the log
// identifies no connections, or its connections do not settle it.
func notProven(connLine string) string {
	if connLine == "" {
		return "not proven: the log does not identify connections"
	}
	return "not proven: " + connLine
}

func persistsWord(persists bool) string {
	if persists {
		return "persists in the busiest windows"
	}
	return "fades in the busiest windows"
}
