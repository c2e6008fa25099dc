package explain

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// replacedKeys are the keys of the workers replaced names.
func replacedKeys(rep *aggregate.Report) []string {
	keys, _ := replaced(rep)
	return keys
}

// replaced names the workers a snapshot shows were replaced: of the
// workers of one master, most share the STIME of the master's boot; one with
// a later STIME was forked later to replace another. PID numbers are never
// compared: PIDs wrap and are reused, so a smaller PID may be the newer
// process. The text is "" when the snapshot does not tell.
func replaced(rep *aggregate.Report) (keys []string, text string) {
	type group struct {
		ppid  int64
		stime string
		keys  []string
	}
	groups := map[[2]string]*group{}
	parents := map[int64]int{}
	for _, w := range rep.Workers {
		if w.StartText == "" {
			continue
		}
		k := [2]string{fmt.Sprint(w.PPID), w.StartText}
		if groups[k] == nil {
			groups[k] = &group{ppid: w.PPID, stime: w.StartText}
		}
		groups[k].keys = append(groups[k].keys, w.Key)
		parents[w.PPID]++
	}
	// The boot group: the largest group of one master, if it holds most
	// of that master's workers.
	var boot *group
	for _, g := range groups {
		if boot == nil || len(g.keys) > len(boot.keys) || len(g.keys) == len(boot.keys) && (g.stime < boot.stime || g.stime == boot.stime && g.ppid < boot.ppid) {
			boot = g
		}
	}
	if boot == nil || 2*len(boot.keys) <= parents[boot.ppid] || len(boot.keys) == parents[boot.ppid] {
		return nil, ""
	}
	bootAt, ok := stimeOrder(boot.stime)
	if !ok {
		return nil, ""
	}
	cpu := map[string]*float64{}
	for _, w := range rep.Workers {
		cpu[w.Key] = w.CPUSeconds
	}
	items := map[string]string{}
	n := 0
	for _, g := range groups {
		if g == boot || g.ppid != boot.ppid {
			continue
		}
		at, ok := stimeOrder(g.stime)
		if !ok || at <= bootAt {
			continue
		}
		for _, k := range g.keys {
			n++
			keys = append(keys, k)
			item := fmt.Sprintf("%s started %s", k, g.stime)
			if c := cpu[k]; c != nil {
				item += fmt.Sprintf(" (%s CPU s)", trim(*c))
			}
			items[k] = item
		}
	}
	if n == 0 {
		return nil, ""
	}
	sort.Slice(keys, func(i, j int) bool { return aggregate.KeyLess(keys[i], keys[j]) })
	later := make([]string, len(keys))
	for i, k := range keys {
		later[i] = items[k]
	}
	return keys, fmt.Sprintf("%d of %d workers of master %d were replaced: %d share STIME %s (started together at the master's boot), while %s (ps STIME; PID numbers say nothing of which process is newer)",
		n, parents[boot.ppid], boot.ppid, len(boot.keys), boot.stime, strings.Join(later, ", "))
}

// stimeOrder orders ps STIME texts of one snapshot: a year ("2025") before
// a day of this year ("Oct04"), before a time of today ("17:44").
func stimeOrder(s string) (int, bool) {
	if t, err := time.Parse("15:04", s); err == nil {
		return 2_000_000 + t.Hour()*60 + t.Minute(), true
	}
	if t, err := time.Parse("Jan02", s); err == nil {
		return 1_000_000 + int(t.Month())*100 + t.Day(), true
	}
	if t, err := time.Parse("2006", s); err == nil {
		return t.Year(), true
	}
	return 0, false
}
