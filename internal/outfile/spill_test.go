package outfile

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestSpillWriter: output up to SpillAt is held until Close (and dropped
// when the run is interrupted first); past it, it goes out as it comes, and
// an interrupt stops the writes.
func TestSpillWriter(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	s := NewSpill(ctx, &out)
	s.Write([]byte("small"))
	if out.Len() != 0 {
		t.Fatalf("got %d bytes out before Close, want 0", out.Len())
	}
	cancel()
	if err := s.Close(); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Fatalf("interrupted: got %v and %d bytes out, want context.Canceled and nothing", err, out.Len())
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	s = NewSpill(ctx, &out)
	big := strings.Repeat("x", 1<<20)
	for range SpillAt>>20 + 2 {
		if _, err := s.Write([]byte(big)); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() < SpillAt {
		t.Fatalf("got %d bytes out past SpillAt, want at least %d", out.Len(), SpillAt)
	}
	if s.buf.Cap() > 0 {
		t.Errorf("still holding %d bytes after spilling", s.buf.Cap())
	}
	cancel()
	if _, err := s.Write([]byte("more")); !errors.Is(err, context.Canceled) {
		t.Errorf("write after interrupt: got %v, want context.Canceled", err)
	}
}
