package parse

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// readBlocks reads in through Blocks of size bytes and a block reader, the
// lines numbered across blocks as one reader numbers them.
func readBlocks(f *Format, in io.Reader, size int) (lines []got, numbers []int64, err error) {
	bs := NewBlocks(in, size)
	rd := NewBlockReader(f)
	var buf []byte
	var before int64
	for {
		b, ok := bs.Next(buf)
		if !ok {
			break
		}
		buf = b
		rd.Reset(b)
		for rd.Scan() {
			lines = append(lines, view(rd.Reason(), rd.Record()))
			numbers = append(numbers, before+rd.Line())
		}
		before += rd.Line()
	}
	return lines, numbers, bs.Err()
}

// FuzzBlockRead: a log read in blocks, however small and however the
// stream hands its bytes over, reads line for line as one Reader reads it,
// with the same line numbers and the same error. Far times are the
// exception, as for chunks (FuzzChunkedRead).
func FuzzBlockRead(f *testing.F) {
	whole := readLog(f, "nginx-pid.log")
	f.Add(whole, uint16(700), uint16(0), false)
	f.Add([]byte("x\n\n"+string(whole)+"\r\nno newline"), uint16(1), uint16(3), true)
	f.Add(whole[:len(whole)/2], uint16(4096), uint16(len(whole)/3), true)
	fm := mustNginx(f, corpusNginxPID)
	failed := errors.New("read failed")
	f.Fuzz(func(t *testing.T, data []byte, size, failAt uint16, halves bool) {
		open := func() io.Reader {
			var in io.Reader = bytes.NewReader(data)
			if failAt > 0 && int(failAt) < len(data) {
				in = io.MultiReader(bytes.NewReader(data[:failAt]), iotest.ErrReader(failed))
			}
			if halves {
				in = iotest.HalfReader(in)
			}
			return in
		}
		r := NewReader(open(), fm)
		var want []got
		var wantNumbers []int64
		for r.Scan() {
			want = append(want, view(r.Reason(), r.Record()))
			wantNumbers = append(wantNumbers, r.Line())
		}
		lines, numbers, err := readBlocks(fm, open(), int(size)+1)
		if !errors.Is(err, failed) && err != nil || errors.Is(err, failed) != errors.Is(r.Err(), failed) {
			t.Fatalf("blocks: error %v, one reader: %v", err, r.Err())
		}
		if len(lines) != len(want) {
			t.Fatalf("blocks of %d: got %d lines, want %d", size+1, len(lines), len(want))
		}
		for i := range want {
			if numbers[i] != wantNumbers[i] {
				t.Fatalf("blocks of %d, line %d: numbered %d, want %d", size+1, i+1, numbers[i], wantNumbers[i])
			}
			if want[i].Reason == ReasonFarTime || lines[i].Reason == ReasonFarTime {
				continue
			}
			if lines[i] != want[i] {
				t.Fatalf("blocks of %d, line %d: got %+v, want %+v", size+1, i+1, lines[i], want[i])
			}
		}
	})
}

// TestBlocksLongLine: a line longer than a Reader's buffer is one over-long
// line between its neighbours, whether it fits in a block or not.
func TestBlocksLongLine(t *testing.T) {
	fm := mustNginx(t, corpusNginxPID)
	good := readLog(t, "nginx-pid.log")
	first := good[:bytes.IndexByte(good, '\n')+1]
	for _, n := range []int{MaxLine, MaxLine + 1, MaxLine + 2, MaxLine + 3, 3 << 20} {
		data := append(append(append([]byte{}, first...), bytes.Repeat([]byte("x"), n)...), '\n')
		data = append(data, first...)
		want, _ := scanLines(fm, data)
		for _, size := range []int{1000, 2 << 20} {
			lines, _, err := readBlocks(fm, bytes.NewReader(data), size)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 3 || len(want) != 3 {
				t.Fatalf("a line of %d bytes, blocks of %d: got %d lines, want 3 (one reader: %d)", n, size, len(lines), len(want))
			}
			for i := range want {
				if lines[i] != want[i] {
					t.Errorf("a line of %d bytes, blocks of %d, line %d: got %+v, want %+v", n, size, i+1, lines[i], want[i])
				}
			}
		}
	}
}
