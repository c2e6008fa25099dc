package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// advice is what to change, keyed to the server, class and mechanism; only
// what the findings support, each item citing a verified fact.
func advice(s *subject, e *Explanation) []Advice {
	out := []Advice{}
	add := func(text string, settings []string, id string) {
		out = append(out, Advice{Text: text, Settings: settings, Fact: fact(id).ID})
	}
	gunicorn := s.rep.Family == "gunicorn"
	pinned := has(e.Mechanisms, MechPinning)
	switch {
	case e.Verdict.Harm == Capacity && gunicorn && !s.async:
		add("most workers were saturated at once: under a backlog sync workers already share the load evenly, so add workers or make requests faster",
			[]string{"--workers"}, "gunicorn-sync-accept")
	case pinned && gunicorn && s.ctx.BehindNginx:
		add("nginx's upstream keep-alive cache reuses its most recent connection, pinning requests to the worker that accepted it: a lower upstream keepalive_requests or keepalive_time re-accepts more often; no keepalive trades setup for accept races",
			[]string{"upstream keepalive_requests", "upstream keepalive_time", "upstream keepalive"}, "nginx-upstream-keepalive")
	}
	if pinned && s.class == "gevent_pywsgi" {
		add("gevent_pywsgi ignores --max-requests and --keep-alive: nothing recycles a hot worker or its connections; -k gevent if recycling is wanted",
			[]string{"--worker-class gevent", "--max-requests", "--max-requests-jitter"}, "gunicorn-gevent-pywsgi-ignores-max-requests")
	}
	if e.Memory.Pattern == GrowsWithWork && s.class == "gevent_pywsgi" && !pinned {
		add("memory grows with work and gevent_pywsgi never recycles a worker: switch to -k gevent with --max-requests to bound it",
			[]string{"--worker-class gevent", "--max-requests"}, "gunicorn-gevent-pywsgi-ignores-max-requests")
	}
	if (pinned || e.Verdict.Harm == Harmful) && gunicorn {
		add("gunicorn does no balancing: the kernel and each worker's accept loop decide; --reuse-port spreads new connections only from gunicorn 24.0",
			[]string{"--reuse-port"}, "gunicorn-reuse-port")
	}
	return out
}

func has(ms []Mechanism, name string) bool {
	return slices.ContainsFunc(ms, func(m Mechanism) bool { return m.Name == name })
}

// toSettle is what to log or record to decide what the inputs cannot.
func toSettle(s *subject, e *Explanation) []string {
	out := []string{}
	rep := s.rep
	gunicorn := rep.Family == "gunicorn"
	if len(rep.Windows) == 0 {
		master := "PID --interval 1s --out sample.log (PID: the master)"
		if m := masterOf(rep); m > 0 {
			master = fmt.Sprintf("%d --interval 1s --out sample.log (%d: the parent of the workers)", m, m)
		}
		out = append(out, "record CPU and memory per worker over time: skewer sample --master "+master)
		if gunicorn {
			out = append(out, "log each request's worker, duration and client port: gunicorn --access-logformat '... %(p)s %(D)s %({remote_port}e)s'")
			if pids := replacedKeys(rep); len(pids) > 0 {
				out = append(out, fmt.Sprintf("the gunicorn error log: its \"Using worker:\" line names the worker class (gevent_pywsgi ignores max_requests); \"Booting worker with pid: N\" dates each replaced worker (%s), and the lines just before it say why its predecessor went: \"Autorestarting worker after current request.\" is --max-requests, anything else a crash, timeout or kill [%s]",
					strings.Join(pids, ", "), fact("gunicorn-max-requests").ID))
			} else {
				out = append(out, "the gunicorn error log: its \"Using worker:\" line names the worker class (gevent_pywsgi ignores max_requests), and its boot and exit lines date each replaced worker")
			}
		}
		if single(rep) {
			out = append(out, "a ps snapshot without a time line: pass --ps-time (when it was taken) for ages from STIME")
		}
		return out
	}
	if s.async && e.Verdict.Harm == Unknown || s.async && !rep.CPUKnown {
		out = append(out, "CPU per worker per window (the async harm signal): skewer sample --master PID --interval 200ms --out sample.log, then --ps sample.log")
	}
	pinning := has(e.Mechanisms, MechPinning) || has(e.Mechanisms, MechUnknown) || has(e.Mechanisms, MechRace)
	if pinning && !s.ctx.Connections && rep.Connections == nil {
		switch rep.Family {
		case "gunicorn":
			out = append(out, "connection identity to prove or rule out pinning: gunicorn --access-logformat '... %(p)s %(D)s %({remote_port}e)s'")
		case "nginx":
			out = append(out, "connection identity to prove or rule out pinning: log_format '... $pid $connection $connection_requests $upstream_http_x_worker_pid'")
		}
	}
	if gunicorn && s.class == "" {
		out = append(out, "the gunicorn error log (--ps or PATH): its \"Using worker:\" line names the worker class")
	}
	if !rep.Durations {
		out = append(out, "request durations for busy time per window: gunicorn %(D)s, nginx $request_time")
	}
	return out
}

// single says the run's CPU figures come from one snapshot without a time.
func single(r *aggregate.Report) bool {
	for _, w := range r.Workers {
		if w.CPURateFrom != nil && *w.CPURateFrom == "ps_percent" {
			return true
		}
	}
	return false
}

// masterOf is the parent most of the workers share in the snapshots, or 0.
func masterOf(rep *aggregate.Report) int64 {
	n := map[int64]int{}
	top := int64(0)
	for _, w := range rep.Workers {
		if w.PPID > 0 {
			n[w.PPID]++
			if n[w.PPID] > n[top] || n[w.PPID] == n[top] && w.PPID < top {
				top = w.PPID
			}
		}
	}
	if 2*n[top] <= len(rep.Workers) {
		return 0
	}
	return top
}
