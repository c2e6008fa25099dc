package check

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// OpenError is a thresholds or baseline file that could not be read; the
// command names its flag before it.
type OpenError struct{ Err error }

func (e *OpenError) Error() string { return e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// readSmall reads a file of at most max bytes whole, as a regular file only
// (a FIFO would block, a device never end).
func readSmall(path string, max int64) ([]byte, error) {
	data, err := parse.ReadRegular(path, max)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	if err != nil {
		return nil, &OpenError{err}
	}
	return data, nil
}

// LoadFile reads the conditions of the thresholds file path (ParseFile).
func LoadFile(path string) ([]Threshold, error) {
	data, err := readSmall(path, parse.MaxConfSize)
	if err != nil {
		return nil, err
	}
	return ParseFile(bytes.NewReader(data), path)
}

// LoadBaseline reads the baseline report in the file path (ReadBaseline).
func LoadBaseline(path string) (*aggregate.Report, error) {
	data, err := readSmall(path, parse.MaxBaselineSize)
	if err != nil {
		return nil, err
	}
	return ReadBaseline(bytes.NewReader(data), path)
}
