package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// rejection is a rejected line shown to the user.
type rejection struct {
	path   string
	line   int64
	reason string
}

func (r rejection) String() string { return fmt.Sprintf("%s:%d: %s", r.path, r.line, r.reason) }

// job is one stream of lines to parse: a whole input, or one chunk of a
// large plain file.
type job struct {
	cand  int
	chunk *parse.Chunk
	part  *aggregate.Partial
	lines int64
	shown []rejection
	limit int // of shown
	// damage is where a compressed input is damaged, "" if it is not.
	damage string
	err    error
}

// readAll reads the candidates into one partial each. Inputs are read in
// parallel, and large plain files in chunks, on every core. The first
// rejected lines (limit of them) go to shown, numbered within their file.
//
// damaged says, for each damaged compressed input, where its damage is.
func readAll(ctx context.Context, cands []*candidate, newPartial func() *aggregate.Partial, shown func(string), limit int) (parts []*aggregate.Partial, damaged []string, err error) {
	procs := runtime.GOMAXPROCS(0)
	var jobs []*job
	for i, c := range cands {
		var chunks []parse.Chunk
		if !c.format.SubSecond() {
			// Peak concurrency (sub-second stamps) needs one stream.
			var err error
			if chunks, err = parse.Split(c.src, procs); err != nil {
				return nil, nil, err
			}
		}
		if len(chunks) < 2 {
			jobs = append(jobs, &job{cand: i, limit: limit})
			continue
		}
		c.close()
		for k := range chunks {
			jobs = append(jobs, &job{cand: i, chunk: &chunks[k], limit: limit})
		}
	}
	sem := make(chan struct{}, procs)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.err = j.run(ctx, cands[j.cand], newPartial)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	parts = make([]*aggregate.Partial, len(cands))
	before := make([]int64, len(cands)) // lines in earlier chunks of the same input
	var told []string
	for _, j := range jobs {
		if j.err != nil {
			return nil, nil, j.err
		}
		if j.damage != "" {
			damaged = append(damaged, fmt.Sprintf("%s: damaged after line %d (%s): the lines before it were read", cands[j.cand].src.Path, before[j.cand]+j.lines-1, j.damage))
		}
		for _, r := range j.shown {
			r.line += before[j.cand]
			if len(told) < limit {
				told = append(told, r.String())
			}
		}
		before[j.cand] += j.lines
		if parts[j.cand] == nil {
			parts[j.cand] = j.part
		} else {
			parts[j.cand].MergeNext(j.part) // the chunks come in order
			if err := parts[j.cand].KeysError(); err != nil {
				return nil, nil, err
			}
		}
	}
	if shown != nil {
		for _, r := range told {
			shown(r)
		}
	}
	return parts, damaged, nil
}

// run parses the job's lines into its own partial.
func (j *job) run(ctx context.Context, c *candidate, newPartial func() *aggregate.Partial) error {
	var in io.Reader
	if j.chunk == nil {
		r, err := c.reader()
		if err != nil {
			return err
		}
		defer c.close()
		in = r
	} else {
		f, err := os.Open(c.src.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = io.NewSectionReader(f, j.chunk.Offset, j.chunk.Length)
	}
	j.part = newPartial()
	if c.host != "" {
		j.part.SetHost(c.host)
	}
	r := parse.NewReader(in, c.format)
	for r.Scan() {
		// Checked on every line, rejected or not: a log of rejected lines
		// must stop on Ctrl-C too.
		if r.Line()&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if reason := r.Reason(); reason != parse.ReasonNone {
			j.part.Reject(reason)
			if len(j.shown) < j.limit {
				j.shown = append(j.shown, rejection{path: c.src.Path, line: r.Line(), reason: string(reason)})
			}
			continue
		}
		j.part.Add(r.Record())
		if err := j.part.KeysError(); err != nil {
			return err
		}
	}
	j.lines = r.Line()
	var damage *parse.StreamError
	if err := r.Err(); errors.As(err, &damage) {
		// The lines before the damage are read; the damage is one
		// rejected line, so that --strict and --max-reject-ratio apply.
		j.lines++
		j.damage = err.Error()
		j.part.Reject(parse.ReasonTruncated)
		if len(j.shown) < j.limit {
			j.shown = append(j.shown, rejection{path: c.src.Path, line: j.lines, reason: string(parse.ReasonTruncated) + " (" + err.Error() + ")"})
		}
	} else if err != nil {
		return fmt.Errorf("%s: line %d: %w", c.src.Path, r.Line()+1, err)
	}
	return nil
}
