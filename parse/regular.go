package parse

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxConfSize is the largest nginx configuration file read, each include
// apart: real ones are a few KiB.
const MaxConfSize = 1 << 20

// MaxBaselineSize is the largest baseline report read: a report of 100000
// workers is about 40 MiB.
const MaxBaselineSize = 64 << 20

// NotRegularError is a file read whole (a configuration, a baseline) that
// is not a regular file: a FIFO would block, a device never end.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch t := e.Mode.Type(); {
	case t&fs.ModeDir != 0:
		what = "a folder"
	case t&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case t&fs.ModeCharDevice != 0:
		what = "a character device"
	case t&fs.ModeDevice != 0:
		what = "a block device"
	case t&fs.ModeSocket != 0:
		what = "a socket"
	}
	if what != "not a regular file" {
		what += ", not a regular file"
	}
	return fmt.Sprintf("%s: %s", e.Path, what)
}

// TooLargeError is a file read whole that is larger than its cap.
type TooLargeError struct {
	Path string
	Max  int64 // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %d MiB", e.Path, e.Max>>20)
}

// ReadRegular reads the regular file at path whole, following symbolic
// links. Anything else is a *NotRegularError, found before the file is
// opened (opening a FIFO waits for a writer); a file over max bytes is a
// *TooLargeError.
func ReadRegular(path string, max int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: info.Mode()}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: info.Mode()} // swapped since
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Max: max}
	}
	return data, nil
}
