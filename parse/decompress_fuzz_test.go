package parse

import (
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"io"
	"testing"
)

// FuzzGzipDecompress: on arbitrary bytes after the gzip magic, Decompress
// either yields text or an error that is a *StreamError (which a read
// counts as one rejected line), never another error or a panic; and a
// stream that the standard library's reader reads whole yields the same
// text.
func FuzzGzipDecompress(f *testing.F) {
	var buf bytes.Buffer
	zw := stdgzip.NewWriter(&buf)
	zw.Write([]byte("127.0.0.1 - - [25/Nov/2026:17:29:40 +0000] \"GET / HTTP/1.1\" 200 3 pid=<1> 5\n"))
	zw.Close()
	whole := buf.Bytes()
	f.Add(whole)
	f.Add(whole[:len(whole)/2])
	f.Add(append(append([]byte{}, whole...), make([]byte, 100)...))
	f.Add(append(append([]byte{}, whole...), whole...))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := append([]byte{0x1f, 0x8b}, data...)
		rc, err := Decompress(io.NopCloser(bytes.NewReader(in)), "fuzz.gz")
		if err != nil {
			var se *StreamError
			if !errors.As(err, &se) {
				t.Fatalf("Decompress: %v (%T), want a *StreamError", err, err)
			}
			return
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		var se *StreamError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("read: %v (%T), want a *StreamError", err, err)
		}
		sr, serr := stdgzip.NewReader(bytes.NewReader(in))
		if serr != nil {
			return
		}
		want, serr := io.ReadAll(sr)
		if serr == nil && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("compress/gzip reads %d bytes whole; got %d bytes, error %v", len(want), len(got), err)
		}
	})
}
