package explain

import (
	"fmt"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// changes are the report's changes of the lead with what each coincided
// with.
func changes(s *subject) []Change {
	out := []Change{}
	if s.rep.Dominance == nil {
		return out
	}
	for _, c := range s.rep.Dominance.Changes {
		out = append(out, Change{At: c.At, From: c.From, To: c.To, Cause: cause(s, c)})
	}
	return out
}

func cause(s *subject, c aggregate.Takeover) string {
	if why := capCause(s, c); why != "" {
		return why
	}
	switch c.Kind {
	case aggregate.ChangeAfterExit:
		why := "reason not logged"
		if c.ExitReason != nil {
			why = *c.ExitReason
		}
		return fmt.Sprintf("%s exited (%s) within a window of the change", c.From, why)
	case aggregate.ChangeAfterIdle:
		idle := ""
		if c.IdleSeconds != nil {
			idle = fmt.Sprintf(" of %s s", trim(*c.IdleSeconds))
		}
		if s.keepAlive() {
			return fmt.Sprintf("a new set of connections after an idle gap%s", idle)
		}
		return fmt.Sprintf("traffic resumed after an idle gap%s", idle)
	case aggregate.ChangePair:
		with := ""
		if c.With != nil {
			with = " with " + *c.With
		}
		return fmt.Sprintf("%s%s took the lead as a pair (%s served %.0f%% of the window)", c.To, with, c.To, 100*c.ToShare)
	}
	return fmt.Sprintf("%s took over from %s (%.0f%% of the window, from %.0f%%) with no exit or idle gap", c.To, c.From, 100*c.ToShare, 100*c.FromShare)
}

// keepAliveCaps are the default keep-alive request caps a run of requests
// on one connection may end at: nginx keepalive_requests, 1000 since
// 1.19.10 and 100 before (fact nginx-keepalive-requests).
var keepAliveCaps = []int64{1000, 100}

// capCause finds a change that came when a connection of the old lead
// closed after exactly a keep-alive request cap: a connection's last request
// within a window of the change, its count exactly the cap.
func capCause(s *subject, c aggregate.Takeover) string {
	conns := s.rep.Connections
	if conns == nil || len(s.rep.Windows) == 0 {
		return ""
	}
	width := time.Duration(windowSeconds(s.rep.Windows[0]) * float64(time.Second))
	at := c.At.Time()
	for _, n := range keepAliveCaps {
		runs := conns.Runs(n)
		for _, r := range runs {
			if r.Worker != c.From || r.Last.Before(at.Add(-width)) || r.Last.After(at.Add(width)) {
				continue
			}
			return fmt.Sprintf("%s's connection closed after exactly %d requests at %s: the nginx keepalive_requests cap (1000 since 1.19.10, 100 before; %d connections ran to exactly %d) [%s]",
				c.From, n, r.Last.Format("15:04:05"), len(runs), n, fact("nginx-keepalive-requests").ID)
		}
	}
	return ""
}
