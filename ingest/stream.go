package ingest

import (
	"context"
	"io"
	"sync"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// blockSize is how much of a stream one block holds: large enough that
// handing blocks between goroutines costs nothing next to parsing them,
// small enough that the blocks in flight stay a few MiB.
var blockSize = 2 << 20

// block is a stretch of whole lines of one stream and what parsing it gave.
type block struct {
	idx   int
	buf   []byte
	lines int64
	shown []rejection // numbered within the block
	peaks aggregate.PeakLog
	err   error
}

// blockPool bounds the blocks in flight of every stream of a run: a block
// goes back only once merged, so memory stays bounded whatever the order
// parsers finish in.
type blockPool chan *block

func newBlockPool(n int) blockPool {
	p := make(blockPool, n)
	for range n {
		p <- &block{}
	}
	return p
}

// readStream parses the stream in of candidate c into the job's partial
// with workers goroutines: one goroutine reads (and inflates) the stream
// into blocks, the workers parse them into a partial each, and this one
// takes the results in the order of the blocks. Line numbers and the
// intervals that give peak concurrency are then those of one pass over
// the stream: each block's intervals are replayed in block order (see
// aggregate.PeakLog), the blocks in flight bounded by the pool.
func (j *job) readStream(ctx context.Context, c *candidate, in io.Reader, newPartial func() *aggregate.Partial, workers int, pool blockPool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	todo := make(chan *block)
	done := make(chan *block, workers)
	bs := parse.NewBlocks(in, blockSize)
	var readErr error
	go func() {
		defer close(todo)
		for idx := 0; ; idx++ {
			var b *block
			select {
			case b = <-pool:
			case <-ctx.Done():
				return
			}
			buf, ok := bs.Next(b.buf)
			b.buf, b.idx = buf, idx
			if !ok {
				pool <- b
				readErr = bs.Err()
				return
			}
			select {
			case todo <- b:
			case <-ctx.Done():
				pool <- b
				return
			}
		}
	}()
	parts := make([]*aggregate.Partial, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rd *parse.Reader
			for b := range todo {
				if ctx.Err() != nil {
					done <- b // to the pool, unread
					continue
				}
				if parts[w] == nil {
					parts[w] = newPartial()
					if c.host != "" {
						parts[w].SetHost(c.host)
					}
					rd = parse.NewBlockReader(c.format)
				}
				parseBlock(b, rd, parts[w], c.src.Path)
				done <- b
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	peaks := aggregate.NewPeaks()
	waiting := map[int]*block{}
	next := 0
	var err error
	for b := range done {
		waiting[b.idx] = b
		for b := waiting[next]; b != nil; b = waiting[next] {
			delete(waiting, next)
			next++
			if err == nil && ctx.Err() == nil {
				err = j.take(b, peaks)
			}
			pool <- b
		}
		if err != nil {
			cancel()
		}
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		switch {
		case p == nil:
		case j.part == nil:
			j.part = p
		default:
			j.part.Merge(p)
		}
	}
	if j.part == nil {
		j.part = newPartial()
		if c.host != "" {
			j.part.SetHost(c.host)
		}
	}
	j.part.LogPeaks(nil)
	j.part.SetPeaks(peaks)
	if err := j.part.KeysError(); err != nil {
		return err
	}
	return j.end(readErr, c.src.Path)
}

// take accounts the next block in order: its rejections shown, numbered in
// the stream, its lines and its request intervals.
func (j *job) take(b *block, peaks *aggregate.Peaks) error {
	if b.err != nil {
		return b.err
	}
	for _, r := range b.shown {
		if len(j.shown) < maxShownRejections {
			r.line += j.lines
			j.shown = append(j.shown, r)
		}
	}
	j.lines += b.lines
	peaks.Replay(&b.peaks)
	return nil
}

// parseBlock parses the lines of b into p.
func parseBlock(b *block, rd *parse.Reader, p *aggregate.Partial, path string) {
	b.shown, b.err = b.shown[:0], nil
	b.peaks.Reset()
	p.LogPeaks(&b.peaks)
	rd.Reset(b.buf)
	for rd.Scan() {
		if reason := rd.Reason(); reason != parse.ReasonNone {
			p.Reject(reason)
			if len(b.shown) < maxShownRejections {
				b.shown = append(b.shown, rejection{path: path, line: rd.Line(), reason: string(reason)})
			}
			continue
		}
		p.Add(rd.Record())
	}
	b.lines = rd.Line()
	b.err = p.KeysError()
}
