package cmd

import (
	"fmt"
	"regexp"
	"time"

	"github.com/spf13/cobra"
)

// procFlags are the options for process snapshots and error logs.
type procFlags struct {
	PS        []string
	PSColumns string
	PSTime    string
	TZ        string
	Master    int64
	Match     string

	loc    *time.Location
	psTime *time.Time
	match  *regexp.Regexp
}

func addProcFlags(c *cobra.Command, fl *procFlags) {
	f := c.Flags()
	f.StringArrayVar(&fl.PS, "ps", nil, "process snapshots `FILE` (ps -aefF, ps -ef, ps aux, ps -eo ..., skewer sample output); repeatable")
	f.StringVar(&fl.PSColumns, "ps-columns", "", "the `COLUMNS` of header-less ps output (ps -eo pid=,ppid=,...), e.g. pid,ppid,rss,times,args")
	f.StringVar(&fl.PSTime, "ps-time", "", "`TIME` a single snapshot without a timestamp line was taken (RFC 3339): ages from STIME and CPU rates")
	f.StringVar(&fl.TZ, "tz", "UTC", "`ZONE` of times printed without one (ps STIME, date output)")
	f.Int64Var(&fl.Master, "master", 0, "the master's `PID` in the snapshots: its children are the workers")
	f.StringVar(&fl.Match, "match", "", "find workers in the snapshots by command line `REGEX` instead of by server titles")
}

func (fl *procFlags) validate() error {
	loc, err := time.LoadLocation(fl.TZ)
	if err != nil {
		return fmt.Errorf("--tz %q: %w", fl.TZ, err)
	}
	fl.loc = loc
	if fl.PSTime != "" {
		t, err := time.Parse(time.RFC3339, fl.PSTime)
		if err != nil {
			return fmt.Errorf("--ps-time %q: want an RFC 3339 time such as 2026-11-25T17:40:05Z", fl.PSTime)
		}
		fl.psTime = &t
	}
	if fl.Master < 0 {
		return fmt.Errorf("--master %d: want a PID", fl.Master)
	}
	if fl.Match != "" {
		re, err := regexp.Compile(fl.Match)
		if err != nil {
			return fmt.Errorf("--match %q: %w", fl.Match, err)
		}
		fl.match = re
	}
	if fl.Master > 0 && fl.match != nil {
		return fmt.Errorf("--master and --match: pass one of them")
	}
	return nil
}
