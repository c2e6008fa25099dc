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
	seq   aggregate.SeqEnds // each host's first and last request
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

// stream is one input read in blocks: one goroutine reads (and inflates)
// it into blocks, parsers take them from todo into a partial each and hand
// them to done, and the job takes them back in block order.
type stream struct {
	ctx        context.Context
	c          *candidate
	newPartial func() *aggregate.Partial
	pool       blockPool
	todo, done chan *block
	parts      []*aggregate.Partial // one per parser
	readErr    error                // what ended the input; read once done is closed
	limit      int                  // rejected lines shown, at most
}

// readStream parses the stream in of candidate c into the job's partial
// with workers parsers. Line numbers and the intervals that give peak
// concurrency are those of one pass over the stream: the blocks are taken
// back in order, and each block's intervals are replayed in that order
// (see aggregate.PeakLog), the blocks in flight bounded by the pool.
func (j *job) readStream(ctx context.Context, c *candidate, in io.Reader, newPartial func() *aggregate.Partial, workers int, pool blockPool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &stream{ctx: ctx, c: c, newPartial: newPartial, pool: pool, limit: j.limit,
		todo: make(chan *block), done: make(chan *block, workers), parts: make([]*aggregate.Partial, workers)}
	go s.read(parse.NewBlocks(in, blockSize))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.parse(w)
		}()
	}
	go func() {
		wg.Wait()
		close(s.done)
	}()
	peaks, join := aggregate.NewPeaks(), &aggregate.SeqJoin{}
	if err := j.takeInOrder(s, peaks, join, cancel); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	j.part = s.merged()
	j.part.SetPeaks(peaks)
	j.part.AddJoins(join)
	if err := j.part.KeysError(); err != nil {
		return err
	}
	return j.end(s.readErr, c.src.Path)
}

// read cuts the stream into blocks for the parsers, one from the pool at a
// time.
func (s *stream) read(bs *parse.Blocks) {
	defer close(s.todo)
	for idx := 0; ; idx++ {
		var b *block
		select {
		case b = <-s.pool:
		case <-s.ctx.Done():
			return
		}
		buf, ok := bs.Next(b.buf)
		b.buf, b.idx = buf, idx
		if !ok {
			s.pool <- b
			s.readErr = bs.Err()
			return
		}
		select {
		case s.todo <- b:
		case <-s.ctx.Done():
			s.pool <- b
			return
		}
	}
}

// parse is parser w: it parses blocks into its partial, made with its
// first block, until there are no more.
func (s *stream) parse(w int) {
	var rd *parse.Reader
	for b := range s.todo {
		if s.ctx.Err() != nil {
			s.done <- b // back to the pool, unread
			continue
		}
		if s.parts[w] == nil {
			s.parts[w] = s.newPart()
			rd = parse.NewBlockReader(s.c.format)
		}
		parseBlock(b, rd, s.parts[w], s.c.src.Path, s.limit)
		s.done <- b
	}
}

func (s *stream) newPart() *aggregate.Partial {
	p := s.newPartial()
	if s.c.host != "" {
		p.SetHost(s.c.host)
	}
	return p
}

// merged is the parsers' partials merged into one.
func (s *stream) merged() *aggregate.Partial {
	var all *aggregate.Partial
	for _, p := range s.parts {
		switch {
		case p == nil:
		case all == nil:
			all = p
		default:
			all.Merge(p)
		}
	}
	if all == nil {
		all = s.newPart()
	}
	all.LogPeaks(nil)
	return all
}

// takeInOrder takes the parsed blocks back in their order, until the
// parsers are done; the first error stops reading (cancel) and is
// returned once they are.
func (j *job) takeInOrder(s *stream, peaks *aggregate.Peaks, join *aggregate.SeqJoin, cancel func()) error {
	waiting := map[int]*block{}
	next := 0
	var err error
	for b := range s.done {
		waiting[b.idx] = b
		for b := waiting[next]; b != nil; b = waiting[next] {
			delete(waiting, next)
			next++
			if err == nil && s.ctx.Err() == nil {
				err = j.take(b, peaks, join)
			}
			s.pool <- b
		}
		if err != nil {
			cancel()
		}
	}
	return err
}

// take accounts the next block in order: its rejections shown, numbered in
// the stream, its lines, its request intervals and where its pairs of
// consecutive requests meet the block before.
func (j *job) take(b *block, peaks *aggregate.Peaks, join *aggregate.SeqJoin) error {
	if b.err != nil {
		return b.err
	}
	for _, r := range b.shown {
		if len(j.shown) < j.limit {
			r.line += j.lines
			j.shown = append(j.shown, r)
		}
	}
	j.lines += b.lines
	peaks.Replay(&b.peaks)
	join.Next(b.seq)
	return nil
}

// parseBlock parses the lines of b into p.
func parseBlock(b *block, rd *parse.Reader, p *aggregate.Partial, path string, limit int) {
	b.shown, b.err = b.shown[:0], nil
	b.peaks.Reset()
	p.LogPeaks(&b.peaks)
	rd.Reset(b.buf)
	for rd.Scan() {
		if reason := rd.Reason(); reason != parse.ReasonNone {
			p.Reject(reason)
			if len(b.shown) < limit {
				b.shown = append(b.shown, rejection{path: path, line: rd.Line(), reason: string(reason)})
			}
			continue
		}
		p.Add(rd.Record())
	}
	b.lines = rd.Line()
	b.seq = p.CutSeq()
	b.err = p.KeysError()
}
