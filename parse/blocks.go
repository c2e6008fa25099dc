package parse

import (
	"bytes"
	"io"
)

// Blocks cuts a stream into blocks of whole lines, so that one goroutine
// can read (and inflate) while others parse: a block read with
// NewBlockReader gives the lines a Reader of the whole stream gives, in the
// same order, numbered from 1 in each block.
//
//	bs := parse.NewBlocks(in, size)
//	for {
//		b, ok := bs.Next(buf)
//		if !ok { break }
//		...parse b...
//	}
//	err := bs.Err()
//
// A line longer than a Reader's buffer is handed over as far as that buffer
// reaches, alone in its block, and the rest of it is skipped: it reads as
// one over-long line. An error other than io.EOF ends the blocks after the
// last whole line read before it, as it ends a Reader.
type Blocks struct {
	in       io.Reader
	size     int
	carry    []byte // the start of the next block's first line
	skipping bool   // in the rest of an over-long line
	err      error  // io.EOF or the error that ended the input
}

// NewBlocks returns Blocks of in of about size bytes each (more to hold a
// line longer than size).
func NewBlocks(in io.Reader, size int) *Blocks {
	return &Blocks{in: in, size: max(size, 1)}
}

// Next returns the next block in buf's memory (grown as needed); false when
// there are no more lines.
func (bs *Blocks) Next(buf []byte) ([]byte, bool) {
	buf = append(buf[:0], bs.carry...)
	bs.carry = bs.carry[:0]
	want := bs.size
	for {
		for bs.err == nil && len(buf) < want {
			if cap(buf) < want {
				buf = append(buf[:cap(buf)], make([]byte, want-cap(buf))...)[:len(buf)]
			}
			n, err := bs.in.Read(buf[len(buf):want])
			buf = buf[:len(buf)+n]
			bs.err = err
		}
		if bs.skipping {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				buf = buf[:0]
				if bs.err != nil {
					return buf, false
				}
				continue
			}
			buf = buf[:copy(buf, buf[i+1:])]
			bs.skipping = false
			continue
		}
		if bs.err == io.EOF {
			return buf, len(buf) > 0
		}
		last := bytes.LastIndexByte(buf, '\n')
		if bs.err != nil {
			// The part of a line before the error is not a line.
			return buf[:last+1], last >= 0
		}
		if last >= 0 {
			bs.carry = append(bs.carry, buf[last+1:]...)
			return buf[:last+1], true
		}
		if len(buf) > bufSize {
			bs.skipping = true
			return buf, true
		}
		want = bufSize + 1
	}
}

// Err returns the error that ended the input, nil at its end.
func (bs *Blocks) Err() error {
	if bs.err == io.EOF {
		return nil
	}
	return bs.err
}
