package aggregate

import "time"

// Next request, same worker: in each host's log order (the order requests
// ended), how often a request was served by the worker that served the one
// before it. Where a connection stays on the worker that accepted it, a
// client sending one request at a time keeps landing on one worker, far
// more often than the workers' shares of the window give by chance.

// seqCell is one host's pairs of consecutive requests in one window.
type seqCell struct {
	host string
	idx  int64 // window index at the partial's width
}

// seqCount is how many pairs of consecutive requests ended in a window, and
// how many of them one worker served both of.
type seqCount struct{ pairs, same int64 }

// seqEnd is a host's first or last request in a partial: its worker's
// accumulator (compared by pointer within the partial, by key across two)
// and its end time.
type seqEnd struct {
	acc *workerAcc
	t   int64 // unix µs
}

// seqTable is a partial's pairs: per host, its first and last request (to
// join the pair across two chunks of one input) and the pairs per window.
type seqTable struct {
	first, last map[string]seqEnd
	// cur is the last request of the host of the line before, not yet in
	// last: most logs have one host.
	cur   seqEnd
	curOK bool
	cells map[seqCell]*seqCount
	// lastCell caches the cell of the pair before, of host lastHost and
	// window lastIdx: lines come mostly in time order.
	lastHost string
	lastIdx  int64
	lastCell *seqCount
}

func newSeqTable() *seqTable {
	return &seqTable{first: map[string]seqEnd{}, last: map[string]seqEnd{}, cells: map[seqCell]*seqCount{}}
}

// addSeq accounts a timed request at t served by w, after the host's last.
// Call after addWindow, whose current window it reuses.
func (p *Partial) addSeq(w *workerAcc, t int64) {
	if p.seq == nil {
		p.seq = newSeqTable()
	}
	s := p.seq
	host := w.key.Host
	prev, ok := s.cur, s.curOK && s.cur.acc.key.Host == host
	if !ok {
		s.flush()
		prev, ok = s.last[host]
		if !ok {
			s.first[host] = seqEnd{w, t}
		}
	}
	s.cur, s.curOK = seqEnd{w, t}, true
	if !ok {
		return
	}
	idx := p.win.cur
	if t < p.win.from || t >= p.win.to {
		idx = floorDiv(t, p.win.width)
	}
	s.pair(host, idx, prev.acc == w)
}

// flush puts cur into last.
func (s *seqTable) flush() {
	if s.curOK {
		s.last[s.cur.acc.key.Host] = s.cur
		s.curOK = false
	}
}

// pair counts a pair of host's consecutive requests whose second ended in
// window idx; same says one worker served both.
func (s *seqTable) pair(host string, idx int64, same bool) {
	c := s.lastCell
	if c == nil || idx != s.lastIdx || host != s.lastHost {
		at := seqCell{host, idx}
		c = s.cells[at]
		if c == nil {
			c = &seqCount{}
			s.cells[at] = c
		}
		s.lastHost, s.lastIdx, s.lastCell = host, idx, c
	}
	c.pairs++
	if same {
		c.same++
	}
}

// rebin moves the cells from width old to the coarser width neu.
func (s *seqTable) rebin(old, neu int64) {
	if s == nil {
		return
	}
	cells := make(map[seqCell]*seqCount, len(s.cells))
	for at, c := range s.cells {
		to := seqCell{at.host, floorDiv(at.idx*old, neu)}
		if o := cells[to]; o != nil {
			o.pairs += c.pairs
			o.same += c.same
			continue
		}
		cells[to] = c
	}
	s.cells, s.lastCell = cells, nil
}

// merge adds q's pairs into s; with next, q's lines follow s's in one input,
// so each host's last request of s and first of q make one more pair.
func (s *seqTable) merge(q *seqTable, next bool, width int64) {
	s.flush()
	q.flush()
	for at, c := range q.cells {
		if o := s.cells[at]; o != nil {
			o.pairs += c.pairs
			o.same += c.same
			continue
		}
		s.cells[at] = c
	}
	s.lastCell = nil
	for h, f := range q.first {
		l, ok := s.last[h]
		if next && ok {
			s.pair(h, floorDiv(f.t, width), l.acc.key == f.acc.key)
		}
		if _, ok := s.first[h]; !ok {
			s.first[h] = f
		}
	}
	for h, l := range q.last {
		s.last[h] = l
	}
}

