package explain

import (
	"slices"

	"github.com/skewer-dev/skewer/aggregate"
)

// subject is a report with what explain derives from it once.
type subject struct {
	rep   *aggregate.Report
	ctx   Context
	class string // worker class: gunicorn's, or "nginx"; "" unknown
	// classFrom says where the class came from: "error log", "status
	// b'200 OK'", "family".
	classFrom string
	async     bool   // many requests at a time per worker: CPU decides harm
	restarts  int    // observed, else inferred
	observed  bool   // restarts come from an error log or snapshots
	host      string // with several hosts, the one the mechanisms are about
}

// keepAliveClasses hold connections open between requests.
var keepAliveClasses = []string{"gevent", "gevent_pywsgi", "eventlet", "gthread", "tornado", "nginx"}

// syncFamilies serve one request at a time per worker.
var syncFamilies = []string{"apache", "phpfpm", "uwsgi"}

func newSubject(rep *aggregate.Report, ctx Context) *subject {
	s := &subject{rep: rep, ctx: ctx}
	switch {
	case ctx.WorkerClass != "":
		s.class, s.classFrom = ctx.WorkerClass, "the error log's \"Using worker: "+ctx.WorkerClass+"\""
	case ctx.StatusBytes:
		s.class, s.classFrom = "gevent_pywsgi", "statuses logged as b'200 OK' (gunicorn ≤ 22 with gevent_pywsgi)"
	case rep.Family == "nginx":
		s.class, s.classFrom = "nginx", "the nginx family"
	}
	switch {
	case s.class == "sync" || slices.Contains(syncFamilies, rep.Family):
	case s.class != "":
		s.async = true
	default:
		// An unnamed gunicorn class is async when a worker ever had more
		// than one request in flight on average over a window.
		for _, w := range rep.Windows {
			width := windowSeconds(w)
			for _, v := range aggregate.LoadOf([]aggregate.Window{w}).Seconds {
				if v > 1.05*width {
					s.async = true
				}
			}
		}
	}
	if rep.Restarts != nil {
		s.restarts, s.observed = *rep.Restarts, true
	}
	if s.restarts == 0 {
		s.restarts, s.observed = rep.InferredRestarts, false
	}
	return s
}

// windowSeconds is a window's length.
func windowSeconds(w aggregate.Window) float64 {
	return w.End.Time().Sub(w.Start.Time()).Seconds()
}

// keepAlive says the class can hold a connection between requests.
func (s *subject) keepAlive() bool { return slices.Contains(keepAliveClasses, s.class) }

// ceiling is the largest Gini over n workers.
func ceiling(n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(n-1) / float64(n)
}

// clearlyAbove says a Gini is clearly more than chance: at least twice
// what random assignment gives at the typical window's load, and a tenth of
// its ceiling. A median between chance and twice chance is what a few
// restarts or a short race inside windows give as readily as pinning.
func clearlyAbove(g float64, noise *float64, n int) bool {
	if noise == nil {
		return !evenGini(g, noise, n)
	}
	return g >= 2**noise && g >= 0.1*ceiling(n)
}

// evenGini says a typical window's median Gini is near-even: no more than
// chance, or under a tenth of its ceiling.
func evenGini(g float64, noise *float64, n int) bool {
	return noise != nil && g <= *noise || g < 0.1*ceiling(n)
}
