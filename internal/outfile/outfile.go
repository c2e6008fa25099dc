// Package outfile writes the files and streams a command's output goes to:
// output files named on the command line (symlinks followed, FIFOs written
// in place, regular files replaced whole), files appended to, and standard
// output held back until a run is known to have finished.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Write writes an output file named on the command line. Symlinks are
// followed to the file they name. A regular file, or none, is replaced
// whole or not at all (a temporary file renamed onto it); a FIFO or
// character device is written directly, never replaced; anything else (a
// directory, a socket, a block device) is refused.
func Write(path string, data []byte) error {
	target, fi, err := resolve(path)
	if err != nil {
		return err
	}
	switch {
	case fi == nil || fi.Mode().IsRegular():
		return writeAtomic(target, path, data)
	case fi.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) != 0:
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", path, Cause(err))
		}
		return writeClose(f, path, data)
	case fi.IsDir():
		return fmt.Errorf("%s: is a directory", path)
	}
	return fmt.Errorf("%s: not a regular file, FIFO or character device (%s)", path, fi.Mode().Type())
}

// Append appends data to the file path, created if missing.
func Append(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", path, Cause(err))
	}
	return writeClose(f, path, data)
}

// writeClose writes data to f and closes it; name is for messages.
func writeClose(f *os.File, name string, data []byte) error {
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("%s: %w", name, Cause(werr))
	}
	return nil
}

// resolve follows the symlinks of path to the file they name, which may not
// exist yet (fi nil).
func resolve(path string) (target string, fi os.FileInfo, err error) {
	target = path
	for range 40 {
		fi, err = os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil, nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", path, Cause(err))
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return target, fi, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", path, Cause(err))
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(target), link)
		}
		target = link
	}
	return "", nil, fmt.Errorf("%s: %w", path, syscall.ELOOP)
}

// writeAtomic writes the regular file path whole or not at all; name is the
// path as the user gave it, for messages.
func writeAtomic(path, name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		// Name the file asked for, not the temporary one beside it.
		return fmt.Errorf("%s: %w", name, Cause(err))
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, Cause(err))
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, Cause(err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		var le *os.LinkError
		if errors.As(err, &le) {
			return fmt.Errorf("%s: %w", name, le.Err)
		}
		return err
	}
	return nil
}

// Cause drops the "open NAME" of an *fs.PathError, whose name the message
// already gives.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Stream is where a stream of output goes: a file opened for appending, or
// a writer given (standard output).
type Stream struct {
	W    io.Writer
	Name string   // for messages
	file *os.File // nil for the writer given
}

// OpenAppend opens path for appending, created if missing; "" is std,
// named stdName.
func OpenAppend(path string, std io.Writer, stdName string) (*Stream, error) {
	if path == "" {
		return &Stream{W: std, Name: stdName}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, Cause(err))
	}
	return &Stream{W: f, Name: path, file: f}, nil
}

// Close closes the file; a second Close does nothing.
func (s *Stream) Close() error {
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", s.Name, Cause(err))
	}
	return nil
}