// mergeSeq adds q's pairs into p, both at one window width.
func (p *Partial) mergeSeq(q *Partial, next bool) {
	switch {
	case q.seq == nil:
	case p.seq == nil:
		p.seq = q.seq
	default:
		p.seq.merge(q.seq, next, p.win.width)
	}
}

// MergeNext is Merge for a partial whose lines follow p's in the same
// input (the next chunk of a file): the pair of consecutive requests that
// straddles the cut counts too.
func (p *Partial) MergeNext(q *Partial) {
	p.merge(q, true)
}

// nextSame is the report's pairs per host and window start (unix µs).
type nextSame map[seqCell]seqCount

// nextSameOf re-bins p's pairs to the report's window width.
func (p *Partial) nextSameOf(width int64) nextSame {
	if p.seq == nil || width <= 0 {
		return nil
	}
	out := nextSame{}
	for at, c := range p.seq.cells {
		start := floorDiv(at.idx*p.win.width, width) * width
		o := out[seqCell{at.host, start}]
		o.pairs += c.pairs
		o.same += c.same
		out[seqCell{at.host, start}] = o
	}
	return out
}

// NextSame is how many pairs of consecutive requests (in the host's log
// order) ended in the window that starts at start, and how many of them one
// worker served both of. host "" sums every host.
func (rep *Report) NextSame(host string, start time.Time) (pairs, same int64) {
	at := start.UnixMicro()
	if host != "" {
		c := rep.nextSame[seqCell{host, at}]
		return c.pairs, c.same
	}
	for k, c := range rep.nextSame {
		if k.idx == at {
			pairs += c.pairs
			same += c.same
		}
	}
	return pairs, same
}

// SeqEnds is each host's first and last request in a stretch of lines,
// for a SeqJoin to pair a stretch's first request with the last one before
// it when the stretches were read apart (blocks parsed on several cores).
type SeqEnds struct {
	first, last map[string]seqEnd
}

// CutSeq ends a stretch of lines: it returns each host's first and last
// request in it and forgets them, so that the next record added makes no
// pair with this stretch's last.
func (p *Partial) CutSeq() SeqEnds {
	s := p.seq
	if s == nil {
		return SeqEnds{}
	}
	s.flush()
	e := SeqEnds{first: s.first, last: s.last}
	s.first, s.last = map[string]seqEnd{}, map[string]seqEnd{}
	return e
}

// SeqJoin pairs the stretches of one input, given in order, where they
// meet.
type SeqJoin struct {
	first, last map[string]seqEnd
	pairs       []seqPair
}

// seqPair is a pair of consecutive requests of host whose second ended at t.
type seqPair struct {
	host string
	t    int64
	same bool
}

// Next takes the ends of the next stretch.
func (j *SeqJoin) Next(e SeqEnds) {
	if j.first == nil {
		j.first, j.last = map[string]seqEnd{}, map[string]seqEnd{}
	}
	for h, f := range e.first {
		if l, ok := j.last[h]; ok {
			j.pairs = append(j.pairs, seqPair{host: h, t: f.t, same: l.acc.key == f.acc.key})
		} else {
			j.first[h] = f
		}
	}
	for h, l := range e.last {
		j.last[h] = l
	}
}

// AddJoins adds the pairs where the stretches met to p, once the partials
// they were read into are merged into p; p's first and last requests become
// those of the whole input.
func (p *Partial) AddJoins(j *SeqJoin) {
	if j.first == nil {
		return
	}
	if p.seq == nil {
		p.seq = newSeqTable()
	}
	for _, q := range j.pairs {
		p.seq.pair(q.host, floorDiv(q.t, p.win.width), q.same)
	}
	p.seq.first, p.seq.last, p.seq.curOK = j.first, j.last, false
}
