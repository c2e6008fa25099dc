package parse

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
)

// zstdWindowed stores b (at most 128 KiB) in one raw block of a zstd frame
// whose header declares a window of 1<<log bytes: a few bytes that ask the
// decoder for the whole window.
func zstdWindowed(t testing.TB, b []byte, log int) []byte {
	t.Helper()
	if len(b) > 128<<10 {
		t.Fatalf("%d bytes: a raw block holds at most 128 KiB", len(b))
	}
	out := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, byte(log-10) << 3}
	h := uint32(len(b))<<3 | 1 // raw block, the last
	out = append(out, byte(h), byte(h>>8), byte(h>>16))
	return append(out, b...)
}

// TestZstdWindowCap: a small file declaring a 512 MiB window is refused
// before its window is allocated; one of 8 MiB reads.
func TestZstdWindowCap(t *testing.T) {
	text := bytes.Repeat(readLog(t, "nginx-pid.log"), 20)
	bomb := zstdWindowed(t, text, 29)
	_, err := Decompress(io.NopCloser(bytes.NewReader(bomb)), "bomb.zst")
	var we *ZstdWindowError
	if !errors.As(err, &we) {
		t.Fatalf("Decompress: got error %v, want a *ZstdWindowError", err)
	}
	if we.Window != 512<<20 || we.Path != "bomb.zst" {
		t.Errorf("got window %d of %q, want %d of %q", we.Window, we.Path, 512<<20, "bomb.zst")
	}
	if got, want := err.Error(), "bomb.zst: zstd window of 512 MiB, more than the 128 MiB read"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	rc, err := Decompress(io.NopCloser(bytes.NewReader(zstdWindowed(t, text, 23))), "ok.zst")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, text) {
		t.Fatalf("read: got %d bytes, error %v; want %d bytes", len(got), err, len(text))
	}
	if zstdBudget.left != MaxZstdWindow {
		t.Errorf("after Close: %d bytes of the budget left, want %d", zstdBudget.left, MaxZstdWindow)
	}
}

// TestZstdBudget: windows of regular files read at once stay within the
// budget (a second file waits for the first); a pipe never waits.
func TestZstdBudget(t *testing.T) {
	b := budget{left: 128}
	b.acquire(100, true)
	done := make(chan struct{})
	go func() {
		b.acquire(100, true)
		close(done)
	}()
	for range 100 {
		runtime.Gosched()
	}
	select {
	case <-done:
		t.Fatal("a second file of 100 went past a budget of 128 with 100 held")
	default:
	}
	b.release(100, true)
	<-done
	b.release(100, true)
	if b.left != 128 || b.files != 0 {
		t.Fatalf("got %d left and %d files, want 128 and 0", b.left, b.files)
	}

	b.acquire(100, false) // a pipe kept open: files never wait for it
	b.acquire(100, true)
	b.release(100, true)
	b.release(100, false)
}
