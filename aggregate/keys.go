package aggregate

import "fmt"

// DefaultMaxKeys is the most distinct worker keys a run accepts unless told
// otherwise: a real pre-fork server has at most thousands of workers, and a
// key field that is not a worker (a client address, a request id) would
// otherwise grow a row per line.
const DefaultMaxKeys = 100_000

// TooManyKeysError is a run with more than Max distinct worker keys.
type TooManyKeysError struct {
	Max int
}

func (e *TooManyKeysError) Error() string {
	return fmt.Sprintf("more than %d distinct worker keys", e.Max)
}

// SetMaxKeys makes the partial stop taking new worker keys past n (0: no
// limit); see KeysError. Call before Add.
func (p *Partial) SetMaxKeys(n int) {
	p.maxKeys = n
}

// KeysError is a *TooManyKeysError once the partial has been given more
// than its maximum of distinct worker keys, else nil. Records of keys past
// the maximum are counted as parsed but not accounted to any worker: a
// reader stops at the error.
func (p *Partial) KeysError() error {
	if p.maxKeys > 0 && (p.overKeys || len(p.workers) > p.maxKeys) {
		return &TooManyKeysError{Max: p.maxKeys}
	}
	return nil
}
