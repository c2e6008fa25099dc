package outfile

import (
	"bufio"
	"bytes"
	"context"
	"io"
)

// SpillAt is how much output is held in memory before it goes out: a run
// that fails or is interrupted while rendering writes nothing, up to here.
// Past it (a day of 1 s windows as CSV or JSON is gigabytes) the output is
// written as it is rendered, and an interrupt stops it part way.
const SpillAt = 16 << 20

// Spill holds rendered output in memory up to SpillAt bytes, then
// writes through; each write first checks that the run was not interrupted.
type Spill struct {
	ctx     context.Context
	out     io.Writer
	buf     bytes.Buffer
	through *bufio.Writer // once spilled
}

// NewSpill returns a Spill that writes to out while ctx is not done.
func NewSpill(ctx context.Context, out io.Writer) *Spill {
	return &Spill{ctx: ctx, out: out}
}

func (s *Spill) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.through != nil {
		return s.through.Write(p)
	}
	s.buf.Write(p)
	if s.buf.Len() > SpillAt {
		s.through = bufio.NewWriterSize(s.out, 256<<10)
		_, err := s.through.Write(s.buf.Bytes())
		s.buf = bytes.Buffer{}
		if err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Close writes what is held, unless the run was interrupted before any of
// it went out.
func (s *Spill) Close() error {
	if s.through != nil {
		return s.through.Flush()
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	_, err := s.out.Write(s.buf.Bytes())
	return err
}
