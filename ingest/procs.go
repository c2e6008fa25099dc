package ingest

import (
	"fmt"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// readProcs reads snapshots and error logs and finds the workers in them.
func (run *Run) readProcs(aux []*candidate) error {
	opt := run.opt
	var events []parse.ErrorLogEvent
	// Snapshots stream into the builder: memory holds the sightings of
	// possible workers, not every row of every snapshot.
	build := aggregate.NewProcBuilder(aggregate.ProcOptions{Master: opt.Master, Match: opt.Match, Family: string(run.Family)})
	snaps := 0
	ps := parse.PSOptions{Loc: opt.Loc, Columns: opt.PSColumns}
	if opt.PSTime != nil {
		ps.Time = opt.PSTime.UnixMicro()
	}
	shown := 0
	for _, c := range aux {
		in := &run.Inputs[c.index]
		br, err := c.reader()
		if err != nil {
			return err
		}
		switch c.kind {
		case parse.KindSnapshots:
			got := 0
			st, err := parse.EachSnapshot(br, c.src.Path, ps, func(s *parse.Snapshot) error {
				build.Add(s)
				got++
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range st.Shown {
				if shown < opt.shownLimit() && opt.Rejected != nil {
					opt.Rejected(r)
					shown++
				}
			}
			in.Format = "ps"
			in.Lines, in.Parsed, in.Rejected = st.Lines, st.Rows, st.Skipped
			in.Note = plural(int64(got), "snapshot")
			run.Warnings = append(run.Warnings, st.Warnings...)
			if st.ZoneGuessed && opt.ZoneDefault {
				run.Warnings = append(run.Warnings, fmt.Sprintf("%s: times without a zone were read as UTC (--tz sets the zone)", c.src.Path))
			}
			snaps += got
		case parse.KindErrorLog:
			got, st, err := parse.ReadErrorLog(br, c.src.Path, opt.Loc)
			if err != nil {
				return err
			}
			in.Format = "gunicorn"
			in.Lines, in.Parsed = st.Lines, st.Events
			in.Note = plural(int64(len(got)), "lifecycle event")
			if run.WorkerClass == "" {
				run.WorkerClass = st.WorkerClass
			}
			events = append(events, got...)
		}
		c.close()
	}
	if snaps == 0 && len(events) == 0 {
		return nil
	}
	pr, err := build.Finish(events)
	if err != nil {
		return err
	}
	if len(pr.Workers) == 0 && snaps > 0 {
		run.Warnings = append(run.Warnings, "no worker processes found in the snapshots: workers are gunicorn or nginx worker titles, children of a gunicorn master, or what --master/--match select")
	}
	if run.Family == "" {
		run.Family = parse.Family(pr.Family)
	}
	run.Procs = pr
	return nil
}

// plural is "1 snapshot" or "3 snapshots".
func plural(n int64, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
