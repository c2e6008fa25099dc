package ingest

import (
	"fmt"
	"io"
	"os"
	"time"
)

// resolveBounds turns relative bounds into times: offsets from the last
// line of the access logs, read from the end of each file.
func (run *Run) resolveBounds(cands []*candidate) error {
	o := &run.opt
	if !o.Since.Relative && !o.Until.Relative {
		return nil
	}
	var last int64
	for _, c := range cands {
		t, err := fileLastTime(c)
		if err != nil {
			return err
		}
		last = max(last, t)
	}
	resolve := func(b *Bound) {
		if b.Relative {
			b.Time = time.UnixMicro(last + int64(b.Offset/time.Microsecond)).UTC()
		}
	}
	resolve(&o.Since)
	resolve(&o.Until)
	if o.Since.set() && o.Until.set() && o.Since.micros() >= o.Until.micros() {
		return ErrEmptyRange
	}
	return nil
}

// fileLastTime reads the time of the last line of a plain access log.
func fileLastTime(c *candidate) (int64, error) {
	if c.src.Path == "-" {
		return 0, &BoundError{Path: c.src.Path, Code: BoundStdin}
	}
	f, err := os.Open(c.src.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err == nil && (head[0] == 0x1f && head[1] == 0x8b || head[0] == 0x28 && head[1] == 0xb5) {
		return 0, &BoundError{Path: c.src.Path, Code: BoundCompressed}
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	off := max(0, info.Size()-256<<10)
	tail := make([]byte, info.Size()-off)
	if _, err := f.ReadAt(tail, off); err != nil && err != io.EOF {
		return 0, fmt.Errorf("%s: %w", c.src.Path, err)
	}
	if off == 0 {
		tail = append([]byte{'\n'}, tail...) // the first line is whole
	}
	t, ok := c.format.LastTime(tail)
	if !ok {
		return 0, &BoundError{Path: c.src.Path, Code: BoundNoTime}
	}
	return t, nil
}
