package ingest

import (
	"os"
	"sync"
	"sync/atomic"
)

// Progress counts the bytes of the access logs a run has read, as it reads
// them (the compressed bytes of a compressed log), for a progress line. It
// is safe to read while Read runs; the zero value is ready.
type Progress struct {
	read  atomic.Int64
	total atomic.Int64 // 0 until known; -1 when a log is a stream
	once  sync.Once
	known chan struct{} // closed when total is known
}

// Known is closed when Total is known, just before reading starts.
func (p *Progress) Known() <-chan struct{} {
	p.once.Do(func() { p.known = make(chan struct{}) })
	return p.known
}

// Read returns the bytes read so far.
func (p *Progress) Read() int64 { return p.read.Load() }

// Total returns the bytes of all the access logs of the run, -1 when one of
// them is a stream (standard input, a pipe) of unknown length, 0 before
// they are known.
func (p *Progress) Total() int64 { return p.total.Load() }

// counter returns where reads of p are counted; nil for no p.
func (p *Progress) counter() *atomic.Int64 {
	if p == nil {
		return nil
	}
	return &p.read
}

// setTotal sums the sizes of the candidates' files.
func (p *Progress) setTotal(cands []*candidate) {
	if p == nil {
		return
	}
	p.Known()
	defer close(p.known)
	var total int64
	for _, c := range cands {
		info, err := os.Stat(c.src.Path)
		if c.src.Path == "-" || err != nil || !info.Mode().IsRegular() {
			p.total.Store(-1)
			return
		}
		total += info.Size()
	}
	p.total.Store(max(total, 1))
}
