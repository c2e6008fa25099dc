package cmd

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
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
	psTime int64
	match  *regexp.Regexp
}

func addProcFlags(c *cobra.Command, fl *procFlags) {
	f := c.Flags()
	f.StringArrayVar(&fl.PS, "ps", nil, "process snapshots `FILE` (ps -aefF, ps -ef, ps aux, ps -eo ..., skewer sample output); repeatable")
	f.StringVar(&fl.PSColumns, "ps-columns", "", "the columns of header-less ps output (ps -eo pid=,ppid=,...), e.g. `pid,ppid,rss,times,args`")
	f.StringVar(&fl.PSTime, "ps-time", "", "when a single snapshot without a timestamp line was taken (RFC 3339), for CPU rates")
	f.StringVar(&fl.TZ, "tz", "UTC", "`zone` of times printed without one (ps STIME, date output)")
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
		fl.psTime = t.UnixMicro()
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

func isPSFile(src parse.Source, ps []string) bool {
	for _, p := range ps {
		if p == src.Path {
			return true
		}
	}
	return false
}

// readProcs reads snapshots and error logs and finds the workers in them.
func readProcs(s IO, ld *loaded, aux []*candidate, fl inputFlags) error {
	var snaps []parse.Snapshot
	var events []parse.ErrorLogEvent
	opt := parse.PSOptions{Time: fl.psTime, Loc: fl.loc}
	if fl.PSColumns != "" {
		opt.Columns = strings.Split(fl.PSColumns, ",")
	}
	shown := 0
	for _, c := range aux {
		in := &ld.inputs[c.index]
		switch c.kind {
		case parse.KindSnapshots:
			got, st, err := parse.ReadSnapshots(c.br, c.src.Path, opt)
			if err != nil {
				return err
			}
			for _, r := range st.Shown {
				if shown < maxShownRejections {
					fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(r))
					shown++
				}
			}
			in.Format = "ps"
			in.Lines, in.Parsed, in.Rejected = st.Lines, st.Rows, st.Skipped
			in.Note = render.Plural(int64(len(got)), "snapshot")
			ld.warnings = append(ld.warnings, st.Warnings...)
			if st.ZoneGuessed && fl.TZ == "UTC" {
				ld.warnings = append(ld.warnings, fmt.Sprintf("%s: times without a zone were read as UTC (--tz sets the zone)", c.src.Path))
			}
			snaps = append(snaps, got...)
		case parse.KindErrorLog:
			got, st, err := parse.ReadErrorLog(c.br, c.src.Path, fl.loc)
			if err != nil {
				return err
			}
			in.Format = "gunicorn"
			in.Lines, in.Parsed = st.Lines, st.Events
			in.Note = render.Plural(int64(len(got)), "lifecycle event")
			events = append(events, got...)
		}
	}
	if len(snaps) == 0 && len(events) == 0 {
		return nil
	}
	pr, err := aggregate.BuildProcs(snaps, events, aggregate.ProcOptions{Master: fl.Master, Match: fl.match, Family: ld.family})
	if err != nil {
		return err
	}
	if len(pr.Workers) == 0 && len(snaps) > 0 {
		ld.warnings = append(ld.warnings, "no worker processes found in the snapshots: workers are gunicorn or nginx worker titles, children of a gunicorn master, or what --master/--match select")
	}
	if ld.family == "" {
		ld.family = pr.Family
	}
	ld.procs = pr
	return nil
}
