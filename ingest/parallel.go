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

// readAll reads the candidates into one partial, all, and tells what each
// gave: parts[i] has candidate i's counts and time span, its workers
// released. An input is merged into all as soon as it is read (its chunks
// joined in order first), so that a folder of 20,000 small logs never
// holds 20,000 partials; inputs merge in any order to the same result.
// Inputs are read in parallel, and large plain files in chunks, on every
// core. The first rejected lines (limit of them) go to shown, numbered within their file.
//
// damaged says, for each damaged compressed input, where its damage is.
func readAll(ctx context.Context, cands []*candidate, newPartial func() *aggregate.Partial, shown func(string), limit int) (all *aggregate.Partial, parts []*aggregate.Partial, damaged []string, err error) {
	procs := runtime.GOMAXPROCS(0)
	var jobs []*job
	for i, c := range cands {
		var chunks []parse.Chunk
		if !c.format.SubSecond() {
			// Peak concurrency (sub-second stamps) needs the lines in
			// order: such a file is read in blocks (readStream).
			var err error
			if chunks, err = parse.Split(c.src, procs); err != nil {
				return nil, nil, nil, err
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
	all = newPartial()
	parts = make([]*aggregate.Partial, len(cands))
	byCand := make([][]*job, len(cands)) // each input's jobs, its chunks in order
	for _, j := range jobs {
		byCand[j.cand] = append(byCand[j.cand], j)
	}
	done := make([]int, len(cands))
	var mu sync.Mutex // guards all, parts, done and keysErr
	var keysErr error
	// finish merges input i into all once its last job is done.
	finish := func(i int) {
		mu.Lock()
		defer mu.Unlock()
		if done[i]++; done[i] < len(byCand[i]) {
			return
		}
		p := byCand[i][0].part
		for _, j := range byCand[i] {
			if j.err != nil {
				return // the run ends with the error
			}
			if j != byCand[i][0] {
				p.MergeNext(j.part) // the chunks come in order
				j.part = nil
			}
		}
		all.Merge(p)
		p.Release()
		parts[i] = p
		if keysErr == nil {
			keysErr = all.KeysError()
		}
	}
	// Streams read side by side share the cores: each has a reader and
	// parsers for its share of them (two at least, so that a large input
	// read beside small ones is not left with one), each with its own
	// partial; the blocks in flight are bounded for all of them together.
	pool := newBlockPool(min(2*procs+2, 48))
	streams := &streamCores{workers: min(procs, max(2, procs/min(procs, len(jobs)))), on: procs > 1}
	sem := make(chan struct{}, procs)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.err = j.run(ctx, cands[j.cand], newPartial, streams, pool)
			finish(j.cand)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	before := make([]int64, len(cands)) // lines in earlier chunks of the same input
	var told []string
	for _, j := range jobs {
		if j.err != nil {
			return nil, nil, nil, j.err
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
	}
	if keysErr != nil {
		return nil, nil, nil, keysErr
	}
	if shown != nil {
		for _, r := range told {
			shown(r)
		}
	}
	return all, parts, damaged, nil
}

// streamCores says how whole inputs are read: in blocks (on) with workers
// parsers each, or in one pass on one core.
type streamCores struct {
	workers int
	on      bool
}

// run parses the job's lines into its own partial. A whole input is read
// in blocks parsed on several cores when there are several.
func (j *job) run(ctx context.Context, c *candidate, newPartial func() *aggregate.Partial, streams *streamCores, pool blockPool) error {
	var in io.Reader
	if j.chunk == nil {
		r, err := c.reader()
		if err != nil {
			return err
		}
		defer c.close()
		if streams.on {
			return j.readStream(ctx, c, r, newPartial, streams.workers, pool)
		}
		in = r
	} else {
		f, err := os.Open(c.src.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = io.NewSectionReader(f, j.chunk.Offset, j.chunk.Length)
		if c.count != nil {
			in = parse.Counting(in, c.count)
		}
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
	return j.end(r.Err(), c.src.Path)
}

// end accounts how the input ended: err, from its reader, is nil at its
// end. The lines before damage in a compressed input are read; the damage
// is one rejected line, so that --strict and --max-reject-ratio apply.
func (j *job) end(err error, path string) error {
	var damage *parse.StreamError
	if errors.As(err, &damage) {
		j.lines++
		j.damage = err.Error()
		j.part.Reject(parse.ReasonTruncated)
		if len(j.shown) < j.limit {
			j.shown = append(j.shown, rejection{path: path, line: j.lines, reason: string(parse.ReasonTruncated) + " (" + err.Error() + ")"})
		}
	} else if err != nil {
		return fmt.Errorf("%s: line %d: %w", path, j.lines+1, err)
	}
	return nil
}
