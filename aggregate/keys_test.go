package aggregate

import (
	"errors"
	"fmt"
	"testing"
)

// TestMaxKeys checks the cap on distinct worker keys, in one partial and
// over merged partials that are each under it.
func TestMaxKeys(t *testing.T) {
	feedKeys := func(p *Partial, from, n int) {
		for i := range n {
			rec := line(fmt.Sprint(from+i), 0, 1, 200)
			p.Add(&rec)
		}
	}
	p := NewPartial(nil)
	p.SetMaxKeys(3)
	feedKeys(p, 0, 3)
	if err := p.KeysError(); err != nil {
		t.Fatalf("3 keys of 3: got %v, want nil", err)
	}
	feedKeys(p, 0, 3) // the same keys again
	if err := p.KeysError(); err != nil {
		t.Fatalf("the same 3 keys again: got %v, want nil", err)
	}
	feedKeys(p, 3, 1)
	var many *TooManyKeysError
	if err := p.KeysError(); !errors.As(err, &many) || many.Max != 3 {
		t.Fatalf("4 keys of 3: got %v, want a TooManyKeysError of 3", err)
	}
	if len(p.workers) != 3 {
		t.Errorf("got %d workers kept, want 3", len(p.workers))
	}

	a, b := NewPartial(nil), NewPartial(nil)
	a.SetMaxKeys(3)
	b.SetMaxKeys(3)
	feedKeys(a, 0, 2)
	feedKeys(b, 2, 2)
	a.Merge(b)
	if err := a.KeysError(); !errors.As(err, &many) {
		t.Fatalf("2 + 2 keys of 3 merged: got %v, want a TooManyKeysError", err)
	}
}
