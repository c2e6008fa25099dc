package parse

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// scanLines reads data through a Reader of format f: each line's reason and
// record, and the reader's error.
func scanLines(f *Format, data []byte) ([]got, error) {
	r := NewReader(bytes.NewReader(data), f)
	var out []got
	for r.Scan() {
		out = append(out, view(r.Reason(), r.Record()))
	}
	return out, r.Err()
}

// chunkAt is where a chunk cut at off starts, as Split cuts: after the
// first newline at or after off-1.
func chunkAt(data []byte, off int) int {
	if off <= 0 {
		return 0
	}
	if i := bytes.IndexByte(data[min(off-1, len(data)):], '\n'); i >= 0 {
		return off + i
	}
	return len(data)
}

// FuzzChunkedRead: a log cut into chunks at line starts, as Split cuts it
// for parallel reading, reads line for line as the whole file does, and so
// does each line read alone. Far times are the exception by design: a
// line's neighbours decide them, and a chunk's first and last lines lack
// one.
func FuzzChunkedRead(f *testing.F) {
	whole := readLog(f, "nginx-pid.log")
	f.Add(whole, uint16(len(whole)/3), uint16(len(whole)/2))
	f.Add([]byte("x\n\n"+string(whole)+"\r\nno newline"), uint16(1), uint16(2))
	fm := mustNginx(f, corpusNginxPID)
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		want, werr := scanLines(fm, data)
		cuts := []int{0, chunkAt(data, int(a)%(len(data)+1)), chunkAt(data, int(b)%(len(data)+1)), len(data)}
		if cuts[1] > cuts[2] {
			cuts[1], cuts[2] = cuts[2], cuts[1]
		}
		var got []got
		for i := 0; i+1 < len(cuts); i++ {
			part, err := scanLines(fm, data[cuts[i]:cuts[i+1]])
			if (err != nil) != (werr != nil) {
				t.Fatalf("chunk %d: error %v, whole file: %v", i, err, werr)
			}
			got = append(got, part...)
		}
		if werr != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("cuts %v: got %d lines, want %d", cuts, len(got), len(want))
		}
		for i := range want {
			if want[i].Reason == ReasonFarTime || got[i].Reason == ReasonFarTime {
				continue
			}
			if got[i] != want[i] {
				t.Fatalf("cuts %v, line %d: got %+v, want %+v", cuts, i+1, got[i], want[i])
			}
		}
		alone := NewBlockReader(fm)
		for i, rest := 0, data; len(rest) > 0; i++ {
			n := bytes.IndexByte(rest, '\n') + 1
			if n == 0 {
				n = len(rest)
			}
			alone.Reset(rest[:n])
			rest = rest[n:]
			if !alone.Scan() {
				t.Fatalf("line %d alone: no line", i+1)
			}
			if g := view(alone.Reason(), alone.Record()); want[i].Reason != ReasonFarTime && g != want[i] {
				t.Fatalf("line %d alone: got %+v, want %+v", i+1, g, want[i])
			}
		}
	})
}

// FuzzZstdDecompress: on arbitrary bytes after the zstd magic, Decompress
// either yields text or an error a read counts (a *StreamError, or a
// *ZstdWindowError for a frame over the window limit), never another error
// or a panic; and a stream the zstd decoder reads whole yields the same
// text.
func FuzzZstdDecompress(f *testing.F) {
	enc, _ := zstd.NewWriter(nil)
	frame := enc.EncodeAll([]byte("127.0.0.1 - - [25/Nov/2026:17:29:40 +0000] \"GET / HTTP/1.1\" 200 3 pid=<1> 5\n"), nil)
	f.Add(frame[4:])
	f.Add(frame[4 : len(frame)/2])
	f.Add(append(append([]byte{}, frame[4:]...), frame...))
	counted := func(err error) bool {
		var se *StreamError
		var we *ZstdWindowError
		return errors.As(err, &se) || errors.As(err, &we)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := append([]byte{0x28, 0xb5, 0x2f, 0xfd}, data...)
		rc, err := Decompress(io.NopCloser(bytes.NewReader(in)), "fuzz.zst")
		if err != nil {
			if !counted(err) {
				t.Fatalf("Decompress: %v (%T), want a *StreamError or *ZstdWindowError", err, err)
			}
			return
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil && !counted(err) {
			t.Fatalf("read: %v (%T), want a *StreamError or *ZstdWindowError", err, err)
		}
		dec, derr := zstd.NewReader(nil, zstd.WithDecoderMaxWindow(MaxZstdWindow), zstd.WithDecoderConcurrency(1))
		if derr != nil {
			t.Fatal(derr)
		}
		defer dec.Close()
		want, derr := dec.DecodeAll(in, nil)
		if derr == nil && err == nil && !bytes.Equal(got, want) {
			t.Fatalf("the zstd decoder reads %d bytes whole; got %d bytes", len(want), len(got))
		}
		if derr == nil && err != nil && !reflect.DeepEqual(got, want[:min(len(got), len(want))]) {
			t.Fatalf("got %d bytes and %v, not a prefix of the %d bytes the decoder reads", len(got), err, len(want))
		}
	})
}
