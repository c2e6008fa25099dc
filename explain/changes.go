package explain

import (
	"fmt"

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
